"""After every migrate, put back the database triggers a table rebuild has dropped.

Two features live in triggers: the full-text index (events.search) and the published day pairs
(events.daypairs). On SQLite, Django applies many schema changes by copying a table into a new
one and dropping the old, and the triggers go with the old table: writes would then silently
stop reaching the index and the counts. A missing trigger is reinstalled here, with its table
rebuilt from the events, as soon as the migration that first installed it has been applied.
"""

from django.db import connections
from django.db.migrations.recorder import MigrationRecorder

from events import daypairs, search

# Each feature and the migration that installs it.
FEATURES = (
    (search, "0007_event_search"),
    (daypairs, "0010_published_day_pairs"),
)


def install_feature(feature, schema_editor) -> None:
    """Run a feature's install statements (its STATEMENTS for this database)."""
    for sql in feature.STATEMENTS[schema_editor.connection.vendor][0]:
        schema_editor.execute(sql, params=None)


def uninstall_feature(feature, schema_editor) -> None:
    for sql in feature.STATEMENTS[schema_editor.connection.vendor][1]:
        schema_editor.execute(sql, params=None)


def present_triggers(connection) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        return {name for (name,) in cursor.fetchall()}


def restore_triggers(using: str = "default") -> list[str]:
    """Reinstall every installed feature whose triggers are not all there; their names."""
    connection = connections[using]
    applied = MigrationRecorder(connection).applied_migrations()
    present = present_triggers(connection)
    restored = []
    for feature, migration in FEATURES:
        if ("events", migration) not in applied:
            continue
        if set(feature.TRIGGERS[connection.vendor]) <= present:
            continue
        with connection.schema_editor() as editor:
            uninstall_feature(feature, editor)
            install_feature(feature, editor)
        restored.append(feature.__name__)
    return restored


def restore_after_migrate(sender, using="default", verbosity=1, **kwargs) -> None:
    for name in restore_triggers(using):
        if verbosity:
            print(f"  Restored the triggers of {name} (a table rebuild had dropped them).")
