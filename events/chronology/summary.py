"""Event counts and fatality sums of the filtered published events, per actor, place, admin 1
area, type or month: each a GROUP BY in the database, never a pass over events in Python."""

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from events.chronology.entries import reader
from events.chronology.histogram import bucket_end
from events.chronology.query import ChronologyQuery, filtered
from events.formats.entry_fields import ADMIN_KINDS
from events.models import Actor, Event, EventActor, EventType, Location

BY = ("actor", "location", "admin1", "type", "month")
# The kind of place that is an admin 1 area: the one the CSV's admin1 column names.
ADMIN1_KIND = next(kind for kind, column in ADMIN_KINDS.items() if column == "admin1")
ESTIMATES = ("best", "low", "high")

SUMMARY_RULE = (
    "Published events matching the filters, grouped. 'count' is the number of events in the "
    "group; 'fatalities' sums each estimate (best, low, high) over the group's events that "
    "have it (null when none has), and 'unknown' counts the events with neither a best nor a "
    "low estimate (unknown is not zero). by=actor: an event counts once for every actor "
    "linked to it, whatever the role or how many roles (so counts add up to more than the "
    "events); an alliance counts only the events it is itself linked to, not its members'; "
    "events with no actor form the null group. by=location: the event's own place. "
    "by=admin1: the governorate or province (admin 1) the place is in, or is; events without "
    "a place, or at a place in none (a whole country), form the null group. by=type: the "
    "event's own type (a sub-type is not added to its parent). by=month: as the histogram, "
    "never on a guessed day: 'count' and 'fatalities' hold the events whose earliest and "
    "latest possible days both fall in the month; an event whose bounds span several months "
    "is counted in 'imprecise' (and its estimates in 'imprecise_fatalities') of every month "
    "they overlap within the requested range. Groups are sorted by count, largest first, "
    "then by name (months by date); a null group's key and name are null."
)

# The columns of the CSV, in order, with what each holds (month adds MONTH_COLUMNS).
COLUMNS: tuple[tuple[str, str], ...] = (
    ("key", "The group's identifier: the actor's, place's or type's slug, or YYYY-MM."),
    ("name", "The group's name; empty for the null group (no actor, place or admin 1)."),
    ("count", "Events in the group."),
    ("fatalities_best", "Sum of the best estimates; empty when no event has one."),
    ("fatalities_low", "Sum of the low estimates; empty when no event has one."),
    ("fatalities_high", "Sum of the high estimates; empty when no event has one."),
    ("fatalities_unknown", "Events with neither a best nor a low estimate."),
)
MONTH_COLUMNS: tuple[tuple[str, str], ...] = (
    ("start", "The month's first day."),
    ("end", "The month's last day."),
    ("imprecise", "Events whose bounds span several months, this one among them."),
    ("imprecise_fatalities_best", "Sum of those events' best estimates."),
    ("imprecise_fatalities_low", "Sum of those events' low estimates."),
    ("imprecise_fatalities_high", "Sum of those events' high estimates."),
    ("imprecise_fatalities_unknown", "Those events with neither a best nor a low estimate."),
)

_UNKNOWN = Q(fatalities_best__isnull=True, fatalities_low__isnull=True)


def _sums(path: str = "", *, only: Q | None = None, named: str = "") -> dict[str, Any]:
    """The aggregates of a group, named n, best, low, high and unknown (after `named`): its
    count, each estimate's sum and the events with neither a best nor a low estimate.
    path: from the grouped rows to the event ("event__" for links); only: which rows."""
    unknown = Q(**{f"{path}fatalities_{e}__isnull": True for e in ("best", "low")})
    if only is not None:
        unknown &= only
    return {
        f"{named}n": Count(f"{path}id", filter=only),
        **{f"{named}{e}": Sum(f"{path}fatalities_{e}", filter=only) for e in ESTIMATES},
        f"{named}unknown": Count(f"{path}id", filter=unknown),
    }


def _fatalities(row: dict, named: str = "") -> dict[str, int | None]:
    return {
        **{e: row[f"{named}{e}"] for e in ESTIMATES},
        "unknown": row[f"{named}unknown"] or 0,
    }


def _group(key: str | None, name: str | None, row: dict, named: str = "") -> dict:
    """A group from _sums' aggregates (named as they were asked for)."""
    fatalities = _fatalities(row, named)
    return {"key": key, "name": name, "count": row[f"{named}n"], "fatalities": fatalities}


def summary(query: ChronologyQuery, *, by: str) -> dict:
    """The summary of the published events the query matches, grouped by `by` (one of BY):
    see SUMMARY_RULE. Two queries at most, each grouped by the database."""
    if by not in BY:
        raise ValueError(f"by must be one of {', '.join(BY)}")
    events = filtered(query, Event.objects.published()).order_by()
    if by == "month":
        return _by_month(events, query)
    groups, total = _GROUPERS[by](events)
    return {
        "by": by,
        "rule": SUMMARY_RULE,
        "events": total["n"],
        "fatalities": _fatalities(total),
        "groups": _sorted(groups, by=by),
    }


def _sorted(groups: list[dict], *, by: str) -> list[dict]:
    def order(group: dict):
        name = group["key"] if by == "month" else group["name"]
        return (-group["count"], name is None, name or "", group["key"] or "")

    return sorted(groups, key=order)


def _parted(groups: list[dict]) -> tuple[list[dict], dict]:
    """Groups that part the events (each event in exactly one), and their totals."""
    total = _empty()
    for group in groups:
        _add(total, {"n": group["count"], **group["fatalities"]})
    return groups, total


def _named(grouped: QuerySet, *, key: str, model, columns: tuple[str, ...]) -> list[dict]:
    """The rows of a grouped query, each with these columns of the `model` row its `key`
    names (null for a null key). The join comes after the grouping: one primary-key lookup
    per group, where joining before it cost one per event (half the time of a summary)."""
    sql, params = grouped.query.sql_with_params()
    quote = reader().ops.quote_name
    wanted = ", ".join(f"x.{quote(column)}" for column in columns)
    return _fetch(
        f"SELECT g.*, {wanted} FROM ({sql}) g "
        f"LEFT OUTER JOIN {quote(model._meta.db_table)} x ON x.id = g.{quote(key)}",
        params,
    )


def _fetch(sql: str, params) -> list[dict]:
    """Rows as dicts of the values as the driver gives them (no ORM converters)."""
    with reader().cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


# --- One grouping each ------------------------------------------------------------------------


def _by_actor(events: QuerySet) -> tuple[list[dict], dict]:
    """One GROUP BY over the links of the events; one aggregate of the events for the totals
    (an event counts once per actor, so the groups add up to more) and those without a link.

    An actor linked to an event in two roles counts the event once: a link is kept only when
    no link of the same actor to the same event has a smaller id (one probe of
    events_eventactor_unique_role per link)."""
    twin = EventActor.objects.filter(
        event_id=OuterRef("event_id"), actor_id=OuterRef("actor_id"), id__lt=OuterRef("id")
    )
    links = (
        EventActor.objects.filter(event_id__in=events.values("id"))
        .filter(~Exists(twin))
        .order_by()
        .values("actor_id")
        .annotate(**_sums("event__"))
    )
    rows = _named(links, key="actor_id", model=Actor, columns=("slug", "name"))
    groups = [_group(row["slug"], row["name"], row) for row in rows]
    linked = EventActor.objects.filter(event_id=OuterRef("id"))
    found = events.aggregate(**_sums(), **_sums(only=~Q(Exists(linked)), named="alone_"))
    if found["alone_n"]:
        groups.append(_group(None, None, found, named="alone_"))
    return groups, found


def _by_location(events: QuerySet) -> tuple[list[dict], dict]:
    # One GROUP BY of the events by place (an index holds them by place).
    grouped = events.values("location_id").annotate(**_sums())
    rows = _named(grouped, key="location_id", model=Location, columns=("slug", "name"))
    return _parted([_group(row["slug"], row["name"], row) for row in rows])


def _by_admin1(events: QuerySet) -> tuple[list[dict], dict]:
    """The events grouped by place in the database, then the places' groups added up under
    their admin 1 area, found from each place's path (a second query reads the admin 1
    areas): a pass over places, never over events."""
    grouped = events.values("location_id").annotate(**_sums())
    rows = _named(grouped, key="location_id", model=Location, columns=("path",))
    areas = {
        pk: (slug, name)
        for pk, slug, name in Location.objects.filter(kind=ADMIN1_KIND)
        .order_by()
        .values_list("id", "slug", "name")
    }
    added: dict[tuple, dict] = {}
    for row in rows:
        _add(added.setdefault(_admin1_of(row["path"] or "", areas), _empty()), row)
    return _parted([_group(*area, row) for area, row in added.items()])


def _admin1_of(path: str, areas: dict[int, tuple[str, str]]) -> tuple[str | None, str | None]:
    """The first admin 1 area on the path from the country down (the place itself included),
    as the CSV's admin1 column takes it; (None, None) for none."""
    for part in path.strip("/").split("/"):
        if part and int(part) in areas:
            return areas[int(part)]
    return None, None


def _by_type(events: QuerySet) -> tuple[list[dict], dict]:
    # One GROUP BY of the events by type (events_event_type_idx).
    grouped = events.values("type_id").annotate(**_sums())
    rows = _named(grouped, key="type_id", model=EventType, columns=("slug", "name"))
    return _parted([_group(row["slug"], row["name"], row) for row in rows])


_GROUPERS = {
    "actor": _by_actor,
    "location": _by_location,
    "admin1": _by_admin1,
    "type": _by_type,
}


def _by_month(events: QuerySet, query: ChronologyQuery) -> dict:
    """One GROUP BY of the events by their pair of bounds, as the histogram reads them (a few
    thousand pairs for a million events), then each pair placed in its month, or spread over
    the months it spans within the requested range. The bounds are read as the driver gives
    them (SQLite's ISO text): converting every pair's dates cost more than the query."""
    grouped = events.values("date_earliest", "date_latest").annotate(**_sums())
    first_day, last_day = query.period
    low = _month_number(first_day) if first_day else None
    high = _month_number(last_day) if last_day else None
    numbers: dict[Any, int] = {}  # Pairs share their days: each is read once.
    precise: dict[int, dict] = defaultdict(_empty)
    imprecise: dict[int, dict] = defaultdict(_empty)
    total, spanning = _empty(), 0
    for row in _fetch(*grouped.query.sql_with_params()):
        first, last = (
            numbers.get(day) or numbers.setdefault(day, _month_number(day))
            for day in (row["date_earliest"], row["date_latest"])
        )
        _add(total, row)
        if first == last:
            _add(precise[first], row)
            continue
        spanning += row["n"]
        for month in range(max(first, low or first), min(last, high or last) + 1):
            _add(imprecise[month], row)
    groups = []
    for number in set(precise) | set(imprecise):
        month = date(number // 12, number % 12 + 1, 1)
        maybe = imprecise.get(number, _empty())
        groups.append(
            {
                **_group(month.strftime("%Y-%m"), month.strftime("%B %Y"), precise[number]),
                "start": month.isoformat(),
                "end": bucket_end(month, "month").isoformat(),
                "imprecise": maybe["n"],
                "imprecise_fatalities": _fatalities(maybe),
            }
        )
    return {
        "by": "month",
        "rule": SUMMARY_RULE,
        "events": total["n"],
        "fatalities": _fatalities(total),
        "precise_events": total["n"] - spanning,
        "imprecise_events": spanning,
        "groups": _sorted(groups, by="month"),
    }


def _month_number(day: date | str) -> int:
    """Months counted from year 0: 2016-09-04 (or its ISO text) → 2016 * 12 + 8."""
    text = day if isinstance(day, str) else day.isoformat()
    return int(text[:4]) * 12 + int(text[5:7]) - 1


def _empty() -> dict[str, Any]:
    return {"n": 0, "unknown": 0, **dict.fromkeys(ESTIMATES)}


def _add(into: dict, row: dict) -> None:
    into["n"] += row["n"]
    into["unknown"] += row["unknown"]
    for estimate in ESTIMATES:
        if row[estimate] is not None:
            into[estimate] = (into[estimate] or 0) + row[estimate]


# --- As rows of a table -----------------------------------------------------------------------


def columns(by: str) -> list[str]:
    """The CSV's columns for this grouping."""
    return [name for name, _ in (*COLUMNS, *(MONTH_COLUMNS if by == "month" else ()))]


def table_rows(result: dict) -> Iterator[list[Any]]:
    """The summary's groups as rows of columns(by), None for empty."""
    month = result["by"] == "month"
    for group in result["groups"]:
        fatalities = group["fatalities"]
        row = [group["key"], group["name"], group["count"]]
        row += [fatalities[e] for e in (*ESTIMATES, "unknown")]
        if month:
            maybe = group["imprecise_fatalities"]
            row += [group["start"], group["end"], group["imprecise"]]
            row += [maybe[e] for e in (*ESTIMATES, "unknown")]
        yield row
