"""iCalendar (RFC 5545): one all-day VEVENT per event, folded and escaped."""

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from events.formats.entry_fields import (
    Entry,
    _day,
    _instant,
    _location,
    _section,
    batched,
    citation,
    coordinates,
    place_label,
    type_names,
)

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
