"""Each event's opposing actor pairs, kept by triggers (see events/dyads.py)."""

from django.db import migrations, models


def install(apps, schema_editor):
    from events import dyads
    from events.triggers import install_feature

    install_feature(dyads, schema_editor.connection)


def uninstall(apps, schema_editor):
    from events import dyads
    from events.triggers import uninstall_feature

    uninstall_feature(dyads, schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0019_published_counts"),
    ]

    operations = [
        migrations.CreateModel(
            name="EventDyad",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "event_id",
                        "actor_id",
                        "opponent_id",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("event_id", models.BigIntegerField()),
                ("actor_id", models.BigIntegerField()),
                ("opponent_id", models.BigIntegerField()),
                ("date_earliest", models.DateField()),
                ("date_latest", models.DateField()),
            ],
            options={
                "verbose_name": "event dyad",
                "indexes": [
                    models.Index(
                        fields=[
                            "actor_id",
                            "opponent_id",
                            "date_earliest",
                            "date_latest",
                            "event_id",
                        ],
                        name="events_eventdyad_chrono_idx",
                    )
                ],
            },
        ),
        migrations.RunPython(install, uninstall, elidable=False),
    ]
