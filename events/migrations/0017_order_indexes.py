"""Indexes for the chronology's orders: by last update (id added) and by fatalities."""

from django.db import migrations, models

import events.querysets


class Migration(migrations.Migration):
    dependencies = [("events", "0016_link_bounds_by_triggers")]

    # Plain CREATE INDEX and DROP INDEX on both databases: no table is rebuilt, so the
    # events table's triggers (0016, events.triggers) stand throughout.
    operations = [
        migrations.RemoveIndex(model_name="event", name="events_event_fresh_idx"),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(fields=["status", "updated", "id"], name="events_event_fresh_idx"),
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(
                models.F("status"),
                events.querysets.FatalitiesOr(unknown=-1),
                models.F("date_earliest"),
                models.F("date_latest"),
                models.F("id"),
                name="events_event_deadliest_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(
                models.F("status"),
                events.querysets.FatalitiesOr(unknown=2147483647),
                models.F("date_earliest"),
                models.F("date_latest"),
                models.F("id"),
                name="events_event_fewest_idx",
            ),
        ),
    ]
