"""A filtered chronology for a public page: the keyset page, its links, histogram and map points."""

from dataclasses import dataclass, field
from datetime import date

from django.http import QueryDict
from django.urls import reverse

from events import chronology
from events.chronology import ChronologyQuery, CursorError, Page, QueryError
from events.chronology.details import related_by_event
from events.models import Event
from events.site import filter_form
from events.site.timeline import (
    Period,
    Strip,
    choose_interval,
    decorate,
    group,
    map_legend,
    map_points,
    strip,
)

PAGE_SIZE = 50
# Stand for the dates a reader brushes on the histogram, in range_url.
RANGE_START, RANGE_END = "__start__", "__end__"
# An ingestion's "possible duplicate" flag is a note to editors, not a public claim.
HIDDEN_RELATIONS = ("possible_duplicate",)


def event_url(pk: int) -> str:
    return reverse("site:event", args=[pk])


@dataclass
class Listing:
    """What a chronology page shows; `errors` set means the filters could not be applied."""

    params: QueryDict  # The reader's filters and cursor, for links (fixed filters left out).
    data: QueryDict  # Every filter applied, fixed ones included (for exports).
    query: ChronologyQuery | None = None  # None when a filter is bad
    errors: list[filter_form.FieldError] = field(default_factory=list)
    page: Page | None = None
    periods: list[Period] = field(default_factory=list)
    strip: Strip | None = None
    points: list[dict] = field(default_factory=list)
    unmapped: int = 0

    @property
    def entries(self) -> list[dict]:
        return self.page.rows if self.page else []

    @property
    def legend(self) -> dict:
        return map_legend(self.points)

    @property
    def first_page(self) -> bool:
        return filter_form.CURSOR not in self.params

    def next_url(self) -> str | None:
        if not self.page or not self.page.next_cursor:
            return None
        return filter_form.query(self.params, cursor=self.page.next_cursor)

    def previous_url(self) -> str | None:
        if not self.page or not self.page.previous_cursor:
            return None
        return filter_form.query(self.params, cursor=self.page.previous_cursor)

    def first_url(self) -> str:
        return filter_form.query(self.params, cursor=None)

    def values(self) -> dict[str, str]:
        """The first value of each filter, to fill the form's fields."""
        return {name: values[0] for name, values in self.params.lists()}

    def hidden_params(self) -> list[tuple[str, str]]:
        """Active filters the form has no visible field for, kept when it is submitted."""
        shown = {"q", "location", "start", "end"}
        hidden = []
        for name, values in self.params.lists():
            if name == filter_form.CURSOR or name in shown:
                continue
            # The form shows one actor and one type; any further ones ride along hidden.
            extra = values[1:] if name in ("actor", "type") else values
            hidden.extend((name, value) for value in extra)
        return hidden

    def bar_url(self, start: str, end: str) -> str:
        return filter_form.query(self.params, start=start, end=end, cursor=None)

    @property
    def range_url(self) -> str:
        """The address of any date range, for the histogram's brush to fill in."""
        return self.bar_url(RANGE_START, RANGE_END)


def build(
    params: QueryDict, *, fixed: dict[str, str] | None = None, page_size: int = PAGE_SIZE
) -> Listing:
    """Filter published events as the API does (events.chronology), page them by keyset and
    add what the page draws: a fixed number of queries, whatever the number of events."""
    fixed = fixed or {}
    mine = filter_form.known(params, without=tuple(fixed))
    data = mine.copy()
    data.pop(filter_form.CURSOR, None)
    for name, value in fixed.items():
        data.setlist(name, [value])
    listing = Listing(params=mine, data=data)
    try:
        listing.query = query = chronology.parse(data)
    except QueryError as exc:
        listing.errors = filter_form.field_errors(exc.errors)
        return listing
    try:
        listing.page = chronology.page(
            query,
            events=Event.objects.published(),
            size=page_size,
            cursor=mine.get(filter_form.CURSOR),
            url_for=event_url,
        )
    except CursorError as exc:
        listing.errors = filter_form.field_errors({filter_form.CURSOR: [str(exc)]})
        return listing
    rows = listing.page.rows
    related = related_by_event(
        [row["id"] for row in rows],
        visible=Event.objects.published(),
        url_for=event_url,
        hidden_kinds=HIDDEN_RELATIONS,
    )
    on_page = {row["id"] for row in rows}
    for row in rows:
        row["related"] = related.get(row["id"], [])
        decorate(row, on_page=on_page)
    listing.periods = group(rows)
    listing.points = map_points(rows)
    listing.unmapped = len(rows) - sum(len(point["events"]) for point in listing.points)
    if rows:
        listing.strip = _strip(query)
    for bar in listing.strip.bars if listing.strip else []:
        bar.url = listing.bar_url(bar.start_param, bar.end_param)
    return listing


def _strip(query: ChronologyQuery) -> Strip | None:
    """The histogram over the filter's period, or over the events' own extent where the
    filter leaves it open (one aggregate query then)."""
    first, last = query.period
    if first is None or last is None:
        earliest, latest = chronology.extent(query)
        if earliest is None:
            return None
        first = first or earliest
        last = last or latest
    first, last = min(first, last), max(first, last)
    last = min(last, max(first, date.today()))  # "Until 2030" need not draw empty years.
    interval = choose_interval(first, last)
    counts = chronology.histogram(query, interval=interval, start=first, end=last)
    return strip(counts, first=first, last=last)
