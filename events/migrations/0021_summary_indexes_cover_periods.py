"""The summaries' covering indexes carry the bounds, so a period's summary reads them alone."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0020_event_dyads"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="event",
            name="events_event_tally_place_idx",
        ),
        migrations.RemoveIndex(
            model_name="event",
            name="events_event_tally_type_idx",
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(
                fields=[
                    "status",
                    "location",
                    "fatalities_best",
                    "fatalities_low",
                    "fatalities_high",
                    "date_earliest",
                    "date_latest",
                ],
                name="events_event_tally_place_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(
                fields=[
                    "status",
                    "type",
                    "fatalities_best",
                    "fatalities_low",
                    "fatalities_high",
                    "date_earliest",
                    "date_latest",
                ],
                name="events_event_tally_type_idx",
            ),
        ),
    ]
