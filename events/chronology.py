"""Turn a filtered Event queryset into chronology entries, keyset pages and histogram buckets."""

import base64
import binascii
import functools
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, timedelta
from operator import itemgetter
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connection, models
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Cast

from events.dates import Precision, display_text
from events.models import (
    Actor,
    Article,
    Event,
    EventActor,
    EventRelation,
    EventSource,
    EventType,
    Location,
)

# The chronology order, unique so that keyset pages never skip or repeat: earliest possible day,
# then narrower bounds first (more precise first), then id. Served by events_event_chrono_idx.
CHRONOLOGICAL = ("date_earliest", "date_latest", "id")
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500
# Rows per query when a whole filtered set is walked for an export.
EXPORT_BATCH_SIZE = 2000

# What one entry reads from the event row and its type and place (one query for a page).
_EVENT_VALUES = (
    "id",
    "uid",
    "headline",
    "summary",
    "date_earliest",
    "date_latest",
    "date_precision",
    "date_approximate",
    "date_display",
    "type__slug",
    "type__name",
    "type__parent__slug",
    "type__parent__name",
    "location_id",
    "location__slug",
    "location__name",
    "location__kind",
    "location__latitude",
    "location__longitude",
    "location__geo_precision",
    "location__path",
    "fatalities_best",
    "fatalities_low",
    "fatalities_high",
    "updated",
)

UrlFor = Callable[[int], str]


# --- Entries ------------------------------------------------------------------------------------


def entries(queryset: models.QuerySet, *, url_for: UrlFor | None = None) -> list[dict]:
    """The entries of these events, in the queryset's order: at most four queries in all."""
    return build_entries(event_rows(queryset), url_for=url_for)


def event_rows(queryset: models.QuerySet) -> list[dict]:
    """The queryset's rows as {name: value} for _EVENT_VALUES, as the database gives them.

    The ORM compiles only which ids, in what order and how many (a quarter of the cost of
    compiling the whole select with its joins); the columns come from _event_row_sql, written
    once. The ORM's per-value converters (text to date and back again, for one) cost more than
    the query on a page; _entry takes both the raw and the converted forms.
    """
    ordering = _python_ordering(queryset)
    try:
        if ordering is None:
            sql, params = queryset.values_list(*_EVENT_VALUES).query.sql_with_params()
        else:
            ids_sql, params = queryset.values("id").query.sql_with_params()
            sql = _event_row_sql().format(ids=ids_sql)
    except EmptyResultSet:  # e.g. id__in=[]: Django knows there is nothing to read.
        return []
    rows = _fetch_rows(sql, params)
    # Sorted here rather than by the database: the ids' subquery fixed which rows, and the
    # outer select reads them in whatever order its index probes return.
    for name in reversed(ordering or ()):
        rows.sort(key=itemgetter(name.lstrip("-")), reverse=name.startswith("-"))
    return rows


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


@functools.cache
def _event_row_sql() -> str:
    """The select behind event_rows, for the events whose ids a subquery ({ids}) gives.

    On SQLite, dates, times and flags are read through expressions, which carry no declared
    type: the driver then hands back their text instead of converting every value.
    """
    quote = connection.ops.quote_name
    event, kind, place = Event._meta.db_table, EventType._meta.db_table, Location._meta.db_table
    raw = connection.vendor == "sqlite"

    def text(column: str) -> str:
        return f"CAST(e.{quote(column)} AS TEXT)" if raw else f"e.{quote(column)}"

    columns = {
        "id": "e.id",
        "uid": "e.uid",
        "headline": "e.headline",
        "summary": "e.summary",
        "date_earliest": text("date_earliest"),
        "date_latest": text("date_latest"),
        "date_precision": "e.date_precision",
        "date_approximate": "e.date_approximate + 0" if raw else "e.date_approximate",
        "date_display": "e.date_display",
        "type__slug": "t.slug",
        "type__name": "t.name",
        "type__parent__slug": "tp.slug",
        "type__parent__name": "tp.name",
        "location_id": "e.location_id",
        "location__slug": "p.slug",
        "location__name": "p.name",
        "location__kind": "p.kind",
        "location__latitude": "p.latitude",
        "location__longitude": "p.longitude",
        "location__geo_precision": "p.geo_precision",
        "location__path": "p.path",
        "fatalities_best": "e.fatalities_best",
        "fatalities_low": "e.fatalities_low",
        "fatalities_high": "e.fatalities_high",
        "updated": text("updated"),
    }
    assert tuple(columns) == _EVENT_VALUES
    return (
        f"SELECT {', '.join(columns.values())} FROM {quote(event)} e "
        f"INNER JOIN {quote(kind)} t ON t.id = e.type_id "
        f"LEFT OUTER JOIN {quote(kind)} tp ON tp.id = t.parent_id "
        f"LEFT OUTER JOIN {quote(place)} p ON p.id = e.location_id "
        "WHERE e.id IN ({ids})"
    )


def build_entries(rows: Sequence[dict], *, url_for: UrlFor | None = None) -> list[dict]:
    """Entries from event rows (.values(*_EVENT_VALUES)): one query each for actors, sources and
    the places above the events' places, however many rows there are."""
    if not rows:
        return []
    ids = [row["id"] for row in rows]
    actors = _actors_by_event(ids)
    sources = _sources_by_event(ids)
    ancestors = _ancestors_by_path({row["location__path"] for row in rows if row["location_id"]})
    return [
        _entry(row, actors.get(row["id"], []), sources.get(row["id"], []), ancestors, url_for)
        for row in rows
    ]


def _day_text(value) -> str:
    # SQLite's raw dates are already ISO text.
    return value if isinstance(value, str) else value.isoformat()


def _uid_text(value) -> str:
    # SQLite keeps a UUID as 32 hex digits.
    if isinstance(value, str) and len(value) == 32:
        return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"
    return str(value)


def _moment_text(value) -> str:
    # SQLite gives a naive UTC datetime (or its text, "YYYY-MM-DD HH:MM:SS[.ffffff]").
    if isinstance(value, str):
        return value.replace(" ", "T", 1) + "+00:00"
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.isoformat()


@functools.lru_cache(maxsize=65_536)
def _display(earliest: str, latest: str, precision: str, approximate: bool) -> str:
    # Many events share their bounds (a few thousand days hold a million events).
    return display_text(
        date.fromisoformat(earliest),
        date.fromisoformat(latest),
        Precision(precision),
        approximate=approximate,
    )


def _entry(row: dict, actors: list, sources: list, ancestors: dict, url_for: UrlFor | None) -> dict:
    earliest, latest = _day_text(row["date_earliest"]), _day_text(row["date_latest"])
    approximate = bool(row["date_approximate"])
    display = row["date_display"] or _display(earliest, latest, row["date_precision"], approximate)
    entry = {
        "id": row["id"],
        "uid": _uid_text(row["uid"]),
        "headline": row["headline"],
        "summary": row["summary"],
        "date": {
            "earliest": earliest,
            "latest": latest,
            "precision": row["date_precision"],
            "approximate": approximate,
            "display": display,
        },
        "type": {
            "slug": row["type__slug"],
            "name": row["type__name"],
            "parent": (
                {"slug": row["type__parent__slug"], "name": row["type__parent__name"]}
                if row["type__parent__slug"]
                else None
            ),
        },
        "location": _location(row, ancestors) if row["location_id"] else None,
        "actors": actors,
        "sources": sources,
        "fatalities": {
            "best": row["fatalities_best"],
            "low": row["fatalities_low"],
            "high": row["fatalities_high"],
        },
        "updated": _moment_text(row["updated"]),
    }
    if url_for is not None:
        entry["url"] = url_for(row["id"])
    return entry


def _location(row: dict, ancestors: dict) -> dict:
    return {
        "id": row["location_id"],
        "slug": row["location__slug"],
        "name": row["location__name"],
        "kind": row["location__kind"],
        "latitude": row["location__latitude"],
        "longitude": row["location__longitude"],
        "geo_precision": row["location__geo_precision"],
        "ancestors": [
            ancestors[pk] for pk in _ancestor_ids(row["location__path"]) if pk in ancestors
        ],
    }


@functools.lru_cache(maxsize=10_000)
def _ancestor_ids(path: str) -> tuple[int, ...]:
    """ "/3/17/42/" → (3, 17): the country down, without the place itself."""
    return tuple(int(part) for part in path.strip("/").split("/")[:-1] if part)


def _ancestors_by_path(paths: Iterable[str]) -> dict[int, dict]:
    ids = {pk for path in paths for pk in _ancestor_ids(path)}
    if not ids:
        return {}
    rows = _select(_side_queries()["places"], list(ids))
    return {pk: {"slug": slug, "name": name, "kind": kind} for pk, slug, name, kind in rows}


def _actors_by_event(ids: list[int]) -> dict[int, list[dict]]:
    found: dict[int, list[dict]] = defaultdict(list)
    for event_id, slug, name, kind, role in _select(_side_queries()["actors"], ids):
        found[event_id].append({"slug": slug, "name": name, "kind": kind, "role": role})
    return found


def _sources_by_event(ids: list[int]) -> dict[int, list[dict]]:
    found: dict[int, list[dict]] = defaultdict(list)
    rows = _select(_side_queries()["sources"], ids)
    for event_id, article, title, outlet, agency, url, published, excerpt, by, phrase in rows:
        found[event_id].append(
            {
                "article": article,
                "title": title,
                "outlet": outlet,
                "original_agency": agency,
                "url": url,
                "published": published if isinstance(published, str) else published.isoformat(),
                "excerpt": excerpt,
                "attributed_to": by,
                "date_phrase": phrase,
            }
        )
    return found


@functools.cache
def _side_queries() -> dict[str, str]:
    """SQL for what a page reads beside its events, each with an IN list to fill ({ids}).

    Written once, not built by the ORM per request (that cost more than running them). The
    links lead the join (CROSS JOIN fixes the order in SQLite, and is an inner join like any
    other for PostgreSQL): joined to a long IN list, SQLite's planner otherwise scans every
    actor and probes the links per actor and event, seconds for a batch of an export.
    """

    def table(model):
        return connection.ops.quote_name(model._meta.db_table)

    def column(model, name):
        return connection.ops.quote_name(model._meta.get_field(name).column)

    links, actor, source, article, place = EventActor, Actor, EventSource, Article, Location
    published = f"r.{column(article, 'publication_date')}"
    if connection.vendor == "sqlite":
        # An expression has no declared type, so the driver hands back the ISO text as is.
        published = f"CAST({published} AS TEXT)"
    return {
        "actors": (
            f"SELECT l.{column(links, 'event')}, a.{column(actor, 'slug')}, "
            f"a.{column(actor, 'name')}, a.{column(actor, 'kind')}, l.{column(links, 'role')} "
            f"FROM {table(links)} l CROSS JOIN {table(actor)} a "
            f"WHERE a.{column(actor, 'id')} = l.{column(links, 'actor')} "
            f"AND l.{column(links, 'event')} IN ({{ids}}) ORDER BY l.{column(links, 'id')}"
        ),
        "sources": (
            f"SELECT s.{column(source, 'event')}, s.{column(source, 'article')}, "
            f"r.{column(article, 'title')}, r.{column(article, 'outlet')}, "
            f"r.{column(article, 'original_agency')}, r.{column(article, 'url')}, "
            f"{published}, s.{column(source, 'excerpt')}, "
            f"s.{column(source, 'attributed_to')}, s.{column(source, 'date_phrase')} "
            f"FROM {table(source)} s CROSS JOIN {table(article)} r "
            f"WHERE r.{column(article, 'id')} = s.{column(source, 'article')} "
            f"AND s.{column(source, 'event')} IN ({{ids}}) "
            f"ORDER BY s.{column(source, 'article')}, s.{column(source, 'excerpt_start')}, "
            f"s.{column(source, 'id')}"
        ),
        "places": (
            f"SELECT {column(place, 'id')}, {column(place, 'slug')}, {column(place, 'name')}, "
            f"{column(place, 'kind')} FROM {table(place)} WHERE {column(place, 'id')} IN ({{ids}})"
        ),
    }


def _select(sql: str, ids: list[int]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql.format(ids=", ".join(["%s"] * len(ids))), ids)
        return cursor.fetchall()


def related_by_event(
    ids: list[int],
    *,
    visible: models.QuerySet,
    url_for: UrlFor | None = None,
    hidden_kinds: Sequence[str] = (),
) -> dict[int, list[dict]]:
    """Typed links to and from these events, to visible events only (one query)."""
    visible_ids = visible.values("id")
    links = (
        EventRelation.objects.filter(
            Q(from_event_id__in=ids, to_event_id__in=visible_ids)
            | Q(to_event_id__in=ids, from_event_id__in=visible_ids)
        )
        .exclude(kind__in=hidden_kinds)
        .order_by("id")
        .values_list(
            "from_event_id",
            "to_event_id",
            "kind",
            "note",
            "from_event__headline",
            "to_event__headline",
        )
    )
    wanted = set(ids)
    found: dict[int, list[dict]] = defaultdict(list)
    for from_id, to_id, kind, note, from_headline, to_headline in links:
        for this, other, headline, direction in (
            (from_id, to_id, to_headline, "outgoing"),
            (to_id, from_id, from_headline, "incoming"),
        ):
            if this in wanted:
                link = {
                    "id": other,
                    "headline": headline,
                    "kind": kind,
                    "direction": direction,
                    "note": note,
                }
                if url_for is not None:
                    link["url"] = url_for(other)
                found[this].append(link)
    return found


# --- Keyset paging ------------------------------------------------------------------------------


class CursorError(ValueError):
    """A cursor that this API did not hand out (or that belongs to another endpoint)."""


@dataclass(frozen=True)
class Keyset:
    """A unique order over a model, as field names ("-field" descends), and cursors on it."""

    model: type[models.Model]
    fields: tuple[str, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name.lstrip("-") for name in self.fields)

    def ordering(self, *, backwards: bool = False) -> list[str]:
        if not backwards:
            return list(self.fields)
        return [name[1:] if name.startswith("-") else f"-{name}" for name in self.fields]

    def key(self, row: Any) -> tuple:
        get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
        return tuple(get(name) for name in self.names)

    def beyond(self, key: Sequence, *, backwards: bool = False) -> Q:
        """Rows strictly after key in this order (before it when backwards).

        Written as a leading inequality on the first field ANDed with the lexicographic
        comparison, so that an index on the fields is entered at the key, not scanned from
        its start.
        """
        condition: Q | None = None
        for name, value in reversed(list(zip(self.fields, key, strict=True))):
            field = name.lstrip("-")
            ascending = (not name.startswith("-")) != backwards
            strict = Q(**{f"{field}__{'gt' if ascending else 'lt'}": value})
            condition = strict if condition is None else strict | (Q(**{field: value}) & condition)
        first, ascending_first = self.names[0], (not self.fields[0].startswith("-")) != backwards
        return Q(**{f"{first}__{'gte' if ascending_first else 'lte'}": key[0]}) & condition

    def encode(self, key: Sequence, *, backwards: bool = False) -> str:
        plain = [value.isoformat() if hasattr(value, "isoformat") else value for value in key]
        raw = json.dumps({"k": plain, "b": backwards}, separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    def decode(self, cursor: str) -> tuple[tuple, bool]:
        """The key and direction of a cursor; CursorError when it is not one of ours."""
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            data = json.loads(raw)
            values, backwards = data["k"], data["b"]
            if not isinstance(values, list) or len(values) != len(self.fields):
                raise ValueError("wrong number of key parts")
            key = tuple(
                self.model._meta.get_field(name).to_python(value)
                for name, value in zip(self.names, values, strict=True)
            )
        except (binascii.Error, ValueError, KeyError, TypeError, ValidationError) as exc:
            raise CursorError(
                "not a cursor of this endpoint; use the next and previous links as given"
            ) from exc
        if any(value is None for value in key):
            raise CursorError("not a cursor of this endpoint; use the next and previous links")
        return key, bool(backwards)


@dataclass
class Page:
    """One page of rows with the cursors to the pages beside it (None at either end)."""

    rows: list
    next_cursor: str | None
    previous_cursor: str | None


def _framed(rows: list, keyset: Keyset, *, size: int, key, backwards: bool) -> Page:
    """A page from up to size+1 rows fetched from key in the paging direction."""
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    if not rows:
        return Page(rows, None, None)
    after = keyset.encode(keyset.key(rows[-1]))
    before = keyset.encode(keyset.key(rows[0]), backwards=True)
    if backwards:
        return Page(rows, after, before if more else None)
    return Page(rows, after if more else None, before if key is not None else None)


def page(
    queryset: models.QuerySet,
    keyset: Keyset,
    *,
    size: int,
    cursor: str | None = None,
    fetch: Callable[[models.QuerySet], list] = list,
) -> Page:
    """A page of queryset in keyset order: LIMIT size+1 from the cursor's key, no OFFSET and
    no COUNT, so page 10,000 costs what page 1 costs. fetch turns the sliced queryset into rows
    (e.g. qs.values(...)); the keyset's fields must be readable from each row."""
    key, backwards = keyset.decode(cursor) if cursor else (None, False)
    qs = queryset.order_by(*keyset.ordering(backwards=backwards))
    if key is not None:
        qs = qs.filter(keyset.beyond(key, backwards=backwards))
    rows = list(fetch(qs[: size + 1]))
    return _framed(rows, keyset, size=size, key=key, backwards=backwards)


@dataclass(frozen=True)
class ActorWalk:
    """An actor filter to page through by walking each actor's links in date order.

    links: the event↔actor links matching the role and period filters, of any actor; the walk
    reads each actor's share in actor_ids. The events queryset paged alongside holds every
    other filter, but not this one.
    """

    links: models.QuerySet
    actor_ids: frozenset[int]


@dataclass(frozen=True)
class Paging:
    """What chronology_page needs: the events (every filter, or every filter but the actors'
    when they are walked), the actor walk if any, and the scope: the same events under the
    date filters alone, given only when other filters narrow them, which a first, bounded
    attempt walks in order on SQLite (see _probed_page).
    """

    events: models.QuerySet
    actors: ActorWalk | None = None
    scope: models.QuerySet | None = None


# A page first looks for its rows among this many events in order from its key (an index
# walk with no sort), and reads the whole filtered set only when they are not all there.
PROBE_ROWS = 3000

# The links' copy of the chronological order (events_eventactor_chrono_idx after the actor).
LINK_ORDER = ("date_earliest", "date_latest", "event_id")


def _linked_keys(
    events: models.QuerySet, walk: ActorWalk, *, size: int, key, backwards: bool
) -> list[tuple]:
    """Up to size+1 distinct (date_earliest, date_latest, id) keys of events in `events`
    linked by `walk`, in paging order from key.

    Each actor's links are read in index order from the key, at most size+1 each, in one
    UNION ALL query; an actor's link is kept only when its event passes every other filter
    (a correlated EXISTS: a primary-key probe per link read). A sort, or a scan of every
    event, is never needed, however many events the actors have. When an actor's share was
    cut short by duplicates (two links to one event), the walk goes on from the last key
    every share vouches for.
    """
    link_keys = Keyset(walk.links.model, LINK_ORDER)
    passing = Exists(events.order_by().filter(pk=OuterRef("event_id")))
    found: list[tuple] = []
    seen: set[int] = set()
    while True:

        def arm(actor: int, since=key) -> models.QuerySet:
            links = walk.links.filter(passing, actor_id=actor)
            if since is not None:
                links = links.filter(link_keys.beyond(since, backwards=backwards))
            ordered = links.order_by(*link_keys.ordering(backwards=backwards))
            return ordered.values_list(*LINK_ORDER)[: size + 1]

        shares = _union_all(_compiled_per_actor(arm, sorted(walk.actor_ids)))
        # Rows past the end of a full share may be missing from it: trust up to that end.
        ends = [share[-1] for share in shares if len(share) > size]
        bound = (max if backwards else min)(ends) if ends else None
        merged = sorted({row for share in shares for row in share}, reverse=backwards)
        for row in merged:
            if bound is not None and (row > bound if not backwards else row < bound):
                break
            if row[2] not in seen:
                seen.add(row[2])
                found.append(row)
        if len(found) > size or bound is None:
            return found[: size + 1]
        key = bound


# Stands for the actor while one arm of the walk is compiled for all (see _compiled_per_actor).
_ACTOR_PLACEHOLDER = -7_316_402_581_974_310_925


def _compiled_per_actor(
    arm: Callable[[int], models.QuerySet], actors: list[int]
) -> list[tuple[str, tuple] | None]:
    """(sql, params) of arm(actor) for each actor; None where nothing can match.

    The arms differ only in the actor, so one is compiled and the actor's value swapped in:
    compiling a walk of nine actors arm by arm cost more than running it. When the placeholder
    is not exactly one parameter, each arm is compiled as it is.
    """
    try:
        sql, params = arm(_ACTOR_PLACEHOLDER).query.sql_with_params()
    except EmptyResultSet:
        return [None] * len(actors)
    at = [number for number, value in enumerate(params) if value == _ACTOR_PLACEHOLDER]
    if len(at) == 1:
        before, after = params[: at[0]], params[at[0] + 1 :]
        return [(sql, (*before, actor, *after)) for actor in actors]
    compiled: list[tuple[str, tuple] | None] = []
    for actor in actors:
        try:
            compiled.append(arm(actor).query.sql_with_params())
        except EmptyResultSet:
            compiled.append(None)
    return compiled


def _union_all(arms: list[tuple[str, tuple] | None]) -> list[list[tuple]]:
    """The rows of each compiled arm (a sliced, ordered select; None for none), from one
    UNION ALL query.

    Django cannot compound sliced querysets on SQLite, so the compiled arms are wrapped as
    subqueries by hand; a first column tells the arms apart.
    """
    parts, params = [], []
    for number, compiled in enumerate(arms):
        if compiled is None:
            continue
        sql, arm_params = compiled
        parts.append(f"SELECT {number}, arm{number}.* FROM ({sql}) arm{number}")
        params.extend(arm_params)
    shares: list[list[tuple]] = [[] for _ in arms]
    if not parts:
        return shares
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        for number, *row in cursor.fetchall():
            shares[number].append(tuple(_as_key_part(value) for value in row))
    return shares


def _as_key_part(value):
    # SQLite hands raw date columns back as text.
    return date.fromisoformat(value) if isinstance(value, str) else value


def _linked_page(
    events: models.QuerySet,
    walk: ActorWalk,
    *,
    size: int,
    key,
    backwards: bool,
) -> list[dict]:
    keys = _linked_keys(events, walk, size=size, key=key, backwards=backwards)
    ids = [event_id for _, _, event_id in keys]
    # These events passed every filter in _linked_keys' EXISTS probe: read them by id alone.
    by_id = {row["id"]: row for row in _rows_by_id(ids)}
    return [by_id[pk] for pk in ids if pk in by_id]


def _rows_by_id(ids: list[int]) -> list[dict]:
    """event_rows for these ids, in no particular order."""
    if not ids:
        return []
    return _fetch_rows(_event_row_sql().format(ids=", ".join(["%s"] * len(ids))), ids)


def _fetch_rows(sql: str, params) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [dict(zip(_EVENT_VALUES, row, strict=True)) for row in cursor.fetchall()]


def chronology_page(
    queryset: models.QuerySet,
    *,
    size: int,
    cursor: str | None = None,
    url_for: UrlFor | None = None,
    actors: ActorWalk | None = None,
    scope: models.QuerySet | None = None,
) -> Page:
    """A page of chronology entries: four queries at most whatever the size or depth (five
    with an actor walk, which pages `queryset` — every filter but the actors' — through the
    actors' links)."""
    keyset = Keyset(queryset.model, CHRONOLOGICAL)
    if actors is not None:
        key, backwards = keyset.decode(cursor) if cursor else (None, False)
        rows = _linked_page(queryset, actors, size=size, key=key, backwards=backwards)
        found = _framed(rows, keyset, size=size, key=key, backwards=backwards)
    else:
        # SQLite only: PostgreSQL's planner weighs the walk against the sort by itself (with
        # statistics on both), and the window only gets in its way.
        probing = scope is not None and connection.vendor == "sqlite"
        found = (probing and _probed_page(queryset, scope, keyset, size=size, cursor=cursor)) or (
            page(queryset, keyset, size=size, cursor=cursor, fetch=event_rows)
        )
    found.rows = build_entries(found.rows, url_for=url_for)
    return found


def _probed_page(
    queryset: models.QuerySet, scope: models.QuerySet, keyset: Keyset, *, size: int, cursor
) -> Page | None:
    """The page, when its rows are among the next PROBE_ROWS events of the scope; else None.

    For a filter by place, box, type or text, the database would otherwise read the whole
    matching set and sort it before returning the first row of a page. But most pages of a
    busy filter lie within a few thousand events of their key, which the chronological index
    hands over in order: if size+1 matching rows are among them, they are the page, since
    the window holds every event of the scope from the key on, in order.
    """
    key, backwards = keyset.decode(cursor) if cursor else (None, False)
    rows = _probed_rows(queryset, scope, keyset, size=size, key=key, backwards=backwards)
    if rows is None:
        return None
    return _framed(rows, keyset, size=size, key=key, backwards=backwards)


def _probed_rows(
    queryset: models.QuerySet,
    scope: models.QuerySet,
    keyset: Keyset,
    *,
    size: int,
    key,
    backwards: bool = False,
    window: int | None = None,
) -> list[dict] | None:
    """size+1 event rows from key, when they are among the next `window` (PROBE_ROWS)
    events of the scope in order; else None (see _probed_page)."""
    window = window or PROBE_ROWS
    ordering = keyset.ordering(backwards=backwards)
    scanned = scope.order_by(*ordering)
    found = queryset.order_by(*ordering)
    if key is not None:
        scanned = scanned.filter(keyset.beyond(key, backwards=backwards))
        found = found.filter(keyset.beyond(key, backwards=backwards))
    rows = event_rows(found.filter(pk__in=scanned.values("pk")[:window])[: size + 1])
    return rows if len(rows) > size else None


# An export batch first looks for its rows among this many events of the scope, the same
# share of the scope per row as a page's first look.
WALK_WINDOW = PROBE_ROWS * EXPORT_BATCH_SIZE // DEFAULT_PAGE_SIZE


def walk(
    queryset: models.QuerySet,
    *,
    batch_size: int = EXPORT_BATCH_SIZE,
    url_for: UrlFor | None = None,
    actors: ActorWalk | None = None,
    scope: models.QuerySet | None = None,
    window: int | None = None,
) -> Iterator[dict]:
    """Every entry of the filtered set in chronological order, fetched in keyset batches so
    an export streams without holding the set: four queries per batch (five with an actor
    walk, see chronology_page, or when a first look below comes back short). On SQLite, given
    the scope (see Paging), each batch first looks for its rows among the next `window`
    events of the scope, as a page does: without that, every batch of a place or text filter
    re-read and sorted all the matches left."""
    keyset = Keyset(queryset.model, CHRONOLOGICAL)
    qs = queryset.order_by(*CHRONOLOGICAL)
    probing = scope is not None and connection.vendor == "sqlite"
    window = window or WALK_WINDOW
    key = None
    while True:
        if actors is not None:
            rows = _linked_page(
                queryset,
                actors,
                size=batch_size - 1,
                key=key,
                backwards=False,
            )
        else:
            rows = None
            if probing:
                found = _probed_rows(
                    queryset, scope, keyset, size=batch_size, key=key, window=window
                )
                rows = found[:batch_size] if found is not None else None
            if rows is None:
                batch_qs = qs.filter(keyset.beyond(key)) if key is not None else qs
                rows = event_rows(batch_qs[:batch_size])
        if not rows:
            return
        yield from build_entries(rows, url_for=url_for)
        if len(rows) < batch_size:
            return
        key = keyset.key(rows[-1])


# --- Histogram ----------------------------------------------------------------------------------

INTERVALS = ("day", "week", "month", "year")
HISTOGRAM_RULE = (
    "Precision-aware counts. 'count' is the number of events whose earliest and latest "
    "possible days both fall inside the bucket, so they certainly happened in it. An event "
    "whose bounds span more than one bucket is never placed on a guessed day: it is counted "
    "once in 'imprecise' of every bucket its bounds overlap (within the requested range), "
    "meaning 'may have happened here'. 'count' values add up to 'precise_events'; 'imprecise' "
    "values do not add up to a number of events. Weeks start on Monday (ISO 8601). Buckets "
    "where both are zero are left out."
)
# A month histogram of the whole calendar (0001-9999) fits; day and week ones of centuries
# of imprecise events are refused rather than built (3.6 million day buckets of a few bytes
# each, where a narrower period answers the question).
MAX_BUCKETS = 120_000


class TooManyBuckets(ValueError):
    """The histogram asked for would hold more than MAX_BUCKETS buckets."""


def bucket_start(day: date, interval: str) -> date:
    if interval == "day":
        return day
    if interval == "week":
        return day - timedelta(days=day.weekday())
    if interval == "month":
        return day.replace(day=1)
    return day.replace(month=1, day=1)


def next_bucket(start: date, interval: str) -> date:
    """The next bucket's first day (OverflowError or ValueError past 9999-12-31)."""
    if interval == "day":
        return start + timedelta(days=1)
    if interval == "week":
        return start + timedelta(days=7)
    if interval == "month":
        return start + relativedelta(months=1)
    return start + relativedelta(years=1)


def bucket_end(start: date, interval: str) -> date:
    """The bucket's last day: 9999-12-31 for the calendar's last bucket, which has no next."""
    try:
        return next_bucket(start, interval) - timedelta(days=1)
    except (OverflowError, ValueError):
        return date.max


def _bucket_number(day: date, interval: str) -> int:
    """Buckets counted from the calendar's first (0001-01-01 is a Monday)."""
    if interval == "day":
        return day.toordinal()
    if interval == "week":
        return (day.toordinal() - 1) // 7
    if interval == "month":
        return day.year * 12 + day.month
    return day.year


def _check_bucket_total(spans: list[tuple[date, date]], interval: str) -> None:
    """TooManyBuckets when the (first, last) bucket spans cover more than MAX_BUCKETS."""
    spans = [(first, last) for first, last in spans if first <= last]
    if not spans:
        return
    whole = (min(first for first, _ in spans), max(last for _, last in spans))
    if _bucket_number(whole[1], interval) - _bucket_number(whole[0], interval) < MAX_BUCKETS:
        return  # The range from the first bucket to the last fits: no need to add up gaps.
    total, reached = 0, None
    for first, last in sorted(
        (_bucket_number(first, interval), _bucket_number(last, interval)) for first, last in spans
    ):
        first = first if reached is None else max(first, reached + 1)
        if first <= last:
            total, reached = total + last - first + 1, last
    if total > MAX_BUCKETS:
        raise TooManyBuckets(
            f"the {interval} histogram of these events has {total:,} buckets, more than "
            f"{MAX_BUCKETS:,}; give start and end for a shorter period, or a longer interval"
        )


def day_pairs(queryset: models.QuerySet) -> models.QuerySet:
    """(earliest, latest, events) for each distinct pair of bounds among these events.

    One grouped query, which the chronological indexes hold in order, so the database neither
    sorts nor calls a function per row. Over published events filtered by dates alone, the
    pair counts kept by triggers give the same rows from a far smaller table (see
    ChronologyFilterSet.day_pairs).
    """
    return (
        queryset.order_by()
        .values("date_earliest", "date_latest")
        .annotate(n=Count("id"))
        .values_list("date_earliest", "date_latest", "n")
    )


# The bounds as ISO text: the SQLite driver then hands them over as they are stored, instead of
# converting tens of thousands of values that histogram() needs only once per distinct day.
# (Not for day_pairs: grouped by an expression, SQLite would sort instead of walking the index.)
DAY_PAIR_TEXT = (
    Cast("date_earliest", output_field=models.TextField()),
    Cast("date_latest", output_field=models.TextField()),
)


def histogram(
    days: Iterable[tuple[date | str, date | str, int]],
    *,
    interval: str,
    start: date | None = None,
    end: date | None = None,
) -> dict:
    """Event counts per bucket, honest about imprecise dates (see HISTOGRAM_RULE), from how
    many events have each pair of bounds (day_pairs): the pairs are put in buckets, and
    imprecise ones spread over buckets, per pair.
    """
    if interval not in INTERVALS:
        raise ValueError(f"interval must be one of {', '.join(INTERVALS)}")
    starts: dict[date | str, date] = {}

    def start_of(day: date | str) -> date:
        # Pairs share their days: each distinct day (a date or ISO text) is placed once.
        found = starts.get(day)
        if found is None:
            found = starts[day] = bucket_start(
                day if isinstance(day, date) else date.fromisoformat(day), interval
            )
        return found

    pairs: Counter[tuple[date, date]] = Counter()
    for earliest, latest, n in days:
        pairs[start_of(earliest), start_of(latest)] += n
    low = bucket_start(start, interval) if start else None
    high = bucket_start(end, interval) if end else None
    _check_bucket_total(
        [
            (first, last)
            if first == last  # A precise pair is counted whatever the range.
            else (max(first, low) if low else first, min(last, high) if high else last)
            for first, last in pairs
        ],
        interval,
    )
    precise: Counter[date] = Counter()
    imprecise: Counter[date] = Counter()
    total = spanning = 0
    for (first, last), n in pairs.items():
        total += n
        if first == last:
            precise[first] += n
            continue
        spanning += n
        bucket = max(first, low) if low else first
        stop = min(last, high) if high else last
        while bucket <= stop:
            imprecise[bucket] += n
            if bucket == stop:
                break  # The stop may be the calendar's last bucket, which has no next.
            bucket = next_bucket(bucket, interval)
    buckets = [
        {
            "start": bucket.isoformat(),
            "end": bucket_end(bucket, interval).isoformat(),
            "count": precise[bucket],
            "imprecise": imprecise[bucket],
        }
        for bucket in sorted(set(precise) | set(imprecise))
    ]
    return {
        "interval": interval,
        "rule": HISTOGRAM_RULE,
        "events": total,
        "precise_events": total - spanning,
        "imprecise_events": spanning,
        "buckets": buckets,
    }


# --- The full event (events/ and events/{id}/) ---------------------------------------------------


def add_event_details(
    entries: list[dict],
    *,
    visible: models.QuerySet,
    editor: bool,
    with_history: bool = False,
    url_for: UrlFor | None = None,
    history_url_for: UrlFor | None = None,
) -> list[dict]:
    """Add typed links to visible events and, for editors, status and history (in place).

    One query for the links, one for statuses and one for the history records: the count
    does not grow with the number of entries.
    """
    ids = [entry["id"] for entry in entries]
    if not ids:
        return entries
    # An ingestion's "possible duplicate" flag is a note to editors, not a public claim.
    hidden = () if editor else ("possible_duplicate",)
    related = related_by_event(ids, visible=visible, url_for=url_for, hidden_kinds=hidden)
    for entry in entries:
        entry["related"] = related.get(entry["id"], [])
    if not editor:
        return entries
    from events.models import Event

    statuses = dict(Event.objects.filter(id__in=ids).values_list("id", "status"))
    history: dict[int, list[dict]] = defaultdict(list)
    if with_history:
        records = (
            Event.history.filter(id__in=ids)
            .order_by("-history_date", "-history_id")
            .values_list(
                "id",
                "history_date",
                "history_user__username",
                "history_type",
                "history_change_reason",
                "status",
            )
        )
        for pk, when, user, change, reason, status in records:
            history[pk].append(
                {
                    "date": when.isoformat(),
                    "user": user,
                    "change": change,
                    "reason": reason,
                    "status": status,
                }
            )
    for entry in entries:
        entry["status"] = statuses.get(entry["id"])
        if history_url_for is not None:
            entry["history_url"] = history_url_for(entry["id"])
        if with_history:
            entry["history"] = history.get(entry["id"], [])
    return entries
