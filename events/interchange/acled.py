"""The ACLED CSV layout, both ways: a row to a MappedRow, and an event back to a row."""

import calendar
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any

from events import validators
from events.formats import TIME_PRECISION, actor_slots, admin_levels, coordinates, outlets
from events.interchange import crosswalk, geography
from events.interchange.dataset_files import Cells, cells, split_list
from events.interchange.mapping import (
    ActorSpec,
    MappedRow,
    PlaceSpec,
    RowError,
    SourceSpec,
    TypeSpec,
    admin_chain,
    as_deepest_unit,
    clip,
    fold,
    parse_code,
    parse_count,
    parse_date,
    unplaced,
)
from events.interchange.mapping import coordinates as row_coordinates

DATASET = "acled"
LABEL = "ACLED"

# Which of our event's fields a column says (events.interchange.signature groups): an export
# writes the stored cell while its groups are as the import wrote them, and derives it from the
# event once an editor changed one. A column of no group (the id, tags) always comes from the
# row.
DATE, TYPE, ACTORS = frozenset({"date"}), frozenset({"type"}), frozenset({"actors"})
PLACE = frozenset({"place"})
# ACLED's timestamp says when the row last changed: ours, once an editor changed any of it.
ANY = frozenset({"date", "type", "actors", "place", "sources", "summary", "fatalities"})

# The current layout (DOMAIN §9), column by column with its groups: the export writes exactly
# these columns, in this order.
LAYOUT: list[tuple[str, frozenset[str] | None]] = [
    ("event_id_cnty", None),
    ("event_date", DATE),
    ("year", DATE),
    ("time_precision", DATE),
    ("disorder_type", TYPE),
    ("event_type", TYPE),
    ("sub_event_type", TYPE),
    ("actor1", ACTORS),
    ("assoc_actor_1", ACTORS),
    ("inter1", ACTORS),
    ("actor2", ACTORS),
    ("assoc_actor_2", ACTORS),
    ("inter2", ACTORS),
    ("interaction", ACTORS),
    ("civilian_targeting", TYPE | ACTORS),
    ("iso", PLACE),
    ("region", PLACE),
    ("country", PLACE),
    ("admin1", PLACE),
    ("admin2", PLACE),
    ("admin3", PLACE),
    ("location", PLACE),
    ("latitude", PLACE),
    ("longitude", PLACE),
    ("geo_precision", PLACE),
    ("source", frozenset({"sources"})),
    ("source_scale", frozenset({"sources"})),
    ("notes", frozenset({"summary"})),
    ("fatalities", frozenset({"fatalities"})),
    ("tags", None),
    ("timestamp", ANY),
]
COLUMNS = [column for column, _ in LAYOUT]
COLUMN_GROUPS = {column: groups for column, groups in LAYOUT if groups is not None}
# Columns an unchanged row that lacks them leaves empty rather than derived (an older
# layout's row has no timestamp: when ACLED last changed it is not known).
ROW_ONLY: frozenset[str] = frozenset({"timestamp"})

# Older layouts' names for the same columns.
ALIASES = {
    "ally_actor_1": "assoc_actor_1",
    "ally_actor_2": "assoc_actor_2",
    "geo_precis": "geo_precision",
    "event_id": "event_id_cnty",
}
# The columns that name a row and its version: all a row seen before is read for.
ID_COLUMNS = ("event_id_cnty", "event_id_no_cnty", "iso3", "iso", "data_id", "timestamp")
REQUIRED = (
    ("event_id_cnty", "event_id_no_cnty", "data_id"),
    ("event_date",),
    ("event_type",),
)

# ACLED's event types and sub-types, by their exact names (the seed fixtures hold the same).
TAXONOMY: dict[str, tuple[str, ...]] = {
    top: tuple(subs) for top, subs in crosswalk.ACLED_TAXONOMY.items()
}
_TOP = {fold(top): top for top in TAXONOMY}
_SUB = {(fold(top), fold(sub)): sub for top, subs in TAXONOMY.items() for sub in subs}
# Event types of the layout before 2019, which had no sub_event_type column.
OLD_TYPES = {
    fold("Battle-No change of territory"): ("Battles", "Armed clash"),
    fold("Battle-Government regains territory"): ("Battles", "Government regains territory"),
    fold("Battle-Non-state actor overtakes territory"): (
        "Battles",
        "Non-state actor overtakes territory",
    ),
    fold("Remote violence"): ("Explosions/Remote violence", ""),
    fold("Riots/Protests"): ("Protests", ""),
    fold("Strategic development"): ("Strategic developments", ""),
    fold("Headquarters or base established"): (
        "Strategic developments",
        "Headquarters or base established",
    ),
    fold("Non-violent transfer of territory"): (
        "Strategic developments",
        "Non-violent transfer of territory",
    ),
    fold("Violence against civilians"): ("Violence against civilians", ""),
}

# ACLED's actor types, inter codes 1–8, as numbers (up to 2023) or words (since 2024).
INTER_KINDS = {
    1: "state_forces",
    2: "rebel_group",
    3: "political_militia",
    4: "identity_militia",
    5: "rioters",
    6: "protesters",
    7: "civilians",
    8: "external",
}
_INTER_WORDS = {
    "state forces": 1,
    "rebel group": 2,
    "rebel groups": 2,
    "political militia": 3,
    "political militias": 3,
    "identity militia": 4,
    "identity militias": 4,
    "rioters": 5,
    "protesters": 6,
    "civilians": 7,
    "external/other forces": 8,
    "external forces": 8,
    "other forces": 8,
    "other": 8,
}
# Our kinds back to inter codes: a government is state forces; kinds ACLED lacks are "other".
KIND_INTER = {kind: code for code, kind in INTER_KINDS.items()} | {"government": 1}

# time_precision → how wide the coded day's bounds are.
WEEK_HALF = timedelta(days=3)
# geo_precision → the UCDP where_prec scale of Location.GeoPrecision (1, 2, 3 → 1, 2, 4).
GEO_PRECISION = {1: 1, 2: 2, 3: 4}
STUB_DATE_NOTE = (
    "ACLED names its sources but not their dates: the latest possible day of the event stands in."
)


# --- Import ------------------------------------------------------------------------------------


def external_id(row: Cells) -> str:
    """The row's ACLED id: event_id_cnty, or in older layouts the country code and number, or
    data_id."""
    found = row["event_id_cnty"]
    if not found and row["event_id_no_cnty"]:
        found = f"{row['iso3'] or row['iso']}{row['event_id_no_cnty']}"
    return found or row["data_id"]


def stamp(row: Cells, release: str) -> str:
    """The row's version stamp: its timestamp (Unix seconds), else the release given for the
    file (older layouts have no timestamp)."""
    return row["timestamp"] or release


def stamp_key(text: str) -> float:
    """Stamps in order: Unix seconds, or an ISO date given as the release; unknown is oldest."""
    text = (text or "").strip()
    if not text:
        return -1
    if text.isascii() and text.isdigit():
        return int(text)
    try:
        return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()
    except ValueError:
        return -1


def parse_row(line: int, row: Mapping[str, str], *, release: str = "") -> MappedRow:
    """One ACLED row in our terms; RowError names the column at fault."""
    row = cells(row)
    get = row.__getitem__
    ident = external_id(row)
    if not ident:
        raise RowError("event_id_cnty: empty; the row has no id to update it by")
    if len(ident) > 64:
        raise RowError(f"event_id_cnty: {ident[:20]!r}… is longer than 64 characters")
    day = parse_date(get("event_date"), "event_date")
    time_precision = parse_code(get("time_precision"), "time_precision", range(1, 4)) or 1
    earliest, latest, precision = coded_bounds(day, time_precision)
    event_type = type_spec(get("event_type"), get("sub_event_type"))
    latitude, longitude = row_coordinates(row)
    geo = parse_code(get("geo_precision"), "geo_precision", range(1, 4))
    where_prec = GEO_PRECISION.get(geo) if geo else None
    admin, place = places(row, latitude, longitude, where_prec)
    actors = actor_specs(row)
    notes = get("notes")
    source = get("source")
    warnings = unplaced(latitude, admin, place)
    if len(source) > 200:
        warnings.append(
            f"source: {len(source)} characters, cut to the 200 an outlet holds: {source[:40]!r}…"
        )
    version = stamp(row, release)
    if len(version) > 64:
        raise RowError(f"timestamp: {version[:20]!r}… is longer than 64 characters")
    return MappedRow(
        line=line,
        external_id=ident,
        country=get("country"),
        release=version,
        row_date=day,
        earliest=earliest,
        latest=latest,
        precision=precision,
        type=event_type,
        admin=admin,
        place=place,
        geo_precision=where_prec,
        actors=actors,
        fatalities_best=parse_count(get("fatalities"), "fatalities"),
        fatalities_low=None,
        fatalities_high=None,
        summary=notes,
        label=event_type.sub or event_type.top,
        sources=[stub_source(ident, source, notes, latest)],
        warnings=warnings,
    )


@lru_cache(maxsize=65_536)
def coded_bounds(day: date, time_precision: int) -> tuple[date, date, str]:
    """ACLED's coded day → our bounds: 1 that day; 2 the middle of about a week (±3 days);
    3 a day coded for the month (the whole month)."""
    if time_precision == 2:
        return day - WEEK_HALF, day + WEEK_HALF, "week"
    if time_precision == 3:
        last = calendar.monthrange(day.year, day.month)[1]
        return day.replace(day=1), day.replace(day=last), "month"
    return day, day, "day"


@lru_cache(maxsize=4_096)
def type_spec(event_type: str, sub_event_type: str) -> TypeSpec:
    if not event_type:
        raise RowError("event_type: empty; every event needs a type")
    top, sub = current_type(event_type, sub_event_type)
    top_key, sub_key = fold(top), fold(sub)
    if not sub:
        return TypeSpec(top, "", creatable=top_key in _TOP)
    return TypeSpec(top, sub, creatable=(top_key, sub_key) in _SUB)


def current_type(event_type: str, sub_event_type: str) -> tuple[str, str]:
    """(event_type, sub_event_type) in today's taxonomy and spelling: older layouts' types
    ("Battle-No change of territory") become today's."""
    top_key = fold(event_type)
    if top_key in OLD_TYPES and top_key not in _TOP:
        top, old_sub = OLD_TYPES[top_key]
        return top, _SUB.get((fold(top), fold(sub_event_type)), sub_event_type) or old_sub
    top = _TOP.get(top_key, event_type)
    if not sub_event_type:
        return top, ""
    return top, _SUB.get((top_key, fold(sub_event_type)), sub_event_type)


def places(
    row: Mapping[str, str],
    latitude: float | None,
    longitude: float | None,
    where_prec: int | None,
) -> tuple[list[PlaceSpec], PlaceSpec | None]:
    """country › admin1 › admin2 › admin3, and the named location with the row's coordinates.

    The names are the row's own. A location named exactly as the deepest admin unit is that
    unit; any other is a place of its own beneath them: a town (geo_precision 1, 2) or an area
    (3). Rows repeat places: the specs of each distinct one are made once and shared, so they
    are read, never changed.
    """
    get = cells(row).__getitem__
    return _places(
        get("country"),
        get("iso3"),
        get("admin1"),
        get("admin2"),
        get("admin3"),
        get("location"),
        latitude,
        longitude,
        where_prec,
    )


@lru_cache(maxsize=16_384)
def _places(
    country: str,
    iso3: str,
    admin1: str,
    admin2: str,
    admin3: str,
    name: str,
    latitude: float | None,
    longitude: float | None,
    where_prec: int | None,
) -> tuple[list[PlaceSpec], PlaceSpec | None]:
    units = ((admin1, "governorate", 4), (admin2, "district", 3), (admin3, "subdistrict", 3))
    admin = admin_chain(country, units, iso3=iso3)
    if not name:
        return admin, None
    if (unit := as_deepest_unit(admin, name, latitude, longitude, where_prec)) is not None:
        return unit, None
    kind = "region" if where_prec and where_prec >= 3 else "city"
    return admin, PlaceSpec(name, kind, latitude, longitude, where_prec or None)


def inter_kind(value: str, column: str) -> str | None:
    text = value.strip()
    if not text:
        return None
    if text.isascii() and text.isdigit():
        code = int(text) if len(text) < 4 else -1
        if code == 0:
            return None
        if code not in INTER_KINDS:
            raise RowError(f"{column}: {text!r} is not an ACLED actor type (1–8)")
        return INTER_KINDS[code]
    code = _INTER_WORDS.get(fold(text))
    if code is None:
        raise RowError(f"{column}: {text!r} is not an ACLED actor type")
    return INTER_KINDS[code]


_SIDES = (
    ("actor1", "inter1", "assoc_actor_1", "side_a", "associated_a"),
    ("actor2", "inter2", "assoc_actor_2", "side_b", "associated_b"),
)


def actor_specs(row: Mapping[str, str]) -> list[ActorSpec]:
    """actor1 and its associates on side A, actor2 and its associates on side B; the inter code
    is what the row says of that actor in this event. Rows repeat their actors: the spec of
    each distinct one is made once and shared, so it is read, never changed."""
    get = cells(row).__getitem__
    found: list[ActorSpec] = []
    for side, (actor, inter, associates, _, _) in enumerate(_SIDES):
        spec = _actor_spec(side, get(actor), get(inter))
        if spec is not None:
            found.append(spec)
        if listed := get(associates):
            found += [_associate_spec(side, name) for name in split_list(listed)]
    return found


@lru_cache(maxsize=16_384)
def _actor_spec(side: int, name: str, code: str) -> ActorSpec | None:
    actor, inter, _, role, _ = _SIDES[side]
    kind = inter_kind(code, inter)
    if not name:
        return None
    if problem := validators.name_length_problem(name):
        raise RowError(f"{actor}: {problem}")
    return ActorSpec(name, role, kind or "other", link_kind=kind or "")


@lru_cache(maxsize=16_384)
def _associate_spec(side: int, name: str) -> ActorSpec:
    _, _, associates, _, role = _SIDES[side]
    if problem := validators.name_length_problem(name):
        raise RowError(f"{associates}: {problem}")
    return ActorSpec(name, role, _associate_kind(name))


def _associate_kind(name: str) -> str:
    # Associated actors carry no inter code; ACLED's "Civilians (Syria)" is the one kind we know.
    return "civilians" if fold(name).startswith("civilians") else "other"


def stub_source(ident: str, source: str, notes: str, published: date) -> SourceSpec:
    """ACLED's record as the article the event cites: its notes, under the source names.

    The text is the notes and a line naming the record, so that it is unique to the event
    (two rows can share notes); the excerpt is the notes, or that line when there are none.
    """
    signature = f"ACLED {ident}"
    text = f"{notes}\n\n— {signature}" if notes else signature
    return SourceSpec(
        title=clip(signature, 300),
        outlet=clip(source, 200) if source else "ACLED",
        published=published,
        text=text,
        excerpt=notes or signature,
        date_inferred=STUB_DATE_NOTE,
    )


# --- Export ------------------------------------------------------------------------------------


def current_cells(row: Mapping[str, str]) -> dict[str, str]:
    """A stored row in today's layout: its cells of today's columns, verbatim, except what an
    older layout wrote differently: event_date as YYYY-MM-DD, an old event type as today's
    type and sub-type, an id built from the country code and number."""
    found = {column: row[column] for column in COLUMNS if column in row}
    day = row.get("event_date", "")
    if not (len(day) == 10 and day[4] == "-" and day[7] == "-"):
        found["event_date"] = coded_day(day) or day
    if "sub_event_type" not in row and row.get("event_type"):
        found["event_type"], found["sub_event_type"] = current_type(row["event_type"].strip(), "")
    if not found.get("event_id_cnty"):
        found["event_id_cnty"] = external_id(cells(row))
    return found


def derive(entry: Mapping[str, Any], actors: list[Mapping[str, Any]], where_prec: int | None):
    """Every column from our event: what the row says once an editor changed it, or the whole
    row of an event no ACLED row describes. `actors` carry the kind in this event."""
    when = entry.get("date") or {}
    day = when["earliest"]
    names = crosswalk.TypeNames.of(entry)
    disorder, event_type, sub_event_type = crosswalk.acled_type(names) or ("", *_own(names))
    inter1, inter2 = inter_codes(actors)
    location = entry.get("location") or None
    levels = admin_levels(location)
    point = coordinates(location)
    nation = geography.country(levels["country"])
    fatalities = (entry.get("fatalities") or {}).get("best")
    updated = entry.get("updated")
    return {
        "event_id_cnty": f"CT{entry.get('id')}",
        "event_date": day,
        "year": int(day[:4]),
        "time_precision": TIME_PRECISION.get(when.get("precision") or ""),
        "disorder_type": disorder,
        "event_type": event_type,
        "sub_event_type": sub_event_type,
        **actor_slots(actors),
        "inter1": inter1,
        "inter2": inter2,
        "interaction": interaction(inter1, inter2),
        "civilian_targeting": crosswalk.civilian_targeting(names, actors),
        "iso": nation.numeric,
        "region": nation.acled_region,
        "country": levels["country"],
        "admin1": levels["admin1"],
        "admin2": levels["admin2"],
        "admin3": levels["admin3"],
        "location": location.get("name") if location else None,
        "latitude": geography.number_text(point[0]) if point else None,
        "longitude": geography.number_text(point[1]) if point else None,
        "geo_precision": {1: 1, 2: 2}.get(where_prec, 3) if where_prec else None,
        "source": "; ".join(outlets(entry.get("sources") or [])),
        "source_scale": None,
        "notes": entry.get("summary"),
        # ACLED codes 0 when no deaths are reported: it has no "unknown".
        "fatalities": fatalities if fatalities is not None else 0,
        "tags": None,
        "timestamp": int(datetime.fromisoformat(updated).timestamp()) if updated else None,
    }


def _own(names: crosswalk.TypeNames) -> tuple[str, str]:
    # A type without an ACLED equivalent, exported on request: our own names.
    return names.top, names.sub


def inter_codes(actors: list[Mapping[str, Any]]) -> tuple[int | None, int | None]:
    """inter1/inter2: the kinds of the first side A and side B actors (perpetrator and target
    when the event names no sides), as the actor columns are filled."""
    roles = {actor.get("role") for actor in actors}
    first, second = (
        ("side_a", "side_b") if roles & {"side_a", "side_b"} else ("perpetrator", "target")
    )

    def code(role: str) -> int:
        # No actor in the slot is 0, as ACLED writes it.
        kind = next((a.get("kind") for a in actors if a.get("role") == role), None)
        return 0 if kind is None else KIND_INTER.get(kind, 8)

    if not actors:
        return None, None
    return code(first), code(second)


def interaction(inter1: int | None, inter2: int | None) -> int | None:
    """ACLED's interaction: both codes, the lower first (12), or the one code and 0 (10)."""
    codes = sorted(code for code in (inter1, inter2) if code)
    if not codes:
        return None
    return int(f"{codes[0]}{codes[1] if len(codes) == 2 else 0}")


def coded_day(value: str) -> str | None:
    """The day an ACLED row's event_date codes, as YYYY-MM-DD; None when unreadable."""
    try:
        return parse_date(value, "event_date").isoformat()
    except RowError:
        return None
