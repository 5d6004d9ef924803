"""The event tables' secondary indexes set aside for a bulk load and built once at its end."""

# An import writes each event into the twelve indexes of events_event, the seven of its history
# table, the chronology index of its actor links and those of its stub article, citation and
# record, each at a random place; building an index once from the finished table costs about a
# third of that (measured with sqlite3 on 100,000 events and 300,000 links: 9.1 CPU s with the
# indexes kept, 3.3 + 1.6 to build them after). Only non-unique indexes go: unique ones keep
# refusing duplicates, and those on event_id (for the links, their unique index, which leads
# with it) serve the import's own deletes (an updated event's links) and the rebuild of the
# trigger-kept features. Readers meanwhile get the same answers, more slowly. Should the process
# die first, the next import or migrate builds what is missing (restore).
# The opposing pairs' chronology index goes too: the pairs are rebuilt from every link when the
# features come back, and inserting them into a table without it, then building it in one pass,
# costs about a quarter less (0.85 CPU s instead of 1.13 for 350,000 pairs).

from django.db import connections

KEPT_COLUMNS = ('"event_id"',)
# The public freshness probe (events.api.caching) reads this one on every request, during an
# import too: without it, each request walks the drafts the import writes. Kept: history ids
# ascend, so each entry lands at the end of its status's range, the cheapest insert there is.
KEPT_INDEXES = frozenset({"events_hevent_published_idx"})
# Tables a trigger-kept feature fills from the others: their indexes are built after the
# features' rebuild (restore(derived=False) before it), which reads none of them.
DERIVED_TABLES = frozenset({"events_eventdyad"})


def _models():
    from events.models import Article, Event, EventActor, EventDyad, EventSource, ExternalRecord

    return (Event, Event.history.model, EventActor, EventSource, Article, ExternalRecord, EventDyad)


def statements(connection) -> dict[str, tuple[str, str]]:
    """{index name: (table, CREATE INDEX statement)} of the indexes a bulk load sets aside,
    as the models declare them (Django names them the same way each time)."""
    editor = connection.schema_editor(collect_sql=True)
    found = {}
    for model in _models():
        for statement in editor._model_indexes_sql(model):
            parts = statement.parts
            name = str(parts["name"]).strip('"')
            if str(parts.get("columns", "")) in KEPT_COLUMNS or name in KEPT_INDEXES:
                continue
            found[name] = (model._meta.db_table, str(statement))
    return found


def _present(connection, tables: set[str]) -> set[str]:
    """The names of the tables' indexes, in one query (every import of a large file asks)."""
    marks = ", ".join(["%s"] * len(tables))
    if connection.vendor == "sqlite":
        sql = f"SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ({marks})"
    else:
        sql = (
            "SELECT indexname FROM pg_indexes "
            f"WHERE schemaname = current_schema() AND tablename IN ({marks})"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, sorted(tables))
        return {name for (name,) in cursor.fetchall()}


def _settle(connection) -> None:
    """PostgreSQL refuses to create or drop an index of a table with deferred foreign-key
    checks pending in the transaction (an all-or-nothing import, or rows just written in it):
    run them now, as the commit would."""
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        connection.check_constraints()


def set_aside(using: str = "default") -> list[str]:
    """Drop the indexes (those there); their names."""
    connection = connections[using]
    wanted = statements(connection)
    present = _present(connection, {table for table, _ in wanted.values()})
    dropped = [name for name in wanted if name in present]
    _settle(connection)
    with connection.cursor() as cursor:
        for name in dropped:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    return dropped


def restore(using: str = "default", *, derived: bool = True) -> list[str]:
    """Build the indexes that are missing, each in one pass over its table; their names.
    derived=False leaves those of DERIVED_TABLES, for after the features' rebuild."""
    connection = connections[using]
    wanted = statements(connection)
    present = _present(connection, {table for table, _ in wanted.values()})
    built = [
        name
        for name, (table, _) in wanted.items()
        if name not in present and (derived or table not in DERIVED_TABLES)
    ]
    if built:
        _settle(connection)
    with connection.cursor() as cursor:
        for name in built:
            cursor.execute(wanted[name][1])
    return built
