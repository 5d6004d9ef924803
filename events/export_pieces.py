"""Each event's CSV pieces from its links and citations (events_exportpieces), kept by triggers.

The CSV export's statement (events/formats/csv_sql.py) writes an event's actor columns and its
source columns from its links and citations: the citation order (no index gives it), the
numbering, the credits and each claim's JSON, and the actors' slots, cost three quarters of the
statement at every export. events_exportpieces keeps those two texts per event, as the
statement's own SQL writes them (csv_sql.stored_sql: the expressions csv_layout.CSV_SQL
declares), so the export reads one row per event by its primary key.

Triggers rewrite an event's text whenever what it is made of changes: a link or a citation
inserted, changed or deleted, an actor renamed, a cited article edited; an event inserted gets
its row (with its texts: a raw load may write its links first), an event deleted loses it. An
actor renamed rewrites every event that names it (a probe of its links, then one event's
aggregate each). Bulk loads set the triggers aside with the others (events.triggers.set_aside)
and rebuild every row once at the end. A row the export does not find reads as NULL and sends
the event to csv_row: slower, never wrong.

The statements are built from csv_sql when first asked for (module attributes STATEMENTS and
TRIGGERS), not at import: events.triggers imports this module before the formats exist. A change
to the pieces' SQL ships with a migration that reinstalls this feature, which rebuilds the rows.
"""

import functools
import hashlib

TABLE = "events_exportpieces"
# The pieces' SQL (digest()) the stored rows were last built from, and the migration that built
# them. A change to the SQL (csv_layout.CSV_SQL's Parts, csv_sql.Dialect) leaves every row
# written before it stale: it ships with a migration that reinstalls this feature (which
# rebuilds the rows), named here with the new digest (tests/test_export_pieces.py checks).
BUILT_BY = ("0026_export_pieces", "739db89be430633d")
LINKS, SOURCES = "events_eventactor", "events_eventsource"
VENDORS = ("sqlite", "postgresql")

# What each stored text reads, beside the event's links or citations themselves: the table it
# hangs on, the columns whose change rewrites it, and the parent row whose edit does (the
# actor's name, the article's fields), with the link column that names that parent.
_READS = {
    "actors": (LINKS, ("event_id", "actor_id", "role"), "events_actor", ("name",), "actor_id"),
    "sources": (
        SOURCES,
        ("event_id", "article_id", "excerpt", "excerpt_start", "attributed_to", "date_phrase"),
        "events_article",
        ("title", "outlet", "original_agency", "url", "publication_date"),
        "article_id",
    ),
}


def _texts(vendor: str) -> dict[str, str]:
    from events.formats.csv_sql import stored_sql

    texts = stored_sql(vendor)
    if set(texts) != set(_READS):
        raise ImportError(f"{TABLE} keeps {sorted(_READS)}; CSV_SQL stores {sorted(texts)}")
    return texts


def digest() -> str:
    """A digest of the pieces' SQL on both databases."""
    texts = [
        f"{vendor}:{column}:{sql}" for vendor in VENDORS for column, sql in _texts(vendor).items()
    ]
    return hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]


def _set(vendor: str, column: str, where: str) -> str:
    """Rewrite one text of the rows the condition on event_id selects."""
    expression = _texts(vendor)[column]
    return (
        f"UPDATE {TABLE} SET {column} = (SELECT {expression} FROM events_event e "
        f"WHERE e.id = {TABLE}.event_id) WHERE {where}"
    )


def _insert(vendor: str, events: str) -> str:
    """The rows of the events the condition on e selects, with every text."""
    texts = _texts(vendor)
    return (
        f"INSERT INTO {TABLE} (event_id, {', '.join(texts)}) "
        f"SELECT e.id, {', '.join(texts.values())} FROM events_event e WHERE {events}"
    )


def _rebuild(vendor: str) -> list[str]:
    """Every row from the events: after install, a bulk load, or a missing trigger."""
    return [f"DELETE FROM {TABLE}", _insert(vendor, "1 = 1")]


def _changed(columns: tuple[str, ...], old: str = "old", new: str = "new") -> str:
    return " OR ".join(f"{old}.{name} IS NOT {new}.{name}" for name in columns)


# --- SQLite: row triggers ------------------------------------------------------------------------


def _sqlite() -> tuple[tuple[str, ...], list[str]]:
    vendor = "sqlite"
    names, install = [], []

    def trigger(name: str, on: str, body: str, when: str = "") -> None:
        names.append(f"events_pieces_{name}")
        condition = f" WHEN {when}" if when else ""
        install.append(f"CREATE TRIGGER events_pieces_{name} {on} FOR EACH ROW{condition} {body}")

    trigger(
        "event_ai",
        "AFTER INSERT ON events_event",
        f"BEGIN DELETE FROM {TABLE} WHERE event_id = new.id; "
        f"{_insert(vendor, 'e.id = new.id')}; END",
    )
    trigger(
        "event_ad",
        "AFTER DELETE ON events_event",
        f"BEGIN DELETE FROM {TABLE} WHERE event_id = old.id; END",
    )
    for column, (table, columns, parent, fields, link) in _READS.items():
        short = column[:-1]  # actor, source
        trigger(
            f"{short}_link_ai",
            f"AFTER INSERT ON {table}",
            f"BEGIN {_set(vendor, column, 'event_id = new.event_id')}; END",
        )
        trigger(
            f"{short}_link_au",
            f"AFTER UPDATE OF {', '.join(columns)} ON {table}",
            f"BEGIN {_set(vendor, column, 'event_id IN (old.event_id, new.event_id)')}; END",
            _changed(columns),
        )
        trigger(
            f"{short}_link_ad",
            f"AFTER DELETE ON {table}",
            f"BEGIN {_set(vendor, column, 'event_id = old.event_id')}; END",
        )
        events = f"event_id IN (SELECT event_id FROM {table} WHERE {link} = new.id)"
        trigger(
            f"{short}_parent_au",
            f"AFTER UPDATE OF {', '.join(fields)} ON {parent}",
            f"BEGIN {_set(vendor, column, events)}; END",
            _changed(fields),
        )
    install += _rebuild(vendor)
    return tuple(names), install


# --- PostgreSQL: statement triggers over the transition tables ------------------------------------
# As events.dyads: each event is locked before its text is rewritten, in id order (the order the
# published counts' and the dyads' triggers lock them in), so two writers changing one event's
# links wait for each other and the second (a new snapshot under READ COMMITTED) reads the
# first's link; one event at a time, by its id (the planner knows nothing of a transition table).

_PG_OPS = (
    ("insert", "NEW TABLE AS new_rows", "SELECT event_id FROM new_rows"),
    ("update", "OLD TABLE AS old_rows NEW TABLE AS new_rows", None),
    ("delete", "OLD TABLE AS old_rows", "SELECT event_id FROM old_rows"),
)


def _pg_rewrite(column: str, events: str) -> str:
    return (
        f"FOR event IN SELECT DISTINCT x.event_id FROM ({events}) x ORDER BY 1 LOOP "
        "PERFORM 1 FROM events_event WHERE id = event FOR NO KEY UPDATE; "
        f"{_set('postgresql', column, 'event_id = event')}; "
        "END LOOP;"
    )


def _postgresql() -> tuple[tuple[str, ...], list[str], list[str]]:
    vendor = "postgresql"
    names, install, uninstall = [], [], []

    def function(name: str, body: str, declare: str = "") -> None:
        install.append(
            f"CREATE FUNCTION events_pieces_{name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"{declare}BEGIN {body} RETURN NULL; END $$"
        )
        uninstall.append(f"DROP FUNCTION IF EXISTS events_pieces_{name}()")

    def trigger(name: str, when: str, table: str, how: str, function: str) -> None:
        names.append(f"events_pieces_{name}")
        install.append(
            f"CREATE TRIGGER events_pieces_{name} {when} ON {table} {how} "
            f"EXECUTE FUNCTION events_pieces_{function}()"
        )
        uninstall.insert(0, f"DROP TRIGGER IF EXISTS events_pieces_{name} ON {table}")

    function(
        "event",
        f"IF TG_OP = 'DELETE' THEN DELETE FROM {TABLE} WHERE event_id = OLD.id; "
        f"ELSE DELETE FROM {TABLE} WHERE event_id = NEW.id; {_insert(vendor, 'e.id = NEW.id')}; "
        "END IF;",
    )
    trigger("event", "AFTER INSERT OR DELETE", "events_event", "FOR EACH ROW", "event")
    for column, (table, columns, parent, fields, link) in _READS.items():
        short = column[:-1]
        for op, referencing, events in _PG_OPS:
            if events is None:
                # Only rows whose pieces changed: the links' copy of the bounds
                # (events.link_bounds) rewrites no text.
                changed = " OR ".join(f"o.{name} IS DISTINCT FROM n.{name}" for name in columns)
                events = " UNION ".join(
                    f"SELECT {side}.event_id FROM old_rows o JOIN new_rows n ON n.id = o.id "
                    f"WHERE {changed}"
                    for side in ("o", "n")
                )
            function(f"{short}_{op}", _pg_rewrite(column, events), "DECLARE event bigint; ")
            trigger(
                f"{short}_{op}",
                f"AFTER {op.upper()}",
                table,
                f"REFERENCING {referencing} FOR EACH STATEMENT",
                f"{short}_{op}",
            )
        # A truncated table leaves no links or citations: every event's text is rewritten.
        function(f"{short}_truncate", f"{_set(vendor, column, '1 = 1')};")
        trigger(
            f"{short}_truncate", "AFTER TRUNCATE", table, "FOR EACH STATEMENT", f"{short}_truncate"
        )
        # An actor renamed, an article edited: its events, locked in id order, then rewritten.
        children = f"SELECT event_id FROM {table} WHERE {link} = NEW.id"
        function(
            f"{short}_parent",
            "PERFORM 1 FROM events_event WHERE id IN "
            f"({children}) ORDER BY id FOR NO KEY UPDATE; "
            f"{_set(vendor, column, f'event_id IN ({children})')};",
        )
        trigger(
            f"{short}_parent",
            f"AFTER UPDATE OF {', '.join(fields)}",
            parent,
            "FOR EACH ROW WHEN "
            f"({_changed(fields, 'OLD', 'NEW').replace(' IS NOT ', ' IS DISTINCT FROM ')})",
            f"{short}_parent",
        )
    install += _rebuild(vendor)
    return tuple(names), install, uninstall


@functools.cache
def _statements() -> tuple[dict, dict]:
    sqlite_names, sqlite_install = _sqlite()
    pg_names, pg_install, pg_uninstall = _postgresql()
    statements = {
        "sqlite": (sqlite_install, [f"DROP TRIGGER IF EXISTS {name}" for name in sqlite_names]),
        "postgresql": (pg_install, pg_uninstall),
    }
    return statements, {"sqlite": sqlite_names, "postgresql": pg_names}


def __getattr__(name: str):
    # STATEMENTS {vendor: (install, uninstall)} and TRIGGERS {vendor: names}, as events.triggers
    # reads each feature's; built from csv_sql when first read.
    if name == "STATEMENTS":
        return _statements()[0]
    if name == "TRIGGERS":
        return _statements()[1]
    raise AttributeError(name)


def stale(connection) -> list[int]:
    """The events whose stored texts differ from what their links and citations give now, or
    whose row is missing or left over: none while the triggers keep the table."""
    texts = _texts(connection.vendor)
    differs = " OR ".join(
        f"c.{column} IS DISTINCT FROM ({expression})"
        if connection.vendor == "postgresql"
        else f"c.{column} IS NOT ({expression})"
        for column, expression in texts.items()
    )
    sql = (
        f"SELECT e.id FROM events_event e LEFT JOIN {TABLE} c ON c.event_id = e.id "
        f"WHERE c.event_id IS NULL OR {differs} "
        f"UNION SELECT c.event_id FROM {TABLE} c "
        "WHERE NOT EXISTS (SELECT 1 FROM events_event e WHERE e.id = c.event_id) ORDER BY 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, None)
        return [pk for (pk,) in cursor.fetchall()]
