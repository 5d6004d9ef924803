"""Published events counted per type, place, actor and article, kept by triggers (see
events/published_counts.py)."""

from django.db import migrations, models


def install(apps, schema_editor):
    from events import published_counts
    from events.triggers import install_feature

    install_feature(published_counts, schema_editor.connection)


def uninstall(apps, schema_editor):
    from events import published_counts
    from events.triggers import uninstall_feature

    uninstall_feature(published_counts, schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0018_summary_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="PublishedCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("type", "Type"),
                            ("place", "Place"),
                            ("actor", "Actor"),
                            ("article", "Article"),
                        ],
                        max_length=7,
                    ),
                ),
                ("subject_id", models.BigIntegerField()),
                ("events", models.PositiveIntegerField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("kind", "subject_id"), name="events_publishedcount_subject_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(install, uninstall, elidable=False),
    ]
