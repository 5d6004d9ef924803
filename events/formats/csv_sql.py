"""The CSV export written by the database: each row's cells assembled in SQL, in keyset chunks."""

# What it costs: one statement per chunk of EXPORT_BATCH_SIZE events (two when the plan walks
# actors or probes a window: the plan's own batch picks the ids), each event's actors and
# sources read as text from events_exportpieces by its primary key (events/export_pieces.py
# keeps them, from the aggregates Dialect.actors and Dialect.sources write); one query for the
# places, once per stream. Python only joins each row's pieces (the place's columns,
# worked out once per place, and a generated date text, once per date), so that the export
# runs near the sqlite3 command line running the same statement (bench/export_bench.py).
#
# The cells come from csv_layout.CSV_SQL, declared beside csv_row's columns. A row whose cells
# SQL cannot write exactly (NULL: an ACLED row's own day, a line break inside a claim, a comma
# inside an outlet on SQLite) is written by csv_row from its entry, so the output is
# csv_stream's, byte for byte (tests/api/test_csv_sql.py, on both databases).

import csv
import functools
import io
import itertools
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models import QuerySet

from events.chronology.entries import (
    ACTORS,
    COLUMNS,
    PLACES,
    SOURCES,
    UrlFor,
    _ancestor_ids,
    _display,
    _table,
    build_entries,
    id_list,
    reader,
    row_key,
    row_sql,
    rows_by_id,
)
from events.chronology.paging import EVENTS, EXPORT_BATCH_SIZE, Plan, read_batches
from events.chronology.query import ChronologyQuery, plan
from events.formats import forked
from events.formats.csv_layout import (
    CSV_COLUMN_NAMES,
    CSV_SQL,
    DISPLAY,
    PLACE,
    REST,
    Parts,
    csv_row,
)
from events.models import EventSource, ExportPieces, ExternalRecord, Location
from events.querysets import CHRONOLOGICAL

# What csv.writer quotes (QUOTE_MINIMAL, "\r\n" line ends): the delimiter, the quote, CR, LF.
QUOTED = ',"\r\n'
# What str.splitlines() breaks at: csv_row numbers each claim on one line, so a claim holding
# one of these is written by csv_row.
LINE_BREAKS = "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"

_ENTRY = {column.name: column for column in COLUMNS}
PARTS = "parts"


class Dialect:
    """The SQL of CSV cells for one database (sqlite or postgresql): each method gives an
    expression of text, never NULL unless the row must go to csv_row."""

    def __init__(self, vendor: str):
        self.vendor = vendor
        self.sqlite = vendor == "sqlite"

    # --- Values of the event (the entry spec's columns) ---------------------------------------

    def column(self, name: str) -> str:
        return _ENTRY[name].sql

    def text(self, name: str) -> str:
        column = _ENTRY[name]
        return column.select("sqlite") if self.sqlite else f"{column.sql}::text"

    def number(self, name: str) -> str:
        return f"coalesce({self.text(name)}, '')"

    def year(self, name: str) -> str:
        if self.sqlite:
            return f"CAST(substr({self.column(name)}, 1, 4) AS INTEGER)"
        return f"extract(year FROM {self.column(name)})::int::text"

    def epoch(self, name: str) -> str:
        # int(datetime.timestamp()): whole seconds, truncated. SQLite's date functions round
        # to the millisecond (".9996" would count as the next second): the fraction is cut first.
        if self.sqlite:
            seconds = f"substr({self.column(name)}, 1, 19)"
            return f"coalesce(CAST(strftime('%s', {seconds}) AS INTEGER), '')"
        return f"coalesce(floor(extract(epoch FROM {self.column(name)}))::bigint::text, '')"

    def uid(self, name: str) -> str:
        sql = self.column(name)
        if not self.sqlite:
            return f"{sql}::text"
        # SQLite keeps a UUID as 32 hex digits (entries.uid_text).
        parts = ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))
        return " || '-' || ".join(f"substr({sql}, {start}, {length})" for start, length in parts)

    def moment(self, name: str) -> str:
        # entries.moment_text: ISO 8601 in UTC, the microseconds only when there are some.
        sql = self.column(name)
        if self.sqlite:
            return f"substr({sql}, 1, 10) || 'T' || substr({sql}, 12) || '+00:00'"
        utc = f"({sql} AT TIME ZONE 'UTC')"
        return (
            f"to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN date_trunc('second', "
            f"{utc}) = {utc} THEN '' ELSE to_char({utc}, '.US') END || '+00:00'"
        )

    def case(self, sql: str, mapping: Mapping[str, Any]) -> str:
        whens = " ".join(f"WHEN '{key}' THEN '{value}'" for key, value in mapping.items())
        return f"CASE {sql} {whens} ELSE '' END"

    # --- Text as CSV ----------------------------------------------------------------------------

    def q(self, sql: str) -> str:
        """The text as csv.writer writes it: quoted, quotes doubled, when it holds a comma, a
        quote or a line end; empty for NULL."""
        # instr: twice as fast as one GLOB over a character class, in SQLite.
        if self.sqlite:
            has = " OR ".join(f"instr({sql}, {_char(char)})" for char in QUOTED)
        else:
            has = f"{sql} ~ '[{QUOTED}]'"
        return (
            f"CASE WHEN {has} THEN '\"' || replace({sql}, '\"', '\"\"') || '\"' "
            f"ELSE coalesce({sql}, '') END"
        )

    def agg(self, sql: str, separator: str, order: str) -> str:
        """The rows' values joined in order: SQLite's group_concat follows the order of the
        ordered subquery it reads (SQLite does not flatten one into an aggregate)."""
        if self.sqlite:
            return f"group_concat({sql}, {separator})"
        return f"string_agg({sql}, {separator} ORDER BY {order})"

    def json(self, sql: str) -> str:
        return f"json_quote({sql})" if self.sqlite else f"coalesce(to_json({sql})::text, 'null')"

    @property
    def newline(self) -> str:
        return self.char(10)

    # --- What an entry holds beside its row ---------------------------------------------------

    def acled_record(self) -> str:
        return (
            f"EXISTS (SELECT 1 FROM {_table(ExternalRecord)} x "
            "WHERE x.event_id = e.id AND x.dataset = 'acled')"
        )

    def two(self, first: str, rest: str, source: str) -> "Two":
        """Two pieces of a row from one subquery over its links or sources (source: its FROM,
        over the event whose id is EVENT)."""
        return Two(first, rest, source)

    def actors(self) -> "Two":
        """actor1, assoc_actor_1, actor2, assoc_actor_2 (csv_layout.actor_slots), then actors
        ("role: name", '; '-joined): one subquery over the event's links."""
        roles = {"sa": "side_a", "sb": "side_b", "pe": "perpetrator", "ta": "target"}
        roles |= {"xa": "associated_a", "xb": "associated_b"}
        joined = [
            self.agg(f"CASE WHEN role = '{role}' THEN name END", "'; '", "o") + f" AS {alias}"
            for alias, role in roles.items()
        ]
        joined.append(self.agg("role || ': ' || name", "'; '", "o") + " AS every")
        sides = "sa IS NOT NULL OR sb IS NOT NULL"
        slots = [f"CASE WHEN {sides} THEN sa ELSE pe END", "xa"]
        slots += [f"CASE WHEN {sides} THEN sb ELSE ta END", "xb"]
        links = _related(ACTORS, "l.role AS role, a.name AS name", numbered=not self.sqlite)
        return self.two(
            _joined(self.q(cell) for cell in slots),
            self.q("every"),
            f"FROM (SELECT {', '.join(joined)} FROM ({links}) x) y",
        )

    def sources(self) -> "Two":
        """source (distinct outlets in citation order, entry_fields.outlets), then
        source_excerpts, source_attributions and sources_json: one subquery over the event's
        sources. NULL, for csv_row to write the row, when a claim holds a line break (csv_row
        folds those, LINE_BREAKS) or, in SQLite, an outlet a comma."""
        outlet, agency = "coalesce(r.outlet, '')", "coalesce(r.original_agency, '')"
        published = self.text_of(SOURCES, "published")
        attributed = "coalesce(s.attributed_to, '')"
        # entry_fields.credit; an article always has its publication date.
        where = (
            f"(CASE WHEN {agency} <> '' AND {agency} <> {outlet} THEN CASE WHEN {outlet} <> '' "
            f"THEN {outlet} || ' (via ' || {agency} || ')' ELSE {agency} END ELSE {outlet} END)"
        )
        where = (
            f"(CASE WHEN {where} <> '' THEN {where} || ', ' || {published} ELSE {published} END)"
        )
        credit = (
            f"CASE WHEN {attributed} <> '' THEN {attributed} || ', in ' || {where} ELSE {where} END"
        )
        values = [
            f"{outlet} AS outlet",
            "coalesce(s.excerpt, '') AS excerpt",
            f"{credit} AS credit",
            f"{self.source_json()} AS obj",
        ]
        numbered = "'[' || o || '] ' || {}"
        joined = [
            f"{self.agg(numbered.format('excerpt'), self.newline, 'o')} AS ex",
            f"{self.agg(numbered.format('credit'), self.newline, 'o')} AS cr",
            "'[' || " + self.agg("obj", "','", "o") + " || ']' AS js",
        ]
        if self.sqlite:
            # group_concat(DISTINCT) keeps first occurrences in the order read, but joins with
            # a comma.
            joined += [
                "replace(group_concat(DISTINCT nullif(outlet, '')), ',', '; ') AS outlets",
                "max(instr(outlet, ',')) AS comma",
            ]
        else:
            values.append(
                f"row_number() OVER (PARTITION BY {outlet} ORDER BY {_order(SOURCES)}) AS nth"
            )
            joined += [
                "string_agg(outlet, '; ' ORDER BY o) FILTER (WHERE nth = 1 AND outlet <> '') "
                "AS outlets",
                "0 AS comma",
            ]
        # A claim holding a line break (which csv_row folds, LINE_BREAKS): CR or LF, a search
        # per value, a third less than counting the joined claims' line ends; the rarer
        # breaks, a search of the joined claims. Paid when the text is stored
        # (events/export_pieces.py), not at each export.
        find = "instr" if self.sqlite else "strpos"
        broken = " + ".join(
            f"{find}({value}, {self.char(code)})"
            for value in ("excerpt", "credit")
            for code in (10, 13)
        )
        joined.append(f"max({broken}) AS broken")
        rare = " OR ".join(
            f"{find}({value}, {self.char(ord(char))}) > 0"
            for value in ("ex", "cr")
            for char in LINE_BREAKS[2:]
        )
        odd = f"comma > 0 OR broken > 0 OR {rare}"
        return self.two(
            f"CASE WHEN {odd} THEN NULL ELSE {self.q('outlets')} END",
            _joined(self.q(cell) for cell in ("ex", "cr", "js")),
            f"FROM (SELECT {', '.join(joined)} FROM ({self.cited(values)}) x) y",
        )

    def cited(self, values: list[str]) -> str:
        """The event's sources in order, numbered o: in SQLite by counting the event's sources
        up to each one (SOURCES' order, an excerpt without a start first, as SQLite sorts a
        NULL), a few index probes where a window per event cost a fifth of the subquery."""
        if not self.sqlite:
            return _related(SOURCES, ", ".join(values))
        if _order(SOURCES) != "s.article_id, s.excerpt_start, s.id":
            raise RuntimeError(f"csv_sql.cited counts in another order than {_order(SOURCES)}")
        # excerpt_start is never negative (a PositiveIntegerField): -1 stands for NULL.
        key = "({0}.article_id, coalesce({0}.excerpt_start, -1), {0}.id)"
        position = (
            f"(SELECT count(*) FROM {_table(EventSource)} n WHERE n.event_id = s.event_id "
            f"AND {key.format('n')} <= {key.format('s')})"
        )
        return _related(SOURCES, ", ".join([*values, f"{position} AS o"]), numbered=False)

    def char(self, code: int) -> str:
        return f"char({code})" if self.sqlite else f"chr({code})"

    def text_of(self, related, name: str) -> str:
        column = next(column for column in related.columns if column.name == name)
        return column.select("sqlite") if self.sqlite else f"{column.sql}::text"

    def source_json(self) -> str:
        """One source as orjson writes an entry's source: SOURCES' keys in order, compact (as
        SQLite's json_object writes it; PostgreSQL's puts spaces around the colons)."""
        pairs = [(column.place, self.text_of(SOURCES, column.name)) for column in SOURCES.columns]
        integer = {column.place for column in SOURCES.columns if column.doc.type == "integer"}
        if self.sqlite:
            return "json_object(" + ", ".join(f"'{key}', {value}" for key, value in pairs) + ")"
        parts = []
        for number, (key, value) in enumerate(pairs):
            value = value if key in integer else self.json(value)
            opening = "{" if number == 0 else ","
            parts.append(f"'{opening}\"{key}\":' || {value}")
        return " || ".join(parts) + " || '}'"


# The event whose pieces a Two's subquery reads: a name the statement that runs it defines
# (events/export_pieces.py: the row of events_exportpieces being written).
EVENT = "events_exportpieces.event_id"


@dataclass(frozen=True)
class Two:
    """Two texts of a row from one subquery: first and rest, over the rows FROM source gives."""

    first: str
    rest: str
    source: str

    def select(self) -> str:
        return f"SELECT {self.first} AS a, {self.rest} AS b {self.source}"


def _char(char: str) -> str:
    return f"char({ord(char)})" if char in "\r\n" else f"'{char}'"


def _joined(cells: Iterable[str]) -> str:
    """Cells' SQL as one text, comma-separated."""
    return " || ',' || ".join(cells)


def _order(related) -> str:
    return related.source.rpartition(" ORDER BY ")[2]


def _related(related, values: str, *, numbered: bool = True) -> str:
    """The ordered rows of one event (e) that related (ACTORS, SOURCES) reads for a page, with
    their position in that order as o (1, 2, …) when numbered. A window per event costs a
    third of the subquery in SQLite, whose group_concat needs only the rows' order."""
    source = related.source.replace("IN ({ids})", f"= {EVENT}")
    if not numbered:
        return f"SELECT {values} {source}"
    return f"SELECT {values}, row_number() OVER (ORDER BY {_order(related)}) AS o {source}"


# --- The statement ---------------------------------------------------------------------------

# The row's leading values, before its pieces: its keyset key, its place, and what a generated
# date text is made of; then the editor's date text (NULL for a generated one).
_LEADING = (
    "date_earliest",
    "date_latest",
    "id",
    "location_id",
    "date_precision",
    "date_approximate",
)
_KEY = slice(0, 3)
_ID = CHRONOLOGICAL.index("id")
_FIRST_PIECE = len(_LEADING) + 1


@functools.cache
def pieces() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The row's pieces in column order, each (kind, its columns): "sql" for a run of cells
    joined in SQL, PARTS for an expression's first part, REST for its second (in order),
    PLACE, DISPLAY and URL for cells filled in Python."""
    found: list[tuple[str, list[str]]] = []
    for name, cell in CSV_SQL.items():
        kind = PARTS if isinstance(cell, Parts) else "sql" if callable(cell) else cell
        if kind is None:
            found[-1][1].append(name)  # Written by the expression before it.
        elif found and found[-1][0] == kind and kind in ("sql", PLACE):
            found[-1][1].append(name)
        else:
            found.append((kind, [name]))
    return tuple((kind, tuple(names)) for kind, names in found)


@functools.cache
def stored_sql(vendor: str) -> dict[tuple[str, str], Two]:
    """{(events_exportpieces' column of its first text, of its rest): the subquery of both} for
    each Parts piece: what the triggers of events/export_pieces.py store, and the export reads."""
    d = Dialect(vendor)
    return {
        CSV_SQL[names[0]].stored: CSV_SQL[names[0]].sql(d)
        for kind, names in pieces()
        if kind == PARTS
    }


@functools.cache
def select_sql(vendor: str) -> str:
    """The statement of the CSV rows of the events whose ids {ids} gives (a subquery or a list),
    in chronological order: the leading values, then a text per SQL piece.

    The Parts and REST pieces (actors, sources) are read from events_exportpieces, one
    primary-key probe per event, where aggregating the links and citations cost three quarters
    of the statement; a missing row reads as NULL, which sends the row to csv_row."""
    d = Dialect(vendor)
    columns = [_ENTRY[name].select(vendor) for name in _LEADING]
    display = _ENTRY["date_display"].sql
    columns.append(f"CASE WHEN {display} <> '' THEN {d.q(display)} END")
    rests = []
    for kind, names in pieces():
        if kind == "sql":
            columns.append(_joined(CSV_SQL[name](d) for name in names if CSV_SQL[name]))
        elif kind == PARTS:
            first, rest = CSV_SQL[names[0]].stored
            columns.append(f"c.{first}")
            rests.append(rest)
        elif kind == REST:
            columns.append(f"c.{rests.pop(0)}")
    order = ", ".join(f"e.{name}" for name in CHRONOLOGICAL)
    source, _, where = row_sql(vendor).partition(" FROM ")[2].rpartition(" WHERE ")
    source += f" LEFT OUTER JOIN {_table(ExportPieces)} c ON c.event_id = e.id"
    return f"SELECT {', '.join(columns)} FROM {source} WHERE {where} ORDER BY {order}"


def _statement(vendor: str, ids: str, params) -> str:
    sql = select_sql(vendor)
    # With parameters, the drivers read % as a placeholder's start (strftime's %s).
    if params is not None:
        sql = sql.replace("%", "%%")
        if vendor == "postgresql":
            # A keyset chunk's ids (a subquery) as an array: PostgreSQL then probes the events'
            # primary key for them, where it planned a hash semi-join over a scan of every
            # event (62 against 39 ms a chunk of 2,000 at 100,000 events).
            ids = f"SELECT unnest(ARRAY({ids}))"
    return sql.replace("{ids}", ids)


# --- The stream ------------------------------------------------------------------------------


def sql_csv_stream(
    query: ChronologyQuery,
    *,
    events: QuerySet,
    url_for: UrlFor | None = None,
    steps: tuple[Callable[[list[dict]], None], ...] = (),
    batch_size: int = EXPORT_BATCH_SIZE,
    jobs: int | None = 1,
) -> Iterator[bytes]:
    """csv_layout.csv_stream's output for the query's events, written by the database.

    steps: the format's steps (Format.steps), applied to the entries of the rows csv_row writes.
    jobs: worker processes writing the chunks (forked, each with its connection; the parent
    walks the chunks' ids and yields their text in order); None to choose: auto_jobs() for an
    export of more than PARALLEL_FROM events where this process can fork, else 1.
    forked.WorkerError when a worker fails, or when jobs > 1 and this process cannot fork.
    """
    vendor = reader().vendor
    writer = _Writer(url_for, steps, raw=vendor == "sqlite")
    yield (writer.cells(CSV_COLUMN_NAMES) + "\r\n").encode()
    found = plan(query, events)
    if jobs == 1:
        for rows in _chunks(found, vendor, batch_size):
            yield _encoded(writer.lines(rows))
        return
    chunks = chunk_ids(found, batch_size)
    if jobs is None:
        # The first chunks' ids say whether the export is worth the workers' start.
        ahead = list(itertools.islice(chunks, -(-PARALLEL_FROM // batch_size)))
        small = sum(map(len, ahead)) <= PARALLEL_FROM
        jobs = 1 if small or forked.fork_refusal() else auto_jobs()
        if jobs == 1:
            for ids in itertools.chain(ahead, chunks):
                yield _chunk_lines(writer, vendor, ids)
            return
        chunks = itertools.chain(ahead, chunks)
    start = functools.partial(_start_job, url_for, steps, vendor)
    yield from forked.ordered_map(_job_lines, chunks, jobs=jobs, start=start, describe=_events)


def _chunks(found: Plan, vendor: str, size: int) -> Iterator[list[tuple]]:
    """The rows in chronological order, a chunk per statement."""
    if _selects(found):
        # The plan's own batches pick the events (an actor walk, a probe window).
        for ids in chunk_ids(found, size):
            yield _fetch(_statement(vendor, id_list(ids), None), None, vendor)
        return
    key = None
    while True:
        try:
            ids, params = _after(found, key).values("id")[:size].query.sql_with_params()
        except EmptyResultSet:
            return
        rows = _fetch(_statement(vendor, ids, params), params, vendor)
        if rows:
            yield rows
        if len(rows) < size:
            return
        key = tuple(_text(value) for value in rows[-1][_KEY])


def chunk_ids(found: Plan, size: int) -> Iterator[list[int]]:
    """The ids of _chunks' chunks, in order, without their rows: the plan's own batches, or a
    keyset walk over the chronological index that reads each chunk's keys only."""
    if _selects(found):
        for batch in read_batches(found, batch_size=size):
            yield [row_key(row)[_ID] for row in batch]
        return
    key = None
    while True:
        try:
            keys = list(_after(found, key).values_list(*EVENTS.names)[:size])
        except EmptyResultSet:
            return
        if keys:
            yield [row[_ID] for row in keys]
        if len(keys) < size:
            return
        key = keys[-1]


def _selects(found: Plan) -> bool:
    """Whether the plan picks its events itself (an actor walk, a probe window)."""
    return found.walks or found.probes


def _after(found: Plan, key) -> QuerySet:
    """The plan's events in chronological order, after key (from the start when None)."""
    events = found.events.order_by(*EVENTS.ordering())
    return events if key is None else events.filter(EVENTS.beyond(key))


# --- The workers (sql_csv_stream with jobs) ---------------------------------------------------

# Measured at 100,000 events (docs/performance.md, "CSV export"): below this many events the
# workers' start (a fork, a connection and the places' query each) is not worth it.
PARALLEL_FROM = 10_000

# A worker's writer and vendor, made once in each worker process (_start_job).
_job: dict[str, Any] = {}


def _start_job(url_for: UrlFor | None, steps, vendor: str) -> None:
    _job["writer"], _job["vendor"] = _Writer(url_for, steps, raw=vendor == "sqlite"), vendor


# The most workers the stream chooses by itself: each holds a database connection (a
# PostgreSQL server's are few) and two chunks of text in flight; more is --jobs N's to ask.
MAX_AUTO_JOBS = 4


def auto_jobs() -> int:
    """The workers when the stream chooses: the cores this process may run on, at most
    MAX_AUTO_JOBS. Measured on two cores (docs/performance.md): 1.5 times the sequential
    export's speed when the cores are free, the same speed and 12% more CPU when other work
    takes them."""
    if hasattr(os, "sched_getaffinity"):
        cores = len(os.sched_getaffinity(0))
    else:
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_AUTO_JOBS))


def _job_lines(ids: list[int]) -> bytes:
    """A chunk's CSV text, written in a worker."""
    return _chunk_lines(_job["writer"], _job["vendor"], ids)


def _chunk_lines(writer: "_Writer", vendor: str, ids: list[int]) -> bytes:
    """The CSV text of the events whose ids are given, in order: the statement over the ids."""
    return _encoded(writer.lines(_fetch(_statement(vendor, id_list(ids), None), None, vendor)))


def _events(ids: list[int]) -> str:
    return f"the chunk of {len(ids)} events from id {ids[0]}"


def _encoded(text: str | bytes) -> bytes:
    return text if isinstance(text, bytes) else text.encode("utf-8")


def _fetch(sql: str, params, vendor: str) -> list[tuple]:
    """The statement's rows; on SQLite with its text as UTF-8 bytes: the rows are written out
    as they come, and decoding them to be encoded again cost a fifth of the Python's time."""
    database = reader()
    with database.cursor() as cursor:
        if vendor != "sqlite":
            cursor.execute(sql, params)
            return cursor.fetchall()
        connection = database.connection
        connection.text_factory = bytes
        try:
            cursor.execute(sql, params)
            return cursor.fetchall()
        finally:
            connection.text_factory = str


def _text(value):
    return value.decode() if isinstance(value, bytes) else value


class _Writer:
    """Joins each row's pieces into its CSV line; keeps what recurs (places, dates)."""

    def __init__(self, url_for: UrlFor | None, steps, *, raw: bool = False):
        # raw: the rows' text comes as UTF-8 bytes (SQLite), and the pieces joined to it too.
        self.encode = str.encode if raw else str
        self.empty, self.newline = self.encode(""), self.encode("\r\n")
        self.buffer = io.StringIO()
        self.csv = csv.writer(self.buffer, lineterminator="\r\n")
        self.url_for = url_for
        self.steps = steps
        self._places: _Places | None = None
        self._entry_places: dict = {}
        url = _url_cell(url_for, self.cells)
        self.url = (lambda pk: url(pk).encode()) if raw else url
        self.display = functools.lru_cache(maxsize=65_536)(self._display)
        self.line = self._compile()

    def _compile(self) -> Callable[[tuple, tuple], str]:
        """The function that joins a row's pieces, written from pieces() once: row, place →
        its line (as entries compiles its builder)."""
        column, places = _FIRST_PIECE, 0
        out = []
        for kind, _ in pieces():
            if kind in ("sql", PARTS, REST):
                out.append(f"row[{column}]")
                column += 1
            elif kind == PLACE:
                out.append(f"place[{places}]")
                places += 1
            elif kind == DISPLAY:
                out.append("display(row[0], row[1], row[4], row[5]) if row[6] is None else row[6]")
            else:
                out.append("url(row[2])")
        source = f"def line(row, place):\n    return COMMA.join(({', '.join(out)},))\n"
        names = {"display": self.display, "url": self.url, "COMMA": self.encode(",")}
        exec(source, names)  # The source holds no input: only pieces()' positions.
        return names["line"]

    def cells(self, values: Iterable[Any]) -> str:
        """Values as csv.writer writes them, without the line end."""
        self.csv.writerow([*values, None])  # A lone empty value would be written "".
        text = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        return text[:-3]  # The trailing empty cell's comma and the line end.

    def _display(self, earliest: str, latest: str, precision: str, approximate) -> str:
        earliest, latest, precision = (str(_text(value)) for value in (earliest, latest, precision))
        return self.encode(self.cells([_display(earliest, latest, precision, bool(approximate))]))

    def lines(self, rows: list[tuple]) -> str:
        """The rows' lines, each ended by CRLF; csv_row writes those SQL could not."""
        if self._places is None:
            self._places = _Places(self.cells, self.encode)
        places, line = self._places, self.line
        out = [
            line(row, places[row[3]]) if None not in row[_FIRST_PIECE:] else None for row in rows
        ]
        late = [row[2] for row, line in zip(rows, out, strict=True) if line is None]
        if late:
            written = self._by_python(late)
            out = [
                written[row[2]] if line is None else line
                for row, line in zip(rows, out, strict=True)
            ]
        return self.newline.join(out) + self.newline

    def _by_python(self, ids: list[int]) -> dict[int, str]:
        """csv_row's lines of these events (four queries, and the format's steps)."""
        entries = build_entries(rows_by_id(ids), url_for=self.url_for)
        for step in self.steps:
            step(entries)
        return {
            entry["id"]: self.encode(self.cells(csv_row(entry, places=self._entry_places).values()))
            for entry in entries
        }


def _url_cell(url_for: UrlFor | None, cells) -> Callable[[int], str]:
    """The url cell of an event: its text from url_for's prefix and suffix when they need no
    quoting (an API address), else url_for's, quoted."""
    if url_for is None:
        return lambda pk: ""
    probe = 8_642_097_531
    sample = url_for(probe)
    if isinstance(sample, str) and sample.count(str(probe)) == 1:
        prefix, suffix = sample.split(str(probe))
        if not any(char in prefix + suffix for char in QUOTED):
            return lambda pk: f"{prefix}{pk}{suffix}"
    return lambda pk: cells([url_for(pk)])


class _Places(dict):
    """{place id: its PLACE pieces as csv_row writes them}, each worked out when a row first
    names it, from the place with its ancestors as an entry holds them. One query, for every
    place's few values, when the first row is joined."""

    def __init__(self, cells: Callable[[Iterable[Any]], str], encode=str):
        super().__init__()
        self.cells, self.encode = cells, encode
        self.groups = [names for kind, names in pieces() if kind == PLACE]
        self._read()

    def _read(self) -> None:
        rows = Location.objects.order_by().values_list(
            "id", "slug", "name", "kind", "latitude", "longitude", "geo_precision", "path"
        )
        self.rows = {row[0]: row for row in rows}
        ref = [column.name for column in PLACES.columns]
        self.refs = {pk: dict(zip(ref, row[1:4], strict=True)) for pk, row in self.rows.items()}

    def __missing__(self, pk: int | None) -> tuple[str, ...]:
        entry = {}
        if pk is not None and pk not in self.rows:
            self._read()  # A place added while the export ran.
        if pk is not None:
            _, slug, name, kind, latitude, longitude, geo_precision, path = self.rows[pk]
            ancestors = [self.refs[above] for above in _ancestor_ids(path) if above in self.refs]
            entry["location"] = {
                "id": pk,
                "slug": slug,
                "name": name,
                "kind": kind,
                "latitude": latitude,
                "longitude": longitude,
                "geo_precision": geo_precision,
                "ancestors": ancestors,
            }
        row = csv_row(entry)
        found = self[pk] = tuple(
            self.encode(self.cells(row[name] for name in group)) for group in self.groups
        )
        return found
