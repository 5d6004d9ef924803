"""The UCDP GED CSV layout, both ways: a row to a MappedRow, and an event back to a row."""

import re
from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from typing import Any

from events import validators
from events.formats import admin_levels, coordinates, place_label
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
    in_date_window,
    parse_code,
    parse_coordinate,
    parse_count,
    parse_date,
    read_day,
    unplaced,
)

DATASET = "ucdp"
LABEL = "UCDP GED"

# Which of our event's fields a column says (events.interchange.signature groups): an export
# writes the stored cell while its groups are as the import wrote them, and derives it from the
# event once an editor changed one. A column of no group (ids, UCDP's own codes) always comes
# from the row.
DATE, ACTORS, PLACE = frozenset({"date"}), frozenset({"actors"}), frozenset({"place"})
SOURCES, DEATHS = frozenset({"sources"}), frozenset({"fatalities"})
WHO = frozenset({"type", "actors"})

# The GED columns (DOMAIN §9, plus code_status, gwnoa and gwnob of the global file), column by
# column with its groups: the export writes exactly these columns, in this order.
LAYOUT: list[tuple[str, frozenset[str] | None]] = [
    ("id", None),
    ("relid", None),
    ("year", DATE),
    ("active_year", None),
    ("code_status", None),
    ("type_of_violence", WHO),
    ("conflict_new_id", WHO),
    ("conflict_name", WHO),
    ("dyad_new_id", ACTORS),
    ("dyad_name", ACTORS),
    ("side_a_new_id", ACTORS),
    ("side_a", ACTORS),
    ("side_b_new_id", ACTORS),
    ("side_b", ACTORS),
    ("number_of_sources", SOURCES),
    ("source_article", SOURCES),
    ("source_office", SOURCES),
    ("source_date", SOURCES),
    ("source_headline", SOURCES),
    ("source_original", SOURCES),
    ("where_prec", PLACE),
    ("where_coordinates", PLACE),
    ("where_description", PLACE),
    ("adm_1", PLACE),
    ("adm_2", PLACE),
    ("latitude", PLACE),
    ("longitude", PLACE),
    ("geom_wkt", PLACE),
    ("priogrid_gid", PLACE),
    ("country", PLACE),
    ("country_id", PLACE),
    ("region", PLACE),
    ("event_clarity", None),
    ("date_prec", DATE),
    ("date_start", DATE),
    ("date_end", DATE),
    ("deaths_a", DEATHS),
    ("deaths_b", DEATHS),
    ("deaths_civilians", DEATHS),
    ("deaths_unknown", DEATHS),
    ("best", DEATHS),
    ("high", DEATHS),
    ("low", DEATHS),
    ("gwnoa", ACTORS),
    ("gwnob", ACTORS),
]
COLUMNS = [column for column, _ in LAYOUT]
COLUMN_GROUPS = {column: groups for column, groups in LAYOUT if groups is not None}
# Columns an unchanged row that lacks them leaves empty rather than derived: the source's own
# words for the place are not ours to write.
ROW_ONLY: frozenset[str] = frozenset({"where_description"})
ALIASES = {"best_est": "best", "low_est": "low", "high_est": "high"}
# The columns that name a row (its version is the file's release): all a row seen before is
# read for.
ID_COLUMNS = ("id",)
REQUIRED = (("id",), ("date_start",), ("type_of_violence",))
_SOURCE_COLUMNS = [column for column, groups in LAYOUT if groups is SOURCES]
_DEATHS = ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown")
# GED ids of our own events: this number plus the event's id (GED's own ids are far below).
OWN_ID_OFFSET = 1_000_000_000

# type_of_violence → a sub-type of "Organised violence", created on the first UCDP import.
TYPE_PARENT = "Organised violence"
VIOLENCE = {1: "State-based conflict", 2: "Non-state conflict", 3: "One-sided violence"}
_VIOLENCE_CODES = {fold(name): code for code, name in VIOLENCE.items()}
PRECISION = {1: "day", 2: "days", 3: "week", 4: "month", 5: "year"}
DATE_PREC = {name: code for code, name in PRECISION.items()}
# where_coordinates ends with a word for the kind of place: "Duma town", "Kuweires Airbase".
PLACE_KINDS = {
    "town": "city",
    "city": "city",
    "village": "village",
    "suburb": "neighbourhood",
    "neighbourhood": "neighbourhood",
    "neighborhood": "neighbourhood",
    "airbase": "site",
    "airport": "site",
    "heliport": "site",
    "base": "site",
    "camp": "site",
    "dam": "site",
    "crossing": "border_area",
    "border": "border_area",
    "mountain": "region",
    "mountains": "region",
    "area": "region",
    "field": "region",
    "fields": "region",
    "farms": "region",
    "river": "water",
    "lake": "water",
}
# One source in source_article: "OFFICE,YYYY-MM-DD,HEADLINE" (quoted, ;-separated).
_SOURCE = re.compile(r"^(?P<office>[^,]*),(?P<date>[^,]*),(?P<headline>.*)$", re.DOTALL)
_SOURCE_BREAK = re.compile(r'"?;"?(?=[^;"]*,\d{4}-\d{2}-\d{2},)')
_POINT = re.compile(r"POINT\s*\(\s*(\S+)\s+(\S+)\s*\)", re.IGNORECASE)


# --- Import ------------------------------------------------------------------------------------


def external_id(row: Cells) -> str:
    return row["id"]


def stamp(row: Cells, release: str) -> str:
    """The row's version stamp: UCDP's rows carry none, so the file's release (19.1)."""
    return release


@lru_cache(maxsize=256)
def stamp_key(text: str) -> tuple[int, ...]:
    """Releases in order: 19.1 < 20.1 < 23.0.10 < 23.1; unknown is oldest."""
    parts = re.findall(r"[0-9]+", text or "")
    return tuple(int(part) for part in parts) if parts else (-1,)


def parse_row(line: int, row: Mapping[str, str], *, release: str = "") -> MappedRow:
    """One GED row in our terms; RowError names the column at fault."""
    row = cells(row)
    get = row.__getitem__
    ident = external_id(row)
    if not ident:
        raise RowError("id: empty; the row has no id to update it by")
    if len(ident) > 64:
        raise RowError(f"id: {ident[:20]!r}… is longer than 64 characters")
    earliest = parse_date(get("date_start"), "date_start")
    latest = parse_date(get("date_end"), "date_end") if get("date_end") else earliest
    if latest < earliest:
        raise RowError(f"date_end: {latest} is before date_start {earliest}")
    date_prec = parse_code(get("date_prec"), "date_prec", range(1, 6))
    warnings = []
    precision = PRECISION.get(date_prec or 1)
    if precision == "day" and latest != earliest:
        precision = "days"
        if date_prec:
            warnings.append(f"date_prec: 1 (a day) for {earliest}..{latest}; kept as a few days")
    violence = parse_code(get("type_of_violence"), "type_of_violence", range(1, 4))
    if violence is None:
        raise RowError("type_of_violence: empty; every event needs a type")
    where_prec = parse_code(get("where_prec"), "where_prec", range(1, 8))
    latitude, longitude = _coordinates(row)
    admin, place = places(row, latitude, longitude, where_prec)
    warnings += unplaced(latitude, admin, place)
    actors = actor_specs(row, violence)
    low = parse_count(get("low"), "low")
    best = parse_count(get("best"), "best")
    high = parse_count(get("high"), "high")
    low, best, high = consistent_estimates(low, best, high, warnings)
    label = VIOLENCE[violence]
    return MappedRow(
        line=line,
        external_id=ident,
        country=get("country"),
        release=release,
        row_date=earliest,
        earliest=earliest,
        latest=latest,
        precision=precision,
        type=TypeSpec(TYPE_PARENT, label, creatable=True),
        admin=admin,
        place=place,
        geo_precision=where_prec,
        actors=actors,
        fatalities_best=best,
        fatalities_low=low,
        fatalities_high=high,
        summary="",
        label=label,
        sources=source_specs(row, earliest),
        warnings=warnings,
    )


def consistent_estimates(
    low: int | None, best: int | None, high: int | None, warnings: list
) -> tuple[int | None, int | None, int | None]:
    """low ≤ best ≤ high, as the database requires: an estimate that contradicts the best one
    (or, without one, the other) is left unknown on the event; the stored row keeps it."""
    reference = best
    if low is not None and reference is not None and low > reference:
        warnings.append(f"low: {low} is above best {reference}; left unknown")
        low = None
    reference = best if best is not None else low
    if high is not None and reference is not None and high < reference:
        warnings.append(
            f"high: {high} is below {'best' if best is not None else 'low'} "
            f"{reference}; left unknown"
        )
        high = None
    return low, best, high


def _coordinates(row: Cells) -> tuple[float | None, float | None]:
    """latitude/longitude, or the POINT of geom_wkt when a file has only that."""
    latitude = parse_coordinate(row["latitude"], "latitude", 90)
    longitude = parse_coordinate(row["longitude"], "longitude", 180)
    if latitude is None and longitude is None and (wkt := row["geom_wkt"]):
        point = _POINT.search(wkt)
        if not point:
            raise RowError(f"geom_wkt: {wkt[:40]!r} is not a POINT (longitude latitude)")
        longitude = parse_coordinate(point.group(1), "geom_wkt longitude", 180)
        latitude = parse_coordinate(point.group(2), "geom_wkt latitude", 90)
    if (latitude is None) != (longitude is None):
        missing = "longitude" if longitude is None else "latitude"
        raise RowError(f"{missing}: empty while the other coordinate is given")
    return latitude, longitude


def places(
    row: Mapping[str, str],
    latitude: float | None,
    longitude: float | None,
    where_prec: int | None,
) -> tuple[list[PlaceSpec], PlaceSpec | None]:
    """country › adm_1 › adm_2 and the place of where_coordinates, with the row's coordinates.

    The names are the row's own. A where_coordinates named exactly as the deepest admin unit
    ("Quneitra Governorate" at where_prec 4) is that unit; any other is a place of its own
    beneath them. Rows repeat places: the specs of each distinct one are made once and shared,
    so they are read, never changed.
    """
    get = cells(row).__getitem__
    return _places(
        get("country"),
        get("adm_1"),
        get("adm_2"),
        get("where_coordinates"),
        latitude,
        longitude,
        where_prec,
    )


@lru_cache(maxsize=16_384)
def _places(
    country: str,
    adm_1: str,
    adm_2: str,
    name: str,
    latitude: float | None,
    longitude: float | None,
    where_prec: int | None,
) -> tuple[list[PlaceSpec], PlaceSpec | None]:
    admin = admin_chain(country, ((adm_1, "governorate", 4), (adm_2, "district", 3)))
    if not name:
        return admin, None
    if (unit := as_deepest_unit(admin, name, latitude, longitude, where_prec)) is not None:
        return unit, None
    kind = PLACE_KINDS.get(fold(name).rsplit(" ", 1)[-1])
    if where_prec == 7:
        kind = "water"
    elif where_prec in (3, 4, 5, 6) or kind is None:
        kind = "region" if where_prec in (3, 4, 5, 6) else "city"
    return admin, PlaceSpec(name, kind, latitude, longitude, where_prec)


def actor_specs(row: Mapping[str, str], violence: int) -> list[ActorSpec]:
    """side_a and side_b; a side naming several groups ("SNA, Sham Legion") is split unless
    the whole name is one actor (that is decided when names are resolved). One-sided violence
    (type 3) has a perpetrator and a target rather than two sides. Rows repeat their sides:
    the spec of each distinct side is made once and shared, so it is read, never changed
    (by side rather than by pair: a file pairs a few hundred sides in many thousand ways)."""
    row = cells(row)
    roles = ("perpetrator", "target") if violence == 3 else ("side_a", "side_b")
    found = []
    for column, role in zip(("side_a", "side_b"), roles, strict=True):
        spec = _side_spec(column, row[column], role)
        if spec is not None:
            found.append(spec)
    return found


@lru_cache(maxsize=16_384)
def _side_spec(column: str, text: str, role: str) -> ActorSpec | None:
    if not text:
        return None
    names = split_list(text, ",")
    parts = tuple(ActorSpec(name, role, side_kind(name)) for name in names if len(names) > 1)
    spec = ActorSpec(text, role, side_kind(text), parts)
    for each in parts or (spec,):
        if problem := validators.name_length_problem(each.name):
            raise RowError(f"{column}: {problem}")
    return spec


def side_kind(name: str) -> str:
    """The kind of an actor first met as a side: governments, civilians, else armed groups."""
    folded = fold(name)
    if folded.startswith("government of"):
        return "government"
    if folded.startswith("civilians"):
        return "civilians"
    return "rebel_group"


def source_specs(row: Mapping[str, str], event_day) -> list[SourceSpec]:
    """One stub article per source: UCDP's own "OFFICE,DATE,HEADLINE" citation as its text,
    the headline as the excerpt, source_original as who the claim is attributed to. A source
    listed twice is cited once (the stored row keeps the list as it was)."""
    row = cells(row)
    get = row.__getitem__
    items = citations(get("source_article"))
    if not items:
        offices = split_list(get("source_office"))
        dates = split_list(get("source_date"))
        headlines = split_list(get("source_headline"))
        if offices and len(offices) == len(dates) == len(headlines):
            items = [f"{o},{d},{h}" for o, d, h in zip(offices, dates, headlines, strict=True)]
        elif get("source_headline") or get("source_office"):
            items = [f"{get('source_office')},{get('source_date')},{get('source_headline')}"]
    attributed = clip(get("source_original"), 300)
    specs, seen = [], set()
    for item in items:
        if item in seen:
            continue
        seen.add(item)
        spec = _shared_source_spec(item, attributed)
        if spec is None or not in_date_window(spec.published):
            spec = source_spec(item, attributed, event_day)
        specs.append(spec)
    return specs


@lru_cache(maxsize=16_384)
def _shared_source_spec(item: str, attributed: str) -> SourceSpec | None:
    """source_spec() of a citation whose date reads, made once for all the events that cite
    it (so it is read, never changed); None when its date does not read. The caller checks
    the date window, which settings may move."""
    match = _SOURCE.match(item)
    day = read_day(match["date"].strip()) if match else None
    if type(day) is not date:
        return None
    return _source_spec(item, match, attributed, day, "")


def source_spec(item: str, attributed: str, event_day: date) -> SourceSpec:
    """The stub of one citation: its own date, or the event's first day when it has none
    that reads within the date window."""
    match = _SOURCE.match(item)
    day_text = match["date"].strip() if match else ""
    try:
        return _source_spec(item, match, attributed, parse_date(day_text, "source_date"), "")
    except RowError:
        note = f"UCDP gives no readable source date ({day_text!r}): the event's first day."
        return _source_spec(item, match, attributed, event_day, note)


def _source_spec(
    item: str, match: re.Match | None, attributed: str, published: date, note: str
) -> SourceSpec:
    office, day_text, title = (
        (match["office"].strip(), match["date"].strip(), match["headline"].strip())
        if match
        else ("", "", item)
    )
    return SourceSpec(
        title=clip(title or item, 300),
        outlet=clip(office or "unknown outlet", 200),
        published=published,
        # UCDP's citation from its trimmed parts, as the export writes it back.
        text=f"{office},{day_text},{title}" if match else item,
        excerpt=title or item,
        attributed_to=attributed,
        date_inferred=note,
    )


def citations(value: str) -> list[str]:
    """source_article's items: '"SOHR,2016-01-02,Clashes…";"HRW,2016-02-08,…"' → two strings."""
    text = value.strip()
    if not text:
        return []
    parts = _SOURCE_BREAK.split(text)
    return [part.strip().strip('"').strip() for part in parts if part.strip().strip('"').strip()]


# --- Export ------------------------------------------------------------------------------------


def current_cells(row: Mapping[str, str]) -> dict[str, str]:
    """A stored row's cells of the GED columns, verbatim."""
    return {column: row[column] for column in COLUMNS if column in row}


def derive(entry: Mapping[str, Any], actors: list[Mapping[str, Any]], where_prec: int | None):
    """Every GED column from our event: what the row says once an editor changed it, or the
    whole row of an event no GED row describes. `actors` carry the kind in this event."""
    when = entry.get("date") or {}
    location = entry.get("location") or None
    levels = admin_levels(location)
    point = coordinates(location)
    nation = geography.country(levels["country"])
    fatalities = entry.get("fatalities") or {}
    side_a, side_b = sides(actors)
    names = crosswalk.TypeNames.of(entry)
    violence = crosswalk.ucdp_violence(names, actors)
    gwnoa, gwnob = (geography.government_of(side) for side in (side_a, side_b))
    precision = when.get("precision") or ""
    return {
        "id": OWN_ID_OFFSET + int(entry["id"]),
        # Our stable id: GED's relid names a row within one release.
        "relid": entry.get("uid"),
        "year": int(when["earliest"][:4]),
        "active_year": None,
        "code_status": None,
        "type_of_violence": violence,
        "conflict_new_id": None,
        "conflict_name": None,
        "dyad_new_id": None,
        "dyad_name": f"{side_a} - {side_b}" if side_a and side_b else None,
        "side_a_new_id": None,
        "side_a": side_a,
        "side_b_new_id": None,
        "side_b": side_b,
        **source_columns(entry.get("sources") or []),
        "where_prec": where_prec,
        "where_coordinates": location.get("name") if location else None,
        "where_description": place_label(location) or None,
        "adm_1": levels["admin1"],
        "adm_2": levels["admin2"],
        "latitude": geography.number_text(point[0]) if point else None,
        "longitude": geography.number_text(point[1]) if point else None,
        "geom_wkt": (
            f"POINT ({geography.number_text(point[1])} {geography.number_text(point[0])})"
            if point
            else None
        ),
        "priogrid_gid": geography.priogrid_gid(*point) if point else None,
        "country": levels["country"],
        "country_id": nation.gleditsch_ward,
        "region": nation.ucdp_region,
        # 1: a clearly identified event; 2: one known only as a summary over a week or more.
        "event_clarity": 1 if precision in ("day", "days") else 2,
        "date_prec": DATE_PREC.get(precision),
        "date_start": when.get("earliest"),
        "date_end": when.get("latest"),
        **deaths(fatalities.get("best"), violence, actors),
        "best": fatalities.get("best"),
        "high": fatalities.get("high"),
        "low": fatalities.get("low"),
        "gwnoa": gwnoa.gleditsch_ward if gwnoa else None,
        "gwnob": gwnob.gleditsch_ward if gwnob else None,
    }


def deaths(best: int | None, violence: int | None, actors) -> dict[str, int | None]:
    """deaths_a/_b/_civilians/_unknown, which GED makes add up to best. We know deaths by
    side only for one-sided violence against civilians (all of them civilians); otherwise the
    whole count is of unknown status, as GED's codebook says of deaths it cannot attribute."""
    if best is None:
        return dict.fromkeys(_DEATHS)
    on_civilians = violence == crosswalk.ONE_SIDED and crosswalk.civilians_targeted(actors)
    return {
        "deaths_a": 0,
        "deaths_b": 0,
        "deaths_civilians": best if on_civilians else 0,
        "deaths_unknown": 0 if on_civilians else best,
    }


def sides(actors: list[Mapping[str, Any]]) -> tuple[str, str]:
    """side_a and side_b, ", "-joined as UCDP writes a side of several groups."""
    by_role: dict[str, list[str]] = {}
    for actor in actors:
        by_role.setdefault(actor.get("role") or "", []).append(actor.get("name") or "")
    has_sides = "side_a" in by_role or "side_b" in by_role
    first, second = ("side_a", "side_b") if has_sides else ("perpetrator", "target")
    return ", ".join(by_role.get(first, [])), ", ".join(by_role.get(second, []))


def source_columns(sources: list[Mapping[str, Any]]) -> dict[str, Any]:
    """source_article and its parts, one item per cited article, ;-joined as UCDP does."""
    if not sources:
        return dict.fromkeys(_SOURCE_COLUMNS)
    offices, days, headlines, items = [], [], [], []
    for source in sources:
        office = source.get("outlet") or ""
        day = str(source.get("published") or "")
        title = _headline(source)
        item = f'"{office},{day},{title}"'
        if item in items:
            continue  # Two excerpts of one article are one source to UCDP.
        offices.append(office)
        days.append(day)
        headlines.append(title)
        items.append(item)
    attributed = dict.fromkeys(s.get("attributed_to") for s in sources if s.get("attributed_to"))
    return {
        "number_of_sources": len(items),
        "source_article": ";".join(items),
        "source_office": ";".join(offices),
        "source_date": ";".join(days),
        "source_headline": ";".join(headlines),
        "source_original": ";".join(attributed),
    }


def _headline(source: Mapping[str, Any]) -> str:
    # A UCDP stub's title is its headline, shortened to 300 characters when longer; the
    # excerpt holds the whole headline.
    title, excerpt = source.get("title") or "", source.get("excerpt") or ""
    if title == excerpt or (title.endswith("…") and excerpt.startswith(title[:-1].rstrip())):
        return excerpt
    return title
