"""Shape chronology entries for the public pages: periods and days, histogram bars, map points."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from events.chronology.histogram import bucket_end, bucket_start
from events.dates import MONTH_NAMES as MONTHS
from events.dates import Precision, bounds_text, says_its_bounds
from events.models import ActorRole

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# An event whose bounds span more than this is shown under a period of years, not a month.
LONGEST_MONTH_SPAN = timedelta(days=31)
# The histogram strip takes the finest interval that needs at most this many bars.
MAX_BARS = 90
# UCDP's where_prec: from 3 (a district only) on, a point stands for an area.
AREA_GEO_PRECISION = 3
SOURCES_SHOWN = 2


def _day(value: str) -> date:
    return date.fromisoformat(value)


def month_label(day: date) -> str:
    return f"{MONTHS[day.month - 1]} {day.year}"


def day_label(day: date) -> str:
    """ "Sat 27 Aug": the period heading above it gives the year."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1][:3]}"


# --- Periods and slots ----------------------------------------------------------------------------


@dataclass
class Slot:
    """One place on the timeline's rail: a day, or a span that no day can honestly stand for."""

    kind: str  # "day" or "span"
    label: str
    earliest: date
    latest: date
    entries: list[dict] = field(default_factory=list)

    @property
    def key(self) -> tuple:
        return (self.kind, self.earliest, self.latest, self.label)


@dataclass
class Period:
    """A heading of the timeline: a month, or a run of years for events known only that well."""

    kind: str  # "month" or "long"
    label: str
    key: tuple
    slots: list[Slot] = field(default_factory=list)

    @property
    def entry_count(self) -> int:
        return sum(len(slot.entries) for slot in self.slots)


def _period_of(earliest: date, latest: date, precision: str) -> tuple[tuple, str, str]:
    if precision == Precision.YEAR or latest - earliest >= LONGEST_MONTH_SPAN:
        years = (
            str(earliest.year) if earliest.year == latest.year else f"{earliest.year}–{latest.year}"
        )
        return ("long", earliest.year, latest.year), "long", years
    # A span of a month or less sits under the month it starts in, labelled with its bounds.
    return ("month", earliest.year, earliest.month), "month", month_label(earliest)


def group(entries: Iterable[dict]) -> list[Period]:
    """Entries (in chronological order) as periods of slots, never inventing a day.

    A one-day event sits on its day; anything wider sits on a span slot labelled with its own
    display text, under the month it starts in, or under its years when it spans more than a
    month (an event known only as "2016" is not put in January).
    """
    periods: list[Period] = []
    for entry in entries:
        when = entry["date"]
        earliest, latest = _day(when["earliest"]), _day(when["latest"])
        key, kind, label = _period_of(earliest, latest, when["precision"])
        if not periods or periods[-1].key != key:
            periods.append(Period(kind=kind, label=label, key=key))
        period = periods[-1]
        if earliest == latest:
            slot = Slot("day", day_label(earliest), earliest, latest)
        elif when["display"] == label:
            # "February 2016" under the heading "February 2016": say what is not known.
            unknown = "Day not known" if kind == "month" else "Month not known"
            slot = Slot("span", unknown, earliest, latest)
        else:
            slot = Slot("span", when["display"], earliest, latest)
        if period.slots and period.slots[-1].key == slot.key:
            period.slots[-1].entries.append(entry)
        else:
            slot.entries.append(entry)
            period.slots.append(slot)
    return periods


def date_notes(entry: dict) -> list[tuple[str, str]]:
    """What a reader should know about an entry's date beyond its display text: that it is
    approximate, and its bounds whenever the text does not state them ("early August 2016"
    is within 1–10 Aug 2016; "August 2016" says its bounds already)."""
    when = entry["date"]
    earliest, latest = _day(when["earliest"]), _day(when["latest"])
    notes = []
    if when["approximate"]:
        notes.append(("approximate", "approximate"))
    if earliest != latest and (
        when["approximate"] or not says_its_bounds(when["display"], earliest, latest)
    ):
        notes.append(("bounds", f"within {bounds_text(earliest, latest)}"))
    return notes


def date_with_bounds(entry: dict) -> str:
    """ "early August 2016 (within 1–10 Aug 2016)": the display text with its bounds, in one
    line for places that show a date alone (popups, lists of citing events, the embed)."""
    bounds = [note for kind, note in date_notes(entry) if kind == "bounds"]
    return f"{entry['date']['display']} ({bounds[0]})" if bounds else entry["date"]["display"]


def period_of(entry: dict) -> tuple[str, str, str]:
    """The period heading an entry sits under, as (label, start, end) filter values: its month
    ("August 2016", "2016-08") or its years ("2011", "2011"), never a day it may not be on."""
    when = entry["date"]
    earliest, latest = _day(when["earliest"]), _day(when["latest"])
    _, kind, label = _period_of(earliest, latest, when["precision"])
    if kind == "month":
        return label, f"{earliest:%Y-%m}", f"{earliest:%Y-%m}"
    return label, str(earliest.year), str(latest.year)


# --- Actors ---------------------------------------------------------------------------------------

_ROLE_ORDER = {role: index for index, role in enumerate(ActorRole.values)}
_ROLE_LABELS = dict(ActorRole.choices)


def actors_by_role(actors: Sequence[dict]) -> list[tuple[str, list[dict]]]:
    """[("side A", [actor, ...]), ...] in the roles' declared order."""
    found: dict[str, list[dict]] = {}
    for actor in actors:
        found.setdefault(actor["role"], []).append(actor)
    return [
        (_ROLE_LABELS.get(role, role), found[role])
        for role in sorted(found, key=lambda role: _ROLE_ORDER.get(role, len(_ROLE_ORDER)))
    ]


# --- Histogram strip ------------------------------------------------------------------------------


@dataclass
class Bar:
    start: date
    end: date
    certain: int
    possible: int
    label: str
    tick: str  # A label under the strip where a month or year begins; "" elsewhere.
    start_param: str
    end_param: str
    certain_pct: float = 0.0
    possible_pct: float = 0.0
    url: str = ""

    @property
    def empty(self) -> bool:
        return not (self.certain or self.possible)

    # Where each part starts, from the strip's top, in percent: the bars are drawn as SVG
    # rectangles, whose position and size are attributes (the CSP refuses style attributes).
    @property
    def certain_top(self) -> float:
        return max(0.0, round(100 - self.certain_pct, 1))

    @property
    def possible_top(self) -> float:
        return max(0.0, round(100 - self.certain_pct - self.possible_pct, 1))


@dataclass
class Strip:
    interval: str
    bars: list[Bar]
    events: int
    precise_events: int
    imprecise_events: int
    scale: int = 1  # The count at the top of the axis; bars are drawn against it.

    @property
    def scale_half(self) -> int | None:
        """The middle gridline's count, when it is a whole number."""
        return self.scale // 2 if self.scale >= 2 and self.scale % 2 == 0 else None

    @property
    def first(self) -> Bar | None:
        return self.bars[0] if self.bars else None

    @property
    def last(self) -> Bar | None:
        return self.bars[-1] if self.bars else None


def nice_scale(tallest: int) -> int:
    """The axis top: the smallest of 1, 2, 4, 6, 8, 10, 12, 16, 20, 30, 40, 50, 60, 80, 100,
    120, ... that holds the tallest bar, so that its middle gridline is a whole number too."""
    for top in (1, 2, 4, 6, 8):
        if tallest <= top:
            return top
    step = 1
    while True:
        for factor in (10, 12, 16, 20, 30, 40, 50, 60, 80):
            if tallest <= factor * step:
                return factor * step
        step *= 10


def choose_interval(first: date, last: date, *, max_bars: int = MAX_BARS) -> str:
    """The finest of day, week, month and year that shows first..last in at most max_bars."""
    for interval in ("day", "week", "month"):
        if _bucket_count(first, last, interval) <= max_bars:
            return interval
    return "year"


def _bucket_count(first: date, last: date, interval: str) -> int:
    if interval == "day":
        return (last - first).days + 1
    if interval == "week":
        return (bucket_start(last, "week") - bucket_start(first, "week")).days // 7 + 1
    return (last.year - first.year) * 12 + last.month - first.month + 1


def _params(start: date, end: date, interval: str) -> tuple[str, str]:
    """The start and end filter values that select exactly this bucket."""
    # Four-digit years (strftime's %Y and str() write the year 1 as "1", which no filter reads).
    if interval == "month":
        text = start.isoformat()[:7]
        return text, text
    if interval == "year":
        return f"{start.year:04d}", f"{start.year:04d}"
    return start.isoformat(), end.isoformat()


def _bar_label(start: date, interval: str) -> str:
    if interval == "day":
        return f"{day_label(start)} {start.year}"
    if interval == "week":
        return f"week of {start.day} {MONTHS[start.month - 1][:3]} {start.year}"
    if interval == "month":
        return month_label(start)
    return str(start.year)


def _tick(start: date, previous: date | None, interval: str, count: int) -> str:
    if interval in ("day", "week"):
        if previous is None or previous.month != start.month:
            return f"{MONTHS[start.month - 1][:3]} {start.year}"
        # Within a month of days, every seventh day is numbered.
        return str(start.day) if interval == "day" and start.day % 7 == 1 else ""
    if interval == "month":
        return str(start.year) if previous is None or previous.year != start.year else ""
    every = 1 if count <= 20 else 5 if count <= 100 else 10
    return str(start.year) if previous is None or start.year % every == 0 else ""


def _thin_ticks(bars: list[Bar], *, most: int = 14) -> None:
    """Drop ticks that would crowd the one before (labels are wider than narrow bars)."""
    gap = max(1, round(len(bars) / most))
    last_shown = -gap
    for index, bar in enumerate(bars):
        if not bar.tick:
            continue
        if index - last_shown < gap:
            bar.tick = ""
        else:
            last_shown = index


def strip(histogram: dict, *, first: date, last: date) -> Strip:
    """Every bucket from first to last (histogram() leaves empty ones out), scaled to the
    fullest: 'certain' counts events certainly in a bucket, 'possible' those that may be."""
    interval = histogram["interval"]
    counted = {bucket["start"]: bucket for bucket in histogram["buckets"]}
    bars: list[Bar] = []
    bucket = bucket_start(first, interval)
    total = _bucket_count(first, last, interval)
    previous = None
    while bucket <= last:
        end = bucket_end(bucket, interval)
        found = counted.get(bucket.isoformat(), {})
        start_param, end_param = _params(bucket, end, interval)
        bars.append(
            Bar(
                start=bucket,
                end=end,
                certain=found.get("count", 0),
                possible=found.get("imprecise", 0),
                label=_bar_label(bucket, interval),
                tick=_tick(bucket, previous, interval, total),
                start_param=start_param,
                end_param=end_param,
            )
        )
        if end >= last:
            break  # The last bar may end the calendar, past which no day exists.
        previous, bucket = bucket, end + timedelta(days=1)
    _thin_ticks(bars)
    scale = nice_scale(max((bar.certain + bar.possible for bar in bars), default=0))
    for bar in bars:
        bar.certain_pct = round(100 * bar.certain / scale, 1)
        bar.possible_pct = round(100 * bar.possible / scale, 1)
    return Strip(
        interval=interval,
        bars=bars,
        events=histogram["events"],
        precise_events=histogram["precise_events"],
        imprecise_events=histogram["imprecise_events"],
        scale=scale,
    )


# --- Map ------------------------------------------------------------------------------------------


def map_points(entries: Iterable[dict]) -> list[dict]:
    """One point per place with coordinates, listing the entries there (JSON-ready)."""
    points: dict[int, dict] = {}
    for entry in entries:
        place = entry["location"]
        if not place or place["latitude"] is None or place["longitude"] is None:
            continue
        point = points.setdefault(
            place["id"],
            {
                "id": place["id"],
                "slug": place["slug"],
                "name": place["name"],
                "lat": place["latitude"],
                "lon": place["longitude"],
                "kind": place["kind"],
                "country": place["ancestors"][0]["name"] if place["ancestors"] else place["name"],
                "area": (place["geo_precision"] or 0) >= AREA_GEO_PRECISION,
                "events": [],
            },
        )
        family = entry["type"]["parent"] or entry["type"]
        point["events"].append(
            {
                "id": entry["id"],
                "headline": entry["headline"],
                "date": date_with_bounds(entry),
                "earliest": entry["date"]["earliest"],
                "latest": entry["date"]["latest"],
                "family": family["slug"],
                "family_name": family["name"],
            }
        )
    return list(points.values())


def map_legend(points: Sequence[dict]) -> dict:
    """What the map's legend explains: the event types (top level) its markers show, by name,
    and whether any marker stands for an area, or several could cluster."""
    families = {
        event["family"]: event["family_name"] for point in points for event in point["events"]
    }
    return {
        "families": [
            {"slug": slug, "name": name}
            for slug, name in sorted(families.items(), key=lambda item: item[1])
        ],
        "areas": any(point["area"] for point in points),
        "several": len(points) > 1,
    }


def place_line(location: dict | None) -> str:
    """ "Aleppo, Aleppo Governorate, Syria": the place, then its ancestors up to the country."""
    if not location:
        return ""
    names = [location["name"], *(a["name"] for a in reversed(location["ancestors"]))]
    return ", ".join(names)


# --- Presentation of one entry --------------------------------------------------------------------

# How a typed link reads from this event's side: (outgoing, incoming).
_RELATION_PHRASES = {
    "contradicts": ("Contradicts", "Contradicted by"),
    "follows": ("Follows", "Followed by"),
    "part_of": ("Part of", "Includes"),
    "duplicate_of": ("Duplicates", "Duplicated by"),
    "possible_duplicate": ("May duplicate", "May be duplicated by"),
}


SYMMETRIC_RELATIONS = frozenset({"contradicts"})


def short_day(value: str) -> str:
    """ "2017-08-31" → "31 Aug 2017"."""
    day = _day(value)
    return f"{day.day} {MONTHS[day.month - 1][:3]} {day.year}"


def fatalities_text(fatalities: dict) -> str:
    """ "12 (10–15)", "10–15", "12" or "" when unknown (unknown is not zero)."""
    best, low, high = fatalities["best"], fatalities["low"], fatalities["high"]
    spread = f"{low}–{high}" if low is not None and high is not None and low != high else ""
    if best is not None:
        return f"{best} ({spread})" if spread else str(best)
    if spread:
        return spread
    known = low if low is not None else high
    return "" if known is None else (f"at least {low}" if low is not None else f"up to {high}")


def decorate(entry: dict, *, on_page: set[int] | frozenset[int] = frozenset()) -> dict:
    """Add what the templates show besides the entry's own fields (in place); a related event
    on the same page is linked by its anchor, any other by its own page."""
    location = entry["location"]
    entry["notes"] = date_notes(entry)
    entry["roles"] = actors_by_role(entry["actors"])
    entry["place_line"] = place_line(location)
    entry["mapped"] = bool(location and location["latitude"] is not None)
    entry["fatalities_text"] = fatalities_text(entry["fatalities"])
    entry["family"] = (entry["type"]["parent"] or entry["type"])["slug"]
    for source in entry["sources"]:
        source["published_label"] = short_day(source["published"])
    # Two excerpts are shown; the rest wait behind a disclosure, so a long list stays readable.
    entry["sources_shown"] = entry["sources"][:SOURCES_SHOWN]
    entry["sources_more"] = entry["sources"][SOURCES_SHOWN:]
    contradictions, relations = [], []
    seen: set[tuple[str, int]] = set()
    for link in entry.get("related", []):
        if link["kind"] in SYMMETRIC_RELATIONS:
            # Recorded both ways (A contradicts B, B contradicts A): say it once.
            if (link["kind"], link["id"]) in seen:
                continue
            seen.add((link["kind"], link["id"]))
        outgoing, incoming = _RELATION_PHRASES.get(link["kind"], (link["kind"], link["kind"]))
        shown = {
            **link,
            "phrase": outgoing
            if link["direction"] == "outgoing" or link["kind"] in SYMMETRIC_RELATIONS
            else incoming,
            "href": f"#event-{link['id']}" if link["id"] in on_page else link.get("url", ""),
        }
        (contradictions if link["kind"] == "contradicts" else relations).append(shown)
    entry["contradictions"], entry["relations"] = contradictions, relations
    return entry
