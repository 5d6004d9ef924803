"""A version on events, actors, places, articles and types (and their history): what ETags and
forms compare."""

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

TABLES = ["actor", "article", "event", "eventtype", "location"]
TABLES += [f"historical{name}" for name in TABLES]


def _version_field(model) -> models.Field:
    field = models.PositiveIntegerField(default=1, db_default=1, editable=False)
    field.set_attributes_from_name("version")
    field.model = model
    return field


def add_versions(apps, schema_editor):
    # SQLite can add a NOT NULL column with a constant default in place; Django would rebuild
    # each table instead, which a view over events (the search documents) does not survive.
    add = (
        BaseDatabaseSchemaEditor.add_field
        if schema_editor.connection.vendor == "sqlite"
        else type(schema_editor).add_field
    )
    for name in TABLES:
        model = apps.get_model("events", name)
        add(schema_editor, model, _version_field(model))


def remove_versions(apps, schema_editor):
    for name in TABLES:
        model = apps.get_model("events", name)
        table = schema_editor.quote_name(model._meta.db_table)
        schema_editor.execute(
            f"ALTER TABLE {table} DROP COLUMN {schema_editor.quote_name('version')}"
        )


class Migration(migrations.Migration):
    dependencies = [("events", "0011_faster_search_documents")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name=name,
                    name="version",
                    field=models.PositiveIntegerField(
                        db_default=1,
                        default=1,
                        editable=False,
                        help_text="Moves on by one with every save: what an ETag or a form's "
                        "version compares.",
                    ),
                )
                for name in TABLES
            ],
            database_operations=[migrations.RunPython(add_versions, remove_versions)],
        )
    ]
