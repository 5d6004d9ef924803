"""Each event's CSV pieces from its links and citations, kept by triggers (events/export_pieces.py)."""

from django.db import migrations, models


def install(apps, schema_editor):
    from events import export_pieces
    from events.triggers import install_feature

    install_feature(export_pieces, schema_editor.connection)


def uninstall(apps, schema_editor):
    from events import export_pieces
    from events.triggers import uninstall_feature

    uninstall_feature(export_pieces, schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0025_commit_counter"),
    ]

    operations = [
        migrations.CreateModel(
            name="ExportPieces",
            fields=[
                ("event_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("actor_columns", models.TextField(null=True)),
                ("actors", models.TextField(null=True)),
                ("source", models.TextField(null=True)),
                ("source_claims", models.TextField(null=True)),
            ],
            options={
                "verbose_name": "event's export pieces",
                "verbose_name_plural": "events' export pieces",
            },
        ),
        migrations.RunPython(install, uninstall, elidable=False),
    ]
