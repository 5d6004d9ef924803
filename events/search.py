"""Full-text search of events: an FTS5 index on SQLite, a tsvector with a GIN index on PostgreSQL.

Each event has one search document: its headline, its summary and every source's excerpt.
Database triggers keep it in step with every write path (admin, API, ingestion, bulk inserts,
raw SQL), so no Python code has to remember it. A query matches the events whose document holds
every word of the text as a word or a word prefix, case-insensitively and, for Latin letters,
ignoring accents.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.db import DatabaseError, connections
from django.db.models import BooleanField, Expression, F, QuerySet

TABLE = "events_event_search"

# The words of a query or a document: runs of letters and digits. Everything else (quotes,
# asterisks, colons, parentheses, minus signs, ampersands) separates words, so no search
# syntax of either database ever reaches it from user input.
WORD = re.compile(r"[^\W_]+")


def _accent_table() -> dict[int, str]:
    """Latin letters with diacritics → the bare letter (é → e, Ç → C, ø → o).

    SQLite's unicode61 tokenizer (remove_diacritics 2) folds these itself; PostgreSQL has no
    accent folding without the unaccent extension, so both its documents (translate()) and its
    queries go through this same table.
    """
    table = {}
    for code in [*range(0x00C0, 0x0250), *range(0x1E00, 0x1F00)]:
        char = chr(code)
        decomposed = unicodedata.normalize("NFD", char)
        if len(decomposed) > 1 and all(unicodedata.combining(mark) for mark in decomposed[1:]):
            table[code] = decomposed[0]
    table.update({ord("ø"): "o", ord("Ø"): "O"})
    return table


ACCENTS = _accent_table()


# PostgreSQL refuses tsquery words over 2,047 bytes (and indexes no such word); a longer query
# word is cut to a prefix this long, which no real word outgrows.
MAX_WORD = 200


def words(text: str) -> list[str]:
    """The distinct words of text, lowercased, in order ("Deir ez-Zór!" → deir, ez, zór)."""
    found = WORD.findall(unicodedata.normalize("NFC", text).lower())
    return list(dict.fromkeys(word[:MAX_WORD] for word in found))


# --- SQLite: FTS5 ---------------------------------------------------------------------------
#
# An external-content FTS5 table: its content is the view below, so the documents are not
# stored a second time (that copy would cost about as much as the events' text itself). SQLite
# 3.40 has no contentless_delete, so removing a document from the index needs the text that was
# indexed: BEFORE triggers delete it while the view still shows the old text, AFTER triggers
# index the new one. `INSERT INTO events_event_search(events_event_search) VALUES('rebuild')`
# rebuilds the index from the view; 'integrity-check' compares the two.

_SQLITE_DOCUMENT = """
SELECT e.id, e.headline || char(10) || e.summary || coalesce(char(10) || (
    SELECT group_concat(excerpt, char(10))
    FROM (SELECT s.excerpt FROM events_eventsource s WHERE s.event_id = e.id ORDER BY s.id)
), '')
FROM events_event e
"""


def _sqlite_forget(event_id: str, *, also: str = "TRUE") -> str:
    # Each indexed document must be deleted exactly once: a second delete of the same text
    # would corrupt the index. Nothing happens when the view has no such event (any more).
    return f"DELETE FROM {TABLE} WHERE rowid = {event_id} AND {also};"


def _sqlite_index(event_id: str, *, also: str = "TRUE") -> str:
    return (
        f"INSERT INTO {TABLE}(rowid, body) "
        f"SELECT id, body FROM {TABLE}_document WHERE id = {event_id} AND {also};"
    )


_MOVED = "old.event_id IS NOT new.event_id"


def _sqlite_trigger(name: str, when: str, table: str, *, condition: str = "", body: str) -> str:
    where = f" WHEN {condition}" if condition else ""
    return f"CREATE TRIGGER {TABLE}_{name} {when} ON {table} FOR EACH ROW{where} BEGIN {body} END"


_EVENT_TEXT_CHANGED = (
    "old.id IS NOT new.id OR old.headline IS NOT new.headline OR old.summary IS NOT new.summary"
)
_EXCERPT_CHANGED = "old.event_id IS NOT new.event_id OR old.excerpt IS NOT new.excerpt"

SQLITE_INSTALL = [
    f"CREATE VIEW {TABLE}_document(id, body) AS {_SQLITE_DOCUMENT}",
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5(body, content='{TABLE}_document', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    _sqlite_trigger("event_ai", "AFTER INSERT", "events_event", body=_sqlite_index("new.id")),
    _sqlite_trigger(
        "event_bu",
        "BEFORE UPDATE OF id, headline, summary",
        "events_event",
        condition=_EVENT_TEXT_CHANGED,
        body=_sqlite_forget("old.id"),
    ),
    _sqlite_trigger(
        "event_au",
        "AFTER UPDATE OF id, headline, summary",
        "events_event",
        condition=_EVENT_TEXT_CHANGED,
        body=_sqlite_index("new.id"),
    ),
    _sqlite_trigger("event_bd", "BEFORE DELETE", "events_event", body=_sqlite_forget("old.id")),
    _sqlite_trigger(
        "source_bi", "BEFORE INSERT", "events_eventsource", body=_sqlite_forget("new.event_id")
    ),
    _sqlite_trigger(
        "source_ai", "AFTER INSERT", "events_eventsource", body=_sqlite_index("new.event_id")
    ),
    _sqlite_trigger(
        "source_bu",
        "BEFORE UPDATE OF event_id, excerpt",
        "events_eventsource",
        condition=_EXCERPT_CHANGED,
        body=_sqlite_forget("old.event_id") + _sqlite_forget("new.event_id", also=_MOVED),
    ),
    _sqlite_trigger(
        "source_au",
        "AFTER UPDATE OF event_id, excerpt",
        "events_eventsource",
        condition=_EXCERPT_CHANGED,
        # A source moved to another event leaves its old event's document without it.
        body=_sqlite_index("old.event_id", also=_MOVED) + _sqlite_index("new.event_id"),
    ),
    _sqlite_trigger(
        "source_bd", "BEFORE DELETE", "events_eventsource", body=_sqlite_forget("old.event_id")
    ),
    _sqlite_trigger(
        "source_ad", "AFTER DELETE", "events_eventsource", body=_sqlite_index("old.event_id")
    ),
    f"INSERT INTO {TABLE}({TABLE}) VALUES('rebuild')",
]

_SQLITE_TRIGGER_NAMES = tuple(
    f"{TABLE}_{name}"
    for name in (
        "event_ai",
        "event_bu",
        "event_au",
        "event_bd",
        "source_bi",
        "source_ai",
        "source_bu",
        "source_au",
        "source_bd",
        "source_ad",
    )
)
SQLITE_UNINSTALL = [
    *(f"DROP TRIGGER IF EXISTS {name}" for name in _SQLITE_TRIGGER_NAMES),
    f"DROP TABLE IF EXISTS {TABLE}",
    f"DROP VIEW IF EXISTS {TABLE}_document",
]


def sqlite_match(terms: list[str]) -> str:
    """An FTS5 query: every term as a quoted string with a prefix star, all required."""
    return " ".join('"{}"*'.format(term.replace('"', '""')) for term in terms)


# --- PostgreSQL: a tsvector per event with a GIN index ---------------------------------------
#
# The 'simple' configuration: lowercase, no stemming, no stop words (a place name is never a
# stop word). Non-alphanumerics become spaces before parsing so that the document's words are
# the query's words (the default parser would read "covid-19" as "covid" and "-19"); strip()
# drops positions, which nothing here uses.

_ACCENTED = "".join(chr(code) for code in ACCENTS)
_BARE = "".join(ACCENTS.values())

# translate() with the whole accent table costs about 0.4 ms per document, 15 times all the
# rest: text that is plain ASCII (as many bytes as characters in UTF-8) has nothing to fold.
PG_DOCUMENT_FUNCTION = f"""
    CREATE OR REPLACE FUNCTION {TABLE}_document(text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT strip(to_tsvector('simple'::regconfig, regexp_replace(
            CASE WHEN octet_length($1) = char_length($1) THEN $1
                 ELSE translate($1, '{_ACCENTED}', '{_BARE}') END,
            '[^[:alnum:]]+', ' ', 'g')))
    $$"""

PG_INSTALL = [
    f"CREATE TABLE {TABLE} (event_id bigint PRIMARY KEY, document tsvector NOT NULL)",
    PG_DOCUMENT_FUNCTION,
    f"""
    CREATE FUNCTION {TABLE}_refresh(ids bigint[]) RETURNS void LANGUAGE sql AS $$
        DELETE FROM {TABLE} WHERE event_id = ANY(ids);
        INSERT INTO {TABLE} (event_id, document)
        SELECT e.id, {TABLE}_document(concat_ws(' ', e.headline, e.summary, (
            SELECT string_agg(s.excerpt, ' ') FROM events_eventsource s WHERE s.event_id = e.id
        )))
        FROM events_event e WHERE e.id = ANY(ids);
    $$""",
    f"""
    CREATE FUNCTION {TABLE}_event_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            DELETE FROM {TABLE} WHERE event_id = OLD.id;
        ELSIF TG_OP = 'INSERT' THEN
            PERFORM {TABLE}_refresh(ARRAY[NEW.id]);
        ELSE
            PERFORM {TABLE}_refresh(ARRAY[OLD.id, NEW.id]);
        END IF;
        RETURN NULL;
    END $$""",
    f"""
    CREATE FUNCTION {TABLE}_source_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            PERFORM {TABLE}_refresh(ARRAY[NEW.event_id]);
        ELSIF TG_OP = 'DELETE' THEN
            PERFORM {TABLE}_refresh(ARRAY[OLD.event_id]);
        ELSE
            PERFORM {TABLE}_refresh(ARRAY[OLD.event_id, NEW.event_id]);
        END IF;
        RETURN NULL;
    END $$""",
    f"""
    CREATE FUNCTION {TABLE}_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE {TABLE};
        RETURN NULL;
    END $$""",
    f"""
    CREATE TRIGGER {TABLE}_event_insert_delete AFTER INSERT OR DELETE ON events_event
    FOR EACH ROW EXECUTE FUNCTION {TABLE}_event_changed()""",
    f"""
    CREATE TRIGGER {TABLE}_event_update AFTER UPDATE OF id, headline, summary ON events_event
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id
        OR OLD.headline IS DISTINCT FROM NEW.headline
        OR OLD.summary IS DISTINCT FROM NEW.summary)
    EXECUTE FUNCTION {TABLE}_event_changed()""",
    f"""
    CREATE TRIGGER {TABLE}_source_insert_delete AFTER INSERT OR DELETE ON events_eventsource
    FOR EACH ROW EXECUTE FUNCTION {TABLE}_source_changed()""",
    f"""
    CREATE TRIGGER {TABLE}_source_update AFTER UPDATE OF event_id, excerpt ON events_eventsource
    FOR EACH ROW WHEN (OLD.event_id IS DISTINCT FROM NEW.event_id
        OR OLD.excerpt IS DISTINCT FROM NEW.excerpt)
    EXECUTE FUNCTION {TABLE}_source_changed()""",
    # Django's flush (tests) truncates events_event; row triggers do not see that.
    f"""
    CREATE TRIGGER {TABLE}_event_truncate AFTER TRUNCATE ON events_event
    FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_truncated()""",
    f"""
    INSERT INTO {TABLE} (event_id, document)
    SELECT e.id, {TABLE}_document(concat_ws(' ', e.headline, e.summary, s.excerpts))
    FROM events_event e LEFT JOIN (
        SELECT event_id, string_agg(excerpt, ' ') AS excerpts
        FROM events_eventsource GROUP BY event_id
    ) s ON s.event_id = e.id""",
    # Built after the backfill: one sorted build instead of a million index insertions.
    f"CREATE INDEX {TABLE}_document_idx ON {TABLE} USING gin (document)",
    f"ANALYZE {TABLE}",
]

PG_UNINSTALL = [
    f"DROP TRIGGER IF EXISTS {TABLE}_event_truncate ON events_event",
    f"DROP TRIGGER IF EXISTS {TABLE}_source_update ON events_eventsource",
    f"DROP TRIGGER IF EXISTS {TABLE}_source_insert_delete ON events_eventsource",
    f"DROP TRIGGER IF EXISTS {TABLE}_event_update ON events_event",
    f"DROP TRIGGER IF EXISTS {TABLE}_event_insert_delete ON events_event",
    f"DROP FUNCTION IF EXISTS {TABLE}_truncated()",
    f"DROP FUNCTION IF EXISTS {TABLE}_source_changed()",
    f"DROP FUNCTION IF EXISTS {TABLE}_event_changed()",
    f"DROP FUNCTION IF EXISTS {TABLE}_refresh(bigint[])",
    f"DROP FUNCTION IF EXISTS {TABLE}_document(text)",
    f"DROP TABLE IF EXISTS {TABLE}",
]


def pg_tsquery(terms: list[str]) -> str:
    """A tsquery: each term accents folded, quoted as a lexeme with a prefix mark, all required."""
    return " & ".join(
        "'{}':*".format(term.translate(ACCENTS).replace("\\", "\\\\").replace("'", "''"))
        for term in terms
    )


STATEMENTS = {
    "sqlite": (SQLITE_INSTALL, SQLITE_UNINSTALL),
    "postgresql": (PG_INSTALL, PG_UNINSTALL),
}
TRIGGERS = {
    "sqlite": _SQLITE_TRIGGER_NAMES,
    "postgresql": tuple(
        f"{TABLE}_{name}"
        for name in (
            "event_insert_delete",
            "event_update",
            "source_insert_delete",
            "source_update",
            "event_truncate",
        )
    ),
}


def install(schema_editor) -> None:
    """Create the index and its triggers and index every event (migration 0007).

    On SQLite the index is built when the migrations are done, by events.triggers'
    restore_after_migrate: its view of events_event would make a later migration that rebuilds
    that table fail. This runs the statements itself, since events.triggers imports this module.
    """
    if schema_editor.connection.vendor == "sqlite":
        return
    for sql in STATEMENTS[schema_editor.connection.vendor][0]:
        # No parameters: the statements' own % signs are not placeholders.
        schema_editor.execute(sql, params=None)


def uninstall(schema_editor) -> None:
    for sql in STATEMENTS[schema_editor.connection.vendor][1]:
        schema_editor.execute(sql, params=None)


# --- Queries ----------------------------------------------------------------------------------

# What a reader of `q` is told while a bulk load (a large import, generate_events) has the
# index set aside, to be built once from every event when it ends.
REBUILDING = (
    "The full-text index is being rebuilt by a bulk load (a large import); search again in a "
    "few minutes. Every other filter works meanwhile."
)
# Seconds a client is asked to wait (Retry-After).
REBUILDING_RETRY = 120


class IndexMissing(DatabaseError):
    """The full-text index is not there: a bulk load has set it aside."""


def ensure_index(database: str) -> None:
    """IndexMissing unless the full-text index is there (one catalogue lookup): asked before a
    streamed response begins, which could not turn into an error once its first bytes left."""
    connection = connections[database]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [TABLE])
        else:
            cursor.execute("SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = %s)", [TABLE])
        if not cursor.fetchone()[0]:
            raise IndexMissing(f"{TABLE} does not exist")


def index_missing(exc: BaseException) -> bool:
    """Whether a database error says the full-text index is not there (set aside by a bulk
    load: SQLite's "no such table", PostgreSQL's "relation … does not exist")."""
    if isinstance(exc, IndexMissing):
        return True
    if not isinstance(exc, DatabaseError):
        return False
    text = str(exc)
    return TABLE in text and ("no such table" in text or "does not exist" in text)


# Above this many matches a page is found faster by walking the chronological index and probing
# the match set than by sorting the match set: the walk reads about page size × events / matches
# index entries, the sort looks up and orders every match. Measured at 1,000,000 events.
WALK_ABOVE = 5_000


class Matches(Expression):
    """True for rows whose id has a search document matching the query (a WHERE condition)."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, id_column, query: str, *, walk: bool = False):
        super().__init__()
        self.id_column = id_column
        self.query = query
        self.walk = walk

    def get_source_expressions(self):
        return [self.id_column]

    def set_source_expressions(self, exprs):
        (self.id_column,) = exprs

    def as_sqlite(self, compiler, connection):
        id_sql, id_params = compiler.compile(self.id_column)
        # A unary plus keeps SQLite from driving the query by the id list (then sorting it), so
        # that it walks the chronological index and probes the list instead.
        id_sql = f"+{id_sql}" if self.walk else id_sql
        sql = f"{id_sql} IN (SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s)"
        return sql, (*id_params, self.query)

    def as_postgresql(self, compiler, connection):
        id_sql, id_params = compiler.compile(self.id_column)
        sql = f"{id_sql} IN (SELECT event_id FROM {TABLE} WHERE document @@ %s::tsquery)"
        return sql, (*id_params, self.query)


def _sqlite_matches_many(connection, query: str) -> bool:
    """Whether more than WALK_ABOVE documents match (one index read, stopped at the bound)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {TABLE} WHERE {TABLE} MATCH %s LIMIT %s)",
            [query, WALK_ABOVE + 1],
        )
        return cursor.fetchone()[0] > WALK_ABOVE


@dataclass(frozen=True)
class Mention:
    """What a text filter asks of a database: its full-text query ("" when the text has no
    words, which filters nothing) and, on SQLite, whether a page walks the chronological index
    and probes the matches rather than sorting them (more than WALK_ABOVE match)."""

    query: str
    walk: bool = False


def mention(text: str, database: str) -> Mention:
    """The text's words as this database's full-text query (SQLite: one bounded count to
    choose the plan, see WALK_ABOVE)."""
    terms = words(text)
    if not terms:
        return Mention("")
    connection = connections[database]
    if connection.vendor == "postgresql":
        return Mention(pg_tsquery(terms))
    query = sqlite_match(terms)
    return Mention(query, walk=_sqlite_matches_many(connection, query))


def matching(queryset: QuerySet, found: Mention) -> QuerySet:
    """The events whose document matches the mention's query."""
    if not found.query:
        return queryset
    return queryset.filter(Matches(F("pk"), found.query, walk=found.walk))


def mentioning(queryset: QuerySet, text: str) -> QuerySet:
    """Events whose document holds every word of text as a word or word prefix.

    Text with no letters or digits (only punctuation) filters nothing, like empty text. On
    SQLite this runs one bounded count to choose the plan (see WALK_ABOVE).
    """
    return matching(queryset, mention(text, queryset.db))
