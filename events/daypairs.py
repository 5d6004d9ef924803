"""Published events counted per pair of bounds, kept by database triggers for the histogram.

events_publisheddaypair holds, for each (date_earliest, date_latest), how many published events
have exactly those bounds. Triggers on events_event keep it on every insert, delete, status or
date change and (PostgreSQL) truncate, whatever wrote the row: the admin, the API, imports,
bulk inserts or raw SQL. Pairs whose count falls to zero are deleted.
"""

TABLE = "events_publisheddaypair"

_COUNT_IN = (
    f"INSERT INTO {TABLE} (date_earliest, date_latest, events) "
    "SELECT {row}.date_earliest, {row}.date_latest, 1 WHERE {row}.status = 'published' "
    "ON CONFLICT (date_earliest, date_latest) "
    f"DO UPDATE SET events = {TABLE}.events + 1;"
)
_COUNT_OUT = (
    f"UPDATE {TABLE} SET events = events - 1 WHERE {{row}}.status = 'published' "
    "AND date_earliest = {row}.date_earliest AND date_latest = {row}.date_latest; "
    f"DELETE FROM {TABLE} WHERE {{row}}.status = 'published' "
    "AND date_earliest = {row}.date_earliest AND date_latest = {row}.date_latest "
    "AND events <= 0;"
)
_CHANGED = (
    "old.status IS NOT new.status OR old.date_earliest IS NOT new.date_earliest "
    "OR old.date_latest IS NOT new.date_latest"
)

# Recounts every pair from the events: after install, or when a trigger went missing.
RECOUNT = [
    f"DELETE FROM {TABLE}",
    f"INSERT INTO {TABLE} (date_earliest, date_latest, events) "
    "SELECT date_earliest, date_latest, COUNT(*) FROM events_event "
    "WHERE status = 'published' GROUP BY date_earliest, date_latest",
]

SQLITE_TRIGGERS = ("events_daypair_ai", "events_daypair_au", "events_daypair_ad")
SQLITE_INSTALL = [
    f"CREATE TRIGGER events_daypair_ai AFTER INSERT ON events_event FOR EACH ROW "
    f"BEGIN {_COUNT_IN.format(row='new')} END",
    f"CREATE TRIGGER events_daypair_au AFTER UPDATE OF status, date_earliest, date_latest "
    f"ON events_event FOR EACH ROW WHEN {_CHANGED} "
    f"BEGIN {_COUNT_OUT.format(row='old')} {_COUNT_IN.format(row='new')} END",
    f"CREATE TRIGGER events_daypair_ad AFTER DELETE ON events_event FOR EACH ROW "
    f"BEGIN {_COUNT_OUT.format(row='old')} END",
    *RECOUNT,
]
SQLITE_UNINSTALL = [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS]

PG_TRIGGERS = ("events_daypair_insert_delete", "events_daypair_update", "events_daypair_truncate")
PG_INSTALL = [
    f"""
    CREATE FUNCTION events_daypair_count() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'TRUNCATE' THEN
            DELETE FROM {TABLE};
            RETURN NULL;
        END IF;
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            {_COUNT_OUT.format(row="OLD")}
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN
            {_COUNT_IN.format(row="NEW")}
        END IF;
        RETURN NULL;
    END $$""",
    "CREATE TRIGGER events_daypair_insert_delete AFTER INSERT OR DELETE ON events_event "
    "FOR EACH ROW EXECUTE FUNCTION events_daypair_count()",
    "CREATE TRIGGER events_daypair_update AFTER UPDATE OF status, date_earliest, date_latest "
    "ON events_event FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status "
    "OR OLD.date_earliest IS DISTINCT FROM NEW.date_earliest "
    "OR OLD.date_latest IS DISTINCT FROM NEW.date_latest) "
    "EXECUTE FUNCTION events_daypair_count()",
    # Django's flush (tests) truncates events_event; row triggers do not see that.
    "CREATE TRIGGER events_daypair_truncate AFTER TRUNCATE ON events_event "
    "FOR EACH STATEMENT EXECUTE FUNCTION events_daypair_count()",
    *RECOUNT,
]
PG_UNINSTALL = [
    *(f"DROP TRIGGER IF EXISTS {name} ON events_event" for name in PG_TRIGGERS),
    "DROP FUNCTION IF EXISTS events_daypair_count()",
]

STATEMENTS = {
    "sqlite": (SQLITE_INSTALL, SQLITE_UNINSTALL),
    "postgresql": (PG_INSTALL, PG_UNINSTALL),
}
TRIGGERS = {"sqlite": SQLITE_TRIGGERS, "postgresql": PG_TRIGGERS}
