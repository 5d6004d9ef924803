"""How each chronology query parameter's text is read and checked: form fields."""

import math

from django import forms
from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import Q

from events import statements
from events.dates import DateError, parse_partial_iso
from events.models import Actor, Article, Event, EventType, Location
from events.params import ParamError, as_id, parse_int
from events.querysets import match_keys

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
        ids = actor_ids_named(text)
        if not ids:
            raise ValidationError(f"no actor has the slug, id, name or alias {text!r}")
        return ids


def actor_ids_named(text: str) -> list[int]:
    """The ids of the actors a slug, id, name or alias names (Actor.objects.matching), by a
    statement compiled once per shape (events.statements): compiling it cost as much as
    running it."""
    keys = match_keys(text)
    actors = Actor.objects.all()

    def build(values):
        return actors.matching_keys(**values).order_by().values_list("id", flat=True)

    sql, params = statements.compiled(("actor ids", actors.db, tuple(keys)), build, keys)
    with connections[actors.db].cursor() as cursor:
        cursor.execute(sql, params)
        return [pk for (pk,) in cursor.fetchall()]


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


def place_named(text: str) -> Location:
    """The place a slug or id names (a name or alias too when it names one place only)."""
    found = _places_by_slug_or_id(text) or list(Location.objects.matching(text)[:2])
    if not found:
        raise ValidationError(f"no place has the slug, id, name or alias {text!r}")
    if len(found) > 1:
        slugs = ", ".join(place.slug for place in found)
        raise ValidationError(f"{text!r} names more than one place ({slugs}); use a slug")
    return found[0]


def _places_by_slug_or_id(text: str) -> list[Location]:
    """Up to two places whose slug or id the text is, by a statement compiled once per shape
    (events.statements): compiling it cost more than running it."""
    keys: dict[str, str | int] = {"slug": text.lower()}
    pk = as_id(text)
    if pk is not None:
        keys["pk"] = pk
    places = Location.objects.all()

    def build(values):
        named = Q(slug=values["slug"])
        if "pk" in values:  # Not "id IS NULL" otherwise: SQLite then scanned every place.
            named |= Q(pk=values["pk"])
        return places.filter(named)[:2]

    sql, params = statements.compiled(("places by slug or id", places.db, tuple(keys)), build, keys)
    return list(places.raw(sql, params))


class LocationField(forms.CharField):
    """One place: a slug or id (a name or alias too when it names one place only)."""

    def to_python(self, value):
        text = (super().to_python(value) or "").strip()
        return place_named(text) if text else None


class LocationsField(RepeatedField):
    """Each value (a slug or id, or an unambiguous name) → the place it names; blank values
    are absent, as a single blank ?location= always was."""

    def to_python(self, value):
        values = value if isinstance(value, list) else [value] if value else []
        return super().to_python([item for item in values if item and item.strip()])

    def clean_one(self, text: str) -> Location:
        return place_named(text)


class GeoPrecisionsField(RepeatedField):
    """Each value → a place precision (Location.GeoPrecision, UCDP's where_prec scale): its
    number, 1 to 7, or its name (exact, near, district, governorate, region, country,
    water_or_air)."""

    NAMES = {choice.name.lower(): choice.value for choice in Location.GeoPrecision}

    def clean_one(self, text: str) -> int:
        named = self.NAMES.get(text.lower())
        if named is not None:
            return named
        scale = Location.GeoPrecision.values
        try:
            return parse_int(text, minimum=min(scale), maximum=max(scale))
        except ParamError as exc:
            names = ", ".join(self.NAMES)
            raise ValidationError(
                f"unknown place precision {text!r} ({exc}); use 1 to 7 or one of {names}"
            ) from None


class OutletsField(RepeatedField):
    """Each value → an outlet's name as stored (Article.outlet, case-insensitive)."""

    def clean_one(self, text: str) -> str:
        stored = (
            Article.objects.filter(outlet__iexact=text)
            .order_by()
            .values_list("outlet", flat=True)
            .first()
        )
        if stored is None:
            raise ValidationError(f"no article in the data is from the outlet {text!r}")
        return stored


class CountryField(forms.CharField):
    """A country by its ISO 3166 code: alpha-3 (SYR) as stored, or alpha-2 (SY)."""

    def to_python(self, value):
        text = (super().to_python(value) or "").strip().upper()
        if not text:
            return None
        codes = {text}
        if len(text) == 2:
            import pycountry  # Only for a two-letter code: the table loads on first use.

            found = pycountry.countries.get(alpha_2=text)
            if found is not None:
                codes.add(found.alpha_3)
        country = (
            Location.objects.filter(kind=Location.Kind.COUNTRY, iso_code__in=codes)
            .order_by("id")
            .first()
        )
        if country is None:
            raise ValidationError(
                f"no country has the ISO 3166 code {text!r}; use an alpha-3 (SYR) or alpha-2 "
                "(SY) code of a country in the data"
            )
        return country
