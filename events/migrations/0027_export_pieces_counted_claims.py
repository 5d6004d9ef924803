"""The export pieces' claims numbered by a count in SQLite (csv_sql.Dialect.cited): the feature
reinstalled, its rows rebuilt from the new SQL (the texts are the same)."""

from django.db import migrations


def reinstall(apps, schema_editor):
    from events import export_pieces
    from events.triggers import install_feature, uninstall_feature

    uninstall_feature(export_pieces, schema_editor.connection)
    install_feature(export_pieces, schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0026_export_pieces"),
    ]

    operations = [
        migrations.RunPython(reinstall, reinstall, elidable=False),
    ]
