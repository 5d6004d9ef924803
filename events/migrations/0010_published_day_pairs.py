"""Published events counted per pair of bounds, kept by triggers (see events/daypairs.py)."""

from django.db import migrations, models


def install(apps, schema_editor):
    from events import daypairs
    from events.triggers import install_feature

    install_feature(daypairs, schema_editor.connection)


def uninstall(apps, schema_editor):
    from events import daypairs
    from events.triggers import uninstall_feature

    uninstall_feature(daypairs, schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("events", "0009_place_and_precision_indexes")]

    operations = [
        migrations.CreateModel(
            name="PublishedDayPair",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("date_earliest", models.DateField()),
                ("date_latest", models.DateField()),
                ("events", models.PositiveIntegerField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("date_earliest", "date_latest"),
                        name="events_daypair_bounds_unique",
                    )
                ],
            },
        ),
        migrations.RunPython(install, uninstall, elidable=False),
    ]
