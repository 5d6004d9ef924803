"""Timeline entries from one column spec: the row select, the entry builder and the API schema.

An entry is the plain, JSON-ready dict every chronology response and export is made of. Each
value it takes from its event's row is declared once, as a Column of ENTRY: its name (an ORM
path, by which the row knows it), its SQL expression, SQLite's own expression where the driver
would convert for nothing, how the database's value becomes the entry's, where the entry holds
it, and how the API schema describes it. From that one list come:

- the row select (row_sql), one query for a page's events with their type and place;
- the entry builder (build_entries), written from the spec once as one function;
- the API's documented shape (events/api/serializers.py builds its serializers from ENTRY,
  GROUPS and the related rows below).

What an entry holds beside its row (its actors, sources and the places above its place) comes
from one query each per page, declared the same way (ACTORS, SOURCES, PLACES).

To add a value to the entry: add its Column here, in entry order, with the model field and its
migration. Nothing else lists the columns.
"""

import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date
from operator import itemgetter
from typing import Any
from uuid import UUID

from django.core.exceptions import EmptyResultSet
from django.db import connections, models, router

from events.dates import Precision, display_text
from events.models import (
    Actor,
    ActorRole,
    Article,
    Event,
    EventActor,
    EventSource,
    EventType,
    Location,
)
from events.querysets import CHRONOLOGICAL

UrlFor = Callable[[int], str]

# --- Reading values as the database gives them --------------------------------------------------
#
# On SQLite, dates, times and flags are selected through expressions (AS_TEXT, AS_NUMBER), which
# carry no declared type: the driver then hands back their text instead of converting every
# value. Converting cost more than the query on a page. The reads below take both the raw and
# the converted forms, since the ORM (entries of an unsliced queryset) gives converted ones.
AS_TEXT = "CAST({} AS TEXT)"
AS_NUMBER = "{} + 0"


def day_text(value) -> str:
    """A date as ISO text (SQLite's raw dates are that already)."""
    return value if isinstance(value, str) else value.isoformat()


def uid_text(value) -> str:
    """A UUID as text with hyphens (SQLite keeps 32 hex digits)."""
    if isinstance(value, str) and len(value) == 32:
        return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"
    return str(value)


def moment_text(value) -> str:
    """An ISO 8601 time in UTC (SQLite gives a naive UTC time, or its text)."""
    if isinstance(value, str):
        return value.replace(" ", "T", 1) + "+00:00"
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.isoformat()


def _hyphenated(value: str) -> str:
    return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"


def _moment_of_text(value: str) -> str:
    return value.replace(" ", "T", 1) + "+00:00"


# The read of a value whose type is known, without the checks of the general read: (read, the
# type the driver gives) → the read for that type alone, None where the value is the entry's
# as it comes. A column's values in one result set are of one type (the driver converts by the
# column's declared type), so a batch's first row tells which reads its builder takes
# (forms_of). Each agrees with the general read for that type (tests/test_entry_reads.py).
SPECIALISED: dict[tuple[Callable, type], Callable | None] = {
    (day_text, str): None,  # SQLite's text (AS_TEXT) is ISO already.
    (day_text, date): date.isoformat,
    # Django keeps a UUID as 32 hex digits where the database has no UUID type.
    (uid_text, str): _hyphenated,
    (uid_text, UUID): str,
    (moment_text, str): _moment_of_text,
    (bool, bool): None,
}
Forms = tuple[tuple[str, type], ...]


def forms_of(row: Sequence, index: Mapping[str, int], columns: Iterable["Column"]) -> Forms:
    """(name, type) of the row's values that a read converts: what picks a batch's builder."""
    return tuple((column.name, type(row[index[column.name]])) for column in columns if column.read)


def _read_of(read: Callable, form: type | None) -> Callable | None:
    """The read to write into a builder: the general one, its specialisation for the form's
    type, or None where the value is taken as it comes."""
    return SPECIALISED.get((read, form), read) if form is not None else read


@functools.lru_cache(maxsize=65_536)
def _display(earliest: str, latest: str, precision: str, approximate: bool) -> str:
    # Many events share their bounds (a few thousand days hold a million events).
    return display_text(
        date.fromisoformat(earliest),
        date.fromisoformat(latest),
        Precision(precision),
        approximate=approximate,
    )


def _fill_display(when: dict) -> dict:
    """An editor's display text, else the one generated from the bounds."""
    if not when["display"]:
        when["display"] = _display(
            when["earliest"], when["latest"], when["precision"], when["approximate"]
        )
    return when


# --- The spec ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Doc:
    """How the API schema describes a value.

    type: integer, number, string, slug, uuid, date, datetime, boolean, url or choice.
    """

    type: str
    help: str = ""
    nullable: bool = False
    choices: tuple[tuple[Any, str], ...] = ()

    @classmethod
    def choice(cls, choices, help: str = "", *, nullable: bool = False) -> "Doc":
        return cls("choice", help, nullable, tuple(choices))


@dataclass(frozen=True)
class Column:
    """A value read from a row.

    name: the row's name for it; for an event, the ORM path ("type__parent__slug").
    sql: its expression in the select.
    place: where the entry holds it, dotted ("type.parent.slug"); "" when it is read for
        another value's sake and not shown.
    doc: how the API schema describes it.
    read: the entry's value from the database's; None keeps it as it comes.
    sqlite: SQLite's expression around sql where it differs (AS_TEXT, AS_NUMBER).
    """

    name: str
    sql: str
    place: str
    doc: Doc | None = None
    read: Callable[[Any], Any] | None = None
    sqlite: str | None = None

    def select(self, vendor: str) -> str:
        return self.sqlite.format(self.sql) if self.sqlite and vendor == "sqlite" else self.sql


@dataclass(frozen=True)
class Group:
    """A nested object of the entry, with the schema's name for its shape.

    present: the column whose null makes the whole object null (no parent type, no place).
    finish: completes the object once its values are in, and returns it (the date's text).
    """

    place: str
    schema: str
    help: str = ""
    present: str | None = None
    finish: Callable[[dict], dict] | None = None


@dataclass(frozen=True)
class Related:
    """Rows read beside a page's events, one query for all: an event's actors or sources, or
    the places above the events' places. `key` is the first column read, the event (or
    place) each row belongs to; `source` the FROM clause with {ids} to fill."""

    schema: str
    key: str
    columns: tuple[Column, ...]
    source: str

    @functools.cached_property
    def _index(self) -> dict[str, int]:
        # The row's first column is its key; the spec's columns follow it.
        return {column.name: number for number, column in enumerate(self.columns, start=1)}

    @functools.cached_property
    def _builders(self) -> dict[Forms, Callable[[tuple, Any], dict]]:
        return {}  # One per form of row (forms_of), compiled when first read.

    def _build(self, forms: Forms) -> Callable[[tuple, Any], dict]:
        try:
            return self._builders[forms]
        except KeyError:
            tree = {column.place: column for column in self.columns}
            build = self._builders[forms] = _builder(tree, None, self._index, dict(forms))
            return build

    @functools.cached_property
    def _selects(self) -> dict[str, str]:
        return {
            vendor: ", ".join([self.key, *(column.select(vendor) for column in self.columns)])
            for vendor in ("sqlite", "postgresql")
        }

    def sql(self, vendor: str, ids: Sequence[int]) -> str:
        return f"SELECT {self._selects[vendor]} {self.source.format(ids=id_list(ids))}"

    def by_key(self, ids: Sequence[int]) -> dict[int, list[dict]]:
        """{key: [row as a dict, ...]} for these keys, in the source's order (one query)."""
        found: dict[int, list[dict]] = defaultdict(list)
        if not ids:
            return found
        database = reader()
        with database.cursor() as cursor:
            cursor.execute(self.sql(database.vendor, ids))
            rows = cursor.fetchall()
        if rows:
            build = self._build(forms_of(rows[0], self._index, self.columns))
            for row in rows:
                found[row[0]].append(build(row, None))
        return found


def id_list(ids: Sequence[int]) -> str:
    """Row ids as SQL text, "3, 17, 42": each is made an int here, so the text holds digits
    and commas only. Written into the statement rather than bound: with a hundred or two
    thousand placeholders, Django's rewriting of each %s for SQLite cost more than the query."""
    return ", ".join(map(str, map(int, ids)))


@dataclass(frozen=True)
class Side:
    """A value of the entry that is not in its row: `of(found, row[reads])` gives it from
    what build_entries read beside the rows (see Found). An optional one is left out when
    there is nothing to give (the url without a url_for)."""

    place: str
    reads: str
    of: Callable[["Found", Any], Any]
    doc: Doc | Related
    help: str = ""
    optional: bool = False


def _table(model: type[models.Model]) -> str:
    return model._meta.db_table


INTEGER, NUMBER, TEXT, SLUG = Doc("integer"), Doc("number"), Doc("string"), Doc("slug")
INTEGER_OR_NULL, NUMBER_OR_NULL = Doc("integer", nullable=True), Doc("number", nullable=True)

ACTORS = Related(
    "EntryActor",
    key="l.event_id",
    columns=(
        Column("slug", "a.slug", "slug", SLUG),
        Column("name", "a.name", "name", TEXT),
        Column("kind", "a.kind", "kind", Doc.choice(Actor.Kind.choices)),
        Column("role", "l.role", "role", Doc.choice(ActorRole.choices)),
    ),
    # The links lead the join (CROSS JOIN fixes the order in SQLite, and is an inner join like
    # any other for PostgreSQL): joined to a long IN list, SQLite's planner otherwise scans
    # every actor and probes the links per actor and event, seconds for a batch of an export.
    source=f"FROM {_table(EventActor)} l CROSS JOIN {_table(Actor)} a "
    "WHERE a.id = l.actor_id AND l.event_id IN ({ids}) ORDER BY l.id",
)
SOURCES = Related(
    "EntrySource",
    key="s.event_id",
    columns=(
        Column(
            "article",
            "s.article_id",
            "article",
            Doc("integer", "The article's id (see articles/)."),
        ),
        Column("title", "r.title", "title", TEXT),
        Column("outlet", "r.outlet", "outlet", TEXT),
        Column("original_agency", "r.original_agency", "original_agency", TEXT),
        Column("url", "r.url", "url", TEXT),
        Column("published", "r.publication_date", "published", Doc("date"), day_text, AS_TEXT),
        Column("excerpt", "s.excerpt", "excerpt", Doc("string", "Verbatim text of the article.")),
        Column("attributed_to", "s.attributed_to", "attributed_to", TEXT),
        Column(
            "date_phrase",
            "s.date_phrase",
            "date_phrase",
            Doc("string", "The article's phrase that dates the event."),
        ),
    ),
    source=f"FROM {_table(EventSource)} s CROSS JOIN {_table(Article)} r "
    "WHERE r.id = s.article_id AND s.event_id IN ({ids}) "
    "ORDER BY s.article_id, s.excerpt_start, s.id",
)
PLACES = Related(
    "PlaceRef",
    key="id",
    columns=(
        Column("slug", "slug", "slug", SLUG),
        Column("name", "name", "name", TEXT),
        Column("kind", "kind", "kind", Doc.choice(Location.Kind.choices)),
    ),
    source=f"FROM {_table(Location)} WHERE id IN ({{ids}})",
)


class Found:
    """What build_entries reads beside a batch of rows: three queries at most, whatever the
    number of rows (actors, sources, and the places above the events' places)."""

    def __init__(self, rows: Sequence[tuple], url_for: UrlFor | None):
        ids = [row[_ID] for row in rows]
        self.actors = ACTORS.by_key(ids)
        self.sources = SOURCES.by_key(ids)
        paths = {row[_PATH] for row in rows if row[_PLACE] is not None}
        above = PLACES.by_key(list({pk for path in paths for pk in _ancestor_ids(path)}))
        self.places = {pk: place for pk, (place,) in above.items()}
        self.url_for = url_for
        # The events of a page share a few places: each place's ancestors are listed once, and
        # its entries hold the same list (which nothing changes once built).
        self.ancestors: dict[str, list[dict]] = {}

    def actors_of(self, event: int) -> list[dict]:
        return self.actors.get(event, [])

    def sources_of(self, event: int) -> list[dict]:
        return self.sources.get(event, [])

    def ancestors_of(self, path: str) -> list[dict]:
        try:
            return self.ancestors[path]
        except KeyError:
            listed = [self.places[pk] for pk in _ancestor_ids(path) if pk in self.places]
            self.ancestors[path] = listed
            return listed

    def url_of(self, event: int) -> str | None:
        return self.url_for(event) if self.url_for is not None else None


@functools.lru_cache(maxsize=10_000)
def _ancestor_ids(path: str) -> tuple[int, ...]:
    """ "/3/17/42/" → (3, 17): the country down, without the place itself."""
    return tuple(int(part) for part in path.strip("/").split("/")[:-1] if part)


# The entry, in order. Aliases in the row select: e the event, t its type, tp the type's
# parent, p its place. Each line: the row's name, its SQL, its place in the entry, its schema,
# then how to read it and SQLite's expression where they differ.
_EARLIEST = Doc("date", "The earliest day it can have happened.")
_LATEST = Doc("date", "The latest day it can have happened.")
_HEDGED = Doc("boolean", "The source hedges ('about', 'some').")
_DISPLAY = Doc("string", "How to show the date, e.g. 'early August 2016'.")
_UID = Doc("uuid", "Stable across copies of the database.")
_PRECISION = Doc.choice(Event.Precision.choices)
_KIND = Doc.choice(Location.Kind.choices)
_GEO_PRECISION = Doc.choice(Location.GeoPrecision.choices, nullable=True)
ENTRY: tuple[Column | Side, ...] = (
    Column("id", "e.id", "id", INTEGER),
    Column("uid", "e.uid", "uid", _UID, uid_text),
    Column("headline", "e.headline", "headline", TEXT),
    Column("summary", "e.summary", "summary", TEXT),
    Column("date_earliest", "e.date_earliest", "date.earliest", _EARLIEST, day_text, AS_TEXT),
    Column("date_latest", "e.date_latest", "date.latest", _LATEST, day_text, AS_TEXT),
    Column("date_precision", "e.date_precision", "date.precision", _PRECISION),
    Column("date_approximate", "e.date_approximate", "date.approximate", _HEDGED, bool, AS_NUMBER),
    Column("date_display", "e.date_display", "date.display", _DISPLAY),
    Column("type__slug", "t.slug", "type.slug", SLUG),
    Column("type__name", "t.name", "type.name", TEXT),
    Column("type__parent__slug", "tp.slug", "type.parent.slug", SLUG),
    Column("type__parent__name", "tp.name", "type.parent.name", TEXT),
    Column("location_id", "e.location_id", "location.id", INTEGER),
    Column("location__slug", "p.slug", "location.slug", SLUG),
    Column("location__name", "p.name", "location.name", TEXT),
    Column("location__kind", "p.kind", "location.kind", _KIND),
    Column("location__latitude", "p.latitude", "location.latitude", NUMBER_OR_NULL),
    Column("location__longitude", "p.longitude", "location.longitude", NUMBER_OR_NULL),
    Column("location__geo_precision", "p.geo_precision", "location.geo_precision", _GEO_PRECISION),
    Column("location__path", "p.path", ""),  # Read for the ancestors.
    Side(
        "location.ancestors", "location__path", Found.ancestors_of, PLACES, "From the country down."
    ),
    Side("actors", "id", Found.actors_of, ACTORS),
    Side("sources", "id", Found.sources_of, SOURCES),
    Column("fatalities_best", "e.fatalities_best", "fatalities.best", INTEGER_OR_NULL),
    Column("fatalities_low", "e.fatalities_low", "fatalities.low", INTEGER_OR_NULL),
    Column("fatalities_high", "e.fatalities_high", "fatalities.high", INTEGER_OR_NULL),
    Column("updated", "e.updated", "updated", Doc("datetime"), moment_text, AS_TEXT),
    Side("url", "id", Found.url_of, Doc("url"), optional=True),
)
GROUPS = {
    group.place: group
    for group in (
        Group("date", "Date", finish=_fill_display),
        Group("type", "EntryType"),
        Group("type.parent", "TypeRef", "Null for a top-level type.", present="type__parent__slug"),
        Group("location", "EntryLocation", present="location_id"),
        Group("fatalities", "Fatalities"),
    )
}

# The entry's top-level fields, in entry order: what a sparse fieldset (fields=) picks from.
FIELDS = tuple(dict.fromkeys(item.place.split(".", 1)[0] for item in ENTRY if item.place))
COLUMNS = tuple(item for item in ENTRY if isinstance(item, Column))
NAMES = tuple(column.name for column in COLUMNS)
_INDEX = {name: number for number, name in enumerate(NAMES)}
_ID, _PATH, _PLACE = _INDEX["id"], _INDEX["location__path"], _INDEX["location_id"]

# A row's position in the chronological order (its keyset key), as the database gave it.
row_key = itemgetter(*(_INDEX[name] for name in CHRONOLOGICAL))


def position(name: str) -> int:
    """Where a row holds a column of ENTRY (by its name, "fatalities_best")."""
    return _INDEX[name]


# --- The row select ------------------------------------------------------------------------------


@functools.cache
def row_sql(vendor: str) -> str:
    """The select of ENTRY's columns for the events whose ids {ids} gives (a subquery or a
    list), with their type, its parent and their place."""
    event, kind, place = _table(Event), _table(EventType), _table(Location)
    return (
        f"SELECT {', '.join(column.select(vendor) for column in COLUMNS)} FROM {event} e "
        f"INNER JOIN {kind} t ON t.id = e.type_id "
        f"LEFT OUTER JOIN {kind} tp ON tp.id = t.parent_id "
        f"LEFT OUTER JOIN {place} p ON p.id = e.location_id "
        "WHERE e.id IN ({ids})"
    )


def entries_of(queryset: models.QuerySet, *, url_for: UrlFor | None = None) -> list[dict]:
    """The entries of these events, in the queryset's order: at most four queries in all."""
    return build_entries(event_rows(queryset), url_for=url_for)


def event_rows(
    queryset: models.QuerySet, *, key: Callable[[tuple], Any] | None = None, reverse: bool = False
) -> list[tuple]:
    """The queryset's rows (values of COLUMNS, in order), as the database gives them.

    The ORM compiles only which ids, in what order and how many (a quarter of the cost of
    compiling the whole select with its joins); the columns come from row_sql. key (with
    reverse, descending): the order of a sliced queryset as a function of a row, a keyset's,
    for orders of expressions the rows do not hold by name (fatalities, unknown last).
    """
    ordering = _python_ordering(queryset)
    by_key = key is not None and queryset.query.is_sliced
    try:
        if ordering is None and not by_key:
            sql, params = queryset.values_list(*NAMES).query.sql_with_params()
        else:
            ids_sql, params = queryset.values("id").query.sql_with_params()
            sql = row_sql(reader().vendor).format(ids=ids_sql)
    except EmptyResultSet:  # e.g. id__in=[]: Django knows there is nothing to read.
        return []
    if by_key:
        return ids_rows(ids_sql, params, key=key, reverse=reverse)
    rows = _fetch(sql, params)
    for name in reversed(ordering or ()):
        rows.sort(key=itemgetter(_INDEX[name.lstrip("-")]), reverse=name.startswith("-"))
    return rows


def ids_rows(
    ids_sql: str, params, *, key: Callable[[tuple], Any], reverse: bool = False
) -> list[tuple]:
    """The rows of the events a sliced select of ids gives (ids_sql, params), in the order of
    key (descending when reverse)."""
    rows = _fetch(row_sql(reader().vendor).format(ids=ids_sql), params)
    # Sorted here rather than by the database: the ids' subquery fixed which rows, and the
    # outer select reads them in whatever order its index probes return.
    rows.sort(key=key, reverse=reverse)
    return rows


def rows_by_id(ids: list[int]) -> list[tuple]:
    """event_rows for these ids, in no particular order."""
    if not ids:
        return []
    return _fetch(row_sql(reader().vendor).format(ids=id_list(ids)), None)


def reader():
    """The connection this request reads events from: the primary, or a replica for an
    anonymous read (conflicttracker.routing), as the ORM's reads of the same request."""
    return connections[router.db_for_read(Event)]


def _fetch(sql: str, params) -> list[tuple]:
    with reader().cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# Orderings event_rows can redo in Python: non-null columns it reads, of one type each.
_SORTABLE = frozenset({"id", "date_earliest", "date_latest", "updated"})


def _python_ordering(queryset: models.QuerySet) -> tuple[str, ...] | None:
    """The ordering of a sliced queryset (a page, a batch) when event_rows can sort by it
    itself, else None.

    Only slices: given a bare filter, e.g. id__in=[...] beside a date range, as a subquery,
    SQLite scans the date index instead of probing the ids, as it does for a top-level WHERE.
    """
    query = queryset.query
    if not query.is_sliced or not query.standard_ordering or query.extra_order_by:
        return None
    ordering = tuple(query.order_by) or (
        tuple(queryset.model._meta.ordering) if query.default_ordering else ()
    )
    if not ordering or not all(
        isinstance(name, str) and name.lstrip("-") in _SORTABLE for name in ordering
    ):
        return None
    return ordering


# --- The entry builder ---------------------------------------------------------------------------


def build_entries(rows: Sequence[tuple], *, url_for: UrlFor | None = None) -> list[dict]:
    """Entries from event rows (event_rows): one query each for actors, sources and the places
    above the events' places, however many rows there are."""
    if not rows:
        return []
    found = Found(rows, url_for)
    build = _entry_builder(
        with_optional=url_for is not None, forms=forms_of(rows[0], _INDEX, COLUMNS)
    )
    return [build(row, found) for row in rows]


def only_fields(entries: list[dict], fields: Sequence[str] | None) -> list[dict]:
    """The entries with these top-level fields only (all of them for None), in entry order."""
    if fields is None:
        return entries
    return [{name: entry[name] for name in fields if name in entry} for entry in entries]


def entry_tree(*, with_optional: bool = True) -> dict:
    """ENTRY nested by place, in entry order: {key: Column, Side or {key: ...}}; the nested
    objects' Groups are GROUPS[place]."""
    tree: dict = {}
    for item in ENTRY:
        if not item.place or (isinstance(item, Side) and item.optional and not with_optional):
            continue
        *parents, key = item.place.split(".")
        node = tree
        for part in parents:
            node = node.setdefault(part, {})
        node[key] = item
    return tree


@functools.cache
def _entry_builder(*, with_optional: bool, forms: Forms = ()) -> Callable[[tuple, Found], dict]:
    """The function that builds an entry from a row, compiled once from ENTRY and GROUPS for
    each form of row (forms_of: which types the driver gives)."""
    return _builder(entry_tree(with_optional=with_optional), None, _INDEX, dict(forms))


def _builder(
    node: dict, group: Group | None, index: dict[str, int], forms: Mapping[str, type] | None = None
) -> Callable[..., dict]:
    """The function that builds one object (the entry, a related row) from a row whose columns
    stand at index[name]: lambda row, found: {...}; where forms gives a column's type, its
    read is the one for that type (SPECIALISED), without the general read's checks.

    Its source is written from the spec, once, and compiled (as collections.namedtuple and
    dataclasses do): a dict display per object, the fastest way Python has to build one.
    Building value by value through small functions cost half again as much on a page. The
    source holds no input: only the spec's keys, row positions and the names of its functions.
    """
    names: dict[str, Any] = {}
    source = f"lambda row, found: {_display_of(node, group, index, names, forms or {})}"
    build = eval(source, names)
    build.source = source
    return build


def _display_of(
    node: dict, group: Group | None, index: dict[str, int], names: dict, forms: Mapping
) -> str:
    """The dict display that builds this object, from `row` and what was `found` beside it."""
    parts = []
    for key, item in node.items():
        if isinstance(item, Column):
            value = f"row[{index[item.name]}]"
            read = _read_of(item.read, forms.get(item.name)) if item.read else None
            if read is not None:
                value = f"{_named(names, read)}({value})"
        elif isinstance(item, Side):
            value = f"{_named(names, item.of)}(found, row[{index[item.reads]}])"
        else:
            nested = GROUPS[f"{group.place}.{key}" if group else key]
            value = _display_of(item, nested, index, names, forms)
        parts.append(f"{key!r}: {value}")
    display = "{" + ", ".join(parts) + "}"
    if group is not None and group.finish is not None:
        display = f"{_named(names, group.finish)}({display})"
    if group is not None and group.present is not None:
        display = f"({display} if row[{index[group.present]}] is not None else None)"
    return display


def _named(names: dict[str, Any], function: Callable) -> str:
    """A name for the function in the builder's source ("uid_text_0")."""
    name = f"{getattr(function, '__name__', 'read').strip('_')}_{len(names)}"
    names[name] = function
    return name
