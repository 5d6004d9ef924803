"""The actor links' copy of their event's bounds, kept by triggers (see events/link_bounds.py)."""

import datetime

from django.db import migrations, models


def install(apps, schema_editor):
    from events import link_bounds
    from events.triggers import install_feature, uninstall_feature

    # Whatever a database migrated under this migration's earlier number holds goes first.
    uninstall_feature(link_bounds, schema_editor.connection)
    install_feature(link_bounds, schema_editor.connection)


def uninstall(apps, schema_editor):
    from events import link_bounds
    from events.triggers import uninstall_feature

    uninstall_feature(link_bounds, schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("events", "0015_interchange_rows")]

    operations = [
        migrations.AlterField(
            model_name="eventactor",
            name="date_earliest",
            field=models.DateField(blank=True, db_default=datetime.date(1, 1, 1), editable=False),
        ),
        migrations.AlterField(
            model_name="eventactor",
            name="date_latest",
            field=models.DateField(blank=True, db_default=datetime.date(1, 1, 1), editable=False),
        ),
        migrations.RunPython(install, uninstall, elidable=False),
    ]
