"""TimelineJS: the slide JSON that Knight Lab's timeline reads."""

from collections.abc import Iterable, Iterator
from datetime import date
from html import escape
from typing import Any

import orjson

from events.formats.entry_fields import (
    Entry,
    _day,
    _json_list,
    _location,
    _section,
    credit,
    place_label,
    type_names,
)

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
