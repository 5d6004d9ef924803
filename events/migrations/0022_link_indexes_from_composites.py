"""Links lose their single-column event and actor indexes: the unique (event, actor, role) and
the chronology (actor, …) indexes lead with those columns and serve the same lookups."""

import django.db.models.deletion
from django.db import migrations, models

# Dropped by name rather than by AlterField, which on SQLite would copy the whole links table
# (and with it lose the triggers until migrate's end puts them back). Django names a foreign
# key's index the same way on both databases.
INDEXES = {
    "events_eventactor_event_id_eed80323": "event_id",
    "events_eventactor_actor_id_f9311c5a": "actor_id",
}


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0021_summary_indexes_cover_periods"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="eventactor",
                    name="actor",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="event_links",
                        to="events.actor",
                    ),
                ),
                migrations.AlterField(
                    model_name="eventactor",
                    name="event",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="actor_links",
                        to="events.event",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{name}"',
                    reverse_sql=f'CREATE INDEX "{name}" ON "events_eventactor" ("{column}")',
                )
                for name, column in INDEXES.items()
            ],
        ),
    ]
