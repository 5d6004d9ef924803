"""Ingestion's notes on a proposal get a field of their own, moved out of the summary."""

from django.db import migrations, models

# The lines article ingestion wrote at the top of a proposal's summary.
NOTE_PREFIX = "Proposed by article ingestion from "
NOTE_LINE_STARTS = ("Date: ", "Place: ", "Type: ", "Planned or announced:")


def split_summary(summary: str) -> tuple[str, str]:
    """(the editor's summary, ingestion's note): the note is the block of machine lines at the
    top; whatever an editor wrote after them stays in the summary."""
    if not summary.startswith(NOTE_PREFIX):
        return summary, ""
    lines = summary.split("\n")
    machine = 1
    while machine < len(lines) and lines[machine].startswith(NOTE_LINE_STARTS):
        machine += 1
    return "\n".join(lines[machine:]).strip(), "\n".join(lines[:machine])


# The column is added in place on every database: Django would rebuild events_event on SQLite
# for it, which the full-text search view over that table does not survive (see 0008).
ADD_COLUMN = 'ALTER TABLE "events_event" ADD COLUMN "proposal_note" text DEFAULT \'\' NOT NULL'


def add_note_column(apps, schema_editor):
    schema_editor.execute(ADD_COLUMN)


def drop_note_column(apps, schema_editor):
    schema_editor.execute('ALTER TABLE "events_event" DROP COLUMN "proposal_note"')


def move_notes(apps, schema_editor):
    Event = apps.get_model("events", "Event")
    moved = []
    for event in Event.objects.filter(summary__startswith=NOTE_PREFIX).only("id", "summary"):
        event.summary, event.proposal_note = split_summary(event.summary)
        moved.append(event)
    Event.objects.bulk_update(moved, ["summary", "proposal_note"], batch_size=500)


def put_notes_back(apps, schema_editor):
    Event = apps.get_model("events", "Event")
    back = []
    for event in Event.objects.exclude(proposal_note="").only("id", "summary", "proposal_note"):
        event.summary = "\n".join(part for part in (event.proposal_note, event.summary) if part)
        back.append(event)
    Event.objects.bulk_update(back, ["summary"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("events", "0013_normalise_stored_newlines")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="event",
                    name="proposal_note",
                    field=models.TextField(
                        blank=True,
                        db_default="",
                        default="",
                        editable=False,
                        help_text="How article ingestion read this proposal; shown to editors "
                        "only.",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(add_note_column, drop_note_column)],
        ),
        migrations.AddField(
            model_name="historicalevent",
            name="proposal_note",
            field=models.TextField(
                blank=True,
                db_default="",
                default="",
                editable=False,
                help_text="How article ingestion read this proposal; shown to editors only.",
            ),
        ),
        migrations.RunPython(move_notes, put_notes_back, elidable=False),
    ]
