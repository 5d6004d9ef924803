"""The Format record and FORMATS, the formats every export offers."""

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from events.chronology import ChronologyQuery
from events.chronology import stream as chronology_stream
from events.chronology.entries import UrlFor
from events.chronology.orders import DEFAULT as DEFAULT_ORDER
from events.chronology.paging import EXPORT_BATCH_SIZE
from events.formats.csv_layout import csv_columns, csv_stream
from events.formats.csv_sql import sql_csv_stream
from events.formats.entry_fields import Entry, batched
from events.formats.geojson import geojson_stream
from events.formats.ics import ics_stream
from events.formats.timelinejs import timelinejs_stream

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
    # read_options(params) -> the stream's own options from a request's parameters (see
    # options()); ValueError "name: problem" for a bad one.
    read_options: Callable[[Mapping[str, Any]], dict] | None = None
    # sql_stream(query, *, events, url_for, steps, batch_size, jobs) -> Iterator[bytes]: the
    # same bytes as stream() over the stored entries, written by the database (csv_sql); None
    # when the format has no such path. Options (a selection of columns) take the entries' path.
    sql_stream: Callable[..., Iterator[bytes]] | None = None

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

    def write(
        self,
        query: ChronologyQuery,
        *,
        events: QuerySet,
        url_for: UrlFor | None = None,
        title: str = "Chronology",
        jobs: int | None = 1,
        batch_size: int = EXPORT_BATCH_SIZE,
        **options,
    ) -> Iterator[bytes]:
        """The export of the query's events (of `events`, what the reader may see): by the
        database where the format can be, else from the chronology's entries.

        jobs, batch_size: the database's path only (sql_stream): worker processes (None to
        choose) and events per statement; the entries' path runs in this process."""
        # The database writes the chronological export; another order, or a selection of
        # columns, is written from the entries (the same bytes, more slowly).
        if self.sql_stream is not None and not options and query.order == DEFAULT_ORDER:
            return self.sql_stream(
                query,
                events=events,
                url_for=url_for,
                steps=self.steps,
                batch_size=batch_size,
                jobs=jobs,
            )
        entries = self.stored(chronology_stream(query, events=events, url_for=url_for))
        return self.stream(entries, title=title, **options)

    def options(self, params: Mapping[str, Any]) -> dict:
        """The stream's own options from the request's parameters; ValueError names a bad one.
        A plain format has none."""
        return self.read_options(params) if self.read_options is not None else {}

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
        Format("csv", "csv", csv_stream, read_options=csv_columns, sql_stream=sql_csv_stream),
        Format("geojson", "geojson", geojson_stream),
        Format("timelinejs", "json", timelinejs_stream),
        Format("ics", "ics", ics_stream),
    )
}
