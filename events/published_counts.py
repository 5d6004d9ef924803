"""Published events counted per event type, place, actor and article, kept by database triggers.

events_publishedcount holds, for each (kind, subject_id), how many published events that
subject has: an event type's own events (a list adds its sub-types'), a place's own events (a
subtree sums its places'), an actor's distinct events (two roles on one event count once) and
an article's distinct citing events. The reference endpoints read a page's counts from it in
one query, instead of reading every linked event's row for its status. Triggers on
events_event, events_eventactor and events_eventsource keep it on every insert, delete, status,
type, place or link change and (PostgreSQL) truncate, whatever wrote the row, as the published
day pairs are kept (events.daypairs). Subjects whose count falls to zero are deleted.

A link counts only while its event is published and no other link joins the same actor (or
article) to the same event. SQLite runs a row trigger as each row is written, so the other
links are those already there. PostgreSQL runs AFTER row triggers at the statement's end, when
every row of a multi-row insert is visible to each: the link triggers there are per statement,
and compare the transition tables with the links outside them.
"""

TABLE = "events_publishedcount"
LINKS = (
    ("events_eventactor", "actor_id", "actor"),
    ("events_eventsource", "article_id", "article"),
)
PUBLISHED = "status = 'published'"


def _add(kind: str, subjects: str) -> str:
    """One more for each subject of the SELECT (distinct subject ids, one column)."""
    return (
        f"INSERT INTO {TABLE} (kind, subject_id, events) "
        f"SELECT '{kind}', s.subject, 1 FROM ({subjects}) s WHERE s.subject IS NOT NULL "
        f"ON CONFLICT (kind, subject_id) DO UPDATE SET events = {TABLE}.events + 1;"
    )


def _remove(kind: str, subjects: str) -> str:
    return (
        f"UPDATE {TABLE} SET events = events - 1 "
        f"WHERE kind = '{kind}' AND subject_id IN ({subjects}); "
        f"DELETE FROM {TABLE} WHERE kind = '{kind}' AND events <= 0 "
        f"AND subject_id IN ({subjects});"
    )


def _own(row: str) -> list[tuple[str, str]]:
    """The event's type and place, when the event row is published."""
    return [
        ("type", f"SELECT {row}.type_id AS subject WHERE {row}.{PUBLISHED}"),
        ("place", f"SELECT {row}.location_id AS subject WHERE {row}.{PUBLISHED}"),
    ]


def _linked(row: str) -> list[tuple[str, str]]:
    """The event's distinct actors and articles, when the event row is published."""
    return [
        (
            kind,
            f"SELECT DISTINCT {column} AS subject FROM {table} "
            f"WHERE event_id = {row}.id AND {row}.{PUBLISHED}",
        )
        for table, column, kind in LINKS
    ]


def _in(subjects: list[tuple[str, str]]) -> str:
    return " ".join(_add(kind, sql) for kind, sql in subjects)


def _out(subjects: list[tuple[str, str]]) -> str:
    return " ".join(_remove(kind, sql) for kind, sql in subjects)


def _event_published(event_id: str) -> str:
    return f"EXISTS (SELECT 1 FROM events_event WHERE id = {event_id} AND {PUBLISHED})"


# Recounts every subject from the events: after install, a bulk load, or a missing trigger.
RECOUNT = [
    f"DELETE FROM {TABLE}",
    f"INSERT INTO {TABLE} (kind, subject_id, events) SELECT 'type', type_id, COUNT(*) "
    f"FROM events_event WHERE {PUBLISHED} GROUP BY type_id",
    f"INSERT INTO {TABLE} (kind, subject_id, events) SELECT 'place', location_id, COUNT(*) "
    f"FROM events_event WHERE {PUBLISHED} AND location_id IS NOT NULL GROUP BY location_id",
    *(
        f"INSERT INTO {TABLE} (kind, subject_id, events) "
        f"SELECT '{kind}', l.{column}, COUNT(DISTINCT l.event_id) FROM {table} l "
        f"JOIN events_event e ON e.id = l.event_id AND e.{PUBLISHED} GROUP BY l.{column}"
        for table, column, kind in LINKS
    ),
]


def _sqlite_link_triggers(table: str, column: str, kind: str) -> list[str]:
    # After an insert the new link is in the table; after a delete the old one is gone.
    gained = (
        f"SELECT new.{column} AS subject WHERE {_event_published('new.event_id')} "
        f"AND NOT EXISTS (SELECT 1 FROM {table} WHERE event_id = new.event_id "
        f"AND {column} = new.{column} AND id <> new.id)"
    )
    lost = (
        f"SELECT old.{column} AS subject WHERE {_event_published('old.event_id')} "
        f"AND NOT EXISTS (SELECT 1 FROM {table} WHERE event_id = old.event_id "
        f"AND {column} = old.{column})"
    )
    name = f"events_pubcount_{kind}"
    return [
        f"CREATE TRIGGER {name}_ai AFTER INSERT ON {table} FOR EACH ROW "
        f"BEGIN {_add(kind, gained)} END",
        f"CREATE TRIGGER {name}_au AFTER UPDATE OF event_id, {column} ON {table} FOR EACH ROW "
        f"WHEN old.event_id IS NOT new.event_id OR old.{column} IS NOT new.{column} "
        f"BEGIN {_remove(kind, lost)} {_add(kind, gained)} END",
        f"CREATE TRIGGER {name}_ad AFTER DELETE ON {table} FOR EACH ROW "
        f"BEGIN {_remove(kind, lost)} END",
    ]


_SQLITE_MOVED = (
    "(old.status IS NOT new.status OR old.type_id IS NOT new.type_id "
    "OR old.location_id IS NOT new.location_id)"
)
_SQLITE_EVENT_TRIGGERS = (
    # (name, when it fires, for which rows, its statements). Each direction is a trigger of
    # its own, so that a write runs only what changes a count: a draft inserted or edited runs
    # nothing, and a status change its half (5,000 events unpublished then republished at
    # 200,000 events: about 1.5 s a pass, 1.05 s without these triggers, 3.7 s with one
    # trigger running both halves).
    ("event_ai", "INSERT", "new.status = 'published'", _in(_own("new") + _linked("new"))),
    (
        "left_au",
        "UPDATE OF status, type_id, location_id",
        f"old.status = 'published' AND {_SQLITE_MOVED}",
        _out(_own("old")),
    ),
    (
        "entered_au",
        "UPDATE OF status, type_id, location_id",
        f"new.status = 'published' AND {_SQLITE_MOVED}",
        _in(_own("new")),
    ),
    # The links count only as the event enters or leaves the published record.
    (
        "unpublished_au",
        "UPDATE OF status",
        "old.status = 'published' AND new.status IS NOT 'published'",
        _out(_linked("old")),
    ),
    (
        "published_au",
        "UPDATE OF status",
        "new.status = 'published' AND old.status IS NOT 'published'",
        _in(_linked("new")),
    ),
    ("event_ad", "DELETE", "old.status = 'published'", _out(_own("old") + _linked("old"))),
)
SQLITE_TRIGGERS = (
    *(f"events_pubcount_{name}" for name, *_ in _SQLITE_EVENT_TRIGGERS),
    *(f"events_pubcount_{kind}_{op}" for _, _, kind in LINKS for op in ("ai", "au", "ad")),
)
SQLITE_INSTALL = [
    *(
        f"CREATE TRIGGER events_pubcount_{name} AFTER {event} ON events_event FOR EACH ROW "
        f"WHEN {when} BEGIN {body} END"
        for name, event, when, body in _SQLITE_EVENT_TRIGGERS
    ),
    *(sql for link in LINKS for sql in _sqlite_link_triggers(*link)),
    *RECOUNT,
]
SQLITE_UNINSTALL = [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS]


def _pg_changes(table: str, column: str, kind: str, *, old: bool, new: bool) -> str:
    """The body of a link table's statement trigger, over its transition tables (old_links,
    new_links; an update has both). A pair (event, subject) is gained when the statement's
    new rows hold it and the table held it in no row before (the rows outside new_links and
    those in old_links); lost when the old rows held it and no row holds it now. Each costs
    one probe of the event's links per changed pair."""
    if old and new:
        # Only rows whose pair changed: an update of the bounds' copy changes none.
        changed = (
            "FROM old_links o JOIN new_links n ON n.id = o.id "
            f"WHERE (o.event_id, o.{column}) IS DISTINCT FROM (n.event_id, n.{column})"
        )
        lost_pairs = f"SELECT DISTINCT o.event_id, o.{column} AS subject {changed}"
        gained_pairs = f"SELECT DISTINCT n.event_id, n.{column} AS subject {changed}"
    else:
        lost_pairs = f"SELECT DISTINCT event_id, {column} AS subject FROM old_links"
        gained_pairs = f"SELECT DISTINCT event_id, {column} AS subject FROM new_links"
    published = f"JOIN events_event e ON e.id = p.event_id AND e.{PUBLISHED}"
    # Lock the statement's events first (in id order, so two writers cannot deadlock): a
    # concurrent publish of one of them, or another writer adding or removing a link to it,
    # then waits for this transaction or is waited for, and each statement below (a new
    # snapshot under READ COMMITTED) sees what the other committed. Without it, a link added
    # while its event was being published was counted by neither trigger.
    events = " UNION ".join(
        f"SELECT event_id FROM {name}"
        for name, present in (("old_links", old), ("new_links", new))
        if present
    )
    statements = [
        f"PERFORM 1 FROM events_event WHERE id IN ({events}) ORDER BY id FOR NO KEY UPDATE;"
    ]
    if old:
        lost = (
            f"SELECT p.subject, COUNT(*) AS k FROM ({lost_pairs}) p {published} "
            f"WHERE NOT EXISTS (SELECT 1 FROM {table} l "
            f"WHERE l.event_id = p.event_id AND l.{column} = p.subject) GROUP BY p.subject"
        )
        statements += [
            f"UPDATE {TABLE} c SET events = c.events - x.k FROM ({lost}) x "
            f"WHERE c.kind = '{kind}' AND c.subject_id = x.subject;",
            f"DELETE FROM {TABLE} WHERE kind = '{kind}' AND events <= 0 "
            f"AND subject_id IN (SELECT {column} FROM old_links);",
        ]
    if new:
        before = (
            ""
            if not old
            else (
                f"AND NOT EXISTS (SELECT 1 FROM old_links o "
                f"WHERE o.event_id = p.event_id AND o.{column} = p.subject)"
            )
        )
        gained = (
            f"SELECT p.subject, COUNT(*) AS k FROM ({gained_pairs}) p {published} "
            f"WHERE NOT EXISTS (SELECT 1 FROM {table} l "
            f"WHERE l.event_id = p.event_id AND l.{column} = p.subject "
            f"AND NOT EXISTS (SELECT 1 FROM new_links n WHERE n.id = l.id)) {before} "
            "GROUP BY p.subject"
        )
        statements.append(
            f"INSERT INTO {TABLE} (kind, subject_id, events) SELECT '{kind}', x.subject, x.k "
            f"FROM ({gained}) x ON CONFLICT (kind, subject_id) "
            f"DO UPDATE SET events = {TABLE}.events + EXCLUDED.events;"
        )
    return " ".join(statements)


def _pg_link_install(table: str, column: str, kind: str) -> list[str]:
    install = []
    for op, old, new, referencing in (
        ("insert", False, True, "NEW TABLE AS new_links"),
        ("update", True, True, "OLD TABLE AS old_links NEW TABLE AS new_links"),
        ("delete", True, False, "OLD TABLE AS old_links"),
    ):
        function = f"events_pubcount_{kind}_{op}"
        install += [
            f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"{_pg_changes(table, column, kind, old=old, new=new)} RETURN NULL; END $$",
            # Transition tables allow neither a column list nor a second event.
            f"CREATE TRIGGER {function} AFTER {op.upper()} ON {table} "
            f"REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
        ]
    install += [
        f"CREATE FUNCTION events_pubcount_{kind}_truncate() RETURNS trigger "
        f"LANGUAGE plpgsql AS $$ BEGIN DELETE FROM {TABLE} WHERE kind = '{kind}'; "
        "RETURN NULL; END $$",
        f"CREATE TRIGGER events_pubcount_{kind}_truncate AFTER TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION events_pubcount_{kind}_truncate()",
    ]
    return install


_PG_LINK_TRIGGERS = tuple(
    (table, f"events_pubcount_{kind}_{op}")
    for table, _, kind in LINKS
    for op in ("insert", "update", "delete", "truncate")
)
_PG_EVENT_TRIGGERS = (
    "events_pubcount_event_insert",
    "events_pubcount_event_delete",
    "events_pubcount_event_update",
    "events_pubcount_event_truncate",
)
PG_TRIGGERS = (*_PG_EVENT_TRIGGERS, *(name for _, name in _PG_LINK_TRIGGERS))
PG_INSTALL = [
    f"""
    CREATE FUNCTION events_pubcount_event() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'TRUNCATE' THEN
            DELETE FROM {TABLE};
            RETURN NULL;
        END IF;
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            {_out(_own("OLD"))}
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN
            {_in(_own("NEW"))}
        END IF;
        -- The links count only as the event enters or leaves the published record.
        IF TG_OP = 'DELETE' THEN
            {_out(_linked("OLD"))}
        ELSIF TG_OP = 'INSERT' THEN
            {_in(_linked("NEW"))}
        ELSIF OLD.status IS DISTINCT FROM NEW.status THEN
            {_out(_linked("OLD"))}
            {_in(_linked("NEW"))}
        END IF;
        RETURN NULL;
    END $$""",
    # Only writes that touch a published event run the function: drafts cost nothing.
    "CREATE TRIGGER events_pubcount_event_insert AFTER INSERT ON events_event FOR EACH ROW "
    "WHEN (NEW.status = 'published') EXECUTE FUNCTION events_pubcount_event()",
    "CREATE TRIGGER events_pubcount_event_delete AFTER DELETE ON events_event FOR EACH ROW "
    "WHEN (OLD.status = 'published') EXECUTE FUNCTION events_pubcount_event()",
    "CREATE TRIGGER events_pubcount_event_update "
    "AFTER UPDATE OF status, type_id, location_id ON events_event FOR EACH ROW "
    "WHEN ((OLD.status = 'published' OR NEW.status = 'published') "
    "AND (OLD.status IS DISTINCT FROM NEW.status OR OLD.type_id IS DISTINCT FROM NEW.type_id "
    "OR OLD.location_id IS DISTINCT FROM NEW.location_id)) "
    "EXECUTE FUNCTION events_pubcount_event()",
    # Django's flush (tests) truncates the tables; row triggers do not see that.
    "CREATE TRIGGER events_pubcount_event_truncate AFTER TRUNCATE ON events_event "
    "FOR EACH STATEMENT EXECUTE FUNCTION events_pubcount_event()",
    *(sql for link in LINKS for sql in _pg_link_install(*link)),
    *RECOUNT,
]
PG_UNINSTALL = [
    *(f"DROP TRIGGER IF EXISTS {name} ON events_event" for name in _PG_EVENT_TRIGGERS),
    *(f"DROP TRIGGER IF EXISTS {name} ON {table}" for table, name in _PG_LINK_TRIGGERS),
    "DROP FUNCTION IF EXISTS events_pubcount_event()",
    *(f"DROP FUNCTION IF EXISTS {name}()" for _, name in _PG_LINK_TRIGGERS),
]

STATEMENTS = {
    "sqlite": (SQLITE_INSTALL, SQLITE_UNINSTALL),
    "postgresql": (PG_INSTALL, PG_UNINSTALL),
}
TRIGGERS = {"sqlite": SQLITE_TRIGGERS, "postgresql": PG_TRIGGERS}
