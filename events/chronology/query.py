"""The chronology's filters, declared once; a request's filters as a frozen query; one plan.

Every reader of the chronology (the API's timeline, events and histogram, every export, the
public pages, the commands) goes through three steps, each a function of the one before:

    parse(params) -> ChronologyQuery   every parameter checked and resolved (names to ids, the
                                       date floor); QueryError names each bad one
    plan(query, events) -> Plan        how to read the events in order, decided once
    page / stream / histogram          (events.chronology) read what the plan says

ChronologyFilterSet declares each parameter once: its field (events.chronology.parameters:
how its text is read and checked), its help text (the API schema, the export command's
--help) and what it filters (its filter's apply()). The dates and the actors are read together
rather than one by one, since the dates bound the actor links too and the actors may be walked:
the query holds them as they act (period, actor_ids, role) and the plan applies them.

No state is shared between requests in filter objects: parse() instantiates no FilterSet and
no Form. It calls each declared field's clean(), which reads the parameter and changes nothing,
so the filters and their fields, built once with the class, stay as declared. (A FilterSet
instance copies its filters and sets their .parent, as django-filter does; it filters through
the same query and plan.)

The plan, per database (plan()):

    the query has                            SQLite                      PostgreSQL
    actors, at most MAX_WALKED_ACTORS, and   actor walk                  actor walk
      a chronological order (either way)
    a dyad (and no actors), at most          dyad walk                   dyad walk
      MAX_WALKED_ACTORS pairs, and a
      chronological order (either way)
    filters beyond the dates (or too many    probe window, then keyset   keyset
      actors to walk, or a role alone);
      for an order by update or fatalities,
      the dates too
    dates alone, or nothing                  keyset                      keyset

The actor walk reads each actor's links in date order (events_eventactor_chrono_idx) and keeps
the events passing every other filter; the dyad walk does the same with each pair of the dyad's
trigger-kept rows (events_eventdyad_chrono_idx, events.dyads); the probe window looks for a
page among the next few thousand events of the period in order before reading and sorting
every match (SQLite only: PostgreSQL's planner weighs the walk against the sort by itself,
with statistics on both, and the window only gets in its way); keyset paging reads the
filtered set from the cursor on. Each reads in the query's order (events.chronology.orders),
through that order's index.
"""

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django_filters.constants import EMPTY_VALUES
from drf_spectacular.utils import extend_schema_field

from events import search
from events.chronology.orders import DEFAULT as DEFAULT_ORDER
from events.chronology.orders import HELP as ORDER_HELP
from events.chronology.orders import ORDERS
from events.chronology.paging import LinkWalk, Plan, PlanTemplate, TemplatePlan
from events.chronology.parameters import (
    ActorsField,
    ArticlesField,
    BBoxField,
    CountryField,
    EventTypesField,
    GeoPrecisionsField,
    LocationsField,
    NearField,
    OutletsField,
    PartialDateField,
    PrecisionsField,
    RepeatedField,
    StrictBooleanField,
)
from events.dates import FuzzyDate, Precision
from events.models import (
    Actor,
    ActorRole,
    Article,
    Event,
    EventActor,
    EventDyad,
    EventSource,
    Location,
)
from events.params import DateTimeParamField, IntegerParamField
from events.querysets import earliest_overlap

# Past this many actors (a large alliance with its members), one walk per actor costs more
# than reading the matching set once.
MAX_WALKED_ACTORS = 50

DATE_MODES = [
    ("overlaps", "overlaps: the event possibly falls in the range (its bounds intersect it)"),
    ("within", "within: the event certainly falls in the range (both bounds inside it)"),
]


# --- The filters, declared ------------------------------------------------------------------


def _repeatable(description: str):
    """OpenAPI: a repeatable string parameter (?name=a&name=b)."""
    return extend_schema_field(
        {"type": "array", "items": {"type": "string"}, "description": description}
    )


class _Together(django_filters.Filter):
    """A date or actor parameter: the query reads these together (period, actor_ids, role),
    and the plan applies them."""

    def filter(self, qs, value):
        return qs


class _Narrowing(django_filters.Filter):
    """A filter of events on its own: apply(events, value) says what it keeps."""

    def filter(self, qs, value):
        return qs if value in EMPTY_VALUES else self.apply(qs, value)

    def apply(self, events: QuerySet, value) -> QuerySet:
        raise NotImplementedError

    def slots(self, value, database: str) -> tuple[Hashable, dict[str, Any]] | None:
        """What apply()'s statement is a function of, on this database: the value's shape
        (what changes the statement's text) and the values it holds as parameters, by name
        (days, ids, text, numbers); None when it is compiled for each value
        (events.statements)."""
        return None

    def stand_in(self, shape: Hashable, slots: Mapping[str, Any]):
        """A value of this shape holding these slots, for apply() (see slots())."""
        raise NotImplementedError

    @property
    def has_slots(self) -> bool:
        """Whether this filter declares slots (asked before any filter's slots() runs: a
        text's slots() counts its matches, which a plan compiled per request does again)."""
        return type(self).slots is not _Narrowing.slots


class PartialDateFilter(_Together, django_filters.CharFilter):
    field_class = PartialDateField


class ModeFilter(_Together, django_filters.ChoiceFilter):
    pass


@extend_schema_field(
    {"type": "string", "enum": list(ORDERS), "default": DEFAULT_ORDER, "description": ORDER_HELP}
)
class OrderFilter(ModeFilter):
    """order: how the events are read (events.chronology.orders), not which."""

    def __init__(self, **kwargs):
        super().__init__(
            choices=[(name, f"{name}: {order.help}") for name, order in ORDERS.items()],
            error_messages={
                "invalid_choice": f"unknown order %(value)r; use one of {', '.join(ORDERS)}"
            },
            help_text=ORDER_HELP,
            **kwargs,
        )


@_repeatable(
    "An actor by slug, id, name or any alias, case-insensitive (isis, Daesh, islamic-state). "
    "Repeat for several: events involving any of them."
)
class ActorsFilter(_Together):
    field_class = ActorsField


@_repeatable(
    "One side of a dyad, with actor_b for the other: an actor as actor takes it (slug, id, name "
    "or alias; repeat for any of several). Events where an actor_a is on one side (side A, "
    "associated with A, perpetrator; or side B, associated with B, target) and an actor_b on "
    "the opposing one."
)
class DyadFilter(_Together):
    field_class = ActorsField


class MembersFilter(_Together, django_filters.CharFilter):
    field_class = StrictBooleanField


@_repeatable(
    "A place by slug or id (or an unambiguous name), including every place beneath it. "
    "Repeat for several (location=aleppo&location=idlib): events in any of them."
)
class LocationsFilter(_Narrowing):
    field_class = LocationsField

    def apply(self, events, places):
        if len(places) == 1:
            return events.in_location(places[0])
        return events.in_locations(places)

    # Each place filters by its path alone: one range of the paths' index.
    def slots(self, places, database):
        return len(places), {f"path_{number}": place.path for number, place in enumerate(places)}

    def stand_in(self, shape, slots):
        return tuple(Location(path=slots[f"path_{number}"]) for number in range(shape))


class CountryFilter(_Narrowing, django_filters.CharFilter):
    field_class = CountryField

    def apply(self, events, country):
        return events.in_location(country)

    def slots(self, country, database):
        return (), {"path": country.path}

    def stand_in(self, shape, slots):
        return Location(path=slots["path"])


class BBoxFilter(_Narrowing, django_filters.CharFilter):
    field_class = BBoxField

    def apply(self, events, box):
        return events.in_bbox(*box)

    CORNERS = ("min_lon", "min_lat", "max_lon", "max_lat")

    # A box across the antimeridian is two ranges of longitude, another statement.
    def slots(self, box, database):
        return box[0] <= box[2], dict(zip(self.CORNERS, box, strict=True))

    def stand_in(self, shape, slots):
        return tuple(slots[name] for name in self.CORNERS)


class NearFilter(_Narrowing, django_filters.CharFilter):
    field_class = NearField

    def apply(self, events, circle):
        return events.near(*circle)


@_repeatable("An event type by slug or id, including its sub-types. Repeatable.")
class EventTypesFilter(_Narrowing):
    field_class = EventTypesField

    def apply(self, events, named):
        return events.filter(type_id__in={pk for ids in named for pk in ids})


@_repeatable("Events citing this article (id). Repeatable.")
class ArticlesFilter(_Narrowing):
    field_class = ArticlesField

    def apply(self, events, article_ids):
        citing = EventSource.objects.filter(article_id__in=article_ids).values("event_id")
        return events.filter(id__in=citing)


class TextFilter(_Narrowing, django_filters.CharFilter):
    def apply(self, events, text):
        if isinstance(text, search.Mention):  # A stand-in (slots()): the query already made.
            return search.matching(events, text)
        return events.mentioning(text)

    # The query's text is one parameter; whether the page walks the dates is the shape.
    def slots(self, text, database):
        found = search.mention(text, database)
        return (bool(found.query), found.walk), {"match": found.query}

    def stand_in(self, shape, slots):
        return search.Mention(slots["match"] if shape[0] else "", walk=shape[1])


@_repeatable("Events citing an article of this outlet (its name, case-insensitive). Repeatable.")
class OutletsFilter(_Narrowing):
    field_class = OutletsField

    def apply(self, events, outlets):
        named = Q()
        for outlet in outlets:
            named |= Q(outlet__iexact=outlet)
        articles = Article.objects.filter(named).values("id")
        citing = EventSource.objects.filter(article_id__in=articles).values("event_id")
        return events.filter(id__in=citing)


@_repeatable(
    "The place's precision: 1 to 7 (UCDP's where_prec) or exact, near, district, governorate, "
    "region, country, water_or_air. Repeatable. Events without a place never match."
)
class GeoPrecisionsFilter(_Narrowing):
    field_class = GeoPrecisionsField

    def apply(self, events, precisions):
        places = Location.objects.filter(geo_precision__in=precisions).values("id")
        return events.filter(location_id__in=places)


@_repeatable("Date precision: day, days, week, month or year. Repeatable (precision=day&...).")
class PrecisionsFilter(_Narrowing):
    field_class = PrecisionsField

    def apply(self, events, precisions):
        return events.filter(date_precision__in=precisions)


class FatalitiesFilter(_Narrowing, django_filters.NumberFilter):
    """fatalities_min (lookup "gte") and fatalities_max ("lte"): the best estimate, else the
    low one; an event with neither never matches."""

    field_class = IntegerParamField

    def __init__(self, *args, bound: str = "gte", **kwargs):
        super().__init__(*args, **kwargs)
        self.bound = bound

    def apply(self, events, limit):
        best_else_low = Coalesce("fatalities_best", "fatalities_low")
        return events.alias(fatalities=best_else_low).filter(**{f"fatalities__{self.bound}": limit})


class FatalitiesKnownFilter(_Narrowing, django_filters.CharFilter):
    field_class = StrictBooleanField

    def apply(self, events, known):
        unknown = Q(fatalities_best__isnull=True, fatalities_low__isnull=True)
        return events.exclude(unknown) if known else events.filter(unknown)


class UpdatedSinceFilter(_Narrowing, django_filters.IsoDateTimeFilter):
    field_class = DateTimeParamField

    def apply(self, events, since):
        return events.filter(updated__gte=since)


DYAD = ("actor_a", "actor_b")


def dyad_errors(cleaned: Mapping[str, Any]) -> dict[str, list[str]]:
    """A dyad needs both its sides: the missing one, named."""
    given = [name for name in DYAD if cleaned.get(name)]
    if len(given) != 1:
        return {}
    (missing,) = set(DYAD) - set(given)
    return {missing: [f"{missing} is needed with {given[0]}: a dyad has two sides"]}


def period_error(start: FuzzyDate | None, end: FuzzyDate | None) -> str | None:
    """Why start and end cannot make a period, if they cannot."""
    if start and end and start.earliest > end.latest:
        return f"start {start.phrase or start.earliest} is after end {end.phrase or end.latest}"
    return None


class ChronologyForm(forms.Form):
    """The form of a ChronologyFilterSet instance (parse() needs none)."""

    def clean(self):
        cleaned = super().clean()
        error = period_error(cleaned.get("start"), cleaned.get("end"))
        if error:
            self.add_error("start", error)
        for name, messages in dyad_errors(cleaned).items():
            self.add_error(name, messages)
        return cleaned


class ChronologyFilterSet(django_filters.FilterSet):
    """The chronology's parameters, each declared once: timeline, events, histogram, the public
    pages and every export read them (see parse())."""

    start = PartialDateFilter(
        help_text="From this date: 2016, 2016-09 or 2016-09-04 (the start of the period)."
    )
    end = PartialDateFilter(
        help_text="Up to this date: 2016, 2016-09 or 2016-09-04 (the end of the period)."
    )
    date_mode = ModeFilter(
        choices=DATE_MODES,
        help_text="overlaps (default): bounds intersect [start, end], the event possibly falls "
        "in it. within: both bounds inside, it certainly falls in it.",
    )
    actor = ActorsFilter()
    actor_role = ModeFilter(
        choices=ActorRole.choices,
        help_text="Only links in this role; with actor, the same link must match both "
        "(the actor in this role).",
    )
    actor_a = DyadFilter()
    actor_b = DyadFilter()
    include_members = MembersFilter(
        help_text="true: an alliance given as actor (or actor_a, actor_b) also matches events "
        "of its members."
    )
    location = LocationsFilter()
    country = CountryFilter(
        help_text="A country by its ISO 3166 code, alpha-3 (SYR) or alpha-2 (SY): events "
        "anywhere in it."
    )
    bbox = BBoxFilter(
        help_text="minlon,minlat,maxlon,maxlat: events at places inside the box (minlon > maxlon "
        "crosses the antimeridian). Events without coordinates never match."
    )
    near = NearFilter(
        help_text="lat,lon,km: events at places within km of the point (great-circle)."
    )
    type = EventTypesFilter()
    article = ArticlesFilter()
    q = TextFilter(
        help_text="Words that must all occur, each as a word or the start of one (case and, "
        "for Latin letters, accents ignored), in the headline, the summary or a source excerpt. "
        "Punctuation only separates words."
    )
    precision = PrecisionsFilter()
    geo_precision = GeoPrecisionsFilter()
    outlet = OutletsFilter()
    fatalities_min = FatalitiesFilter(
        min_value=0,
        column=Event._meta.get_field("fatalities_best"),
        help_text="At least this many fatalities by the best estimate (the low estimate when "
        "there is no best one). Events with unknown fatalities never match.",
    )
    fatalities_max = FatalitiesFilter(
        bound="lte",
        min_value=0,
        column=Event._meta.get_field("fatalities_best"),
        help_text="At most this many fatalities by the best estimate (the low estimate when "
        "there is no best one); with fatalities_min, a range. Events with unknown fatalities "
        "never match.",
    )
    fatalities_known = FatalitiesKnownFilter(
        help_text="true: only events with a fatality estimate (best or low); false: only those "
        "without one (unknown, which is not zero)."
    )
    order = OrderFilter()
    updated_since = UpdatedSinceFilter(
        help_text="Only events created or changed at or after this ISO 8601 time (for sync; "
        "see events/removed/ for the events that left)."
    )

    class Meta:
        model = Event
        fields = []
        form = ChronologyForm

    @cached_property
    def query(self) -> "ChronologyQuery":
        """The instance's query (a valid instance only)."""
        return _query_of(self.form.cleaned_data)

    def filter_queryset(self, queryset):
        # DRF's get_object() filters through the backend (FilterSet.qs): the same query.
        return filtered(self.query, queryset)


FILTERS: Mapping[str, django_filters.Filter] = ChronologyFilterSet.base_filters
_NARROWING = {name for name, declared in FILTERS.items() if isinstance(declared, _Narrowing)}
# The parameters that may be repeated (?actor=a&actor=b): the API, the pages and the export
# command read each of these as a list.
REPEATABLE = frozenset(
    name for name, declared in FILTERS.items() if issubclass(declared.field_class, RepeatedField)
)
# Each parameter's field, built once with the filters: parse() only calls their clean().
_FIELDS = {name: declared.field for name, declared in FILTERS.items()}
# What each field cleans an absent parameter to. A request names a few of the two dozen
# parameters: parse() cleans those it gives and takes these for the rest, which their clean()
# would return for nothing (no field reads the database or fails for an absent value).
_ABSENT = {
    name: field.clean(field.widget.value_from_datadict(QueryDict(), {}, name))
    for name, field in _FIELDS.items()
}


# --- The query ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChronologyQuery:
    """A request's chronology filters, checked and resolved; the empty query is every event.

    actors: the ids each actor value names; actor_ids: all of them, with their alliances'
    members when asked. floor: earliest_overlap(start) for an overlap, read once by parse().
    narrowing: every other filter given, as (name, value), each applied by its declared filter.
    dyad: the actor ids of each side (actor_a's, actor_b's, with members when asked), or ();
    dyad_named: the ids each side's values name, for titles.
    """

    start: FuzzyDate | None = None
    end: FuzzyDate | None = None
    within: bool = False
    actors: tuple[tuple[int, ...], ...] = ()
    actor_ids: frozenset[int] = frozenset()
    role: str = ""
    floor: date | None = None
    narrowing: tuple[tuple[str, Any], ...] = ()
    dyad: tuple[frozenset[int], ...] = ()
    dyad_named: tuple[frozenset[int], ...] = ()
    order: str = DEFAULT_ORDER

    @property
    def period(self) -> tuple[date | None, date | None]:
        """The filter's [start, end] as days."""
        return (
            self.start.earliest if self.start else None,
            self.end.latest if self.end else None,
        )

    @property
    def narrows(self) -> bool:
        """Whether any filter but the dates is given."""
        return bool(self.narrowing or self.actor_ids or self.role or self.dyad)

    def value(self, name: str) -> Any:
        """The value of a narrowing filter (location, q, …), or None when not given."""
        return dict(self.narrowing).get(name)


class QueryError(ValueError):
    """Bad parameters: {name: [messages]}, every one named."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(f"{name}: {' '.join(found)}" for name, found in errors.items()))


def parse(params: Mapping) -> ChronologyQuery:
    """The query these parameters (a QueryDict) ask for; QueryError names every bad one.
    Unknown names are ignored (the API rejects them before)."""
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, field in _FIELDS.items():
        if name not in params:
            cleaned[name] = _ABSENT[name]  # Read, never changed (_query_of copies).
            continue
        try:
            cleaned[name] = field.clean(field.widget.value_from_datadict(params, {}, name))
        except ValidationError as exc:
            errors[name] = exc.messages
    error = period_error(cleaned.get("start"), cleaned.get("end"))
    if error:
        errors.setdefault("start", []).append(error)
    for name, messages in dyad_errors(cleaned).items():
        errors.setdefault(name, []).extend(messages)
    if errors:
        raise QueryError(errors)
    return _query_of(cleaned)


def _query_of(cleaned: Mapping[str, Any]) -> ChronologyQuery:
    start, end = cleaned.get("start"), cleaned.get("end")
    within = cleaned.get("date_mode") == "within"
    actors = tuple(tuple(ids) for ids in cleaned.get("actor") or ())
    actor_ids = frozenset(pk for ids in actors for pk in ids)
    if actor_ids and cleaned.get("include_members"):
        actor_ids = frozenset(Actor.objects.with_members(actor_ids))
    dyad_named = tuple(
        frozenset(pk for ids in cleaned.get(name) or () for pk in ids) for name in DYAD
    )
    if not all(dyad_named):
        dyad_named = ()
    dyad = dyad_named
    if dyad and cleaned.get("include_members"):
        dyad = tuple(frozenset(Actor.objects.with_members(side)) for side in dyad)
    return ChronologyQuery(
        start=start,
        end=end,
        within=within,
        actors=actors,
        actor_ids=actor_ids,
        role=cleaned.get("actor_role") or "",
        # The longest span, read once for the event and the link filters alike.
        floor=earliest_overlap(start.earliest) if start and not within else None,
        narrowing=tuple(
            (name, tuple(value) if isinstance(value, list) else value)
            for name, value in cleaned.items()
            if name in _NARROWING and value not in EMPTY_VALUES
        ),
        dyad=dyad,
        dyad_named=dyad_named,
        order=cleaned.get("order") or DEFAULT_ORDER,
    )


# --- Applying it ----------------------------------------------------------------------------


def in_period(query: ChronologyQuery, rows: QuerySet) -> QuerySet:
    """The date filters alone, over events or day pairs (a PeriodQuerySet)."""
    start, end = query.period
    return rows.in_period(start, end, within=query.within, floor=query.floor)


def narrowed(query: ChronologyQuery, events: QuerySet, *, dyad: bool = True) -> QuerySet:
    """Every filter but the actors' (which actor_links holds); dyad=False: nor the dyad's."""
    events = in_period(query, events)
    for name, value in query.narrowing:
        events = FILTERS[name].filter(events, value)
    if not query.dyad or not dyad:
        return events
    start, end = query.period
    return events.facing(*query.dyad, start=start, end=end, within=query.within, floor=query.floor)


def actor_links(query: ChronologyQuery, *, any_actor: bool = False) -> QuerySet | None:
    """The event↔actor links the actor, members and role filters ask for; None if none.

    any_actor: the role and period conditions alone, for a walk that takes each actor's share
    itself."""
    if not query.actor_ids and not query.role:
        return None
    start, end = query.period
    return EventActor.objects.of_actors(
        None if any_actor else (query.actor_ids or None),
        role=query.role or None,
        start=start,
        end=end,
        within=query.within,
        floor=query.floor,
    )


def dyad_pairs(query: ChronologyQuery) -> QuerySet:
    """The dyad's trigger-kept pairs of any actors under the period filter (the walk takes
    each pair's share itself)."""
    return in_period(query, EventDyad.objects.all())


def _walked_pairs(query: ChronologyQuery) -> bool:
    """Whether the query is a dyad with few enough pairs of actors to walk one by one."""
    return bool(query.dyad) and len(query.dyad[0]) * len(query.dyad[1]) <= MAX_WALKED_ACTORS


def filtered(query: ChronologyQuery, events: QuerySet) -> QuerySet:
    """Every filter, as conditions on the events."""
    events = narrowed(query, events)
    links = actor_links(query)
    return events if links is None else events.filter(id__in=links.values("event_id"))


def _template(
    query: ChronologyQuery, events: QuerySet, way: tuple[str, str]
) -> PlanTemplate | None:
    """The query's plan as a function of its values (paging.PlanTemplate): the period's days
    and each narrowing filter's slots, for a plain filter of the events (published, or every
    status) in a chronological order. None when a filter holds values that are not put in
    place: the dyad, the actors of a plan that does not walk them, or a narrowing filter
    without slots (the text, ...)."""
    where = _plain_where(events)
    walk, _ = way
    if (
        where is None
        or not ORDERS[query.order].dated
        or query.dyad
        or (query.actor_ids and walk != "actors")
    ):
        return None
    start, end = query.period
    days = {"start": start, "end": end, "floor": query.floor}
    values: dict[str, Any] = {name: day for name, day in days.items() if day is not None}
    if not all(FILTERS[name].has_slots for name, _ in query.narrowing):
        return None
    shapes = []
    for name, value in query.narrowing:
        found = FILTERS[name].slots(value, events.db)
        if found is None:
            return None
        shape, held = found
        shapes.append((name, shape, tuple(held)))
        values.update({f"{name}.{slot}": part for slot, part in held.items()})

    def build(given: Mapping[str, Any]) -> Plan:
        first, last = given.get("start"), given.get("end")
        narrowing = tuple(
            (name, FILTERS[name].stand_in(shape, {slot: given[f"{name}.{slot}"] for slot in held}))
            for name, shape, held in shapes
        )
        dated = replace(
            query,
            start=FuzzyDate(first, first, Precision.DAY) if first else None,
            end=FuzzyDate(last, last, Precision.DAY) if last else None,
            floor=given.get("floor"),
            narrowing=narrowing,
        )
        return _built(dated, events, way)

    shape = (events.db, where, query.order, query.within, query.role, way, tuple(shapes))
    return PlanTemplate((shape, tuple(values)), values, build)


def _plain_where(events: QuerySet):
    """The conditions of a queryset that is only conditions on the events' own columns (which
    a statement's shape can hold: conditions compare by value), else None."""
    found = events.query
    if (
        found.model is not Event
        or found.is_sliced
        or found.distinct
        or found.annotations
        or found.extra
        or len(found.alias_map) > 1
    ):
        return None
    return found.where


def plan(query: ChronologyQuery, events: QuerySet) -> Plan | TemplatePlan:
    """How to read these events (the visible ones: published, or every status for editors)
    under the query, in its order: see the table in this module's docstring. Where its values
    can be put in place (_template), its statements are compiled once per shape and its
    querysets built only if a read needs them (paging.TemplatePlan)."""
    way = _way(query, events)
    template = _template(query, events, way)
    if template is None:
        return _built(query, events, way)
    walk, scope = way
    arms = LinkWalk.actor_arms(query.actor_ids) if walk == "actors" else None
    return TemplatePlan(
        template,
        keyset=ORDERS[query.order].keyset,
        arms=arms,
        probes=bool(scope),
        database=events.db,
    )


def _way(query: ChronologyQuery, events: QuerySet) -> tuple[str, str]:
    """How the plan reads (see the table above): what it walks ("actors", "dyad" or "") and
    what its probe window looks through ("period", "all" or "")."""
    order = ORDERS[query.order]
    if order.dated and query.actor_ids and len(query.actor_ids) <= MAX_WALKED_ACTORS:
        return "actors", ""
    if order.dated and not query.actor_ids and not query.role and _walked_pairs(query):
        return "dyad", ""
    if connections[events.db].vendor == "sqlite":
        # A dyad not walked is read whole and sorted: a window of the period would compute
        # the dyad's subquery once for the window and again for the rest.
        if order.dated and query.narrows and not query.dyad:
            return "", "period"
        # Another order's index knows nothing of dates: to it they narrow like any filter.
        if not order.dated and (query.narrows or any(query.period)):
            return "", "all"
    return "", ""


def _built(query: ChronologyQuery, events: QuerySet, way: tuple[str, str]) -> Plan:
    """The plan that reads this way, its querysets built."""
    keyset = ORDERS[query.order].keyset
    walk, scope = way
    if walk == "actors":
        # Each arm of the walk names its one actor. The whole list beside it told PostgreSQL
        # nothing new but made it misjudge how many links an arm holds, and sort a busy
        # actor's links instead of walking their index: 75 ms instead of 1 ms at a million.
        links = LinkWalk.of_actors(actor_links(query, any_actor=True), query.actor_ids)
        return Plan(narrowed(query, events), actors=links, keyset=keyset)
    if walk == "dyad":
        # A dyad of two busy actors holds tens of thousands of events: read and sorted whole,
        # its page cost 75 ms at a million events; walked in date order, a page's worth.
        pairs = LinkWalk.of_dyad(dyad_pairs(query), *query.dyad)
        return Plan(narrowed(query, events, dyad=False), actors=pairs, keyset=keyset)
    found = filtered(query, events)
    if scope == "period":
        return Plan(found, scope=in_period(query, events), keyset=keyset)
    if scope == "all":
        return Plan(found, scope=events, keyset=keyset)
    return Plan(found, keyset=keyset)
