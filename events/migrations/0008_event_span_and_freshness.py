"""Event.date_span_days (a generated column with its index) and the freshness index."""

from django.db import migrations, models

import events.querysets

# SQLite cannot ADD a STORED generated column, and Django would rebuild the whole table for
# one (dropping the search triggers of 0007 with it); a VIRTUAL column reads the same and its
# index is stored, so SQLite gets that. PostgreSQL (before 18) only has STORED ones.
SPAN_SQL = {
    "sqlite": (
        'ALTER TABLE "events_event" ADD COLUMN "date_span_days" integer GENERATED ALWAYS AS '
        '(CAST(julianday("date_latest") - julianday("date_earliest") AS INTEGER)) VIRTUAL'
    ),
    "postgresql": (
        'ALTER TABLE "events_event" ADD COLUMN "date_span_days" integer GENERATED ALWAYS AS '
        '("date_latest" - "date_earliest") STORED'
    ),
}


def add_span(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor in SPAN_SQL:
        schema_editor.execute(SPAN_SQL[vendor])
    else:
        schema_editor.add_field(
            apps.get_model("events", "Event"),
            apps.get_model("events", "Event")._meta.get_field("date_span_days"),
        )


def drop_span(apps, schema_editor):
    schema_editor.execute('ALTER TABLE "events_event" DROP COLUMN "date_span_days"')


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0007_event_search"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="event",
                    name="date_span_days",
                    field=models.GeneratedField(
                        db_persist=True,
                        expression=events.querysets.DaysBetween("date_earliest", "date_latest"),
                        help_text="Days from the earliest to the latest possible day "
                        "(0 for one day).",
                        output_field=models.IntegerField(),
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(add_span, drop_span)],
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(fields=["status", "updated"], name="events_event_fresh_idx"),
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(fields=["date_span_days"], name="events_event_span_idx"),
        ),
    ]
