"""Each event↔actor link's copy of its event's bounds, kept by database triggers.

events_eventactor carries the event's date_earliest and date_latest so that an actor's
chronology is one range of events_eventactor_chrono_idx (actor, bounds, event), read in order
without touching the events. The copy is derived data, kept the way the search index and the
published day pairs are (events.search, events.daypairs): by triggers, so every write path
keeps it — the admin, the API, imports, ingestion, bulk inserts and raw SQL — and no Python
code has to remember it. A link takes its event's bounds when it is inserted or moved to
another event (whatever bounds the insert gave, if any: the columns' database default stands
in), and an event's new bounds reach all its links in the statement that changes them.

Bulk loads set these triggers aside with the others (events.triggers.set_aside) and copy the
bounds once at the end, in one set-based UPDATE (the RECOPY statement below).
"""

TABLE = "events_eventactor"

# Every link whose copy differs from its event's bounds takes them: after install, when a
# trigger went missing, or after a bulk load that set the triggers aside.
_SQLITE_RECOPY = (
    f"UPDATE {TABLE} SET (date_earliest, date_latest) = "
    f"(SELECT e.date_earliest, e.date_latest FROM events_event e WHERE e.id = {TABLE}.event_id) "
    f"WHERE EXISTS (SELECT 1 FROM events_event e WHERE e.id = {TABLE}.event_id "
    f"AND (e.date_earliest IS NOT {TABLE}.date_earliest "
    f"OR e.date_latest IS NOT {TABLE}.date_latest))"
)
_PG_RECOPY = (
    f"UPDATE {TABLE} l SET date_earliest = e.date_earliest, date_latest = e.date_latest "
    "FROM events_event e WHERE e.id = l.event_id "
    "AND (e.date_earliest, e.date_latest) IS DISTINCT FROM (l.date_earliest, l.date_latest)"
)


def _sqlite_copy_to_link(link: str) -> str:
    """The event's bounds onto one link (no write when they are there already)."""
    return (
        f"UPDATE {TABLE} SET (date_earliest, date_latest) = "
        f"(SELECT date_earliest, date_latest FROM events_event WHERE id = {link}.event_id) "
        f"WHERE id = {link}.id AND EXISTS (SELECT 1 FROM events_event e "
        f"WHERE e.id = {link}.event_id AND (e.date_earliest IS NOT {link}.date_earliest "
        f"OR e.date_latest IS NOT {link}.date_latest));"
    )


_SQLITE_COPY_TO_LINKS = (
    f"UPDATE {TABLE} SET date_earliest = new.date_earliest, date_latest = new.date_latest "
    "WHERE event_id = new.id;"
)

# SQLite's triggers cannot change the row being written (there is no BEFORE trigger that sets
# NEW), so a link is corrected right after its insert; recursive triggers are off, so the
# correction does not fire its own trigger again.
SQLITE_TRIGGERS = (
    "events_linkbounds_link_ai",
    "events_linkbounds_link_au",
    "events_linkbounds_event_ai",
    "events_linkbounds_event_au",
)
SQLITE_INSTALL = [
    f"CREATE TRIGGER events_linkbounds_link_ai AFTER INSERT ON {TABLE} FOR EACH ROW "
    f"BEGIN {_sqlite_copy_to_link('new')} END",
    f"CREATE TRIGGER events_linkbounds_link_au "
    f"AFTER UPDATE OF event_id, date_earliest, date_latest ON {TABLE} FOR EACH ROW "
    f"BEGIN {_sqlite_copy_to_link('new')} END",
    # An event inserted after its links (foreign keys are checked at commit) gives them its
    # bounds too; usually it has none yet, and this is one index probe.
    "CREATE TRIGGER events_linkbounds_event_ai AFTER INSERT ON events_event FOR EACH ROW "
    f"BEGIN {_SQLITE_COPY_TO_LINKS} END",
    "CREATE TRIGGER events_linkbounds_event_au "
    "AFTER UPDATE OF date_earliest, date_latest ON events_event FOR EACH ROW "
    "WHEN old.date_earliest IS NOT new.date_earliest OR old.date_latest IS NOT new.date_latest "
    f"BEGIN {_SQLITE_COPY_TO_LINKS} END",
    _SQLITE_RECOPY,
]
SQLITE_UNINSTALL = [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS]

# PostgreSQL sets a link's copy before the row is written (a BEFORE trigger), so the insert
# writes it once and returns it to the caller.
PG_TRIGGERS = ("events_linkbounds_link", "events_linkbounds_event")
PG_INSTALL = [
    """
    CREATE FUNCTION events_linkbounds_from_event() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        earliest date;
        latest date;
    BEGIN
        SELECT date_earliest, date_latest INTO earliest, latest
        FROM events_event WHERE id = NEW.event_id;
        -- An event inserted later in the transaction gives its bounds then (see below).
        IF FOUND THEN
            NEW.date_earliest := earliest;
            NEW.date_latest := latest;
        END IF;
        RETURN NEW;
    END $$""",
    f"""
    CREATE FUNCTION events_linkbounds_to_links() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE {TABLE} SET date_earliest = NEW.date_earliest, date_latest = NEW.date_latest
        WHERE event_id = NEW.id
        AND (date_earliest, date_latest) IS DISTINCT FROM (NEW.date_earliest, NEW.date_latest);
        RETURN NULL;
    END $$""",
    f"CREATE TRIGGER events_linkbounds_link "
    f"BEFORE INSERT OR UPDATE OF event_id, date_earliest, date_latest ON {TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION events_linkbounds_from_event()",
    "CREATE TRIGGER events_linkbounds_event "
    "AFTER INSERT OR UPDATE OF date_earliest, date_latest ON events_event FOR EACH ROW "
    "EXECUTE FUNCTION events_linkbounds_to_links()",
    _PG_RECOPY,
]
PG_UNINSTALL = [
    f"DROP TRIGGER IF EXISTS events_linkbounds_link ON {TABLE}",
    "DROP TRIGGER IF EXISTS events_linkbounds_event ON events_event",
    "DROP FUNCTION IF EXISTS events_linkbounds_to_links()",
    "DROP FUNCTION IF EXISTS events_linkbounds_from_event()",
]

STATEMENTS = {
    "sqlite": (SQLITE_INSTALL, SQLITE_UNINSTALL),
    "postgresql": (PG_INSTALL, PG_UNINSTALL),
}
TRIGGERS = {"sqlite": SQLITE_TRIGGERS, "postgresql": PG_TRIGGERS}
