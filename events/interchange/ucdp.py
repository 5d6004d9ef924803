"""The UCDP GED CSV layout, both ways: a row to a MappedRow, and a timeline entry to a row."""

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from events.formats import admin_levels, coordinates
from events.interchange.acled import geo_precision
from events.interchange.mapping import (
    ActorSpec,
    MappedRow,
    PlaceSpec,
    RowError,
    SourceSpec,
    TypeSpec,
    clip,
    fold,
    parse_code,
    parse_coordinate,
    parse_count,
    parse_date,
    unplaced,
)
from events.interchange.reading import cells, split_list

DATASET = "ucdp"
LABEL = "UCDP GED"

# The GED columns (DOMAIN §9, plus code_status, gwnoa and gwnob of the global file).
COLUMNS = [
    "id",
    "relid",
    "year",
    "active_year",
    "code_status",
    "type_of_violence",
    "conflict_new_id",
    "conflict_name",
    "dyad_new_id",
    "dyad_name",
    "side_a_new_id",
    "side_a",
    "side_b_new_id",
    "side_b",
    "number_of_sources",
    "source_article",
    "source_office",
    "source_date",
    "source_headline",
    "source_original",
    "where_prec",
    "where_coordinates",
    "where_description",
    "adm_1",
    "adm_2",
    "latitude",
    "longitude",
    "geom_wkt",
    "priogrid_gid",
    "country",
    "country_id",
    "region",
    "event_clarity",
    "date_prec",
    "date_start",
    "date_end",
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
    "best",
    "high",
    "low",
    "gwnoa",
    "gwnob",
]
ALIASES = {"best_est": "best", "low_est": "low", "high_est": "high"}
REQUIRED = (("id",), ("date_start",), ("type_of_violence",))
CONSUMED = {
    "id",
    "year",
    "type_of_violence",
    "side_a",
    "side_b",
    "number_of_sources",
    "source_article",
    "source_office",
    "source_date",
    "source_headline",
    "source_original",
    "where_prec",
    "where_coordinates",
    "adm_1",
    "adm_2",
    "latitude",
    "longitude",
    "geom_wkt",
    "country",
    "date_prec",
    "date_start",
    "date_end",
    "best",
    "high",
    "low",
}

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


def parse_row(line: int, row: dict[str, str], *, release: str = "") -> MappedRow:
    """One GED row in our terms; RowError names the column at fault."""
    row = cells(row)
    get = row.__getitem__
    external_id = get("id")
    if not external_id:
        raise RowError("id: empty; the row has no id to update it by")
    if len(external_id) > 64:
        raise RowError(f"id: {external_id[:20]!r}… is longer than 64 characters")
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
    kept: dict[str, str] = {}
    low, best, high = consistent_estimates(low, best, high, kept, warnings)
    label = VIOLENCE[violence]
    return MappedRow(
        line=line,
        external_id=external_id,
        country=get("country"),
        release=release,
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
        extra={
            **{name: value for name, value in row.items() if value and name not in CONSUMED},
            **kept,
        },
        warnings=warnings,
    )


def consistent_estimates(
    low: int | None, best: int | None, high: int | None, kept: dict[str, str], warnings: list
) -> tuple[int | None, int | None, int | None]:
    """low ≤ best ≤ high, as the database requires: an estimate that contradicts the best one
    (or, without one, the other) is left unknown, and the file's value kept for the export."""
    reference = best
    if low is not None and reference is not None and low > reference:
        warnings.append(f"low: {low} is above best {reference}; left unknown")
        kept["low"], low = str(low), None
    reference = best if best is not None else low
    if high is not None and reference is not None and high < reference:
        warnings.append(
            f"high: {high} is below {'best' if best is not None else 'low'} "
            f"{reference}; left unknown"
        )
        kept["high"], high = str(high), None
    return low, best, high


def _coordinates(row: dict[str, str]) -> tuple[float | None, float | None]:
    """latitude/longitude, or the POINT of geom_wkt when a file has only that."""
    latitude = parse_coordinate(row.get("latitude", ""), "latitude", 90)
    longitude = parse_coordinate(row.get("longitude", ""), "longitude", 180)
    if latitude is None and longitude is None and (wkt := (row.get("geom_wkt") or "").strip()):
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
    row: dict[str, str], latitude: float | None, longitude: float | None, where_prec: int | None
) -> tuple[list[PlaceSpec], PlaceSpec | None]:
    """country › adm_1 › adm_2 and the place of where_coordinates.

    where_prec 6, 4 and 3 code the event to the country, the province (adm_1) or the
    district (adm_2): then that unit is the event's place and takes the coordinates.
    """
    row = cells(row)
    get = row.__getitem__
    admin = []
    if get("country"):
        admin.append(PlaceSpec(get("country"), "country", geo_precision=6))
    if get("adm_1"):
        admin.append(PlaceSpec(get("adm_1"), "governorate", geo_precision=4))
    if get("adm_2"):
        admin.append(PlaceSpec(get("adm_2"), "district", geo_precision=3))
    level = {6: "country", 4: "governorate", 3: "district"}.get(where_prec or 0)
    for position, unit in enumerate(admin):
        if unit.kind == level:
            located = PlaceSpec(unit.name, unit.kind, latitude, longitude, unit.geo_precision)
            return [*admin[:position], located], None
    name = get("where_coordinates")
    if not name:
        # No place name: the event sits in its deepest unit, which keeps its own coordinates.
        return admin, None
    kind = PLACE_KINDS.get(fold(name).rsplit(" ", 1)[-1])
    if where_prec == 7:
        kind = "water"
    elif where_prec == 5 or kind is None:
        kind = "region" if where_prec == 5 else "city"
    precision = 1 if where_prec in (1, 2) else where_prec
    return admin, PlaceSpec(name, kind, latitude, longitude, precision)


def actor_specs(row: dict[str, str], violence: int) -> list[ActorSpec]:
    """side_a and side_b; a side naming several groups ("SNA, Sham Legion") is split unless
    the whole name is one actor (that is decided when names are resolved). One-sided violence
    (type 3) has a perpetrator and a target rather than two sides."""
    roles = ("perpetrator", "target") if violence == 3 else ("side_a", "side_b")
    found = []
    for column, role in zip(("side_a", "side_b"), roles, strict=True):
        text = (row.get(column) or "").strip()
        if not text:
            continue
        names = split_list(text, ",")
        parts = tuple(ActorSpec(name, role, side_kind(name)) for name in names if len(names) > 1)
        found.append(ActorSpec(text, role, side_kind(text), parts))
        for spec in parts or found[-1:]:
            if len(spec.name) > 200:
                raise RowError(f"{column}: {spec.name[:40]!r}… is longer than 200 characters")
    return found


def side_kind(name: str) -> str:
    """The kind of an actor first met as a side: governments, civilians, else armed groups."""
    folded = fold(name)
    if folded.startswith("government of"):
        return "government"
    if folded.startswith("civilians"):
        return "civilians"
    return "rebel_group"


def source_specs(row: dict[str, str], event_day: date) -> list[SourceSpec]:
    """One stub article per source: UCDP's own "OFFICE,DATE,HEADLINE" citation as its text,
    the headline as the excerpt, source_original as who the claim is attributed to."""
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
        match = _SOURCE.match(item)
        office, day_text, title = (
            (match["office"].strip(), match["date"].strip(), match["headline"].strip())
            if match
            else ("", "", item)
        )
        note = ""
        try:
            published = parse_date(day_text, "source_date")
        except RowError:
            published = event_day
            note = f"UCDP gives no readable source date ({day_text!r}): the event's first day."
        specs.append(
            SourceSpec(
                title=clip(title or item, 300),
                outlet=clip(office or "unknown outlet", 200),
                published=published,
                # UCDP's citation from its trimmed parts, as the export writes it back.
                text=f"{office},{day_text},{title}" if match else item,
                excerpt=title or item,
                attributed_to=attributed,
                date_inferred=note,
            )
        )
    return specs


def citations(value: str) -> list[str]:
    """source_article's items: '"SOHR,2016-01-02,Clashes…";"HRW,2016-02-08,…"' → two strings."""
    text = value.strip()
    if not text:
        return []
    parts = _SOURCE_BREAK.split(text)
    return [part.strip().strip('"').strip() for part in parts if part.strip().strip('"').strip()]


# --- Export ------------------------------------------------------------------------------------


def export_row(entry: Mapping[str, Any], record: Mapping[str, Any] | None) -> dict[str, Any]:
    """One entry in the GED's columns. Sides come from the actors (side A and B, else
    perpetrator and target, as the CSV's actor slots), sources from the cited articles, the
    columns we do not model (conflict and dyad ids, deaths by side, …) from the import."""
    extra = (record or {}).get("extra") or {}
    when = entry.get("date") or {}
    earliest = date.fromisoformat(when["earliest"])
    location = entry.get("location") or None
    levels = admin_levels(location)
    point = coordinates(location)
    fatalities = entry.get("fatalities") or {}
    sources = entry.get("sources") or []
    side_a, side_b = sides(entry.get("actors") or [])
    where_prec = geo_precision(entry, record)
    values = {
        **{column: extra.get(column) for column in COLUMNS},
        "id": f"CT{entry.get('id')}",
        "year": earliest.year,
        "type_of_violence": violence_code(entry),
        "side_a": side_a,
        "side_b": side_b,
        **source_columns(sources),
        "where_prec": where_prec,
        "where_coordinates": location.get("name") if location else None,
        "adm_1": levels["admin1"],
        "adm_2": levels["admin2"],
        "latitude": point[0] if point else None,
        "longitude": point[1] if point else None,
        "geom_wkt": f"POINT ({point[1]!r} {point[0]!r})" if point else None,
        "country": levels["country"],
        "date_prec": DATE_PREC.get(when.get("precision") or ""),
        "date_start": when.get("earliest"),
        "date_end": when.get("latest"),
        "best": fatalities.get("best"),
        # An estimate the import left unknown because it contradicted best: the file's value.
        "low": _estimate(fatalities.get("low"), extra.get("low")),
        "high": _estimate(fatalities.get("high"), extra.get("high")),
    }
    if record and record.get("dataset") == DATASET:
        values["id"] = record["external_id"]
    return {column: values.get(column) for column in COLUMNS}


def _estimate(value: int | None, kept: str | None) -> int | str | None:
    return value if value is not None else kept


def sides(actors: list[Mapping[str, Any]]) -> tuple[str, str]:
    """side_a and side_b, ", "-joined as UCDP writes a side of several groups."""
    by_role: dict[str, list[str]] = {}
    for actor in actors:
        by_role.setdefault(actor.get("role") or "", []).append(actor.get("name") or "")
    has_sides = "side_a" in by_role or "side_b" in by_role
    first, second = ("side_a", "side_b") if has_sides else ("perpetrator", "target")
    return ", ".join(by_role.get(first, [])), ", ".join(by_role.get(second, []))


def violence_code(entry: Mapping[str, Any]) -> int | None:
    """type_of_violence from the type: ours by name; ACLED's violence against civilians is
    one-sided (3); its battles and explosions state-based (1) when a government or state force
    takes part, else non-state (2); anything else has none."""
    event_type = entry.get("type") or {}
    parent = event_type.get("parent") or {}
    names = {fold(event_type.get("name") or ""), fold(parent.get("name") or "")}
    for name in names:
        if name in _VIOLENCE_CODES:
            return _VIOLENCE_CODES[name]
    if fold("Violence against civilians") in names:
        return 3
    if names & {fold("Battles"), fold("Explosions/Remote violence")}:
        kinds = {actor.get("kind") for actor in entry.get("actors") or []}
        return 1 if kinds & {"government", "state_forces"} else 2
    return None


def source_columns(sources: list[Mapping[str, Any]]) -> dict[str, Any]:
    """source_article and its parts, one item per cited article, ;-joined as UCDP does."""
    if not sources:
        return {}
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
