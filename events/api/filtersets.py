"""One FilterSet for the chronology (timeline, events, histogram, every export) and small ones."""

import math
from datetime import date
from functools import cached_property

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Max, Min, Q
from django.db.models.functions import Coalesce
from drf_spectacular.utils import extend_schema_field

from events.chronology import DAY_PAIR_TEXT, ActorWalk, Paging, day_pairs
from events.dates import DateError, FuzzyDate, parse_partial_iso
from events.models import (
    Actor,
    ActorRole,
    Article,
    Event,
    EventRemoval,
    EventType,
    Location,
    PublishedDayPair,
)
from events.params import DateTimeParamField, IntegerParamField, as_id
from events.querysets import actor_links, earliest_overlap

# Past this many actors (a large alliance with its members), one walk per actor costs more
# than reading the matching set once.
MAX_WALKED_ACTORS = 50

DATE_MODES = [
    ("overlaps", "overlaps: the event possibly falls in the range (its bounds intersect it)"),
    ("within", "within: the event certainly falls in the range (both bounds inside it)"),
]


# --- Form fields ------------------------------------------------------------------------------


class RepeatedInput(forms.TextInput):
    """Reads every value of a repeated query parameter (?actor=a&actor=b)."""

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        return [value for value in values if value not in (None, "")]


class RepeatedField(forms.Field):
    """Each value of a repeated parameter cleaned by clean_one(); an empty list means absent."""

    widget = RepeatedInput

    def to_python(self, value):
        if not value:
            return []
        values = value if isinstance(value, list) else [value]
        return [self.clean_one(item.strip()) for item in values]

    def clean_one(self, text: str):
        return text


class PartialDateField(forms.CharField):
    """2016, 2016-09 or 2016-09-04 (events.dates.parse_partial_iso) → a FuzzyDate."""

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        try:
            return parse_partial_iso(text)
        except DateError as exc:
            raise ValidationError(str(exc)) from exc


class StrictBooleanField(forms.CharField):
    """true/false (or 1/0, yes/no); anything else is an error rather than a silent 'no'."""

    TRUE, FALSE = {"true", "1", "yes"}, {"false", "0", "no"}

    def to_python(self, value):
        text = (super().to_python(value) or "").lower()
        if not text:
            return None
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValidationError(f"{value!r} is not a boolean; use true or false")


def _floats(text: str, count: int, what: str) -> list[float]:
    parts = [part.strip() for part in text.split(",")]
    if len(parts) != count:
        raise ValidationError(f"expected {what} ({count} comma-separated numbers), got {text!r}")
    try:
        numbers = [float(part) for part in parts]
    except ValueError:
        raise ValidationError(f"expected {what} as numbers, got {text!r}") from None
    if not all(math.isfinite(number) for number in numbers):
        raise ValidationError(f"expected finite numbers in {text!r}")
    return numbers


def _check_latitude(value: float, text: str) -> None:
    if not -90 <= value <= 90:
        raise ValidationError(f"latitude {value} is outside -90..90 in {text!r}")


def _check_longitude(value: float, text: str) -> None:
    if not -180 <= value <= 180:
        raise ValidationError(f"longitude {value} is outside -180..180 in {text!r}")


class BBoxField(forms.CharField):
    """minlon,minlat,maxlon,maxlat (GeoJSON order); minlon > maxlon crosses the antimeridian."""

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        min_lon, min_lat, max_lon, max_lat = _floats(text, 4, "minlon,minlat,maxlon,maxlat")
        for lon in (min_lon, max_lon):
            _check_longitude(lon, text)
        for lat in (min_lat, max_lat):
            _check_latitude(lat, text)
        if min_lat > max_lat:
            raise ValidationError(f"minlat {min_lat} is above maxlat {max_lat} in {text!r}")
        return min_lon, min_lat, max_lon, max_lat


MAX_NEAR_KM = 20_000  # Half the Earth's circumference: beyond it every place is near.


class NearField(forms.CharField):
    """lat,lon,km: places within km of a point."""

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        latitude, longitude, km = _floats(text, 3, "lat,lon,km")
        _check_latitude(latitude, text)
        _check_longitude(longitude, text)
        if not 0 < km <= MAX_NEAR_KM:
            raise ValidationError(f"the distance {km} km must be above 0 and at most {MAX_NEAR_KM}")
        return latitude, longitude, km


class ActorsField(RepeatedField):
    """Each value (slug, id, name or alias, case-insensitive) → the ids of the actors it names."""

    def clean_one(self, text: str) -> list[int]:
        ids = list(Actor.objects.matching(text).order_by().values_list("id", flat=True))
        if not ids:
            raise ValidationError(f"no actor has the slug, id, name or alias {text!r}")
        return ids


class EventTypesField(RepeatedField):
    """Each value (slug or id) → that type and its sub-types."""

    def clean_one(self, text: str) -> list[int]:
        named = Q(slug=text.lower()) | Q(pk=as_id(text))
        ids = list(
            EventType.objects.filter(
                named | Q(parent__in=EventType.objects.filter(named))
            ).values_list("id", flat=True)
        )
        if not ids:
            raise ValidationError(f"no event type has the slug or id {text!r}")
        return ids


class ArticlesField(RepeatedField):
    def clean_one(self, text: str) -> int:
        pk = as_id(text)
        if pk is None or not Article.objects.filter(pk=pk).exists():
            raise ValidationError(f"no article has the id {text!r}")
        return pk


class PrecisionsField(RepeatedField):
    def clean_one(self, text: str) -> str:
        if text not in Event.Precision.values:
            allowed = ", ".join(Event.Precision.values)
            raise ValidationError(f"unknown precision {text!r}; use one of {allowed}")
        return text


class LocationField(forms.CharField):
    """A slug or id (a name or alias too when it names one place only)."""

    def to_python(self, value):
        text = (super().to_python(value) or "").strip()
        if not text:
            return None
        exact = Q(slug=text.lower()) | Q(pk=as_id(text))
        found = list(Location.objects.filter(exact)[:2]) or list(
            Location.objects.matching(text)[:2]
        )
        if not found:
            raise ValidationError(f"no place has the slug, id, name or alias {text!r}")
        if len(found) > 1:
            slugs = ", ".join(place.slug for place in found)
            raise ValidationError(f"{text!r} names more than one place ({slugs}); use a slug")
        return found[0]


# --- Filters (field carriers for the form and the OpenAPI description) ------------------------


def _repeatable(description: str):
    """OpenAPI: a repeatable string parameter (?name=a&name=b)."""
    return extend_schema_field(
        {"type": "array", "items": {"type": "string"}, "description": description}
    )


class _Carried(django_filters.Filter):
    """A filter whose value ChronologyFilterSet.filter_queryset applies (some act together)."""

    def filter(self, qs, value):
        return qs


class PartialDateFilter(_Carried, django_filters.CharFilter):
    field_class = PartialDateField


class BooleanFlagFilter(_Carried, django_filters.CharFilter):
    field_class = StrictBooleanField


class BBoxFilter(_Carried, django_filters.CharFilter):
    field_class = BBoxField


class NearFilter(_Carried, django_filters.CharFilter):
    field_class = NearField


class LocationFilter(_Carried, django_filters.CharFilter):
    field_class = LocationField


class TextFilter(_Carried, django_filters.CharFilter):
    pass


class ChoiceFilter(_Carried, django_filters.ChoiceFilter):
    pass


class FatalitiesFilter(_Carried, django_filters.NumberFilter):
    field_class = IntegerParamField


class UpdatedSinceFilter(_Carried, django_filters.IsoDateTimeFilter):
    field_class = DateTimeParamField


@_repeatable(
    "An actor by slug, id, name or any alias, case-insensitive (isis, Daesh, islamic-state). "
    "Repeat for several: events involving any of them."
)
class ActorsFilter(_Carried):
    field_class = ActorsField


@_repeatable("An event type by slug or id, including its sub-types. Repeatable.")
class EventTypesFilter(_Carried):
    field_class = EventTypesField


@_repeatable("Events citing this article (id). Repeatable.")
class ArticlesFilter(_Carried):
    field_class = ArticlesField


@_repeatable("Date precision: day, days, week, month or year. Repeatable (precision=day&...).")
class PrecisionsFilter(_Carried):
    field_class = PrecisionsField


class SharedFields(dict):
    """Form fields (or filters) that each form (or filterset) uses as they are: deep-copying
    fifteen of them (widgets, choices, validators) for every request cost more than validating
    the parameters. Only for fields and filters that nothing changes per request."""

    def __deepcopy__(self, memo):
        return dict(self)


class ChronologyForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        start: FuzzyDate | None = cleaned.get("start")
        end: FuzzyDate | None = cleaned.get("end")
        if start and end and start.earliest > end.latest:
            self.add_error(
                "start",
                f"start {start.phrase or start.earliest} is after end {end.phrase or end.latest}",
            )
        return cleaned


class ChronologyFilterSet(django_filters.FilterSet):
    """The chronology's filters: timeline, events, histogram and every export use this one."""

    start = PartialDateFilter(
        help_text="From this date: 2016, 2016-09 or 2016-09-04 (the start of the period)."
    )
    end = PartialDateFilter(
        help_text="Up to this date: 2016, 2016-09 or 2016-09-04 (the end of the period)."
    )
    date_mode = ChoiceFilter(
        choices=DATE_MODES,
        help_text="overlaps (default): bounds intersect [start, end], the event possibly falls "
        "in it. within: both bounds inside, it certainly falls in it.",
    )
    actor = ActorsFilter()
    actor_role = ChoiceFilter(
        choices=ActorRole.choices,
        help_text="Only links in this role; with actor, the same link must match both "
        "(the actor in this role).",
    )
    include_members = BooleanFlagFilter(
        help_text="true: an alliance given as actor also matches events of its members."
    )
    location = LocationFilter(
        help_text="A place by slug or id (or an unambiguous name), including every place "
        "beneath it."
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
    fatalities_min = FatalitiesFilter(
        min_value=0,
        column=Event._meta.get_field("fatalities_best"),
        help_text="At least this many fatalities by the best estimate (the low estimate when "
        "there is no best one). Events with unknown fatalities never match.",
    )
    updated_since = UpdatedSinceFilter(
        help_text="Only events created or changed at or after this ISO 8601 time (for sync; "
        "see events/removed/ for the events that left)."
    )

    class Meta:
        model = Event
        fields = []
        form = ChronologyForm

    _form_classes: dict[type, type] = {}

    def get_form_class(self):
        # The form class depends on the FilterSet class only: building it per request, a
        # field per filter, cost more than the query. Its fields are shared by every form
        # rather than deep-copied into each (SharedFields): this form only validates, and
        # validating changes no field.
        cls = type(self)
        if cls not in self._form_classes:
            form_class = super().get_form_class()
            form_class.base_fields = SharedFields(form_class.base_fields)
            self._form_classes[cls] = form_class
        return self._form_classes[cls]

    @property
    def period(self) -> tuple[date | None, date | None]:
        """The filter's [start, end] as days (valid filtersets only)."""
        data = self.form.cleaned_data
        start, end = data.get("start"), data.get("end")
        return (start.earliest if start else None, end.latest if end else None)

    def filter_queryset(self, queryset):
        """Apply every filter here, since dates, actor, role and members act together."""
        qs = self.filter_events(queryset)
        links = self.actor_links()
        return qs.filter(id__in=links.values("event_id")) if links is not None else qs

    @cached_property
    def actor_ids(self) -> frozenset[int]:
        """The actors asked for, with the members of alliances when include_members is on."""
        data = self.form.cleaned_data
        ids = {pk for named in data.get("actor") or [] for pk in named}
        if ids and data.get("include_members"):
            ids = Actor.objects.with_members(ids)
        return frozenset(ids)

    def actor_links(self, *, any_actor: bool = False):
        """The event↔actor links the actor, members and role filters ask for; None if none.

        any_actor: the role and period conditions alone, for a walk that takes each actor's
        share itself (see actor_walk)."""
        data = self.form.cleaned_data
        if not self.actor_ids and not data.get("actor_role"):
            return None
        start, end = self.period
        return actor_links(
            None if any_actor else (self.actor_ids or None),
            role=data.get("actor_role") or None,
            start=start,
            end=end,
            within=data.get("date_mode") == "within",
            floor=self.floor,
        )

    @cached_property
    def floor(self) -> date | None:
        """earliest_overlap(start), read once for the event and the link filters alike."""
        start, _ = self.period
        if start is None or self.form.cleaned_data.get("date_mode") == "within":
            return None
        return earliest_overlap(start)

    @property
    def narrows_period(self) -> bool:
        """Whether any filter but the dates is given."""
        dates = {"start", "end", "date_mode"}
        return any(
            value not in (None, "", [], False)
            for name, value in self.form.cleaned_data.items()
            if name not in dates
        )

    def actor_walk(self) -> ActorWalk | None:
        """How to page the actor filter through each actor's links, beside
        filter_events(queryset) for the rest; None without actors or with too many to walk."""
        if not self.actor_ids or len(self.actor_ids) > MAX_WALKED_ACTORS:
            return None
        # Each arm of the walk names its one actor. The whole list beside it told PostgreSQL
        # nothing new but made it misjudge how many links an arm holds, and sort a busy
        # actor's links instead of walking their index: 75 ms instead of 1 ms at a million.
        return ActorWalk(links=self.actor_links(any_actor=True), actor_ids=self.actor_ids)

    def for_paging(self) -> Paging:
        """How to page the filtered events (see events.chronology.chronology_page)."""
        walk = self.actor_walk()
        scope = self.filter_period(self.queryset) if self.narrows_period else None
        if walk is None:
            return Paging(self.qs, scope=scope)
        return Paging(self.filter_events(self.queryset), actors=walk, scope=scope)

    def day_pairs(self):
        """(earliest, latest, events) per distinct pair of bounds of the filtered events, for
        a filterset over published events (the histogram's). Filtered by dates alone, they
        come from the pair counts the database keeps (PublishedDayPair): a few tens of
        thousands of rows instead of a million events."""
        if self.narrows_period:
            return day_pairs(self.qs)
        return self._pair_counts().values_list(*DAY_PAIR_TEXT, "events")

    def extent(self) -> tuple[date | None, date | None]:
        """The earliest and the latest possible day of the filtered events (published, as for
        day_pairs), from the pair counts where dates alone filter."""
        source = self.qs if self.narrows_period else self._pair_counts()
        found = source.aggregate(first=Min("date_earliest"), last=Max("date_latest"))
        return found["first"], found["last"]

    def _pair_counts(self):
        # The triggers delete a pair whose count falls to zero, so every row counts.
        return self.filter_period(PublishedDayPair.objects.all())

    def filter_period(self, queryset):
        """The date filters alone."""
        start, end = self.period
        if self.form.cleaned_data.get("date_mode") == "within":
            return queryset.within(start, end)
        return queryset.overlapping(start, end, floor=self.floor)

    def filter_events(self, queryset):
        """Every filter but the actor and role ones (see actor_links)."""
        data = self.form.cleaned_data
        qs = self.filter_period(queryset)
        if data.get("location") is not None:
            qs = qs.in_location(data["location"])
        if data.get("bbox"):
            qs = qs.in_bbox(*data["bbox"])
        if data.get("near"):
            qs = qs.near(*data["near"])
        if data.get("type"):
            qs = qs.filter(type_id__in={pk for ids in data["type"] for pk in ids})
        if data.get("article"):
            qs = qs.filter(id__in=_citing(data["article"]))
        if data.get("q", "").strip():
            qs = qs.mentioning(data["q"])
        if data.get("precision"):
            qs = qs.filter(date_precision__in=data["precision"])
        if data.get("fatalities_min") is not None:
            qs = qs.alias(fatalities=Coalesce("fatalities_best", "fatalities_low")).filter(
                fatalities__gte=data["fatalities_min"]
            )
        if data.get("updated_since") is not None:
            qs = qs.filter(updated__gte=data["updated_since"])
        return qs


# The filters only carry the form's fields and the OpenAPI description: filter_queryset reads
# the cleaned data, never a filter, so every filterset can share them (see SharedFields).
ChronologyFilterSet.base_filters = SharedFields(ChronologyFilterSet.base_filters)


def _citing(article_ids):
    from events.models import EventSource

    return EventSource.objects.filter(article_id__in=article_ids).values("event_id")


# --- Reference lists ----------------------------------------------------------------------------


class SearchFilter(_Carried, django_filters.CharFilter):
    """?q=: applied by each filterset's filter_queryset."""


class ActorFilterSet(django_filters.FilterSet):
    q = SearchFilter(help_text="Part of a slug, name or any alias (case and accents folded).")
    kind = django_filters.ChoiceFilter(choices=Actor.Kind.choices, help_text="The actor's kind.")

    class Meta:
        model = Actor
        fields = []

    def filter_queryset(self, queryset):
        qs = super().filter_queryset(queryset)
        text = (self.form.cleaned_data.get("q") or "").strip()
        return qs.search(text) if text else qs


class LocationFilterSet(django_filters.FilterSet):
    q = SearchFilter(help_text="Part of a slug, name or any alias (case and accents folded).")
    kind = django_filters.ChoiceFilter(choices=Location.Kind.choices, help_text="The place's kind.")
    parent = LocationFilter(help_text="Only the places directly beneath this one (slug or id).")

    class Meta:
        model = Location
        fields = []

    def filter_queryset(self, queryset):
        qs = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        if data.get("parent") is not None:
            qs = qs.filter(parent=data["parent"])
        text = (data.get("q") or "").strip()
        return qs.search(text) if text else qs


class EventTypeFilterSet(django_filters.FilterSet):
    q = SearchFilter(help_text="Part of the slug or name.")
    top_level = BooleanFlagFilter(help_text="true: only top-level types; false: only sub-types.")

    class Meta:
        model = EventType
        fields = []

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        qs = queryset
        if data.get("top_level") is not None:
            qs = qs.filter(parent__isnull=data["top_level"])
        text = (data.get("q") or "").strip()
        return qs.filter(Q(slug__icontains=text) | Q(name__icontains=text)) if text else qs


class ArticleFilterSet(django_filters.FilterSet):
    q = SearchFilter(help_text="Part of the title, outlet or original agency.")

    class Meta:
        model = Article
        fields = []

    def filter_queryset(self, queryset):
        text = (self.form.cleaned_data.get("q") or "").strip()
        if not text:
            return queryset
        return queryset.filter(
            Q(title__icontains=text)
            | Q(outlet__icontains=text)
            | Q(original_agency__icontains=text)
        )


def describe(filterset: ChronologyFilterSet) -> str:
    """A title for an export from the filters: "Islamic State, August 2017"."""
    data = filterset.form.cleaned_data
    parts: list[str] = []
    actor_ids = [pk for ids in data.get("actor") or [] for pk in ids]
    if actor_ids:
        parts.append(
            " / ".join(Actor.objects.filter(id__in=actor_ids).values_list("name", flat=True))
        )
    if data.get("location") is not None:
        parts.append(data["location"].name)
    start, end = data.get("start"), data.get("end")
    if start and end:
        same = (start.earliest, start.latest) == (end.earliest, end.latest)
        parts.append(start.display if same else f"{start.display} – {end.display}")
    elif start:
        parts.append(f"from {start.display}")
    elif end:
        parts.append(f"until {end.display}")
    return ", ".join(parts) or "Chronology"


class SinceFilter(django_filters.IsoDateTimeFilter):
    field_class = DateTimeParamField


class RemovalFilterSet(django_filters.FilterSet):
    since = SinceFilter(
        field_name="removed_at",
        lookup_expr="gte",
        help_text="Only removals at or after this ISO 8601 time (e.g. 2026-11-21T10:00:00Z).",
    )

    class Meta:
        model = EventRemoval
        fields = []
