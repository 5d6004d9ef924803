"""The features database triggers keep: installed by migrations, put back after a table
rebuild dropped them, and set aside during a bulk load.

Six features live in triggers: the full-text index (events.search), the published day pairs
(events.daypairs), the actor links' copy of their event's bounds (events.link_bounds), the
published events counted per type, place, actor and article (events.published_counts),
each event's opposing actor pairs (events.dyads) and each event's CSV pieces from its links
and citations (events.export_pieces).
Derived data is kept one way, by the database, because bulk inserts and raw SQL (importers,
generate_events, a fix by hand) never pass through a model's save(), and a trigger cannot be
forgotten by a new write path.

On SQLite, Django applies many schema changes by copying a table into a new one, dropping the
old and renaming the copy: the triggers go with the old table, and a view or a trigger on
another table that reads the renamed one (the search index's, the link copies') makes the
rename fail. So on SQLite no feature stands while the events app's migrations run: those
installed are set aside before, those the migrations install wait (see search.install too),
and after every migrate each feature whose migration has been applied and whose triggers are
not all there is installed, with its table rebuilt from the events.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

from events import (
    bulk_indexes,
    daypairs,
    dyads,
    export_pieces,
    link_bounds,
    published_counts,
    search,
)

# Each feature and the migration that installs it, by its name without its number (merging
# branches renumbers migrations).
FEATURES = (
    (search, "event_search"),
    (daypairs, "published_day_pairs"),
    (link_bounds, "link_bounds_by_triggers"),
    (published_counts, "published_counts"),
    (dyads, "event_dyads"),
    (export_pieces, "export_pieces"),
)


# The SQLite connections (aliases) whose migrations are running: features wait for them to end.
_MIGRATING: set[str] = set()


def install_feature(feature, connection) -> None:
    """Run a feature's install statements (its STATEMENTS for this database): its tables and
    triggers, and its rows built from the events. While migrations run on SQLite, it waits
    for restore_after_migrate."""
    if connection.alias in _MIGRATING:
        return
    _run(connection, feature.STATEMENTS[connection.vendor][0])


def uninstall_feature(feature, connection) -> None:
    _run(connection, feature.STATEMENTS[connection.vendor][1])


def _run(connection, statements: list[str]) -> None:
    # All or nothing, and in one transaction: a rebuild outside one (an import in autocommit)
    # would otherwise show readers empty tables between its DELETE and its INSERTs, and a
    # writer's trigger firing in that gap could make the rebuild fail half-done.
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
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
    applied = {
        name.split("_", 1)[-1]
        for app, name in MigrationRecorder(connection).applied_migrations()
        if app == "events"
    }
    return [feature for feature, migration in FEATURES if migration in applied]


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


def set_aside_before_migrate(sender, using="default", plan=None, **kwargs) -> None:
    """On SQLite, drop the installed features before migrations of this app run, and hold back
    those they install (see the module's docstring); restore_after_migrate builds them."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return  # PostgreSQL alters a table in place: its triggers and views stay.
    if any(migration.app_label == "events" for migration, _ in plan or ()):
        for feature in _installed(connection):
            uninstall_feature(feature, connection)
        _MIGRATING.add(using)


def restore_after_migrate(sender, using="default", verbosity=1, **kwargs) -> None:
    _MIGRATING.discard(using)
    executor = MigrationExecutor(connections[using])
    # Only once every migration is applied: before, the models may declare an index that a
    # migration still to run creates.
    fully_migrated = not executor.migration_plan(executor.loader.graph.leaf_nodes())
    for name in bulk_indexes.restore(using) if fully_migrated else []:
        if verbosity:
            print(f"  Built the index {name} (set aside by a bulk load that did not finish).")
    for name in restore_triggers(using):
        if verbosity:
            print(f"  Rebuilt {name} and its triggers (set aside for the migrations).")


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
