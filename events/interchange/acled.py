"""The ACLED CSV layout, both ways: a row to a MappedRow, and a timeline entry to a row."""

import calendar
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from events.formats import TIME_PRECISION, csv_row
from events.interchange.mapping import (
    ActorSpec,
    MappedRow,
    PlaceSpec,
    RowError,
    SourceSpec,
    TypeSpec,
    clip,
    coordinates,
    fold,
    parse_code,
    parse_count,
    parse_date,
    place_key,
    unplaced,
)
from events.interchange.reading import cells, split_list

DATASET = "acled"
LABEL = "ACLED"

# The current layout (DOMAIN §9): the export writes exactly these columns, in this order.
COLUMNS = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
]

# Older layouts' names for the same columns.
ALIASES = {
    "ally_actor_1": "assoc_actor_1",
    "ally_actor_2": "assoc_actor_2",
    "geo_precis": "geo_precision",
    "event_id": "event_id_cnty",
}
REQUIRED = (
    ("event_id_cnty", "event_id_no_cnty", "data_id"),
    ("event_date",),
    ("event_type",),
)

# Columns the mapping reads; every other non-empty cell is kept verbatim in ExternalRecord.extra.
CONSUMED = {
    "event_id_cnty",
    "event_id_no_cnty",
    "data_id",
    "iso3",
    "event_date",
    "year",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "notes",
    "fatalities",
    "timestamp",
}

# ACLED's event types and sub-types, by their exact names (the seed fixtures hold the same).
TAXONOMY: dict[str, tuple[str, ...]] = {
    "Battles": (
        "Government regains territory",
        "Non-state actor overtakes territory",
        "Armed clash",
    ),
    "Explosions/Remote violence": (
        "Chemical weapon",
        "Air/drone strike",
        "Suicide bomb",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Grenade",
    ),
    "Violence against civilians": (
        "Sexual violence",
        "Attack",
        "Abduction/forced disappearance",
    ),
    "Protests": (
        "Peaceful protest",
        "Protest with intervention",
        "Excessive force against protesters",
    ),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Strategic developments": (
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    ),
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
}
DISORDER = {
    "Battles": "Political violence",
    "Explosions/Remote violence": "Political violence",
    "Violence against civilians": "Political violence",
    "Protests": "Demonstrations",
    "Riots": "Demonstrations",
    "Strategic developments": "Strategic developments",
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


def parse_row(line: int, row: dict[str, str], *, release: str = "") -> MappedRow:
    """One ACLED row in our terms; RowError names the column at fault."""
    row = cells(row)
    get = row.__getitem__
    external_id = get("event_id_cnty")
    if not external_id and get("event_id_no_cnty"):
        external_id = f"{get('iso3') or get('iso')}{get('event_id_no_cnty')}"
    external_id = external_id or get("data_id")
    if not external_id:
        raise RowError("event_id_cnty: empty; the row has no id to update it by")
    if len(external_id) > 64:
        raise RowError(f"event_id_cnty: {external_id[:20]!r}… is longer than 64 characters")
    day = parse_date(get("event_date"), "event_date")
    time_precision = parse_code(get("time_precision"), "time_precision", range(1, 4)) or 1
    earliest, latest, precision = coded_bounds(day, time_precision)
    event_type = type_spec(get("event_type"), get("sub_event_type"))
    latitude, longitude = coordinates(row)
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
    label = event_type.sub or event_type.top
    return MappedRow(
        line=line,
        external_id=external_id,
        country=get("country"),
        release=get("timestamp") or release,
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
        label=label,
        sources=[stub_source(external_id, source, notes, latest)],
        extra={
            name: value
            for name, value in row.items()
            if value
            and name not in CONSUMED
            # A disorder type that follows from the event type is written back from it.
            and not (name == "disorder_type" and value == DISORDER.get(event_type.top))
        },
        warnings=warnings,
    )


def coded_bounds(day: date, time_precision: int) -> tuple[date, date, str]:
    """ACLED's coded day → our bounds: 1 that day; 2 the middle of about a week (±3 days);
    3 mid-month coding for a month (the whole month)."""
    if time_precision == 2:
        return day - WEEK_HALF, day + WEEK_HALF, "week"
    if time_precision == 3:
        last = calendar.monthrange(day.year, day.month)[1]
        return day.replace(day=1), day.replace(day=last), "month"
    return day, day, "day"


def type_spec(event_type: str, sub_event_type: str) -> TypeSpec:
    if not event_type:
        raise RowError("event_type: empty; every event needs a type")
    top_key, sub_key = fold(event_type), fold(sub_event_type)
    if top_key in OLD_TYPES and top_key not in _TOP:
        top, old_sub = OLD_TYPES[top_key]
        top_key, sub_event_type = fold(top), sub_event_type or old_sub
        sub_key = fold(sub_event_type)
    top = _TOP.get(top_key, event_type)
    if not sub_event_type:
        return TypeSpec(top, "", creatable=top_key in _TOP)
    sub = _SUB.get((top_key, sub_key), sub_event_type)
    return TypeSpec(top, sub, creatable=(top_key, sub_key) in _SUB)


def places(
    row: dict[str, str], latitude: float | None, longitude: float | None, where_prec: int | None
) -> tuple[list[PlaceSpec], PlaceSpec | None]:
    """country › admin1 › admin2 › admin3, and the named location below them.

    A location coded to a region (geo_precision 3), or without coordinates, that bears the
    name of one of its admin units is that unit; otherwise it is its own place: a town (1, 2)
    or an area (3).
    """
    row = cells(row)
    get = row.__getitem__
    admin = []
    if get("country"):
        admin.append(PlaceSpec(get("country"), "country", geo_precision=6, iso_code=get("iso3")))
    for column, kind, precision in (
        ("admin1", "governorate", 4),
        ("admin2", "district", 3),
        ("admin3", "subdistrict", 3),
    ):
        if get(column):
            admin.append(PlaceSpec(get(column), kind, geo_precision=precision))
    name = get("location")
    if not name:
        # No place name: the event sits in its deepest unit, which keeps its own coordinates.
        return admin, None
    if (where_prec and where_prec >= 3) or latitude is None:
        # The deepest unit of that name: "Hama" under Hama › Hama is the district.
        for position, unit in reversed(list(enumerate(admin))):
            if place_key(unit.name) == place_key(name):
                unit = PlaceSpec(
                    unit.name, unit.kind, latitude, longitude, unit.geo_precision, unit.iso_code
                )
                return [*admin[:position], unit], None
    if where_prec and where_prec >= 3:
        return admin, PlaceSpec(name, "region", latitude, longitude, where_prec)
    return admin, PlaceSpec(name, "city", latitude, longitude, 1 if where_prec else None)


def inter_kind(value: str, column: str) -> str | None:
    text = value.strip()
    if not text:
        return None
    if text.isdigit():
        code = int(text)
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


def actor_specs(row: dict[str, str]) -> list[ActorSpec]:
    """actor1 and its associates on side A, actor2 and its associates on side B."""
    row = cells(row)
    get = row.__getitem__
    found: list[ActorSpec] = []
    for actor, inter, associates, role, associated_role in _SIDES:
        kind = inter_kind(get(inter), inter)
        if name := get(actor):
            found.append(ActorSpec(name, role, kind or "other"))
        if listed := get(associates):
            for name in split_list(listed):
                found.append(ActorSpec(name, associated_role, _associate_kind(name)))
    for spec in found:
        if len(spec.name) > 200:
            raise RowError(
                f"{_column(spec.role)}: {spec.name[:40]!r}… is longer than 200 characters"
            )
    return found


def _associate_kind(name: str) -> str:
    # Associated actors carry no inter code; ACLED's "Civilians (Syria)" is the one kind we know.
    return "civilians" if fold(name).startswith("civilians") else "other"


def _column(role: str) -> str:
    return {
        "side_a": "actor1",
        "side_b": "actor2",
        "associated_a": "assoc_actor_1",
        "associated_b": "assoc_actor_2",
    }[role]


def stub_source(external_id: str, source: str, notes: str, published: date) -> SourceSpec:
    """ACLED's record as the article the event cites: its notes, under the source names.

    The text is the notes and a line naming the record, so that it is unique to the event
    (two rows can share notes); the excerpt is the notes, or that line when there are none.
    """
    signature = f"ACLED {external_id}"
    text = f"{notes}\n\n— {signature}" if notes else signature
    return SourceSpec(
        title=signature,
        outlet=clip(source, 200) if source else "ACLED",
        published=published,
        text=text,
        excerpt=notes or signature,
        date_inferred=STUB_DATE_NOTE,
    )


# --- Export ------------------------------------------------------------------------------------


def export_row(entry: Mapping[str, Any], record: Mapping[str, Any] | None) -> dict[str, Any]:
    """One entry in ACLED's columns: the CSV export's ACLED columns (events.formats.csv_row),
    with ACLED's coded day, inter codes from the actors' kinds, the row's ACLED id and the
    columns we do not model carried back from the import."""
    base = csv_row(entry)
    extra = (record or {}).get("extra") or {}
    when = entry.get("date") or {}
    earliest = date.fromisoformat(when["earliest"])
    latest = date.fromisoformat(when["latest"])
    day = coded_day(earliest, latest, when.get("precision") or "day")
    inter1, inter2 = inter_codes(entry.get("actors") or [])
    where_prec = geo_precision(entry, record)
    event_type = base["event_type"]
    values = {
        **{column: extra.get(column) for column in COLUMNS},
        **{column: base[column] for column in COLUMNS if column in base},
        "event_date": day.isoformat(),
        "year": day.year,
        "time_precision": TIME_PRECISION.get(when.get("precision") or ""),
        "disorder_type": extra.get("disorder_type") or DISORDER.get(event_type),
        "inter1": inter1,
        "inter2": inter2,
        "interaction": interaction(inter1, inter2),
        "geo_precision": {1: 1, 2: 2}.get(where_prec, 3) if where_prec else None,
    }
    if record and record.get("dataset") == DATASET:
        values["event_id_cnty"] = record["external_id"]
    return {column: values.get(column) for column in COLUMNS}


def coded_day(earliest: date, latest: date, precision: str) -> date:
    """The day ACLED would code: mid-month for a month, else the middle of the bounds."""
    if precision == "month" and (earliest.year, earliest.month) == (latest.year, latest.month):
        return earliest.replace(day=15)
    return earliest + (latest - earliest) // 2


def inter_codes(actors: list[Mapping[str, Any]]) -> tuple[int | None, int | None]:
    """inter1/inter2: the kinds of the first side A and side B actors (perpetrator and target
    when the event names no sides), as csv_row's actor slots fill actor1 and actor2."""
    roles = {actor.get("role") for actor in actors}
    first, second = (
        ("side_a", "side_b") if roles & {"side_a", "side_b"} else ("perpetrator", "target")
    )

    def code(role: str) -> int | None:
        kind = next((a.get("kind") for a in actors if a.get("role") == role), None)
        return None if kind is None else KIND_INTER.get(kind, 8)

    return code(first), code(second)


def interaction(inter1: int | None, inter2: int | None) -> int | None:
    """ACLED's interaction: both codes, the lower first (12), or the one code and 0 (10)."""
    if inter1 is None and inter2 is None:
        return None
    codes = sorted(code for code in (inter1, inter2) if code is not None)
    return int(f"{codes[0]}{codes[1] if len(codes) == 2 else 0}")


def geo_precision(entry: Mapping[str, Any], record: Mapping[str, Any] | None) -> int | None:
    """How precisely the event is placed (where_prec scale): as its dataset row coded it when it
    was imported (an event "near" a town whose own place is exact), else the place's."""
    if record and record.get("geo_precision"):
        return record["geo_precision"]
    return (entry.get("location") or {}).get("geo_precision")
