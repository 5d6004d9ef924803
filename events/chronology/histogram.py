"""Precision-aware counts of published events per day, week, month or year, and their extent."""

from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.db import models
from django.db.models import Count, Max, Min
from django.db.models.functions import Cast

from events.chronology.query import ChronologyQuery, filtered, in_period
from events.models import Event, PublishedDayPair

INTERVALS = ("day", "week", "month", "year")
HISTOGRAM_RULE = (
    "Precision-aware counts. 'count' is the number of events whose earliest and latest "
    "possible days both fall inside the bucket, so they certainly happened in it. An event "
    "whose bounds span more than one bucket is never placed on a guessed day: it is counted "
    "once in 'imprecise' of every bucket its bounds overlap (within the requested range), "
    "meaning 'may have happened here'. 'count' values add up to 'precise_events'; 'imprecise' "
    "values do not add up to a number of events. Weeks start on Monday (ISO 8601). Buckets "
    "where both are zero are left out."
)
# A month histogram of the whole calendar (0001-9999) fits; day and week ones of centuries
# of imprecise events are refused rather than built (3.6 million day buckets of a few bytes
# each, where a narrower period answers the question).
MAX_BUCKETS = 120_000


class TooManyBuckets(ValueError):
    """The histogram asked for would hold more than MAX_BUCKETS buckets."""


def bucket_start(day: date, interval: str) -> date:
    if interval == "day":
        return day
    if interval == "week":
        return day - timedelta(days=day.weekday())
    if interval == "month":
        return day.replace(day=1)
    return day.replace(month=1, day=1)


def next_bucket(start: date, interval: str) -> date:
    """The next bucket's first day (OverflowError or ValueError past 9999-12-31)."""
    if interval == "day":
        return start + timedelta(days=1)
    if interval == "week":
        return start + timedelta(days=7)
    if interval == "month":
        return start + relativedelta(months=1)
    return start + relativedelta(years=1)


def bucket_end(start: date, interval: str) -> date:
    """The bucket's last day: 9999-12-31 for the calendar's last bucket, which has no next."""
    try:
        return next_bucket(start, interval) - timedelta(days=1)
    except (OverflowError, ValueError):
        return date.max


def _bucket_number(day: date, interval: str) -> int:
    """Buckets counted from the calendar's first (0001-01-01 is a Monday)."""
    if interval == "day":
        return day.toordinal()
    if interval == "week":
        return (day.toordinal() - 1) // 7
    if interval == "month":
        return day.year * 12 + day.month
    return day.year


def _check_bucket_total(spans: list[tuple[date, date]], interval: str) -> None:
    """TooManyBuckets when the (first, last) bucket spans cover more than MAX_BUCKETS."""
    spans = [(first, last) for first, last in spans if first <= last]
    if not spans:
        return
    whole = (min(first for first, _ in spans), max(last for _, last in spans))
    if _bucket_number(whole[1], interval) - _bucket_number(whole[0], interval) < MAX_BUCKETS:
        return  # The range from the first bucket to the last fits: no need to add up gaps.
    total, reached = 0, None
    for first, last in sorted(
        (_bucket_number(first, interval), _bucket_number(last, interval)) for first, last in spans
    ):
        first = first if reached is None else max(first, reached + 1)
        if first <= last:
            total, reached = total + last - first + 1, last
    if total > MAX_BUCKETS:
        raise TooManyBuckets(
            f"the {interval} histogram of these events has {total:,} buckets, more than "
            f"{MAX_BUCKETS:,}; give start and end for a shorter period, or a longer interval"
        )


def day_pairs(queryset: models.QuerySet) -> models.QuerySet:
    """(earliest, latest, events) for each distinct pair of bounds among these events.

    One grouped query, which the chronological indexes hold in order, so the database neither
    sorts nor calls a function per row. Over published events filtered by dates alone, the
    pair counts kept by triggers give the same rows from a far smaller table (see
    published_day_pairs).
    """
    return (
        queryset.order_by()
        .values("date_earliest", "date_latest")
        .annotate(n=Count("id"))
        .values_list("date_earliest", "date_latest", "n")
    )


# The bounds as ISO text: the SQLite driver then hands them over as they are stored, instead of
# converting tens of thousands of values that buckets() needs only once per distinct day.
# (Not for day_pairs: grouped by an expression, SQLite would sort instead of walking the index.)
DAY_PAIR_TEXT = (
    Cast("date_earliest", output_field=models.TextField()),
    Cast("date_latest", output_field=models.TextField()),
)


def published_day_pairs(query: ChronologyQuery) -> Iterable[tuple]:
    """(earliest, latest, events) per distinct pair of bounds of the published events the
    query matches. Filtered by dates alone, they come from the pair counts the database keeps
    (PublishedDayPair): a few tens of thousands of rows instead of a million events."""
    if query.narrows:
        return day_pairs(filtered(query, Event.objects.published()))
    return _pair_counts(query).values_list(*DAY_PAIR_TEXT, "events")


def published_extent(query: ChronologyQuery) -> tuple[date | None, date | None]:
    """The earliest and the latest possible day of the published events the query matches,
    from the pair counts where dates alone filter (one aggregate query)."""
    source = filtered(query, Event.objects.published()) if query.narrows else _pair_counts(query)
    found = source.aggregate(first=Min("date_earliest"), last=Max("date_latest"))
    return found["first"], found["last"]


def _pair_counts(query: ChronologyQuery) -> models.QuerySet:
    # The triggers delete a pair whose count falls to zero, so every row counts.
    return in_period(query, PublishedDayPair.objects.all())


def buckets(
    days: Iterable[tuple[date | str, date | str, int]],
    *,
    interval: str,
    start: date | None = None,
    end: date | None = None,
) -> dict:
    """Event counts per bucket, honest about imprecise dates (see HISTOGRAM_RULE), from how
    many events have each pair of bounds (day_pairs): the pairs are put in buckets, and
    imprecise ones spread over buckets, per pair.
    """
    if interval not in INTERVALS:
        raise ValueError(f"interval must be one of {', '.join(INTERVALS)}")
    starts: dict[date | str, date] = {}

    def start_of(day: date | str) -> date:
        # Pairs share their days: each distinct day (a date or ISO text) is placed once.
        found = starts.get(day)
        if found is None:
            found = starts[day] = bucket_start(
                day if isinstance(day, date) else date.fromisoformat(day), interval
            )
        return found

    pairs: Counter[tuple[date, date]] = Counter()
    for earliest, latest, n in days:
        pairs[start_of(earliest), start_of(latest)] += n
    low = bucket_start(start, interval) if start else None
    high = bucket_start(end, interval) if end else None
    _check_bucket_total(
        [
            (first, last)
            if first == last  # A precise pair is counted whatever the range.
            else (max(first, low) if low else first, min(last, high) if high else last)
            for first, last in pairs
        ],
        interval,
    )
    precise: Counter[date] = Counter()
    imprecise: Counter[date] = Counter()
    total = spanning = 0
    for (first, last), n in pairs.items():
        total += n
        if first == last:
            precise[first] += n
            continue
        spanning += n
        bucket = max(first, low) if low else first
        stop = min(last, high) if high else last
        while bucket <= stop:
            imprecise[bucket] += n
            if bucket == stop:
                break  # The stop may be the calendar's last bucket, which has no next.
            bucket = next_bucket(bucket, interval)
    buckets = [
        {
            "start": bucket.isoformat(),
            "end": bucket_end(bucket, interval).isoformat(),
            "count": precise[bucket],
            "imprecise": imprecise[bucket],
        }
        for bucket in sorted(set(precise) | set(imprecise))
    ]
    return {
        "interval": interval,
        "rule": HISTOGRAM_RULE,
        "events": total,
        "precise_events": total - spanning,
        "imprecise_events": spanning,
        "buckets": buckets,
    }
