"""QuerySets for the chronology: visibility, date overlap, actors with alliances, place subtrees."""

import functools
import math
from datetime import date, timedelta

from django.apps import apps
from django.db import connections, models
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import ASin, Coalesce, Cos, Least, Power, Radians, Sin, Sqrt
from django.db.models.lookups import Lookup, StartsWith

from events import search, statements
from events.params import as_id
from events.permissions import is_editor
from events.text import fold

# These querysets sit beneath events.models, which builds its managers from them: they reach
# other models through relations (self.model._meta) or the app registry, never by importing
# events.models, so that the two modules do not import each other.

# The chronological order: earliest possible day, then narrower bounds first (more precise
# first), then id, so that the order is total and keyset pages never skip or repeat a row.
# Event.Meta.ordering and its indexes, EventQuerySet.chronological(), the chronology's keyset
# and the actor links' copy of the bounds (events_eventactor_chrono_idx) all read it here.
CHRONOLOGICAL = ("date_earliest", "date_latest", "id")


class DaysBetween(Func):
    """Whole days from the first date to the second, in SQL fit for a generated column."""

    arity = 2
    output_field = IntegerField()

    def _operands(self, compiler):
        (earliest, earliest_params), (latest, latest_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        return earliest, latest, [*latest_params, *earliest_params]

    def as_sql(self, compiler, connection, **extra):
        # PostgreSQL: date - date is a whole number of days.
        earliest, latest, params = self._operands(compiler)
        return f"({latest} - {earliest})", params

    def as_sqlite(self, compiler, connection, **extra):
        earliest, latest, params = self._operands(compiler)
        return f"CAST(julianday({latest}) - julianday({earliest}) AS INTEGER)", params


# An unknown count stands for this in FatalitiesOr(UNKNOWN_LAST_ASCENDING): past any count.
MAX_FATALITIES = 2_147_483_647


class FatalitiesOr(Func):
    """An event's fatalities, the best estimate else the low one (as fatalities_min reads
    them), and `unknown` when it has neither: the key of the fatality orders, so that unknown
    counts sort where the order puts them (-1 below zero, MAX_FATALITIES past every count).

    The stand-in is written into the SQL, never bound: an index on the expression (the
    models' fatality indexes) serves a query only when the query's expression is the same
    text, and SQLite takes no bound parameter for a constant of an indexed expression.
    """

    function = "COALESCE"
    output_field = IntegerField()

    def __init__(self, *, unknown: int):
        self.unknown = int(unknown)
        super().__init__(F("fatalities_best"), F("fatalities_low"))

    def as_sql(self, compiler, connection, **extra):
        extra["template"] = f"%(function)s(%(expressions)s, {self.unknown})"
        return super().as_sql(compiler, connection, **extra)

    def deconstruct(self):
        return "events.querysets.FatalitiesOr", (), {"unknown": self.unknown}

    def __eq__(self, other):
        return isinstance(other, FatalitiesOr) and other.unknown == self.unknown

    def __hash__(self):
        return hash((FatalitiesOr, self.unknown))


def related_count(model: type[models.Model], fk: str, *, distinct: str | None = None) -> Coalesce:
    """A correlated COUNT per outer row.

    Under a LIMIT it counts only the rows shown, through the foreign key's index, where a
    Count() annotation groups the whole table first (and drops Meta.ordering).
    """
    rows = model.objects.filter(**{fk: OuterRef("pk")}).order_by().values(fk)
    counted = rows.annotate(n=Count(distinct or "pk", distinct=bool(distinct))).values("n")
    return Coalesce(Subquery(counted), 0)


def kept_count(kind: str, **subjects) -> Coalesce:
    """The published events of the subjects (conditions on subject_id, naming the outer row
    with OuterRef) summed from the trigger-kept counts (events.published_counts): one probe
    of their unique index per subject, never a read of the events themselves."""
    counts = apps.get_model("events", "PublishedCount")._default_manager
    summed = (
        counts.filter(kind=kind, **subjects)
        .order_by()
        .annotate(n=Func("events", function="SUM"))
        .values("n")
    )
    return Coalesce(Subquery(summed, output_field=IntegerField()), 0)


class Likely(Func):
    """A condition true for most rows (a published event), said so to SQLite with likely().

    Without statistics SQLite takes any equality on an indexed column as selective, and so
    reads every published event through events_event_fresh_idx before joining the rows it
    was asked about; told that the condition is nearly always true, it enters the index
    that narrows instead. Other databases get the condition unchanged.
    """

    output_field = BooleanField()

    def __init__(self, condition: Q):
        super().__init__(ExpressionWrapper(condition, output_field=BooleanField()))

    def as_sql(self, compiler, connection, **extra):
        return compiler.compile(self.get_source_expressions()[0])

    # How SQLite is told: likely(X) is likelihood(X, 0.9375).
    hint = "likely({})"

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.get_source_expressions()[0])
        return self.hint.format(sql), params


class Rare(Likely):
    """A condition true for few rows, said so to SQLite with unlikely().

    For a bound SQLite cannot weigh, a row compared with a subquery's row: told that it is
    narrow, SQLite reads the bound as a range of the index it takes, rather than reading every
    row the other conditions allow from an index the bound is no range of and sorting them
    (30 ms instead of 1 for a box's page at a million events). A stronger hint
    (likelihood(…, 0.001)) had it walk the dates for a place's events of one month instead of
    reading that place's (14 ms instead of 8).
    """

    hint = "unlikely({})"


def match_keys(text: str) -> dict[str, str | int]:
    """What a name is looked up by (NamedQuerySet.matching): its slug form, its folded form
    and, when it spells one, an id."""
    text = text.strip()
    keys: dict[str, str | int] = {"slug": text.lower(), "folded": fold(text)}
    pk = as_id(text)
    if pk is not None:
        keys["pk"] = pk
    return keys


class NamedQuerySet(models.QuerySet):
    """Lookups by name for models with a slug, a folded name and aliases (actors and places)."""

    def matching(self, text: str):
        """Rows whose id, slug, name or any alias is this text (case and accents folded).

        Actor aliases are unique, so an actor resolves to one row; places can share a name.
        """
        return self.matching_keys(**match_keys(text))

    def matching_keys(self, *, slug: str, folded: str, pk: int | None = None):
        """matching() from the text's keys (match_keys): slug, folded name and id.

        The aliases are asked through a subquery of their folded names' index, not joined: an
        OR across a joined table is one condition no index serves, so the join read every row
        with its aliases (0.11 ms of the 300 actors of 100,000 events, per timeline request
        naming an actor); each branch here is one index probe (0.007 ms), and no row comes
        twice, so nothing is left to make distinct.
        """
        aliases = self.model.aliases.rel
        named = aliases.related_model.objects.filter(name_folded=folded)
        condition = (
            Q(slug=slug) | Q(name_folded=folded) | Q(pk__in=named.values(aliases.field.attname))
        )
        if pk is not None:
            condition |= Q(pk=pk)
        return self.filter(condition)

    def search(self, text: str):
        """Rows whose slug, name or any alias contains this text (case and accents folded)."""
        folded = fold(text)
        alias_link = self.model.aliases.rel
        aliases = alias_link.related_model.objects.filter(name_folded__contains=folded)
        return self.filter(
            Q(slug__contains=folded.replace(" ", "-"))
            | Q(name_folded__contains=folded)
            | Q(id__in=aliases.values(alias_link.field.attname))
        )


def earliest_overlap(start: date) -> date:
    """No event that ends on or after start begins before this day.

    The longest span of any event (one probe of events_event_span_idx) puts a floor under
    the range scan of an overlap query: without it, "ends on or after start" reads every
    event that began before start, since no index can be entered at its end day.
    """
    longest = _longest_span() or 0
    try:
        return start - timedelta(days=longest)
    except OverflowError:
        return date.min


# The longest span's statement per database (_longest_span).
_LONGEST_SPAN: dict[str, tuple[str, tuple]] = {}


def _longest_span() -> int | None:
    """The longest span of any event: one probe of the end of events_event_span_idx. The
    statement is compiled once per database: compiling it each time cost ten times running it.
    (The greatest value in index order is MAX's answer; the span is never NULL.)"""
    events = apps.get_model("events", "Event").objects
    database = events.db
    statement = _LONGEST_SPAN.get(database)
    if statement is None:
        longest = events.order_by("-date_span_days").values_list("date_span_days")[:1]
        statement = _LONGEST_SPAN[database] = longest.query.sql_with_params()
    with connections[database].cursor() as cursor:
        cursor.execute(*statement)
        found = cursor.fetchone()
    return found[0] if found else None


class PeriodQuerySet(models.QuerySet):
    """Date-range filters for rows with date_earliest and date_latest (events, day pairs)."""

    def overlapping(
        self, start: date | None, end: date | None, *, floor: date | None = None
    ) -> "PeriodQuerySet":
        """Rows that possibly fall in [start, end]: their bounds intersect it.

        floor: earliest_overlap(start), when the caller has it already (it costs a query).
        """
        qs = self
        if end is not None:
            qs = qs.filter(date_earliest__lte=end)
        if start is not None:
            floor = floor or earliest_overlap(start)
            qs = qs.filter(date_latest__gte=start, date_earliest__gte=floor)
        return qs

    def within(self, start: date | None, end: date | None) -> "PeriodQuerySet":
        """Rows that certainly fall in [start, end]: both bounds inside it."""
        qs = self
        if start is not None:
            qs = qs.filter(date_earliest__gte=start)
        if end is not None:
            qs = qs.filter(date_latest__lte=end)
        return qs

    def in_period(
        self,
        start: date | None,
        end: date | None,
        *,
        within: bool = False,
        floor: date | None = None,
    ) -> "PeriodQuerySet":
        """within(start, end) when within, else overlapping(start, end)."""
        if within:
            return self.within(start, end)
        return self.overlapping(start, end, floor=floor)


class EventActorQuerySet(PeriodQuerySet):
    """Event↔actor links, which carry a copy of their event's bounds (see events.link_bounds)."""

    def of_actors(
        self,
        actor_ids=None,
        *,
        role: str | None = None,
        start: date | None = None,
        end: date | None = None,
        within: bool = False,
        floor: date | None = None,
    ) -> "EventActorQuerySet":
        """Links of these actors (any actor: None) in this role whose event falls in
        [start, end]; floor: earliest_overlap(start), when the caller has it already.

        The copy of the bounds lets the date range narrow the links themselves, so an actor's
        period is one range of events_eventactor_chrono_idx.
        """
        links = self
        if actor_ids is not None:
            links = links.filter(actor_id__in=actor_ids)
        if role:
            links = links.filter(role=role)
        return links.in_period(start, end, within=within, floor=floor)


def published_events() -> "EventQuerySet":
    """Event.objects.published(), cloned from one built once per process: its filter() cost
    each timeline request 26 µs, a clone costs 3 µs. The one built is never evaluated (only
    its clones are), so it holds no rows, and picks no database until a clone is read."""
    return _published_once().all()


@functools.cache
def _published_once() -> "EventQuerySet":
    return apps.get_model("events", "Event").objects.published()


class EventQuerySet(PeriodQuerySet):
    def delete(self):
        """Delete, leaving a tombstone per event for the sync feed (events/removed/)."""
        from django.db import transaction

        removals = apps.get_model("events", "EventRemoval")
        with transaction.atomic():
            removals.record(
                self.order_by().values("id", "uid", "status").iterator(),
                reason=removals.Reason.DELETED,
            )
            return super().delete()

    delete.alters_data = True
    delete.queryset_only = True

    def published(self) -> "EventQuerySet":
        return self.filter(status="published")

    def visible_to(self, user) -> "EventQuerySet":
        """Editors see every status; everyone else sees published events only."""
        return self if is_editor(user) else self.published()

    def chronological(self) -> "EventQuerySet":
        return self.order_by(*CHRONOLOGICAL)

    def linked_to(
        self,
        actor_ids=None,
        *,
        role: str | None = None,
        start: date | None = None,
        end: date | None = None,
        within: bool = False,
    ) -> "EventQuerySet":
        """Events with one link matching actor and role together (not two different links)."""
        links = self._related("actor_links").objects.of_actors(
            actor_ids, role=role, start=start, end=end, within=within
        )
        return self.filter(id__in=links.values("event_id"))

    def facing(
        self,
        first_ids,
        second_ids,
        *,
        start: date | None = None,
        end: date | None = None,
        within: bool = False,
        floor: date | None = None,
    ) -> "EventQuerySet":
        """A dyad: events where one of first_ids is on one side (events.models.SIDES) and one of
        second_ids on the opposing one, either way round.

        One range of events_eventdyad_chrono_idx per pair of actors (the trigger-kept pairs,
        events.dyads, stored both ways round), narrowed by the period on the pairs' copy of
        the bounds: its cost is the dyad's own events, never either actor's alone."""
        pairs = apps.get_model("events", "EventDyad")._default_manager.filter(
            actor_id__in=first_ids, opponent_id__in=second_ids
        )
        pairs = pairs.in_period(start, end, within=within, floor=floor)
        return self.filter(id__in=pairs.values("event_id"))

    def mentioning(self, text: str) -> "EventQuerySet":
        """Events whose headline, summary or source excerpts hold every word of text, each as
        a word or word prefix (case and accents folded): a full-text index, see events/search.py."""
        return search.mentioning(self, text)

    def in_bbox(
        self, min_lon: float, min_lat: float, max_lon: float, max_lat: float
    ) -> "EventQuerySet":
        """Events at places inside the box; min_lon > max_lon means it crosses the antimeridian."""
        places = self._related("location").objects.in_bbox(min_lon, min_lat, max_lon, max_lat)
        return self.filter(location_id__in=places.values("id"))

    def near(self, latitude: float, longitude: float, km: float) -> "EventQuerySet":
        """Events at places within km of a point (great-circle distance)."""
        places = self._related("location").objects.near(latitude, longitude, km)
        return self.filter(location_id__in=places.values("id"))

    def in_location(self, location) -> "EventQuerySet":
        """Events at this place or anywhere beneath it in the hierarchy."""
        places = self._related("location").objects.subtree(location)
        return self.filter(location_id__in=places.values("id"))

    def in_locations(self, locations) -> "EventQuerySet":
        """Events at any of these places or anywhere beneath one: one indexed path range each."""
        within = Q()
        for location in locations:
            within |= beneath(F("path"), location.path)
        places = self._related("location").objects.filter(within)
        return self.filter(location_id__in=places.values("id"))

    def _related(self, name: str) -> type[models.Model]:
        """The model at the other end of a relation ("location": Location)."""
        return self.model._meta.get_field(name).related_model


class ActorQuerySet(NamedQuerySet):
    def resolve(self, text: str):
        """The one actor this text names, or None."""
        found = list(self.matching(text)[:2])
        return found[0] if len(found) == 1 else None

    def with_members(self, actor_ids) -> set[int]:
        """The ids given plus every member of those that are alliances (one level, one query,
        compiled once per number of ids: events.statements)."""
        memberships = self.model._meta.get_field("memberships").related_model.objects
        ids = set(actor_ids)
        if not ids:
            return ids
        values = {f"id_{number}": pk for number, pk in enumerate(sorted(ids))}

        def build(given):
            members = memberships.filter(alliance_id__in=list(given.values()))
            return members.values_list("member_id", flat=True)

        db = memberships.db
        sql, params = statements.compiled(("members", db, len(values)), build, values)
        with connections[db].cursor() as cursor:
            cursor.execute(sql, params)
            ids.update(pk for (pk,) in cursor.fetchall())
        return ids


class Beneath(StartsWith):
    """A prefix match of materialised paths, written as the range it is.

    SQLite's LIKE is case-insensitive, so it never enters the index on path, and against
    another row's column (a correlated subtree: each place's own count) it ran a LIKE per
    place per outer row; PostgreSQL's LIKE against a column reads every place too. Paths hold
    only digits and slashes ("/3/17/42/"), and ':' sorts right after '9', so the places
    starting with P are exactly those in [P, P || ':'): an index range whether P is a literal
    or a column. PostgreSQL compares byte-wise (~>=~, ~<~), whatever the collation, which the
    path's pattern index (varchar_pattern_ops, Django's "_like" index) serves.
    """

    def _range(self, compiler, connection, at_least: str, below: str):
        path, path_params = self.process_lhs(compiler, connection)
        # Lookup's own: PatternLookup's would turn a literal prefix into a LIKE pattern.
        prefix, prefix_params = Lookup.process_rhs(self, compiler, connection)
        sql = f"({path} {at_least} {prefix} AND {path} {below} ({prefix} || ':'))"
        return sql, [*path_params, *prefix_params, *path_params, *prefix_params]

    def as_sqlite(self, compiler, connection):
        return self._range(compiler, connection, ">=", "<")

    def as_postgresql(self, compiler, connection):
        return self._range(compiler, connection, "~>=~", "~<~")


def beneath(path, ancestor_path) -> StartsWith:
    """Whether the place at `path` is the one at `ancestor_path` or lies beneath it: the one
    definition of "a place and everything beneath it".

    A place's path is its materialised ancestry ("/3/17/42/"), so this is a prefix match, one
    indexed range for a literal prefix. Either side may be a column (F), an outer row's column
    (OuterRef) or a value.
    """
    return Beneath(path, ancestor_path)


class LocationQuerySet(NamedQuerySet):
    def subtree(self, location) -> "LocationQuerySet":
        """This place and everything beneath it."""
        return self.filter(beneath(F("path"), location.path))

    def published_event_count(self) -> Coalesce:
        """Published events at the outer row's place or beneath it, for an annotation of
        the places shown (OuterRef("path")): an index range of the subtree's places (a few
        thousand at most), then a probe of each one's kept count; never a read of the events.

        The probe per place is spelled out (a scalar subquery summed): given the subtree as an
        IN list, PostgreSQL merge-joined it with every place's count, 43 ms for a page of 100
        places at a million events instead of 1.2."""
        counts = apps.get_model("events", "PublishedCount")._default_manager
        own = counts.filter(kind="place", subject_id=OuterRef("id")).values("events")
        subtree = self.model._default_manager.filter(beneath(F("path"), OuterRef("path")))
        summed = subtree.order_by().annotate(n=Func(Subquery(own), function="SUM")).values("n")
        return Coalesce(Subquery(summed, output_field=IntegerField()), 0)

    def subtrees(self, places: models.QuerySet) -> "LocationQuerySet":
        """These places (a queryset of them) and everything beneath them, in one query."""
        named = self.model._default_manager.filter(id__in=places.values("id"))
        return self.filter(Exists(named.filter(beneath(OuterRef("path"), F("path")))))

    def in_bbox(
        self, min_lon: float, min_lat: float, max_lon: float, max_lat: float
    ) -> "LocationQuerySet":
        """Places with coordinates inside the box (crossing the antimeridian when min > max)."""
        qs = self.filter(latitude__gte=min_lat, latitude__lte=max_lat)
        if min_lon <= max_lon:
            return qs.filter(longitude__gte=min_lon, longitude__lte=max_lon)
        return qs.filter(Q(longitude__gte=min_lon) | Q(longitude__lte=max_lon))

    def near(self, latitude: float, longitude: float, km: float) -> "LocationQuerySet":
        """Places within km of a point: a bounding box first, then the haversine distance."""
        lat_span = km / KM_PER_DEGREE
        qs = self.filter(
            latitude__gte=max(-90.0, latitude - lat_span),
            latitude__lte=min(90.0, latitude + lat_span),
        )
        # The exact longitude extent of the circle; none when it reaches a pole or the
        # antimeridian, where the latitude band alone has to do.
        angle = km / EARTH_RADIUS_KM
        cos_lat = math.cos(math.radians(latitude))
        if math.sin(angle) < cos_lat:
            lon_span = math.degrees(math.asin(math.sin(angle) / cos_lat))
            if longitude - lon_span >= -180 and longitude + lon_span <= 180:
                qs = qs.filter(
                    longitude__gte=longitude - lon_span, longitude__lte=longitude + lon_span
                )
        return qs.annotate(distance_km=haversine_km(latitude, longitude)).filter(
            distance_km__lte=km
        )


EARTH_RADIUS_KM = 6371.0
KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180  # Along a meridian.


def haversine_km(latitude: float, longitude: float):
    """The great-circle distance in km from a point to each row's latitude/longitude."""
    lat1, lon1 = math.radians(latitude), math.radians(longitude)
    dlat = (Radians("latitude") - lat1) / 2
    dlon = (Radians("longitude") - lon1) / 2
    a = Power(Sin(dlat), 2) + math.cos(lat1) * Cos(Radians("latitude")) * Power(Sin(dlon), 2)
    # Least() keeps rounding from pushing asin's argument past 1 for antipodal points.
    return 2 * EARTH_RADIUS_KM * ASin(Sqrt(Least(a, Value(1.0))))


class EventRemovalQuerySet(models.QuerySet):
    def visible_to(self, user) -> "EventRemovalQuerySet":
        """Editors see every removal; everyone else those of events they could see, that is,
        that were published and are not published again now."""
        if is_editor(user):
            return self
        events = apps.get_model("events", "Event").objects
        republished = events.published().filter(uid=OuterRef("uid"))
        return self.filter(previous_status="published").exclude(Exists(republished))
