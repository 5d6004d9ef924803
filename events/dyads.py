"""Each event's opposing actor pairs (dyads), with its bounds, kept by database triggers.

events_eventdyad holds a row (event, actor, opponent) for every actor on one side of an event
and every actor on the opposing side (events.models.SIDES), both ways round, with a copy of the
event's bounds. A dyad's chronology (actor_a, actor_b) is then one range of
events_eventdyad_chrono_idx, however busy each actor is alone: two actors with hundreds of
thousands of events each and a hundred in common cost a hundred index entries, where joining
their links costs a probe per event of the quieter one.

Triggers keep it, as the links' copy of the bounds is kept (events.link_bounds): any insert,
delete or change of a link rebuilds its event's pairs (an event has a handful of links, so a
rebuild is a few index probes), and an event's new bounds reach its pairs in the statement that
changes them. Bulk loads set the triggers aside with the others (events.triggers.set_aside)
and rebuild every pair once at the end.
"""

from events.models.choices import SIDES

TABLE = "events_eventdyad"
LINKS = "events_eventactor"
_ONE, _OTHER = (", ".join(f"'{role}'" for role in side) for side in SIDES)
_OPPOSED = (
    f"((a.role IN ({_ONE}) AND b.role IN ({_OTHER})) "
    f"OR (a.role IN ({_OTHER}) AND b.role IN ({_ONE})))"
)


def _pairs(events: str, *, distinct: str = "DISTINCT ") -> str:
    """Every opposing pair of the events whose ids the condition on a.event_id selects."""
    return (
        f"INSERT INTO {TABLE} (event_id, actor_id, opponent_id, date_earliest, date_latest) "
        f"SELECT {distinct}a.event_id, a.actor_id, b.actor_id, e.date_earliest, e.date_latest "
        f"FROM {LINKS} a JOIN {LINKS} b ON b.event_id = a.event_id "
        "JOIN events_event e ON e.id = a.event_id "
        f"WHERE {events} AND {_OPPOSED}"
    )


def _rebuild(event_id: str, when: str = "1 = 1") -> str:
    """One event's pairs, from its links as they are now (no links, no pairs); nothing when
    the condition is false."""
    return (
        f"DELETE FROM {TABLE} WHERE event_id = {event_id} AND {when}; "
        f"{_pairs(f'a.event_id = {event_id} AND {when}')};"
    )


def _sqlite_add(link: str) -> str:
    """A new link's pairs with the event's other links; those already there stay (the same
    actor on one side in two roles pairs once)."""
    return (
        f"{_pairs(f'a.event_id = {link}.event_id AND (a.id = {link}.id OR b.id = {link}.id)')} "
        "ON CONFLICT DO NOTHING;"
    )


def _copy_bounds(event: str) -> str:
    return (
        f"UPDATE {TABLE} SET date_earliest = {event}.date_earliest, "
        f"date_latest = {event}.date_latest WHERE event_id = {event}.id;"
    )


# Every pair from the links: after install, a bulk load, or a missing trigger.
REBUILD = [f"DELETE FROM {TABLE}", _pairs("1 = 1")]
# SQLite's: a pair met twice (one actor on a side in two roles; the event's bounds are the same
# both times) is kept once by the table's primary key, as a new link's pairs are, rather than by
# DISTINCT's temporary B-tree of every pair: a tenth less (0.95 to 1.04 CPU s instead of 1.03
# to 1.17 for 350,000 pairs, the same rows in the same order). ON CONFLICT DO NOTHING takes
# only the key's conflicts: any other failure still fails.
SQLITE_REBUILD = [f"DELETE FROM {TABLE}", f"{_pairs('1 = 1', distinct='')} ON CONFLICT DO NOTHING"]

SQLITE_TRIGGERS = (
    "events_dyads_link_ai",
    "events_dyads_link_au",
    "events_dyads_link_ad",
    "events_dyads_event_ai",
    "events_dyads_event_au",
    "events_dyads_event_ad",
)
SQLITE_INSTALL = [
    # A link inserted adds its own pairs: a bulk insert of k links to one event writes each
    # pair once, where rebuilding the event per link wrote k times as many rows.
    f"CREATE TRIGGER events_dyads_link_ai AFTER INSERT ON {LINKS} FOR EACH ROW "
    f"BEGIN {_sqlite_add('new')} END",
    # The new event's pairs only when the link moved to another event.
    f"CREATE TRIGGER events_dyads_link_au AFTER UPDATE OF event_id, actor_id, role ON {LINKS} "
    "FOR EACH ROW WHEN old.event_id IS NOT new.event_id OR old.actor_id IS NOT new.actor_id "
    "OR old.role IS NOT new.role "
    f"BEGIN {_rebuild('old.event_id')} "
    f"{_rebuild('new.event_id', 'old.event_id IS NOT new.event_id')} END",
    f"CREATE TRIGGER events_dyads_link_ad AFTER DELETE ON {LINKS} FOR EACH ROW "
    f"BEGIN {_rebuild('old.event_id')} END",
    # An event inserted after its links (foreign keys are checked at commit) pairs them then;
    # usually it has none yet, and this is two index probes (a delete, the links' join).
    "CREATE TRIGGER events_dyads_event_ai AFTER INSERT ON events_event FOR EACH ROW "
    f"BEGIN {_rebuild('new.id')} END",
    "CREATE TRIGGER events_dyads_event_au "
    "AFTER UPDATE OF date_earliest, date_latest ON events_event FOR EACH ROW "
    "WHEN old.date_earliest IS NOT new.date_earliest OR old.date_latest IS NOT new.date_latest "
    f"BEGIN {_copy_bounds('new')} END",
    "CREATE TRIGGER events_dyads_event_ad AFTER DELETE ON events_event FOR EACH ROW "
    f"BEGIN DELETE FROM {TABLE} WHERE event_id = old.id; END",
    *SQLITE_REBUILD,
]
SQLITE_UNINSTALL = [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS]

# PostgreSQL: per statement over the transition tables, so a multi-row insert rebuilds each
# event once. Each event is locked before its rebuild, in id order (the order the published
# counts' triggers lock them in, so the two cannot deadlock): two writers linking actors to
# one event then run one after the other, and the second's rebuild (a new snapshot under READ
# COMMITTED) sees the first's link. Without the lock, each would pair only its own link; under
# REPEATABLE READ or SERIALIZABLE the second would keep its old snapshot after the wait, so the
# project's connections stay at PostgreSQL's default, READ COMMITTED.
_PG_LINK_OPS = (
    ("insert", "NEW TABLE AS new_links", "SELECT event_id FROM new_links"),
    (
        "update",
        "OLD TABLE AS old_links NEW TABLE AS new_links",
        # Only links whose pair changed: the bounds' copy (events.link_bounds) changes none,
        # and an event's new bounds reach its pairs by events_dyads_event_update.
        " UNION ".join(
            f"SELECT {side}.event_id FROM old_links o JOIN new_links n ON n.id = o.id "
            "WHERE (o.event_id, o.actor_id, o.role) "
            "IS DISTINCT FROM (n.event_id, n.actor_id, n.role)"
            for side in ("o", "n")
        ),
    ),
    ("delete", "OLD TABLE AS old_links", "SELECT event_id FROM old_links"),
)


def _pg_link_function(op: str, events: str) -> str:
    # One event at a time, by its id: the planner has no statistics on a transition table, and
    # within a transaction that loaded a table it may still hold it empty; joined with the
    # statement's events as a set, the pairs' query then hashed every link of the table, each
    # statement costing more as a bulk load went on. An id is an index probe whatever it holds.
    return (
        f"CREATE FUNCTION events_dyads_link_{op}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "DECLARE event bigint; BEGIN "
        f"FOR event IN SELECT DISTINCT x.event_id FROM ({events}) x ORDER BY 1 LOOP "
        "PERFORM 1 FROM events_event WHERE id = event FOR NO KEY UPDATE; "
        f"{_rebuild('event')} "
        "END LOOP; RETURN NULL; END $$"
    )


PG_TRIGGERS = (
    *(f"events_dyads_link_{op}" for op, _, _ in _PG_LINK_OPS),
    "events_dyads_link_truncate",
    "events_dyads_event",
    "events_dyads_event_update",
)
PG_INSTALL = [
    *(
        sql
        for op, referencing, events in _PG_LINK_OPS
        for sql in (
            _pg_link_function(op, events),
            f"CREATE TRIGGER events_dyads_link_{op} AFTER {op.upper()} ON {LINKS} "
            f"REFERENCING {referencing} FOR EACH STATEMENT "
            f"EXECUTE FUNCTION events_dyads_link_{op}()",
        )
    ),
    "CREATE FUNCTION events_dyads_link_truncate() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN DELETE FROM {TABLE}; RETURN NULL; END $$",
    f"CREATE TRIGGER events_dyads_link_truncate AFTER TRUNCATE ON {LINKS} "
    "FOR EACH STATEMENT EXECUTE FUNCTION events_dyads_link_truncate()",
    f"""
    CREATE FUNCTION events_dyads_event() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            DELETE FROM {TABLE} WHERE event_id = OLD.id;
        ELSIF TG_OP = 'INSERT' THEN
            -- Links inserted before their event (foreign keys checked at commit) pair now.
            {_rebuild("NEW.id")}
        ELSE
            {_copy_bounds("NEW")}
        END IF;
        RETURN NULL;
    END $$""",
    "CREATE TRIGGER events_dyads_event AFTER INSERT OR DELETE ON events_event FOR EACH ROW "
    "EXECUTE FUNCTION events_dyads_event()",
    "CREATE TRIGGER events_dyads_event_update AFTER UPDATE OF date_earliest, date_latest "
    "ON events_event FOR EACH ROW WHEN ((OLD.date_earliest, OLD.date_latest) "
    "IS DISTINCT FROM (NEW.date_earliest, NEW.date_latest)) "
    "EXECUTE FUNCTION events_dyads_event()",
    *REBUILD,
]
PG_UNINSTALL = [
    *(f"DROP TRIGGER IF EXISTS events_dyads_link_{op} ON {LINKS}" for op, _, _ in _PG_LINK_OPS),
    f"DROP TRIGGER IF EXISTS events_dyads_link_truncate ON {LINKS}",
    "DROP TRIGGER IF EXISTS events_dyads_event ON events_event",
    "DROP TRIGGER IF EXISTS events_dyads_event_update ON events_event",
    *(f"DROP FUNCTION IF EXISTS events_dyads_link_{op}()" for op, _, _ in _PG_LINK_OPS),
    "DROP FUNCTION IF EXISTS events_dyads_link_truncate()",
    "DROP FUNCTION IF EXISTS events_dyads_event()",
]

STATEMENTS = {
    "sqlite": (SQLITE_INSTALL, SQLITE_UNINSTALL),
    "postgresql": (PG_INSTALL, PG_UNINSTALL),
}
TRIGGERS = {"sqlite": SQLITE_TRIGGERS, "postgresql": PG_TRIGGERS}
