"""ACLED and UCDP GED export: timeline entries in the datasets' CSV layouts, streamed."""

import csv
import io
import uuid
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from django.http import QueryDict

from events.formats import FORMATS, batched

LAYOUT_DATASETS = ("acled", "ucdp")


class ExportError(ValueError):
    """Bad export parameters: {parameter: [messages]}."""

    def __init__(self, errors: Mapping[str, list[str]]):
        self.errors = dict(errors)
        super().__init__(
            "; ".join(
                f"--{name}: {' '.join(map(str, messages))}" for name, messages in errors.items()
            )
        )


def layout_stream(dataset: str, entries: Iterable[Mapping[str, Any]]) -> Iterator[bytes]:
    """The entries as CSV rows of the dataset's layout (header first; UTF-8, CRLF, no BOM).

    Each batch of entries costs one query: the events' external records, found by uid, give
    back the dataset's id and the columns we do not model.
    """
    from events.interchange.importer import LAYOUTS

    layout = LAYOUTS[dataset]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(layout.COLUMNS)
    yield _drain(buffer)
    for batch in batched(entries):
        records = records_by_uid(batch)
        for entry in batch:
            record = pick_record(records.get(str(entry.get("uid"))), dataset)
            writer.writerow(layout.export_row(entry, record).values())
        yield _drain(buffer)


def records_by_uid(entries: Iterable[Mapping[str, Any]]) -> dict[str, list[dict]]:
    """{event uid: [its external records as dicts]} in one query (none for entries that carry
    no event uid, such as synthetic ones)."""
    from events.models import ExternalRecord

    uids = []
    for entry in entries:
        try:
            uids.append(uuid.UUID(str(entry.get("uid"))))
        except ValueError:
            continue
    if not uids:
        return {}
    found: dict[str, list[dict]] = {}
    rows = (
        ExternalRecord.objects.filter(event__uid__in=uids)
        .order_by("id")
        .values("event__uid", "dataset", "external_id", "geo_precision", "extra")
    )
    for row in rows:
        found.setdefault(str(row.pop("event__uid")), []).append(row)
    return found


def pick_record(records: list[dict] | None, dataset: str) -> dict | None:
    """The event's record of this dataset; else another dataset's precision alone (its id and
    columns belong to the other layout)."""
    if not records:
        return None
    for record in records:
        if record["dataset"] == dataset:
            return record
    other = records[0]
    return {**other, "extra": {}}


def export_events(
    fmt: str, params: Mapping[str, list[str]], *, include_unpublished: bool = False
) -> tuple[Iterator[bytes], str]:
    """The stream and title of the filtered chronology in a format (acled, ucdp, csv, …).

    params are the API's filter names (actor, start, type, …), each with its values; they are
    checked by the same ChronologyFilterSet as the API, and ExportError names a bad one.
    """
    from events.api.filtersets import ChronologyFilterSet, describe
    from events.chronology import walk
    from events.models import Event

    if fmt not in FORMATS:
        raise ExportError({"format": [f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}"]})
    data = QueryDict(mutable=True)
    for name, values in params.items():
        data.setlist(name, [str(value) for value in values])
    events = Event.objects.all() if include_unpublished else Event.objects.published()
    filterset = ChronologyFilterSet(data, queryset=events)
    if not filterset.is_valid():
        raise ExportError(filterset.errors)
    title = describe(filterset) if params else "Chronology"
    paging = filterset.for_paging()
    return FORMATS[fmt].stream(
        walk(paging.events, actors=paging.actors, scope=paging.scope), title=title
    ), title


def _drain(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return data
