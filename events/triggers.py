"""The features database triggers keep: installed by migrations, put back after a table
rebuild dropped them, and set aside during a bulk load.

Two features live in triggers: the full-text index (events.search) and the published day pairs
(events.daypairs). On SQLite, Django applies many schema changes by copying a table into a new
one and dropping the old, and the triggers go with the old table: writes would then silently
stop reaching the index and the counts. After every migrate, a missing trigger is reinstalled
here, with its table rebuilt from the events, once the migration that first installed it has
been applied.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections
from django.db.migrations.recorder import MigrationRecorder

from events import daypairs, search

# Each feature and the migration that installs it.
FEATURES = (
    (search, "0007_event_search"),
    (daypairs, "0010_published_day_pairs"),
)


def install_feature(feature, connection) -> None:
    """Run a feature's install statements (its STATEMENTS for this database): its tables and
    triggers, and its rows built from the events."""
    _run(connection, feature.STATEMENTS[connection.vendor][0])


def uninstall_feature(feature, connection) -> None:
    _run(connection, feature.STATEMENTS[connection.vendor][1])


def _run(connection, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            # No parameters: the statements' own % signs are not placeholders.
            cursor.execute(sql, None)


def present_triggers(connection) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        return {name for (name,) in cursor.fetchall()}


def _installed(connection) -> list:
    """The features whose migration has been applied."""
    applied = MigrationRecorder(connection).applied_migrations()
    return [feature for feature, migration in FEATURES if ("events", migration) in applied]


def restore_triggers(using: str = "default") -> list[str]:
    """Reinstall every installed feature whose triggers are not all there; their names."""
    connection = connections[using]
    present = present_triggers(connection)
    restored = []
    for feature in _installed(connection):
        if set(feature.TRIGGERS[connection.vendor]) <= present:
            continue
        uninstall_feature(feature, connection)
        install_feature(feature, connection)
        restored.append(feature.__name__)
    return restored


def restore_after_migrate(sender, using="default", verbosity=1, **kwargs) -> None:
    for name in restore_triggers(using):
        if verbosity:
            print(f"  Restored the triggers of {name} (a table rebuild had dropped them).")


@contextmanager
def set_aside(using: str = "default") -> Iterator[None]:
    """Drop the trigger-kept features for a bulk load, and build them once, from every event,
    when it ends (however it ends).

    One set-based build costs a fraction of a trigger run per inserted row: on PostgreSQL the
    full-text triggers re-index an event as each of its sources arrives. Writes by other
    connections meanwhile are indexed and counted by the final build too, since it reads the
    tables as they then are. Should the process die first, the next migrate puts them back.
    """
    connection = connections[using]
    features = _installed(connection)
    for feature in features:
        uninstall_feature(feature, connection)
    try:
        yield
    finally:
        for feature in features:
            install_feature(feature, connection)
