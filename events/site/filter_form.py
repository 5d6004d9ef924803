"""The public pages' filter form: labels, query strings, chips, suggestions and export links."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import QueryDict
from django.urls import reverse

from events.chronology import ChronologyQuery
from events.chronology.query import FILTERS as CHRONOLOGY_FILTERS
from events.formats import FORMATS
from events.models import Actor, EventType, Location

CURSOR = "cursor"
FILTERS = tuple(CHRONOLOGY_FILTERS)
# What a reader calls each parameter; error messages name both ("From (start): ...").
LABELS = {
    "q": "Text",
    "actor": "Actor",
    "location": "Place",
    "type": "Event type",
    "start": "From",
    "end": "To",
    "date_mode": "Date match",
    "actor_role": "Actor's role",
    "include_members": "Include alliance members",
    "bbox": "Map area",
    "near": "Near",
    "article": "Article",
    "precision": "Date precision",
    "fatalities_min": "Fatalities at least",
    "fatalities_max": "Fatalities at most",
    "fatalities_known": "Fatalities known",
    "country": "Country",
    "geo_precision": "Place precision",
    "outlet": "Outlet",
    "actor_a": "One side",
    "actor_b": "Other side",
    "updated_since": "Updated since",
    "order": "Order",
    CURSOR: "Page",
}
EXPORT_FORMATS = {
    "csv": "CSV",
    "geojson": "GeoJSON",
    "ics": "iCalendar",
    "timelinejs": "TimelineJS",
}


def known(params: QueryDict, *, without: tuple[str, ...] = ()) -> QueryDict:
    """Only the filters and the page cursor, without empty values (a GET form sends every
    field) and without the names in `without`."""
    kept = QueryDict(mutable=True)
    for name, values in params.lists():
        if name in without or (name not in FILTERS and name != CURSOR):
            continue
        values = [value for value in values if value.strip()]
        if values:
            kept.setlist(name, values)
    return kept


def has_empty(params: QueryDict) -> bool:
    return any(not value.strip() for _, values in params.lists() for value in values)


def query(params: QueryDict, **changes: str | list[str] | None) -> str:
    """ "?start=2016-08&end=2016-08": params with some replaced (None removes one)."""
    result = params.copy()
    for name, value in changes.items():
        if value is None:
            result.pop(name, None)
        else:
            result.setlist(name, value if isinstance(value, list) else [value])
    encoded = result.urlencode()
    return f"?{encoded}" if encoded else "?"


def export_links(data: QueryDict) -> list[tuple[str, str]]:
    """The API's exports of the same filtered set: (label, url)."""
    base = reverse("api:timeline")
    params = [(name, value) for name, values in data.lists() for value in values if name != CURSOR]
    return [
        (label, f"{base}?{urlencode([*params, ('format', fmt)])}")
        for fmt, label in EXPORT_FORMATS.items()
        if fmt in FORMATS
    ]


@dataclass
class FieldError:
    name: str
    label: str
    messages: list[str]


def field_errors(errors) -> list[FieldError]:
    return [
        FieldError(name, LABELS.get(name, name), [str(message) for message in messages])
        for name, messages in errors.items()
    ]


@dataclass
class Chip:
    """An active filter, shown with a link that removes it."""

    label: str
    value: str
    remove: str


def chips(params: QueryDict, asked: ChronologyQuery, *, types: list[dict]) -> list[Chip]:
    """One chip per active filter value, with the resolved name where one was looked up."""
    base = params.copy()
    base.pop(CURSOR, None)
    actor_names = _actor_names(params.getlist("actor"))
    type_names = {option["slug"]: option["name"] for option in types}
    # The places as parsed, in the order given (blank values were dropped, as here).
    typed = [text.strip() for text in base.getlist("location") if text.strip()]
    place_names = {
        text: place.name for text, place in zip(typed, asked.value("location") or (), strict=False)
    }
    found = []
    for name, values in base.lists():
        for value in values:
            others = [other for other in values if other != value]
            shown = value
            if name == "actor":
                shown = actor_names.get(value.strip().lower(), value)
            elif name == "type":
                shown = type_names.get(value.strip().lower(), value)
            elif name == "location" and asked.value("location"):
                shown = place_names.get(value.strip(), value)
            found.append(Chip(LABELS.get(name, name), shown, query(base, **{name: others or None})))
    return found


def _actor_names(texts: list[str]) -> dict[str, str]:
    """The actor each typed value names, for the chips (one query per value)."""
    if not texts:
        return {}
    names = {}
    for text in texts:
        actor = Actor.objects.resolve(text)
        if actor is not None:
            names[text.strip().lower()] = actor.name
    return names


def suggestions(params: QueryDict, errors: set[str]) -> list[tuple[str, str, str]]:
    """For an actor or place that names nothing (or several places): close matches as
    (field label, name, url with the value replaced by the match's slug)."""
    found = []
    for name, model in (("actor", Actor), ("location", Location)):
        if name not in errors:
            continue
        for text in params.getlist(name):
            if model.objects.matching(text).count() == 1:
                continue
            for match in model.objects.search(text.strip()).order_by("name")[:6]:
                others = [v if v != text else match.slug for v in params.getlist(name)]
                found.append((LABELS[name], match.name, query(params, **{name: others})))
    return found


def type_options() -> list[dict]:
    """Event types for the filter's select: each top-level type, then its sub-types (one query)."""
    rows = list(EventType.objects.order_by("name").values("id", "slug", "name", "parent_id"))
    children: dict[int, list[dict]] = {}
    for row in rows:
        if row["parent_id"] is not None:
            children.setdefault(row["parent_id"], []).append(row)
    options = []
    for row in rows:
        if row["parent_id"] is None:
            options.append({"slug": row["slug"], "name": row["name"], "depth": 0})
            options.extend(
                {"slug": child["slug"], "name": child["name"], "depth": 1}
                for child in children.get(row["id"], [])
            )
    return options
