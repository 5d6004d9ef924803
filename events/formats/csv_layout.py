"""CSV: ACLED's columns filled as faithfully as the data allows, then our own (the codebook)."""

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

import orjson

from events.formats.entry_fields import (
    Entry,
    _day,
    _instant,
    _location,
    _section,
    admin_levels,
    batched,
    coordinates,
    credit,
    outlets,
    type_names,
)
from events.params import ParamError, parse_field_list

# --- CSV --------------------------------------------------------------------------------------


# (column, description) in output order: the API docs show this list as the CSV codebook.
CSV_COLUMNS: list[tuple[str, str]] = [
    # ACLED's columns (DOMAIN §9), filled as faithfully as our data allows.
    ("event_id_cnty", "Event id in ACLED's slot: 'CT' + our numeric id (uid is the stable id)."),
    (
        "event_date",
        "The day the event is dated by (YYYY-MM-DD): for an event imported from ACLED, the "
        "day ACLED coded (its row's event_date, e.g. mid-month for a month); else the earliest "
        "day it can have happened. The same in the acled layout.",
    ),
    ("year", "Year of event_date."),
    (
        "time_precision",
        "ACLED time precision: 1 the day is known; 2 a few days or a week; 3 a month or wider.",
    ),
    ("event_type", "Top-level event type (ACLED event_type)."),
    ("sub_event_type", "Sub-type (ACLED sub_event_type); empty when the type has no parent."),
    ("actor1", "Side A actors, '; '-joined; the perpetrators when the event names no sides."),
    ("assoc_actor_1", "Actors associated with side A, '; '-joined."),
    ("actor2", "Side B actors, '; '-joined; the targets when the event names no sides."),
    ("assoc_actor_2", "Actors associated with side B, '; '-joined."),
    ("country", "Country, from the place or its ancestors."),
    ("admin1", "Governorate / province (admin 1), from the place or its ancestors."),
    ("admin2", "District (admin 2), from the place or its ancestors."),
    ("admin3", "Sub-district (admin 3), from the place or its ancestors."),
    ("location", "Name of the event's place; empty when it has none."),
    ("latitude", "WGS84 latitude of the place's centroid; empty when unknown."),
    ("longitude", "WGS84 longitude of the place's centroid; empty when unknown."),
    (
        "geo_precision",
        "ACLED geo precision: 1 the town; 2 near a town; 3 a district or a wider area "
        "(where_prec 1, 2, 3-7).",
    ),
    ("source", "Outlets that report the event, '; '-joined, in citation order."),
    ("notes", "Summary of the event."),
    ("fatalities", "Best estimate of deaths; empty when unknown (unknown is not zero)."),
    ("timestamp", "When the record last changed, in Unix seconds."),
    # Ours: what ACLED's single date, actor slots and source string cannot hold.
    ("uid", "Stable identifier (UUID) of the event, the same on every copy of the database."),
    ("headline", "One-line headline."),
    ("date_earliest", "The earliest day the event can have happened (YYYY-MM-DD)."),
    ("date_latest", "The latest day the event can have happened (YYYY-MM-DD)."),
    ("date_precision", "How exactly the date is known: day, days, week, month or year."),
    ("date_approximate", "true when the source hedges the date ('about', 'some 10 days ago')."),
    ("date_display", "The date as a reader should see it, e.g. 'early August 2016'."),
    ("fatalities_low", "Low estimate of deaths; empty when unknown."),
    ("fatalities_high", "High estimate of deaths; empty when unknown."),
    ("type_slug", "Identifier of the event type."),
    ("location_slug", "Identifier of the place; empty when the event has no place."),
    ("location_kind", "Kind of place (city, village, governorate, border_area, ...)."),
    ("where_prec", "Geo precision on UCDP's scale: 1 exact … 4 governorate … 6 country."),
    (
        "actors",
        "Every actor with its role, '; '-joined as 'role: name' (side_a, side_b, "
        "associated_a, associated_b, perpetrator, target, participant, mediator, ...).",
    ),
    ("source_excerpts", "Verbatim excerpts that report the event, one per line: [1] …, [2] …"),
    (
        "source_attributions",
        "For each numbered excerpt: who the claim is attributed to, the outlet "
        "(and original agency) and the publication date.",
    ),
    ("sources_json", "The same claims as a JSON array of source objects (exact, for machines)."),
    ("updated", "When the record last changed (ISO 8601)."),
    ("url", "API address of the event; empty when the export had no request to build it from."),
]
CSV_COLUMN_NAMES = [name for name, _ in CSV_COLUMNS]
# The column that names the event: in every sparse fieldset (fields=).
ID_COLUMN = "event_id_cnty"

# Our precision → ACLED time_precision.
TIME_PRECISION = {"day": 1, "days": 2, "week": 2, "month": 3, "year": 3}
# Our where_prec (UCDP's scale) → ACLED geo_precision; 3 and wider → 3.
GEO_PRECISION = {1: 1, 2: 2}

# Each column as the database writes it (events/formats/csv_sql.py), beside csv_row's: the
# cell's CSV text from an SQL expression over the event (e), its type (t), the type's parent
# (tp) and its place (p), given the dialect d (csv_sql.Dialect). NULL where SQL cannot write
# the cell as csv_row does: that row is then written by csv_row. One expression may write
# several columns (None for the ones it covers); PLACE, DISPLAY and URL cells are filled in
# Python, once per place, per date or per stream. tests/api/test_csv_sql.py holds the two
# paths to byte-identical output.
PLACE, DISPLAY, URL, REST = "place", "display", "url", "rest"


@dataclass(frozen=True)
class Parts:
    """An expression over an event's links or sources that writes its column (and those after
    it marked None) and, in the same text, the next REST column (and those after it).

    sql gives the dialect's csv_sql.Two (both texts from one subquery). stored: the columns of
    events_exportpieces that keep the two texts per event, rewritten by triggers when the links
    or sources change (events/export_pieces.py): the export reads them there rather than
    aggregating at every export."""

    sql: Callable[[Any], Any]
    stored: tuple[str, str]


CsvCell = Callable[[Any], str] | Parts | str | None
CSV_SQL: dict[str, CsvCell] = {
    "event_id_cnty": lambda d: f"'CT' || {d.text('id')}",
    # An ACLED row's own day (formats' steps) is the Python path's: NULL sends the row there.
    "event_date": lambda d: (
        f"CASE WHEN {d.acled_record()} THEN NULL ELSE {d.text('date_earliest')} END"
    ),
    "year": lambda d: d.year("date_earliest"),
    "time_precision": lambda d: d.case(d.column("date_precision"), TIME_PRECISION),
    "event_type": lambda d: d.q("CASE WHEN tp.name <> '' THEN tp.name ELSE t.name END"),
    "sub_event_type": lambda d: f"CASE WHEN tp.name <> '' THEN {d.q('t.name')} ELSE '' END",
    "actor1": Parts(lambda d: d.actors(), stored=("actor_columns", "actors")),
    "assoc_actor_1": None,
    "actor2": None,
    "assoc_actor_2": None,
    **dict.fromkeys(
        ("country", "admin1", "admin2", "admin3", "location", "latitude", "longitude"), PLACE
    ),
    "geo_precision": PLACE,
    "source": Parts(lambda d: d.sources(), stored=("source", "source_claims")),
    "notes": lambda d: d.q(d.column("summary")),
    "fatalities": lambda d: d.number("fatalities_best"),
    "timestamp": lambda d: d.epoch("updated"),
    "uid": lambda d: d.uid("uid"),
    "headline": lambda d: d.q(d.column("headline")),
    "date_earliest": lambda d: d.text("date_earliest"),
    "date_latest": lambda d: d.text("date_latest"),
    "date_precision": lambda d: d.q(d.column("date_precision")),
    "date_approximate": lambda d: (
        f"CASE WHEN {d.column('date_approximate')} THEN 'true' ELSE 'false' END"
    ),
    "date_display": DISPLAY,
    "fatalities_low": lambda d: d.number("fatalities_low"),
    "fatalities_high": lambda d: d.number("fatalities_high"),
    "type_slug": lambda d: d.q(d.column("type__slug")),
    "location_slug": PLACE,
    "location_kind": PLACE,
    "where_prec": PLACE,
    "actors": REST,
    "source_excerpts": REST,
    "source_attributions": None,
    "sources_json": None,
    "updated": lambda d: d.moment("updated"),
    "url": URL,
}
if list(CSV_SQL) != CSV_COLUMN_NAMES:
    raise ImportError("CSV_SQL must name every column of CSV_COLUMNS, in order")


def csv_stream(
    entries: Iterable[Entry], *, title: str = "Chronology", columns: Sequence[str] | None = None
) -> Iterator[bytes]:
    """CSV: one row per event, ACLED's column names first, then our bounds, precision, claims.

    One header row (CSV_COLUMNS), RFC 4180 quoting by the csv module (quotes doubled; cells with
    commas, semicolons, quotes or newlines quoted), CRLF row ends, UTF-8 without a byte-order
    mark. Unknown stays empty, never 0. Lists inside a cell are joined with "; " as ACLED does;
    the exact claims are also given as JSON in `sources_json`. `title` is not used. `columns`:
    these columns only (a sparse fieldset, in CSV_COLUMNS order; see csv_columns).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns or CSV_COLUMN_NAMES)
    yield _drain(buffer)
    # Places recur across a long export: their columns are worked out once per stream.
    places: dict = {}
    pick = itemgetter(*columns) if columns else None
    for batch in batched(entries):
        # csv_row's keys are in column order; the csv module writes None as an empty cell.
        rows = (csv_row(entry, places=places) for entry in batch)
        if pick is None:
            writer.writerows(row.values() for row in rows)
        elif len(columns) == 1:
            writer.writerows([pick(row)] for row in rows)
        else:
            writer.writerows(pick(row) for row in rows)
        yield _drain(buffer)


def csv_columns(params: Mapping[str, Any]) -> dict:
    """The CSV stream's options from a request's fields= (a sparse fieldset of CSV_COLUMNS,
    ID_COLUMN always among them); ValueError "fields: ..." for an unknown column."""
    raw = params.get("fields") or ""
    if not raw.strip():
        return {}
    try:
        return {"columns": parse_field_list(raw, valid=CSV_COLUMN_NAMES, always=ID_COLUMN)}
    except ParamError as exc:
        raise ValueError(f"fields: {exc}") from None


def _place_columns(location: Mapping[str, Any]) -> dict[str, Any]:
    point = coordinates(location)
    where_prec = location.get("geo_precision")
    return {
        **admin_levels(location),
        "location": location.get("name"),
        "latitude": point[0] if point else None,
        "longitude": point[1] if point else None,
        "geo_precision": GEO_PRECISION.get(where_prec, 3) if where_prec else None,
    }


def csv_row(entry: Entry, *, places: dict | None = None) -> dict[str, Any]:
    """One entry as {column: value} in CSV_COLUMNS order; None for unknown.

    places, when given, keeps the place columns by place id for the next rows of a stream.
    """
    when = _section(entry, "date")
    day = entry.get("event_date") or when.get("earliest")
    dated = _day(day)
    location = _location(entry) or {}
    fatalities = _section(entry, "fatalities")
    event_type, sub_event_type = type_names(entry)
    actors = entry.get("actors") or []
    sources = entry.get("sources") or []
    updated = _instant(entry.get("updated"))
    where_prec = location.get("geo_precision")
    place_id = location.get("id")
    if places is None or place_id is None:
        place = _place_columns(location)
    elif (place := places.get(place_id)) is None:
        place = places[place_id] = _place_columns(location)
    return {
        "event_id_cnty": f"CT{entry['id']}" if entry.get("id") is not None else None,
        "event_date": day,
        "year": dated.year if dated else None,
        "time_precision": TIME_PRECISION.get(when.get("precision") or ""),
        "event_type": event_type,
        "sub_event_type": sub_event_type,
        **actor_slots(actors),
        **place,
        "source": "; ".join(outlets(sources)),
        "notes": entry.get("summary"),
        "fatalities": fatalities.get("best"),
        "timestamp": int(updated.timestamp()) if updated else None,
        "uid": entry.get("uid"),
        "headline": entry.get("headline"),
        "date_earliest": when.get("earliest"),
        "date_latest": when.get("latest"),
        "date_precision": when.get("precision"),
        "date_approximate": _flag(when.get("approximate")),
        "date_display": when.get("display"),
        "fatalities_low": fatalities.get("low"),
        "fatalities_high": fatalities.get("high"),
        "type_slug": _section(entry, "type").get("slug"),
        "location_slug": location.get("slug"),
        "location_kind": location.get("kind"),
        "where_prec": where_prec,
        "actors": "; ".join(f"{actor.get('role')}: {actor.get('name')}" for actor in actors),
        "source_excerpts": _numbered(source.get("excerpt") or "" for source in sources),
        "source_attributions": _numbered(credit(source) for source in sources),
        "sources_json": orjson.dumps(sources, default=str).decode() if sources else None,
        "updated": entry.get("updated"),
        "url": entry.get("url"),
    }


def actor_slots(actors: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """ACLED's four actor columns from our roles.

    side_a → actor1, side_b → actor2, associated_a/b → assoc_actor_1/2. An event that names no
    sides (an air strike with a perpetrator and a target) fills actor1/actor2 from perpetrator
    and target instead. Every other role appears only in the `actors` column.
    """
    by_role: dict[str, list[str]] = {}
    for actor in actors:
        by_role.setdefault(actor.get("role") or "", []).append(actor.get("name") or "")
    has_sides = "side_a" in by_role or "side_b" in by_role
    first, second = ("side_a", "side_b") if has_sides else ("perpetrator", "target")
    return {
        "actor1": "; ".join(by_role.get(first, [])),
        "assoc_actor_1": "; ".join(by_role.get("associated_a", [])),
        "actor2": "; ".join(by_role.get(second, [])),
        "assoc_actor_2": "; ".join(by_role.get("associated_b", [])),
    }


def _numbered(texts: Iterable[str]) -> str:
    # One item per line: line breaks inside an item become spaces (sources_json keeps them).
    return "\n".join(
        f"[{number}] {' '.join(text.splitlines())}" for number, text in enumerate(texts, start=1)
    )


def _flag(value: Any) -> str | None:
    return None if value is None else ("true" if value else "false")


def _drain(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return data
