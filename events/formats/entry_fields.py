"""What the formats read from a timeline entry: its places, types, sources, dates; batching."""

from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, date, datetime
from itertools import islice
from typing import Any

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
