"""Keyset pages of the chronology: cursors, and the three ways a plan reads its events in order.

A Plan (made by events.chronology.query.plan) says how; read_page and read_batches read event
rows (events.chronology.entries) as it says, a fixed number of queries per page or batch
whatever the depth: no OFFSET and no COUNT, so page 10,000 costs what page 1 costs.
"""

import base64
import binascii
import functools
import json
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connections, models
from django.db.models import BooleanField, Exists, Expression, F, OuterRef, Q, Subquery, Value

from events import statements
from events.chronology.entries import event_rows, ids_rows, reader, row_key, rows_by_id
from events.models import Event
from events.querysets import CHRONOLOGICAL, Rare

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500
# Rows per query when a whole filtered set is walked for an export.
EXPORT_BATCH_SIZE = 2000
# A page first looks for its rows among this many events in order from its key (an index
# walk with no sort), and reads the whole filtered set only when they are not all there.
PROBE_ROWS = 3000
# An export batch first looks for its rows among this many events, the same share of the
# period per row as a page's first look.
WALK_WINDOW = PROBE_ROWS * EXPORT_BATCH_SIZE // DEFAULT_PAGE_SIZE
# The links' copy of the chronological order (events_eventactor_chrono_idx after the actor).
LINK_ORDER = (*CHRONOLOGICAL[:-1], "event_id")


# --- Keyset paging ------------------------------------------------------------------------------


class CursorError(ValueError):
    """A cursor that this API did not hand out (or that belongs to another endpoint)."""


NOT_OURS = "not a cursor of this endpoint; use the next and previous links as given"


# The integers a database column holds (a cursor's ids).
_INT64 = (-(2**63), 2**63 - 1)


@dataclass(frozen=True)
class Keyset:
    """A unique order over a model, as field names ("-field" descends), and cursors on it."""

    model: type[models.Model]
    fields: tuple[str, ...]
    # How to read a row's key, where rows are not model instances or dicts (event rows).
    key_of: Callable[[Any], tuple] | None = None
    # Names of fields that are expressions, aliased on the queryset before it is ordered.
    expressions: Mapping[str, Expression] = field(default_factory=dict)
    # Names the order in its cursors, so that a cursor of one order is refused by another
    # over the same fields ("" for the chronological order, whose cursors carry no name).
    tag: str = ""
    # Compare keys as row values, (a, b, c) > (x, y, z), which PostgreSQL reads as one range
    # of the index: for orders whose first field has long ties (thousands of events with no
    # fatalities), where beyond()'s leading inequality would have the index read every tie
    # before the key. Fields all in one direction only.
    row_values: bool = False

    @property
    def descending(self) -> bool:
        return self.fields[0].startswith("-")

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name.lstrip("-") for name in self.fields)

    def ordering(self, *, backwards: bool = False) -> list[str]:
        if not backwards:
            return list(self.fields)
        return [name[1:] if name.startswith("-") else f"-{name}" for name in self.fields]

    def key(self, row: Any) -> tuple:
        if self.key_of is not None:
            return self.key_of(row)
        get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
        return tuple(get(name) for name in self.names)

    def beyond(self, key: Sequence, *, backwards: bool = False) -> Q:
        """Rows strictly after key in this order (before it when backwards).

        Written as a leading inequality on the first field ANDed with the lexicographic
        comparison, so that an index on the fields is entered at the key, not scanned from
        its start.
        """
        if self.row_values:
            # SQLite reads no row value of an expression as an index range, only the first
            # field's bound: past it, a deep page in a long tie reads the tie's earlier rows.
            greater = self.descending == backwards
            first = Q(**{f"{self.names[0]}__{'gte' if greater else 'lte'}": key[0]})
            return first & Q(RowBeyond(self.names, key, greater=greater))
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
        data = {"k": plain, "b": backwards, **({"o": self.tag} if self.tag else {})}
        raw = json.dumps(data, separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    def decode(self, cursor: str) -> tuple[tuple, bool]:
        """The key and direction of a cursor; CursorError when it is not one of ours, or of
        another order."""
        try:
            data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
            order = data.get("o", "")
        except (binascii.Error, ValueError, AttributeError) as exc:
            raise CursorError(NOT_OURS) from exc
        if order != self.tag:
            raise CursorError(
                f"a cursor of another order than {self.tag or 'chronological'}: a cursor "
                "continues the order it was made in"
            )
        try:
            values, backwards = data["k"], data["b"]
            if not isinstance(values, list) or len(values) != len(self.fields):
                raise ValueError("wrong number of key parts")
            key = tuple(
                self._read(name, value) for name, value in zip(self.names, values, strict=True)
            )
        except (ValueError, KeyError, TypeError, ValidationError) as exc:
            raise CursorError(NOT_OURS) from exc
        if any(value is None for value in key):
            raise CursorError(NOT_OURS)
        # A number no column holds (past 64 bits) is no key of ours: the ORM would drop the
        # comparison, a compiled statement's driver refuse the parameter.
        if any(isinstance(value, int) and not _INT64[0] <= value <= _INT64[1] for value in key):
            raise CursorError(NOT_OURS)
        return key, bool(backwards)

    def _read(self, name: str, value):
        column = self.expressions.get(name)
        declared = column.output_field if column is not None else self.model._meta.get_field(name)
        found = declared.to_python(value)
        # SQLite's raw times are naive UTC: compared as such, they would warn and mislead.
        if isinstance(found, datetime) and found.tzinfo is None:
            found = found.replace(tzinfo=UTC)
        return found


class RowBeyond(Expression):
    """(a, b, …) > (x, y, …), or < when not greater: a row value comparison (SQLite 3.15+,
    PostgreSQL), one index range whatever the ties on a. The values may be a queryset of one
    row (a subquery); with or_equal, the comparison takes equal rows too (>=, <=)."""

    output_field = BooleanField()

    def __init__(
        self,
        names: Sequence[str],
        values: Sequence | models.QuerySet,
        *,
        greater: bool,
        or_equal: bool = False,
    ):
        super().__init__()
        self.columns = [F(name) for name in names]
        if isinstance(values, models.QuerySet):
            self.values = [Subquery(values)]
        else:
            self.values = [Value(value) for value in values]
        self.greater, self.or_equal = greater, or_equal

    def get_source_expressions(self):
        return [*self.columns, *self.values]

    def set_source_expressions(self, expressions):
        count = len(self.columns)
        self.columns, self.values = list(expressions[:count]), list(expressions[count:])

    def as_sql(self, compiler, connection):
        sides, params = [], []
        for expressions in (self.columns, self.values):
            compiled = [compiler.compile(expression) for expression in expressions]
            sides.append(", ".join(sql for sql, _ in compiled))
            params.extend(param for _, found in compiled for param in found)
        operator = (">" if self.greater else "<") + ("=" if self.or_equal else "")
        right = sides[1]
        if not (len(self.values) == 1 and isinstance(self.values[0], Subquery)):
            right = f"({right})"  # A subquery comes in its own parentheses.
        return f"({sides[0]}) {operator} {right}", params


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


def page(queryset: models.QuerySet, keyset: Keyset, *, size: int, cursor: str | None) -> Page:
    """A page of model instances in keyset order: LIMIT size+1 from the cursor's key."""
    key, backwards = keyset.decode(cursor) if cursor else (None, False)
    rows = list(_from_key(queryset, keyset, key, backwards)[: size + 1])
    return _framed(rows, keyset, size=size, key=key, backwards=backwards)


def _from_key(queryset: models.QuerySet, keyset: Keyset, key, backwards: bool):
    """The queryset in paging order from key (exclusive; from the start when None)."""
    if keyset.expressions:
        queryset = queryset.alias(**keyset.expressions)
    qs = queryset.order_by(*keyset.ordering(backwards=backwards))
    return qs if key is None else qs.filter(keyset.beyond(key, backwards=backwards))


# --- Reading a plan -------------------------------------------------------------------------

# The chronology's order and cursors, over event rows.
EVENTS = Keyset(Event, CHRONOLOGICAL, key_of=row_key)


@dataclass(frozen=True)
class LinkWalk:
    """An actor or dyad filter to page through by walking index ranges in date order.

    links: rows carrying their event's bounds and id (actor links, or dyad pairs) under the
    role and period filters, of any subject; arms: the field values of each range walked
    ({"actor_id": 7} for an actor's links; {"actor_id": 7, "opponent_id": 9} for a dyad's
    pairs), each one range of an index in date order. The events queryset paged alongside
    holds every other filter, but not this one.
    """

    links: models.QuerySet
    arms: tuple[dict[str, int], ...]

    @classmethod
    def of_actors(cls, links: models.QuerySet, actor_ids) -> "LinkWalk":
        return cls(links, cls.actor_arms(actor_ids))

    @staticmethod
    def actor_arms(actor_ids) -> tuple[dict[str, int], ...]:
        return tuple({"actor_id": actor} for actor in sorted(actor_ids))

    @classmethod
    def of_dyad(cls, pairs: models.QuerySet, first_ids, second_ids) -> "LinkWalk":
        return cls(
            pairs,
            tuple(
                {"actor_id": actor, "opponent_id": opponent}
                for actor in sorted(first_ids)
                for opponent in sorted(second_ids)
            ),
        )


@dataclass(frozen=True)
class Plan:
    """How a query's events are read in chronological order, decided once (query.plan).

    events: the events under every filter; under every filter but the actors' when they are
        walked.
    actors: walk each actor's links, or each pair of a dyad, in date order (_linked_rows), or
        None.
    scope: the events under the date filters alone (every visible event, for an order by
        update or fatalities), whose next rows from the key are looked through first, the
        probe window (_probed_rows), or None.
    Neither: keyset paging over the events (_keyset_rows).
    keyset: the order (events.chronology.orders); the actor walk only for EVENTS either way.
    A plan's statements are compiled for each request; a TemplatePlan's once per shape.
    """

    events: models.QuerySet
    actors: LinkWalk | None = None
    scope: models.QuerySet | None = None
    keyset: Keyset = EVENTS
    template = None

    # What the reads ask before they read (a TemplatePlan answers these without a queryset).
    @property
    def walks(self) -> bool:
        return self.actors is not None

    @property
    def arms(self) -> tuple[dict[str, int], ...]:
        return self.actors.arms

    @property
    def probes(self) -> bool:
        return self.scope is not None

    @property
    def database(self) -> str:
        return self.events.db


@dataclass(frozen=True)
class PlanTemplate:
    """What a plan's statements are a function of (events.statements): its shape (which
    filters, which way it reads, the audience's conditions), its values (days, ids, text and
    numbers: the period, a place's path, a box's corners) and how the plan is built for any
    values of that shape. Each read adds its own part of the shape and the key's values."""

    shape: Hashable
    values: Mapping[str, Any]
    build: Callable[[Mapping[str, Any]], Plan]


class TemplatePlan:
    """A plan whose statements come from its template (events.statements), filled with the
    request's values: its querysets (events, actors, scope, as a Plan's) are built only when
    read, which a read filled from the template does not do. Building them cost as much as
    compiling them on a filtered page."""

    def __init__(
        self,
        template: PlanTemplate,
        *,
        keyset: Keyset,
        arms: tuple[dict[str, int], ...] | None,
        probes: bool,
        database: str,
    ):
        self.template, self.keyset, self.probes, self.database = template, keyset, probes, database
        self.walks, self._arms = arms is not None, arms

    @property
    def arms(self) -> tuple[dict[str, int], ...]:
        return self._arms

    @functools.cached_property
    def built(self) -> Plan:
        """The plan for the request's values, its querysets built (and compiled as they are)."""
        return self.template.build(self.template.values)

    @property
    def events(self) -> models.QuerySet:
        return self.built.events

    @property
    def actors(self) -> LinkWalk | None:
        return self.built.actors

    @property
    def scope(self) -> models.QuerySet | None:
        return self.built.scope


def _plain_key(key) -> bool:
    """Whether a key's parts can be put in place (days and ids: the chronological orders)."""
    return key is None or all(type(part) is date or (type(part) is int) for part in key)


def _compiled(
    plan: Plan | TemplatePlan,
    page: Callable[[Plan, Any, Mapping[str, Any]], models.QuerySet],
    shape: Hashable,
    key,
    own: Mapping[str, Any] | None = None,
) -> tuple[str, tuple]:
    """(sql, params) of page(plan, key, own): the statement of a read from key, with values
    of its own (an arm's actor); from the plan's template when it has one (the request's
    values, the key's and its own put in place), else compiled for this request."""
    own = own or {}
    template = plan.template
    if template is None or not _plain_key(key):
        return page(plan, key, own).query.sql_with_params()
    at = {f"key_{number}": part for number, part in enumerate(key or ())}

    def build(values: Mapping[str, Any]) -> models.QuerySet:
        since = tuple(values[name] for name in at) if key is not None else None
        return page(template.build(values), since, {name: values[name] for name in own})

    full = (template.shape, shape, tuple(own), key is None)
    return statements.compiled(full, build, {**template.values, **at, **own})


def read_page(plan: Plan | TemplatePlan, *, size: int, cursor: str | None = None) -> Page:
    """A page of event rows and its cursors: one query whatever the size or depth (two with an
    actor walk, or when the first look comes back short)."""
    key, backwards = plan.keyset.decode(cursor) if cursor else (None, False)
    rows = _rows(plan, size=size, key=key, backwards=backwards, window=PROBE_ROWS)
    return _framed(rows, plan.keyset, size=size, key=key, backwards=backwards)


def read_batches(
    plan: Plan | TemplatePlan, *, batch_size: int = EXPORT_BATCH_SIZE
) -> Iterator[list[tuple]]:
    """Every event row of the plan in its order, in keyset batches, so that an
    export streams without holding the set. On SQLite, given the scope, each batch first
    looks among the next WALK_WINDOW events of the period, as a page does: without that,
    every batch of a place or text filter re-read and sorted all the matches left."""
    key = None
    while True:
        rows = _rows(plan, size=batch_size - 1, key=key, backwards=False, window=WALK_WINDOW)
        if not rows:
            return
        yield rows
        if len(rows) < batch_size:
            return
        key = plan.keyset.key(rows[-1])


def _rows(
    plan: Plan | TemplatePlan, *, size: int, key, backwards: bool, window: int
) -> list[tuple]:
    """Up to size+1 event rows from key in paging order, read the way the plan says."""
    keyset = plan.keyset
    if plan.walks:
        # Newest first is the walk read backwards: the same key, the other way.
        backwards = backwards != keyset.descending
        return _linked_rows(plan, size=size, key=key, backwards=backwards)
    if plan.probes:
        rows = _probed_rows(plan, size=size, key=key, backwards=backwards, window=window)
        if rows is not None:
            return rows
    return _keyset_rows(plan, size=size, key=key, backwards=backwards)


def _keyset_rows(plan: Plan | TemplatePlan, *, size: int, key, backwards: bool) -> list[tuple]:
    keyset = plan.keyset
    if not _split_at_key(plan.database, keyset, key):

        def page(built: Plan, since, _) -> models.QuerySet:
            return _from_key(built.events, keyset, since, backwards)[: size + 1].values("id")

        shape = ("keyset", keyset.fields, backwards, size)
        return _read_ids(lambda: _compiled(plan, page, shape, key), keyset, backwards)
    rows: list[tuple] = []
    for part in _parts_from_key(plan.events, keyset, key, backwards):
        rows += _read(part[: size + 1 - len(rows)], keyset, backwards)
        if len(rows) > size:
            break
    return rows


def _split_at_key(database: str, keyset: Keyset, key) -> bool:
    """Whether the keyset's rows from key are read in two parts (_parts_from_key)."""
    return key is not None and keyset.row_values and connections[database].vendor == "sqlite"


def _parts_from_key(
    events: models.QuerySet, keyset: Keyset, key, backwards: bool
) -> list[models.QuerySet]:
    """The events from key in paging order, as consecutive parts: one, or for a row-values
    keyset on SQLite, the rest of the key's tie and then what lies beyond the tie.

    SQLite enters an index at a row value of plain columns but not of an expression's: past
    the first field's bound, a deep page would read every row of a long tie before its key
    (the events of unknown fatalities, most of some datasets). Within the tie the first field
    is a constant and the rest a row value the index is entered at; beyond it, the first
    field's bound alone is exact. The second part is read only when the first is short.
    """
    if not _split_at_key(events.db, keyset, key):
        return [_from_key(events, keyset, key, backwards)]
    first, rest = keyset.names[0], Keyset(keyset.model, keyset.fields[1:], row_values=True)
    events = events.alias(**keyset.expressions)
    tie = events.filter(**{first: key[0]}).filter(rest.beyond(key[1:], backwards=backwards))
    greater = keyset.descending == backwards
    after = events.filter(**{f"{first}__{'gt' if greater else 'lt'}": key[0]})
    return [
        tie.order_by(*rest.ordering(backwards=backwards)),
        after.order_by(*keyset.ordering(backwards=backwards)),
    ]


def _read(page: models.QuerySet, keyset: Keyset, backwards: bool) -> list[tuple]:
    """The rows of a sliced page in the keyset's order (the way it is read)."""
    return event_rows(page, key=keyset.key, reverse=keyset.descending != backwards)


def _read_ids(
    compile_ids: Callable[[], tuple[str, tuple]], keyset: Keyset, backwards: bool
) -> list[tuple]:
    """The rows whose ids a sliced page's statement selects (compile_ids() gives it), in the
    keyset's order (the way it is read)."""
    try:
        sql, params = compile_ids()
    except EmptyResultSet:  # e.g. id__in=[]: Django knows there is nothing to read.
        return []
    return ids_rows(sql, params, key=keyset.key, reverse=keyset.descending != backwards)


def _linked_rows(plan: Plan | TemplatePlan, *, size: int, key, backwards: bool) -> list[tuple]:
    keys = _linked_keys(plan, size=size, key=key, backwards=backwards)
    ids = [event_id for _, _, event_id in keys]
    # These events passed every filter in _linked_keys' EXISTS probe: read them by id alone.
    by_id = {row_key(row)[2]: row for row in rows_by_id(ids)}
    return [by_id[pk] for pk in ids if pk in by_id]


def _linked_keys(plan: Plan | TemplatePlan, *, size: int, key, backwards: bool) -> list[tuple]:
    """Up to size+1 distinct (date_earliest, date_latest, id) keys of the plan's events linked
    by its walk, in paging order from key.

    Each arm's rows (an actor's links, a dyad pair's rows) are read in index order from the
    key, at most size+1 each, in one UNION ALL query; a row is kept only when its event passes
    every other filter (a correlated EXISTS: a primary-key probe per row read). A sort, or a
    scan of every event, is never needed, however many events the actors have. When an arm's
    share was cut short by duplicates (two links to one event), the walk goes on from the last
    key every share vouches for.
    """
    found: list[tuple] = []
    seen: set[int] = set()
    while True:
        compiled = _compiled_walk(plan, size=size, key=key, backwards=backwards)
        shares = _union_all(compiled, columns=LINK_ORDER)
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
        key = tuple(_as_key_part(part) for part in bound)


def _arm(
    events: models.QuerySet,
    links: models.QuerySet,
    values: Mapping[str, int],
    *,
    size: int,
    since,
    backwards: bool,
) -> models.QuerySet:
    """One arm of a walk: up to size+1 keys of its range of links from since, in paging order,
    of events passing every other filter."""
    link_keys = Keyset(links.model, LINK_ORDER)
    passing = Exists(events.order_by().filter(pk=OuterRef("event_id")))
    links = links.filter(passing, **values)
    if since is not None:
        links = links.filter(link_keys.beyond(since, backwards=backwards))
    ordered = links.order_by(*link_keys.ordering(backwards=backwards))
    return ordered.values_list(*LINK_ORDER)[: size + 1]


def _compiled_walk(
    plan: Plan | TemplatePlan, *, size: int, key, backwards: bool
) -> list[tuple[str, tuple] | None]:
    """(sql, params) of each arm of the plan's walk from key (None where nothing can match):
    one arm compiled for all, each arm's ids put in place (from the plan's template when it
    has one, else compiled for this request: _compiled_per_arm)."""
    if plan.template is None or not plan.arms or not _plain_key(key):

        def arm(values: Mapping[str, int]) -> models.QuerySet:
            return _arm(
                plan.events, plan.actors.links, values, size=size, since=key, backwards=backwards
            )

        return _compiled_per_arm(arm, plan.arms)

    def page(built: Plan, since, arm: Mapping[str, int]) -> models.QuerySet:
        return _arm(
            built.events, built.actors.links, arm, size=size, since=since, backwards=backwards
        )

    compiled: list[tuple[str, tuple] | None] = []
    for values in plan.arms:
        try:
            compiled.append(_compiled(plan, page, ("walk", backwards, size), key, values))
        except EmptyResultSet:
            compiled.append(None)
    return compiled


# Stand for an arm's values while one arm of the walk is compiled for all (_compiled_per_arm).
_PLACEHOLDER = -7_316_402_581_974_310_925


def _compiled_per_arm(
    arm: Callable[[dict[str, int]], models.QuerySet], arms: tuple[dict[str, int], ...]
) -> list[tuple[str, tuple] | None]:
    """(sql, params) of arm(values) for each arm's values; None where nothing can match.

    The arms differ only in their values, so one is compiled and each arm's values swapped
    in: compiling a walk of nine actors arm by arm cost more than running it. When a
    placeholder is not exactly one parameter, each arm is compiled as it is.
    """
    if not arms:
        return []
    names = list(arms[0])
    stand_ins = {name: _PLACEHOLDER - number for number, name in enumerate(names)}
    try:
        sql, params = arm(stand_ins).query.sql_with_params()
    except EmptyResultSet:
        return [None] * len(arms)
    at = {
        name: [i for i, value in enumerate(params) if value == v] for name, v in stand_ins.items()
    }
    if all(len(found) == 1 for found in at.values()):
        swapped = []
        for values in arms:
            filled = list(params)
            for name, (position,) in at.items():
                filled[position] = values[name]
            swapped.append((sql, tuple(filled)))
        return swapped
    compiled: list[tuple[str, tuple] | None] = []
    for values in arms:
        try:
            compiled.append(arm(values).query.sql_with_params())
        except EmptyResultSet:
            compiled.append(None)
    return compiled


# The walked rows' days: on SQLite read as text (_union_all).
_DAYS = frozenset(LINK_ORDER[:2])


def _union_all(
    arms: list[tuple[str, tuple] | None], *, columns: Sequence[str] | None = None
) -> list[list[tuple]]:
    """The rows of each compiled arm (a sliced, ordered select; None for none), from one
    UNION ALL query; columns: the arms' column names (all of them when not given).

    Django cannot compound sliced querysets on SQLite, so the compiled arms are wrapped as
    subqueries by hand; a first column tells the arms apart. On SQLite the days among the
    columns are read as text: the driver would parse each one through Django's converter,
    four Python calls a value (1,400 values on an alliance's page). The rows keep that text:
    ISO days sort and compare as the days do, and only a key the walk goes on from is read
    back as days (_as_key_part, in _linked_keys).
    """
    as_text = reader().vendor == "sqlite"
    parts, params = [], []
    for number, compiled in enumerate(arms):
        if compiled is None:
            continue
        sql, arm_params = compiled
        arm = f"arm{number}"
        selected = f"{arm}.*"
        if columns is not None:
            selected = ", ".join(
                f"CAST({arm}.{name} AS TEXT)" if as_text and name in _DAYS else f"{arm}.{name}"
                for name in columns
            )
        parts.append(f"SELECT {number}, {selected} FROM ({sql}) {arm}")
        params.extend(arm_params)
    shares: list[list[tuple]] = [[] for _ in arms]
    if not parts:
        return shares
    with reader().cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        for row in cursor.fetchall():
            shares[row[0]].append(row[1:])
    return shares


def _as_key_part(value):
    # SQLite hands raw date columns back as text.
    return date.fromisoformat(value) if isinstance(value, str) else value


def _probed_rows(
    plan: Plan | TemplatePlan, *, size: int, key, backwards: bool, window: int
) -> list[tuple] | None:
    """size+1 event rows of the plan from key, when they are among the next `window` events of
    its scope in the keyset's order; else None.

    For a filter by place, box, type or text, the database would otherwise read the whole
    matching set and sort it before returning the first row of a page. But most pages of a
    busy filter lie within a few thousand events of their key, which the order's index hands
    over in order: if size+1 matching rows are among them, they are the page, since
    the window holds every event of the scope from the key on, in order. The window is read
    as a bound, the key of its last event, so the walk stops at the page's last row.
    """
    keyset = plan.keyset
    if _split_at_key(plan.database, keyset, key):
        return None  # Read in parts (_keyset_rows): the window would read the tie first.

    def page(built: Plan, since, _) -> models.QuerySet:
        scanned = _from_key(built.scope, keyset, since, backwards)
        found = _from_key(built.events, keyset, since, backwards)
        if keyset.expressions:
            # SQLite reads no row value of an expression as an index range: the window's
            # ids, as a list, bound the matches instead.
            return found.filter(pk__in=scanned.values("pk")[:window])[: size + 1].values("id")
        # The window is every event of the scope from the key up to its window-th, whose key
        # bounds the matches: the index is walked in order and stops at the page's last row,
        # where a list of the window's ids had every match in it read and sorted (2.7 ms
        # against 0.5 for a box matching one event in five, at 100,000 events). Rare(): SQLite
        # cannot weigh the bound, and would rather read every event at a box's places from
        # another index and sort them. With fewer than `window` events left there is no
        # bound, and no rows: the rest is read whole.
        named = {f"window_{name}": F(name) for name in keyset.names}
        last = scanned.annotate(**named).values(*named)[window - 1 : window]
        greater = keyset.descending == backwards
        within = RowBeyond(keyset.names, last, greater=not greater, or_equal=True)
        return found.filter(Rare(Q(within)))[: size + 1].values("id")

    shape = ("probe", keyset.fields, backwards, size, window)
    rows = _read_ids(lambda: _compiled(plan, page, shape, key), keyset, backwards)
    return rows if len(rows) > size else None
