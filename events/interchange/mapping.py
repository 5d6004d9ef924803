"""What a dataset row becomes, before any lookup: dates, names, numbers and source stubs."""

import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property, lru_cache

from django.core.signals import setting_changed

from events import validators
from events.interchange import geography
from events.text import fingerprint
from events.text import fold as _fold

# Names and codes repeat from row to row: fold each distinct one once.
fold = lru_cache(maxsize=65_536)(_fold)


class RowError(ValueError):
    """A row that cannot be imported; the message names the column and the value."""


@dataclass(frozen=True)
class TypeSpec:
    """An event type by name: a top-level type and a sub-type (or "")."""

    top: str
    sub: str = ""
    # Whether a missing type may be created: only the dataset's own names may be.
    creatable: bool = False


@dataclass(slots=True)
class PlaceSpec:
    """A place by name, kind and (for the event's own place) coordinates."""

    name: str
    kind: str
    latitude: float | None = None
    longitude: float | None = None
    geo_precision: int | None = None
    iso_code: str = ""


@dataclass(slots=True)
class ActorSpec:
    name: str
    role: str
    kind: str  # The kind an actor created from this name gets; known actors keep theirs.
    # The actors a list-like name stands for ("SNA, Sham Legion") when it names no one actor.
    parts: tuple["ActorSpec", ...] = ()
    # What the row says this actor is in this event (ACLED's inter code), kept on the link.
    link_kind: str = ""


@dataclass
class SourceSpec:
    """A stub article standing for the dataset's source, and the excerpt cited from it."""

    title: str
    outlet: str
    published: date
    text: str
    excerpt: str
    attributed_to: str = ""
    date_inferred: str = ""  # Why the publication date is a stand-in, when it is.

    @cached_property
    def sha256(self) -> str:
        return fingerprint(self.text)


@dataclass(slots=True)
class MappedRow:
    """One dataset row in our terms; names are resolved to rows by events.interchange.resolving."""

    line: int
    external_id: str
    country: str
    # The row's version stamp (ACLED timestamp, UCDP release) and its own date.
    release: str
    row_date: date
    earliest: date
    latest: date
    precision: str
    type: TypeSpec
    # The admin units from the country down (blank levels left out).
    admin: list[PlaceSpec]
    # The event's own place below them, or None when the row names no place (the event then
    # sits in the deepest admin unit) or names that unit itself.
    place: PlaceSpec | None
    geo_precision: int | None
    actors: list[ActorSpec]
    fatalities_best: int | None
    fatalities_low: int | None
    fatalities_high: int | None
    summary: str
    # The headline's type label ("Armed clash"); the place and actors are added once resolved.
    label: str
    sources: list[SourceSpec]
    warnings: list[str] = field(default_factory=list)


# --- Cell parsers ------------------------------------------------------------------------------

# ASCII digits only: str.isdigit() and float() also take "²", Arabic-Indic digits, "1_000",
# "nan" and "1e400", none of which a dataset means as a number.
_ISO = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}")
_WHOLE = re.compile(r"^[0-9]+(?:\.0*)?$")
_DECIMAL = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$")
# The largest count an event's fatality columns hold (a 32-bit integer on both databases).
MAX_COUNT = 2_147_483_647
# Older ACLED exports: 9-May-20, 09-May-2020, 02 June 2023, 9 May 2020, 2020/05/09.
DATE_FORMATS = ("%d-%b-%y", "%d-%b-%Y", "%d %B %Y", "%d %b %Y", "%d-%B-%Y", "%d-%B-%y", "%Y/%m/%d")


def date_window(*, today: date | None = None) -> tuple[date, date]:
    """The first and the last day an imported row may name: the days any event may have."""
    return validators.event_date_window(today=today)


# The window, worked out once a day (or when its settings change) rather than once a row:
# [the time it holds until, first day, last day]. Reading the date and the two settings for
# every date of every row cost more than the comparison (settings are a lazy object).
_WINDOW: list = [0.0, None, None]


def _forget_window(**kwargs) -> None:
    _WINDOW[0] = 0.0


# override_settings (and pytest-django's settings fixture) announce every change.
setting_changed.connect(_forget_window, dispatch_uid="events.interchange.mapping.window")


def _window() -> tuple[date, date]:
    if time.time() >= _WINDOW[0]:
        today = date.today()
        midnight = datetime.combine(today + timedelta(days=1), datetime.min.time()).timestamp()
        _WINDOW[:] = [midnight, *date_window(today=today)]
    return _WINDOW[1], _WINDOW[2]


def check_date(day: date, column: str) -> date:
    """The day, or RowError when it lies outside the window events may have: every date an
    import reads goes through here."""
    first, last = _window()
    if not first <= day <= last:
        raise RowError(
            f"{column}: {day.isoformat()} is outside the dates kept here ({first} to {last})"
        )
    return day


def parse_date(value: str, column: str) -> date:
    """A row's date in any layout's writing (2020-05-09, 9-May-20, 02 June 2023), within the
    date window."""
    text = value.strip()
    if not text:
        raise RowError(f"{column}: empty; a date is required")
    day = read_day(text)
    if type(day) is date:
        return check_date(day, column)
    if day == "unreal":
        raise RowError(f"{column}: {text!r} is not a real date")
    raise RowError(
        f"{column}: {text!r} is not a date this importer reads "
        "(2020-05-09, 9-May-20, 09 May 2020 or 02 June 2023; d/m/y and m/d/y are ambiguous)"
    )


def in_date_window(day: date) -> bool:
    """Whether check_date() takes the day."""
    try:
        check_date(day, "")
    except RowError:
        return False
    return True


@lru_cache(maxsize=65_536)
def read_day(text: str) -> date | str:
    """The day a date cell writes, or why not ("unreal", "unread"): rows repeat their days, so
    each distinct text is read once (the window is checked every time, check_date)."""
    if _ISO.match(text) and text.isascii():
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            return "unreal"
    if text.isascii():
        for pattern in DATE_FORMATS:
            try:
                return datetime.strptime(text, pattern).date()
            except ValueError:
                continue
    return "unread"


# Counts, codes and coordinates repeat from row to row: each distinct cell is read once (a
# cell that fails raises each time: errors are not cached).
@lru_cache(maxsize=65_536)
def parse_count(value: str, column: str) -> int | None:
    """A count of deaths: blank is unknown (None), never 0."""
    text = value.strip()
    if not text:
        return None
    if not _WHOLE.match(text):
        if _DECIMAL.match(text):
            raise RowError(f"{column}: {text!r} is not a count (a whole number, 0 or more)")
        raise RowError(f"{column}: {text!r} is not a number")
    number = int(text.split(".", 1)[0])
    if number > MAX_COUNT:
        raise RowError(f"{column}: {text!r} is out of range (at most {MAX_COUNT:,})")
    return number


@lru_cache(maxsize=65_536)
def parse_code(value: str, column: str, allowed: range) -> int | None:
    """A small integer code (precision, type): blank is None."""
    text = value.strip()
    if not text:
        return None
    if not _WHOLE.match(text) or len(text) > 20 or int(text.split(".", 1)[0]) not in allowed:
        raise RowError(f"{column}: {text!r} is not one of {allowed.start}–{allowed.stop - 1}")
    return int(text.split(".", 1)[0])


@lru_cache(maxsize=65_536)
def parse_coordinate(value: str, column: str, limit: float) -> float | None:
    text = value.strip()
    if not text:
        return None
    decimal = text.replace(",", ".")
    if not _DECIMAL.match(decimal):
        raise RowError(f"{column}: {text!r} is not a number")
    number = float(decimal)
    if not -limit <= number <= limit:
        hint = " (swapped with the other coordinate?)" if limit == 90 else ""
        raise RowError(f"{column}: {text} is outside -{limit:g}..{limit:g}{hint}")
    return number


def coordinates(row: dict[str, str]) -> tuple[float | None, float | None]:
    latitude = parse_coordinate(row.get("latitude", ""), "latitude", 90)
    longitude = parse_coordinate(row.get("longitude", ""), "longitude", 180)
    if (latitude is None) != (longitude is None):
        missing = "longitude" if longitude is None else "latitude"
        raise RowError(f"{missing}: empty while the other coordinate is given")
    return latitude, longitude


def headline(label: str, where: str, sides: list[tuple[str, str]]) -> str:
    """ "Armed clash in Sukhna: Military Forces of Syria (2000-) and Islamic State" from the
    type, the place and the (name, role) of the actors on either side."""
    text = f"{label} in {where}" if where else label
    names = [name for name, role in sides if role in SIDE_ROLES]
    if names:
        one_sided = any(role == "perpetrator" for _, role in sides)
        text = f"{text}: {(' against ' if one_sided else ' and ').join(names)}"
    return clip(text, 300)


SIDE_ROLES = ("side_a", "side_b", "perpetrator", "target")


def admin_chain(
    country: str, units: Iterable[tuple[str, str, int]], *, iso3: str = ""
) -> list[PlaceSpec]:
    """A row's country and admin units, top down, as the row names them: (name, kind,
    geo_precision) for each unit, those the row leaves empty skipped. The country's ISO code is
    the row's own (iso3) or the one its name has."""
    admin = []
    if country:
        iso = iso3 or geography.country(country).alpha_3
        admin.append(PlaceSpec(country, "country", geo_precision=6, iso_code=iso))
    admin += [PlaceSpec(name, kind, geo_precision=level) for name, kind, level in units if name]
    return admin


def as_deepest_unit(
    admin: list[PlaceSpec],
    name: str,
    latitude: float | None,
    longitude: float | None,
    where_prec: int | None,
) -> list[PlaceSpec] | None:
    """When the row's place is named exactly as its deepest admin unit, it is that unit, not a
    place beneath it: the chain with that unit at the row's coordinates. Otherwise None."""
    if not admin or admin[-1].name != name:
        return None
    unit = admin[-1]
    located = PlaceSpec(unit.name, unit.kind, latitude, longitude, where_prec, unit.iso_code)
    return [*admin[:-1], located]


def unplaced(latitude: float | None, admin: list[PlaceSpec], place: PlaceSpec | None) -> list[str]:
    """A warning when the row's coordinates have no place to go to (no place name): the event
    keeps them only in its stored row."""
    if latitude is None or place is not None or (admin and admin[-1].latitude is not None):
        return []
    return ["latitude/longitude: no place name to give them to; kept in the stored row only"]


def clip(text: str, limit: int) -> str:
    """A generated text cut to a field's length, marked with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# Words that end place names in the files ("Duma town", "Aleppo Governorate") and do not tell
# two places apart: dropped when names are compared, never from the stored name.
_PLACE_SUFFIXES = re.compile(
    r"\s+(town|city|village|suburb|governorate|province|district|sub-district|subdistrict"
    r"|nahiya|muhafazat)$"
)


@lru_cache(maxsize=65_536)
def place_key(name: str) -> str:
    """The comparison key of a place name: folded, dashes as spaces, a kind word dropped."""
    key = fold(name).replace("-", " ").replace("'", "")
    key = re.sub(r"\s+", " ", key).strip()
    return _PLACE_SUFFIXES.sub("", key) or key
