"""The chronology: filtered events as ordered entries, keyset pages, exports and histograms.

The one entry point for every reader (the API, the public pages, exports and the commands):

    query = parse(params)                            # query.py: checked, resolved, frozen
    page(query, events=..., size=..., cursor=...)    # a keyset page of entries
    stream(query, events=...)                        # every entry, in batches, for an export
    histogram(query, interval=...)                   # precision-aware counts (published)

`events` is what the caller may see (published events, or every status for an editor); the
plan (query.plan) decides once how to read them. The modules, each a step:

    query.py       the filters declared once; parse() → ChronologyQuery; plan() → Plan
    orders.py      the orders (order=): each one's key, cursors and index
    parameters.py  how each parameter's text is read and checked
    paging.py      cursors, and reading a plan: actor walk, probe window, keyset
    entries.py     the column spec: row select, entry builder, the API's schema of an entry
    titles.py      an export's title from its filters
    histogram.py   the day pairs and their buckets
    details.py     the full event: typed links, and for editors status and history
"""

from collections.abc import Iterator
from datetime import date

from django.db.models import QuerySet

from events.chronology.entries import UrlFor, build_entries, entries_of
from events.chronology.histogram import INTERVALS, buckets, published_day_pairs
from events.chronology.histogram import published_extent as extent
from events.chronology.paging import (
    EXPORT_BATCH_SIZE,
    CursorError,
    Page,
    read_batches,
    read_page,
)
from events.chronology.query import ChronologyQuery, QueryError, parse, plan
from events.chronology.titles import describe

__all__ = [
    "INTERVALS",
    "ChronologyQuery",
    "CursorError",
    "Page",
    "QueryError",
    "describe",
    "entries_of",
    "extent",
    "histogram",
    "page",
    "parse",
    "stream",
]


def page(
    query: ChronologyQuery,
    *,
    events: QuerySet,
    size: int,
    cursor: str | None = None,
    url_for: UrlFor | None = None,
) -> Page:
    """A page of entries and the cursors beside it: four queries at most, whatever the size
    or depth (five with an actor walk, or when the probe window comes back short).
    CursorError for a cursor that is not one of ours."""
    found = read_page(plan(query, events), size=size, cursor=cursor)
    found.rows = build_entries(found.rows, url_for=url_for)
    return found


def stream(
    query: ChronologyQuery,
    *,
    events: QuerySet,
    url_for: UrlFor | None = None,
    batch_size: int = EXPORT_BATCH_SIZE,
) -> Iterator[dict]:
    """Every entry in the query's order, read in keyset batches (four queries each), so
    that an export streams a million events without holding them."""
    for rows in read_batches(plan(query, events), batch_size=batch_size):
        yield from build_entries(rows, url_for=url_for)


def histogram(
    query: ChronologyQuery, *, interval: str, start: date | None = None, end: date | None = None
) -> dict:
    """Precision-aware counts of the published events the query matches, per interval, from
    start to end (the query's period where not given): see histogram.HISTOGRAM_RULE.
    histogram.TooManyBuckets when that would be more than histogram.MAX_BUCKETS buckets."""
    first, last = query.period
    return buckets(
        published_day_pairs(query), interval=interval, start=start or first, end=end or last
    )
