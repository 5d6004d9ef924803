"""Export formats of the chronology — CSV, GeoJSON, TimelineJS, iCalendar — as lazy byte streams."""

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from html import escape
from itertools import islice
from typing import Any

import orjson

__all__ = ["CHUNK_ROWS", "CSV_COLUMNS", "CSV_COLUMN_NAMES", "FORMATS", "Format"]

# A timeline entry: the plain, JSON-ready dict the chronology yields (see the API docs).
Entry = Mapping[str, Any]

# Entries per chunk a stream yields: a million rows are a few thousand writes, and the first
# bytes leave after a few hundred entries have been read.
CHUNK_ROWS = 250


# --- Shared helpers ---------------------------------------------------------------------------

# Location kinds that fill the ACLED admin columns.
ADMIN_KINDS = {
    "country": "country",
    "governorate": "admin1",
    "district": "admin2",
    "subdistrict": "admin3",
}


def batched(entries: Iterable[Entry], size: int = CHUNK_ROWS) -> Iterator[list[Entry]]:
    """Lists of at most `size` entries, pulled from the iterable only as each list is needed."""
    iterator = iter(entries)
    while batch := list(islice(iterator, size)):
        yield batch


def _section(entry: Entry, key: str) -> Mapping[str, Any]:
    """A nested dict of the entry ("date", "type", "fatalities", …), or {} when absent or null."""
    value = entry.get(key)
    return value if isinstance(value, Mapping) else {}


def _location(entry: Entry) -> Mapping[str, Any] | None:
    value = entry.get("location")
    return value if isinstance(value, Mapping) and value else None


def _day(value: Any) -> date | None:
    """A "YYYY-MM-DD" string (or a date) as a date; None when missing or unreadable."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _instant(value: Any) -> datetime | None:
    """An ISO 8601 datetime as an aware UTC datetime (a naive one is taken as UTC)."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def type_names(entry: Entry) -> tuple[str, str]:
    """(top-level type, sub-type or ""): ACLED's event_type and sub_event_type."""
    event_type = _section(entry, "type")
    parent = event_type.get("parent")
    name = event_type.get("name") or ""
    if isinstance(parent, Mapping) and parent.get("name"):
        return parent["name"], name
    return name, ""


def admin_levels(location: Mapping[str, Any] | None) -> dict[str, str]:
    """{"country", "admin1", "admin2", "admin3"}: names from the place and its ancestors."""
    levels = dict.fromkeys(ADMIN_KINDS.values(), "")
    if not location:
        return levels
    for place in [*(location.get("ancestors") or []), location]:
        column = ADMIN_KINDS.get(place.get("kind") or "")
        if column and not levels[column]:
            levels[column] = place.get("name") or ""
    return levels


def place_label(location: Mapping[str, Any] | None) -> str:
    """ "Aleppo, Aleppo Governorate, Syria": the place, its governorate and its country."""
    if not location:
        return ""
    levels = admin_levels(location)
    parts = [location.get("name") or ""]
    for name in (levels["admin1"], levels["country"]):
        if name and name not in parts:
            parts.append(name)
    return ", ".join(part for part in parts if part)


def coordinates(location: Mapping[str, Any] | None) -> tuple[float, float] | None:
    """(latitude, longitude) when the place has both, else None."""
    if not location:
        return None
    latitude, longitude = location.get("latitude"), location.get("longitude")
    if latitude is None or longitude is None:
        return None
    return float(latitude), float(longitude)


def outlets(sources: Iterable[Mapping[str, Any]]) -> list[str]:
    """Distinct outlet names in citation order."""
    seen: dict[str, None] = {}
    for source in sources:
        if source.get("outlet"):
            seen.setdefault(source["outlet"], None)
    return list(seen)


def credit(source: Mapping[str, Any]) -> str:
    """Who says so, and where: "a commander …, in Khazen (via Reuters), 2017-08-31"."""
    where = source.get("outlet") or ""
    agency = source.get("original_agency") or ""
    if agency and agency != where:
        where = f"{where} (via {agency})" if where else agency
    if source.get("published"):
        where = f"{where}, {source['published']}" if where else str(source["published"])
    attributed = source.get("attributed_to") or ""
    if attributed and where:
        return f"{attributed}, in {where}"
    return attributed or where


def citation(source: Mapping[str, Any]) -> str:
    """One source as plain text: “excerpt” — credit."""
    excerpt = source.get("excerpt") or ""
    who = credit(source)
    if excerpt and who:
        return f"“{excerpt}” — {who}"
    return f"“{excerpt}”" if excerpt else who


def _json_list(opening: bytes, items: Iterator[bytes], closing: bytes) -> Iterator[bytes]:
    """A streamed JSON document: the opening, items separated by commas in chunks, the closing."""
    yield opening
    separator = b"\n"
    for batch in batched(items):
        chunk = []
        for item in batch:
            chunk.append(separator + item)
            separator = b",\n"
        yield b"".join(chunk)
    yield closing


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

# Our precision → ACLED time_precision.
TIME_PRECISION = {"day": 1, "days": 2, "week": 2, "month": 3, "year": 3}
# Our where_prec (UCDP's scale) → ACLED geo_precision; 3 and wider → 3.
GEO_PRECISION = {1: 1, 2: 2}


def csv_stream(entries: Iterable[Entry], *, title: str = "Chronology") -> Iterator[bytes]:
    """CSV: one row per event, ACLED's column names first, then our bounds, precision, claims.

    One header row (CSV_COLUMNS), RFC 4180 quoting by the csv module (quotes doubled; cells with
    commas, semicolons, quotes or newlines quoted), CRLF row ends, UTF-8 without a byte-order
    mark. Unknown stays empty, never 0. Lists inside a cell are joined with "; " as ACLED does;
    the exact claims are also given as JSON in `sources_json`. `title` is not used.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMN_NAMES)
    yield _drain(buffer)
    # Places recur across a long export: their columns are worked out once per stream.
    places: dict = {}
    for batch in batched(entries):
        # csv_row's keys are in column order; the csv module writes None as an empty cell.
        writer.writerows(csv_row(entry, places=places).values() for entry in batch)
        yield _drain(buffer)


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


# --- GeoJSON ----------------------------------------------------------------------------------


def geojson_stream(entries: Iterable[Entry], *, title: str = "Chronology") -> Iterator[bytes]:
    """GeoJSON: an RFC 7946 FeatureCollection, one Feature per event, [longitude, latitude].

    An event without coordinates (no place, or a place without a centroid, such as a ceasefire
    talk) is kept as a Feature with `"geometry": null`, which RFC 7946 §3.2 allows: the
    collection holds exactly the events the same filters give in every other format, and map
    clients (Leaflet, OpenLayers, QGIS) skip such features. The Point is the place's centroid;
    `properties.location.geo_precision` says how far to trust it. `properties` is the timeline
    entry minus the location's latitude and longitude; the Feature `id` is the uid. The title is
    a foreign member "title" of the collection.
    """
    opening = b'{"type":"FeatureCollection","title":' + orjson.dumps(title) + b',"features":['
    features = (orjson.dumps(geojson_feature(entry), default=str) for entry in entries)
    return _json_list(opening, features, b"\n]}\n")


def geojson_feature(entry: Entry) -> dict[str, Any]:
    """One entry as a Feature: a Point at the place's centroid, or a null geometry."""
    location = _location(entry)
    point = coordinates(location)
    properties = dict(entry)
    if location:
        properties["location"] = {
            key: value for key, value in location.items() if key not in ("latitude", "longitude")
        }
    return {
        "type": "Feature",
        "id": entry.get("uid") or entry.get("id"),
        "geometry": {"type": "Point", "coordinates": [point[1], point[0]]} if point else None,
        "properties": properties,
    }


# --- TimelineJS -------------------------------------------------------------------------------


def timelinejs_stream(entries: Iterable[Entry], *, title: str = "Chronology") -> Iterator[bytes]:
    """TimelineJS: Knight Lab's timeline JSON, {"title": slide, "events": [slide, ...]}.

    `start_date` is the earliest possible day and `end_date` the latest (when it differs),
    each as year, month and day whatever the precision: TimelineJS reads a missing day or
    month as the 1st, so "Feb–3 Sep 2016" written as {2016} would be drawn as a point on
    1 January, and "28 Aug–4 Sep 2016" as {2016, 8}–{2016, 9} from 1 August, before the
    event can have happened and out of order. With both bounds, every event is drawn across
    the days it may have happened on, sorted as the chronology is. `display_date` is our
    display text ("early August 2016", "c. 25 Aug 2016"), which TimelineJS shows instead of
    the days, so no day is claimed. All text is HTML-escaped; the slide
    text is the summary, the place and each cited excerpt with its attribution, outlet and date.
    `group` is the top-level event type, `unique_id` the uid (else "event-<id>"); no `media`.
    The title slide carries the export title and no date.
    """
    title_slide = {"text": {"headline": escape(title), "text": ""}}
    opening = b'{"title":' + orjson.dumps(title_slide) + b',"events":['
    slides = (orjson.dumps(timelinejs_slide(entry), default=str) for entry in entries)
    return _json_list(opening, slides, b"\n]}\n")


def timelinejs_slide(entry: Entry) -> dict[str, Any]:
    """One entry as a TimelineJS slide."""
    when = _section(entry, "date")
    start = _date_object(_day(when.get("earliest")))
    end = _date_object(_day(when.get("latest")))
    group, _ = type_names(entry)
    slide: dict[str, Any] = {"start_date": start}
    if end and end != start:
        slide["end_date"] = end
    if when.get("display"):
        slide["display_date"] = escape(when["display"])
    slide["text"] = {"headline": escape(entry.get("headline") or ""), "text": _slide_html(entry)}
    if group:
        slide["group"] = escape(group)
    slide["unique_id"] = str(entry.get("uid") or f"event-{entry.get('id')}")
    return slide


def _date_object(day: date | None) -> dict[str, int]:
    return {"year": day.year, "month": day.month, "day": day.day} if day else {}


def _slide_html(entry: Entry) -> str:
    """The slide body: HTML around escaped text — summary, place, cited excerpts."""
    paragraphs = []
    if entry.get("summary"):
        paragraphs.append(f"<p>{escape(entry['summary'])}</p>")
    place = place_label(_location(entry))
    if place:
        paragraphs.append(f"<p>Place: {escape(place)}</p>")
    for source in entry.get("sources") or []:
        who = escape(credit(source))
        cite = f"<cite>— {who}</cite>" if who else ""
        url = str(source.get("url") or "")
        # Only web addresses become links: a "javascript:" URL would run in the reader's page.
        if url.lower().startswith(("http://", "https://")):
            cite = f'<cite>— <a href="{escape(url)}">{who or escape(url)}</a></cite>'
        excerpt = escape(source.get("excerpt") or "")
        paragraphs.append(f"<blockquote><p>“{excerpt}”</p>{cite}</blockquote>")
    return "".join(paragraphs)


# --- iCalendar --------------------------------------------------------------------------------

ICS_UID_DOMAIN = "conflicttracker"
ICS_PRODUCT_ID = "-//Conflict Tracker//Chronology API v1//EN"
ICS_LINE_OCTETS = 75
KNOWN_TO = {
    "day": "known to the day",
    "days": "known to within a few days",
    "week": "known to the week",
    "month": "known to the month",
    "year": "known to the year",
}
# RFC 5545 §3.3.11: TEXT holds no control characters but tab (newlines are escaped as \n).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def ics_stream(
    entries: Iterable[Entry], *, title: str = "Chronology", uid_domain: str = ICS_UID_DOMAIN
) -> Iterator[bytes]:
    """iCalendar (RFC 5545): a VCALENDAR with one all-day VEVENT per event, over its bounds.

    DTSTART is the earliest day and DTEND the day after the latest (a date-only DTEND is
    exclusive), so an uncertain event covers every day it may have happened on; DESCRIPTION
    gives the display date and how exactly it is known. An approximate date appends
    " (approx. date)" to SUMMARY. UID is "<uid>@conflicttracker" (stable across copies of the
    database); DTSTAMP and LAST-MODIFIED are the record's last change (no METHOD, so DTSTAMP
    means that, and an unchanged export is byte-identical); TRANSP:TRANSPARENT keeps
    subscribers from showing as busy. TEXT is escaped (backslash, semicolon, comma, newline),
    lines are folded at 75 octets without splitting a UTF-8 character, every line ends in CRLF.
    A calendar without events holds a VTIMEZONE for UTC (ICS_EMPTY_COMPONENT).
    """
    header = (
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{ICS_PRODUCT_ID}",
        "CALSCALE:GREGORIAN",
        f"NAME:{ics_escape(title)}",
        f"X-WR-CALNAME:{ics_escape(title)}",
    )
    yield b"".join(ics_fold(line) for line in header)
    empty = True
    for batch in batched(entries):
        empty = False
        yield b"".join(ics_fold(line) for entry in batch for line in ics_vevent(entry, uid_domain))
    if empty:
        yield b"".join(ics_fold(line) for line in ICS_EMPTY_COMPONENT)
    yield ics_fold("END:VCALENDAR")


# RFC 5545 §3.4/§3.6: a VCALENDAR holds one component or more. A calendar with no events gets
# the most inert one, a VTIMEZONE for UTC (valid: TZID and one STANDARD with its DTSTART and
# offsets), which calendar clients do not show; a placeholder VEVENT would be a false event,
# and an X- property is not a component.
ICS_EMPTY_COMPONENT = (
    "BEGIN:VTIMEZONE",
    "TZID:UTC",
    "BEGIN:STANDARD",
    "DTSTART:19700101T000000",
    "TZOFFSETFROM:+0000",
    "TZOFFSETTO:+0000",
    "TZNAME:UTC",
    "END:STANDARD",
    "END:VTIMEZONE",
)


def ics_vevent(entry: Entry, uid_domain: str = ICS_UID_DOMAIN) -> list[str]:
    """The unfolded content lines of one event's VEVENT."""
    when = _section(entry, "date")
    earliest = _day(when.get("earliest"))
    latest = _day(when.get("latest")) or earliest
    updated = _instant(entry.get("updated"))
    location = _location(entry)
    uid = entry.get("uid") or f"event-{entry.get('id')}"
    summary = entry.get("headline") or ""
    if when.get("approximate"):
        summary = f"{summary} (approx. date)"
    lines = [
        "BEGIN:VEVENT",
        f"UID:{ics_escape(uid)}@{uid_domain}",
        # DTSTAMP is required; a record without a change time is stamped now.
        f"DTSTAMP:{_ics_utc(updated or datetime.now(UTC))}",
    ]
    if earliest and latest:
        lines.append(f"DTSTART;VALUE=DATE:{_ics_date(earliest)}")
        if latest < date.max:
            lines.append(f"DTEND;VALUE=DATE:{_ics_date(latest + timedelta(days=1))}")
        else:  # No DATE follows 9999-12-31: the same span as a duration (RFC 5545 §3.8.2.5).
            lines.append(f"DURATION:P{(latest - earliest).days + 1}D")
    if updated:
        lines.append(f"LAST-MODIFIED:{_ics_utc(updated)}")
    lines.append(f"SUMMARY:{ics_escape(summary)}")
    lines.append(f"DESCRIPTION:{ics_escape(_ics_description(entry))}")
    if place := place_label(location):
        lines.append(f"LOCATION:{ics_escape(place)}")
    if point := coordinates(location):
        lines.append(f"GEO:{point[0]:.6f};{point[1]:.6f}")
    if categories := [name for name in type_names(entry) if name]:
        lines.append("CATEGORIES:" + ",".join(ics_escape(name) for name in categories))
    if entry.get("url"):
        lines.append("URL:" + _CONTROL.sub("", str(entry["url"])))
    lines += ["TRANSP:TRANSPARENT", "END:VEVENT"]
    return lines


def _ics_description(entry: Entry) -> str:
    """Summary, the honest date, the place and the cited sources, as plain text."""
    when = _section(entry, "date")
    parts = [entry["summary"]] if entry.get("summary") else []
    if when.get("display"):
        known = "approximate" if when.get("approximate") else KNOWN_TO.get(when.get("precision"))
        parts.append(f"Date: {when['display']}" + (f" ({known})" if known else ""))
    if place := place_label(_location(entry)):
        parts.append(f"Place: {place}")
    if sources := entry.get("sources") or []:
        parts.append("Sources:\n" + "\n".join(f"- {citation(source)}" for source in sources))
    return "\n\n".join(parts)


def ics_escape(value: Any) -> str:
    """An RFC 5545 TEXT value: backslash, semicolon, comma and newlines escaped."""
    text = _CONTROL.sub("", str(value).replace("\r\n", "\n").replace("\r", "\n"))
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def ics_fold(line: str) -> bytes:
    """One content line as UTF-8, folded at 75 octets (continuations start with a space), CRLF."""
    raw = line.encode("utf-8")
    pieces = []
    start, width = 0, ICS_LINE_OCTETS
    while len(raw) - start > width:
        end = start + width
        # Step back off UTF-8 continuation bytes (10xxxxxx) so no character is split.
        while raw[end] & 0xC0 == 0x80:
            end -= 1
        pieces.append(raw[start:end])
        start, width = end, ICS_LINE_OCTETS - 1
    pieces.append(raw[start:])
    return b"\r\n ".join(pieces) + b"\r\n"


def _ics_date(day: date) -> str:
    # Not strftime("%Y"): it writes the year 1 as "1", where a DATE needs four digits.
    return day.isoformat().replace("-", "")


def _ics_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


# --- The registry -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Format:
    name: str  # the ?format= value (its media type is its API renderer's: events/api/renderers.py)
    filename_extension: str
    # stream(entries: Iterable[dict], *, title: str) -> Iterator[bytes]; its docstring records
    # the format's choices for the API docs.
    stream: Callable[..., Iterator[bytes]]
    # Steps that add facts to each batch of stored events before the stream writes them, set
    # by the modules that know them (events.interchange gives the CSV an ACLED row's own day);
    # each takes a list of entries and may set keys on them.
    steps: tuple[Callable[[list[Entry]], None], ...] = ()

    def filename(self, stem: str = "chronology") -> str:
        """A safe download name, e.g. "aleppo-2016-09.geojson"."""
        safe = re.sub(r"[^a-z0-9._-]+", "-", stem.lower()).strip("-._") or "chronology"
        return f"{safe[:100]}.{self.filename_extension}"

    def content_disposition(self, stem: str = "chronology") -> str:
        """A Content-Disposition header value that names the download."""
        return f'inline; filename="{self.filename(stem)}"'

    def stored(self, entries: Iterable[Entry]) -> Iterator[Entry]:
        """Entries of stored events, in batches, with what the format's steps add: what every
        export of the database streams. Entries built by hand go to stream() as they are."""
        if not self.steps:
            yield from entries
            return
        for batch in batched(entries):
            for step in self.steps:
                step(batch)
            yield from batch

    def options(self, params: Mapping[str, Any]) -> dict:
        """The stream's own options from the request's parameters; ValueError names a bad one.
        A plain format has none."""
        return {}

    def left_out(self, events, options: Mapping[str, Any]) -> int | None:
        """How many of the filtered events the format leaves out, when it leaves any out."""
        return None


# The response header that says how many of the filtered events a format left out.
LEFT_OUT_HEADER = "X-Events-Left-Out"

# The formats every export offers; the datasets' layouts (acled, ucdp) register themselves
# here (events.interchange.exporter, imported when the app is ready).
FORMATS: dict[str, Format] = {
    fmt.name: fmt
    for fmt in (
        Format("csv", "csv", csv_stream),
        Format("geojson", "geojson", geojson_stream),
        Format("timelinejs", "json", timelinejs_stream),
        Format("ics", "ics", ics_stream),
    )
}
