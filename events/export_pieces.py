"""Each event's CSV pieces from its links and citations (events_exportpieces), kept by triggers.

The CSV export's statement (events/formats/csv_sql.py) writes an event's actor columns and its
source columns from its links and citations: the citation order (no index gives it), the
numbering, the credits and each claim's JSON, and the actors' slots, cost three quarters of the
statement at every export. events_exportpieces keeps those texts per event, as the statement's
own SQL writes them (csv_sql.stored_sql: the expressions csv_layout.CSV_SQL declares), in four
columns (the actor slots, the actors, the outlets, the claims), so the export reads one row per
event by its primary key and joins the columns as they come.

Triggers rewrite an event's texts whenever what it is made of changes: a link or a citation
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
BUILT_BY = ("0027_export_pieces_counted_claims", "ac91fb3aa6901da7")
LINKS, SOURCES = "events_eventactor", "events_eventsource"
VENDORS = ("sqlite", "postgresql")

# What each pair of stored texts reads, beside the event's links or citations themselves: the
# table they hang on, the columns whose change rewrites them, and the parent row whose edit does
# (the actor's name, the article's fields), with the link column that names that parent.
_READS = {
    ("actor_columns", "actors"): (
        LINKS,
        ("event_id", "actor_id", "role"),
        "events_actor",
        ("name",),
        "actor_id",
    ),
    ("source", "source_claims"): (
        SOURCES,
        ("event_id", "article_id", "excerpt", "excerpt_start", "attributed_to", "date_phrase"),
        "events_article",
        ("title", "outlet", "original_agency", "url", "publication_date"),
        "article_id",
    ),
}
COLUMNS = tuple(column for pair in _READS for column in pair)


def _pieces(vendor: str) -> dict:
    """{(column, column): csv_sql.Two}: both texts' SQL over the event EVENT names."""
    from events.formats.csv_sql import EVENT, stored_sql

    pieces = stored_sql(vendor)
    if set(pieces) != set(_READS) or f"{TABLE}.event_id" != EVENT:
        raise ImportError(f"{TABLE} keeps {sorted(_READS)}; CSV_SQL stores {sorted(pieces)}")
    return pieces


def digest() -> str:
    """A digest of the pieces' SQL on both databases."""
    texts = [
        f"{vendor}:{pair}:{two.select()}"
        for vendor in VENDORS
        for pair, two in _pieces(vendor).items()
    ]
    return hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]


def _set(vendor: str, pair: tuple[str, str], where: str) -> str:
    """Rewrite one pair of texts of the rows the condition on event_id selects: one subquery
    gives both."""
    two = _pieces(vendor)[pair]
    return (
        f"UPDATE {TABLE} SET ({', '.join(pair)}) = (SELECT a, b FROM ({two.select()}) z) "
        f"WHERE {where}"
    )


def _insert(vendor: str, event: str) -> list[str]:
    """The row of the event whose id the expression gives, with every text."""
    return [
        f"DELETE FROM {TABLE} WHERE event_id = {event}",
        f"INSERT INTO {TABLE} (event_id) VALUES ({event})",
        *(_set(vendor, pair, f"event_id = {event}") for pair in _READS),
    ]


def _rebuild(vendor: str) -> list[str]:
    """Every row from the events: after install, a bulk load, or a missing trigger."""
    return [
        f"DELETE FROM {TABLE}",
        f"INSERT INTO {TABLE} (event_id) SELECT id FROM events_event",
        *(_set(vendor, pair, "1 = 1") for pair in _READS),
    ]


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
        f"BEGIN {'; '.join(_insert(vendor, 'new.id'))}; END",
    )
    trigger(
        "event_ad",
        "AFTER DELETE ON events_event",
        f"BEGIN DELETE FROM {TABLE} WHERE event_id = old.id; END",
    )
    for pair, (table, columns, parent, fields, link) in _READS.items():
        short = "actor" if table == LINKS else "source"
        trigger(
            f"{short}_link_ai",
            f"AFTER INSERT ON {table}",
            f"BEGIN {_set(vendor, pair, 'event_id = new.event_id')}; END",
        )
        trigger(
            f"{short}_link_au",
            f"AFTER UPDATE OF {', '.join(columns)} ON {table}",
            f"BEGIN {_set(vendor, pair, 'event_id IN (old.event_id, new.event_id)')}; END",
            _changed(columns),
        )
        trigger(
            f"{short}_link_ad",
            f"AFTER DELETE ON {table}",
            f"BEGIN {_set(vendor, pair, 'event_id = old.event_id')}; END",
        )
        events = f"event_id IN (SELECT event_id FROM {table} WHERE {link} = new.id)"
        trigger(
            f"{short}_parent_au",
            f"AFTER UPDATE OF {', '.join(fields)} ON {parent}",
            f"BEGIN {_set(vendor, pair, events)}; END",
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


def _pg_rewrite(pair: tuple[str, str], events: str) -> str:
    return (
        f"FOR event IN SELECT DISTINCT x.event_id FROM ({events}) x ORDER BY 1 LOOP "
        "PERFORM 1 FROM events_event WHERE id = event FOR NO KEY UPDATE; "
        f"{_set('postgresql', pair, 'event_id = event')}; "
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
        f"ELSE {'; '.join(_insert(vendor, 'NEW.id'))}; END IF;",
    )
    trigger("event", "AFTER INSERT OR DELETE", "events_event", "FOR EACH ROW", "event")
    for pair, (table, columns, parent, fields, link) in _READS.items():
        short = "actor" if table == LINKS else "source"
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
            function(f"{short}_{op}", _pg_rewrite(pair, events), "DECLARE event bigint; ")
            trigger(
                f"{short}_{op}",
                f"AFTER {op.upper()}",
                table,
                f"REFERENCING {referencing} FOR EACH STATEMENT",
                f"{short}_{op}",
            )
        # A truncated table leaves no links or citations: every event's text is rewritten.
        function(f"{short}_truncate", f"{_set(vendor, pair, '1 = 1')};")
        trigger(
            f"{short}_truncate", "AFTER TRUNCATE", table, "FOR EACH STATEMENT", f"{short}_truncate"
        )
        # An actor renamed, an article edited: its events, locked in id order, then rewritten.
        children = f"SELECT event_id FROM {table} WHERE {link} = NEW.id"
        function(
            f"{short}_parent",
            "PERFORM 1 FROM events_event WHERE id IN "
            f"({children}) ORDER BY id FOR NO KEY UPDATE; "
            f"{_set(vendor, pair, f'event_id IN ({children})')};",
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
    differs = " OR ".join(
        f"{TABLE}.{column} IS DISTINCT FROM (SELECT {part} FROM ({two.select()}) z)"
        for pair, two in _pieces(connection.vendor).items()
        for column, part in zip(pair, ("a", "b"), strict=True)
    )
    if connection.vendor == "sqlite":
        differs = differs.replace(" IS DISTINCT FROM ", " IS NOT ")
    sql = (
        f"SELECT e.id FROM events_event e LEFT JOIN {TABLE} ON {TABLE}.event_id = e.id "
        f"WHERE {TABLE}.event_id IS NULL OR {differs} "
        f"UNION SELECT c.event_id FROM {TABLE} c "
        "WHERE NOT EXISTS (SELECT 1 FROM events_event e WHERE e.id = c.event_id) ORDER BY 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, None)
        return [pk for (pk,) in cursor.fetchall()]
