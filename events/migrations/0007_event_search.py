"""Full-text search: a search document per event, kept by triggers (see events/search.py)."""

from django.db import migrations


def install(apps, schema_editor):
    from events import search

    search.install(schema_editor)


def uninstall(apps, schema_editor):
    from events import search

    search.uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("events", "0006_external_records")]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
