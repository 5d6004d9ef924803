"""ACLED and UCDP GED export: events in the datasets' CSV layouts, streamed. Importing this
module registers the two layouts as export formats (events.formats.FORMATS)."""

# An event that came from a dataset row and that nobody changed is written back as that row,
# every cell as the dataset gave it. Once an editor changed a group of its fields (dates,
# type, actors, place, sources, summary, fatalities), the columns that say those fields are
# derived from the event and the rest still come from the row. Events no row of the layout's
# dataset describes are derived whole. Each batch of entries costs two queries: the events'
# records, and their actor links (the kind each actor had in the event).

import csv
import io
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date
from types import ModuleType
from typing import Any

import orjson
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.http import QueryDict

from events.chronology import QueryError, describe, parse
from events.chronology.paging import EXPORT_BATCH_SIZE
from events.formats import FORMATS, Format, batched
from events.interchange import acled, crosswalk, signature, ucdp
from events.interchange.crosswalk import has_equivalent
from events.models import Event, EventActor, EventType, ExternalRecord

LAYOUTS: dict[str, ModuleType] = {"acled": acled, "ucdp": ucdp}
INCLUDE_UNMAPPED = "include_unmapped"


class ExportError(ValueError):
    """Bad export parameters: {parameter: [messages]}."""

    def __init__(self, errors: Mapping[str, list[str]]):
        self.errors = dict(errors)
        super().__init__(
            "; ".join(
                f"--{name}: {' '.join(map(str, messages))}" for name, messages in errors.items()
            )
        )


@dataclass
class _Facts:
    """What an entry lacks for a layout: the event's dataset records, its type's id, and its
    actor links as (actor slug, role) → the kind the actor had in the event."""

    records: list[dict]
    link_kinds: dict[tuple[str, str], str]
    links: list[tuple[int, str, str]]

    def actors(self, entry: Mapping[str, Any]) -> list[dict]:
        """The entry's actors, each with its kind in this event where the link has one."""
        found = []
        for actor in entry.get("actors") or []:
            kind = self.link_kinds.get((actor.get("slug"), actor.get("role")))
            found.append({**actor, "kind": kind} if kind else actor)
        return found


def stored_ids(batch: Iterable[Mapping[str, Any]]) -> list[int]:
    """The ids of the entries that are stored events (an id and a UUID for uid): entries built
    by hand, such as synthetic ones, are taken as they are, without a query."""
    ids = []
    for entry in batch:
        pk, uid = entry.get("id"), entry.get("uid")
        if isinstance(pk, int) and isinstance(uid, str | uuid.UUID):
            try:
                uuid.UUID(str(uid))
            except ValueError:
                continue
            ids.append(pk)
    return ids


def _facts(batch: list[Mapping[str, Any]]) -> dict[int, _Facts]:
    """{event id: _Facts} for a batch of entries, in two queries."""
    ids = stored_ids(batch)
    found = {pk: _Facts([], {}, []) for pk in ids}
    if not ids:
        return found
    # The stored rows as text, parsed by orjson: Django's JSON field parses with the json
    # module, a third of a layout export's time.
    records = (
        ExternalRecord.objects.filter(event_id__in=ids)
        .order_by("id")
        .values(
            "event_id",
            "dataset",
            "external_id",
            "geo_precision",
            "event__type_id",
            row_text=Cast("row", TextField()),
            snapshot_text=Cast("snapshot", TextField()),
        )
    )
    for record in records:
        record["row"] = orjson.loads(record.pop("row_text"))
        record["snapshot"] = orjson.loads(record.pop("snapshot_text"))
        found[record["event_id"]].records.append(record)
    links = (
        EventActor.objects.filter(event_id__in=ids)
        .order_by("id")
        .values_list("event_id", "actor_id", "actor__slug", "role", "kind")
    )
    for event_id, actor_id, slug, role, kind in links:
        facts = found[event_id]
        facts.links.append((actor_id, role, kind))
        if kind:
            facts.link_kinds.setdefault((slug, role), kind)
    return found


def export_row(layout: ModuleType, entry: Mapping[str, Any], facts: _Facts) -> dict[str, Any]:
    """One event as a row of the layout: {column: value} in the layout's order."""
    record = next((r for r in facts.records if r["dataset"] == layout.DATASET), None)
    current = {}
    if facts.records:
        type_id = facts.records[0]["event__type_id"]
        current = signature.entry_signature(entry, type_id=type_id, links=facts.links)
    derived: dict | None = None

    def derive() -> dict:
        # Worked out only when a column needs it: an unchanged row needs none.
        nonlocal derived
        if derived is None:
            where_prec = _where_prec(entry, facts.records, current)
            derived = layout.derive(entry, facts.actors(entry), where_prec)
        return derived

    if record is None:
        return {column: derive().get(column) for column in layout.COLUMNS}
    changed = signature.changed_groups(record["snapshot"], current)
    stored = layout.current_cells(record["row"])
    if not changed and len(stored) == len(layout.COLUMNS):
        # Unchanged, with every column: the row as the dataset gave it.
        return {column: stored[column] for column in layout.COLUMNS}
    row = {}
    for column in layout.COLUMNS:
        groups = layout.COLUMN_GROUPS.get(column)
        if groups is None or (column in stored and not groups & changed):
            # A column no field of ours says (an id, a code of the dataset's own), or one whose
            # fields are as the row gave them: the row's cell.
            row[column] = stored.get(column)
        elif column in stored or groups & changed or column not in layout.ROW_ONLY:
            row[column] = derive().get(column)
        else:
            row[column] = None
    return row


def _where_prec(entry: Mapping[str, Any], records: list[dict], current: dict) -> int | None:
    """How precisely the event is placed (where_prec scale): as a dataset row coded it while
    the event is still at the place the import gave it (a row can code an event "near" a town
    whose place is exact), else its place's own precision."""
    for record in records:
        if record["geo_precision"] and record["snapshot"].get("place") == current.get("place"):
            return record["geo_precision"]
    return (entry.get("location") or {}).get("geo_precision")


def layout_stream(
    dataset: str,
    entries: Iterable[Mapping[str, Any]],
    *,
    include_unmapped: bool = False,
    tally: dict | None = None,
) -> Iterator[bytes]:
    """The entries as CSV rows of the dataset's layout (header first; UTF-8, CRLF, no BOM).

    Events the layout cannot describe (a type with no equivalent there, or an event planned
    for a later day) are left out unless include_unmapped; `tally["left_out"]` counts them.
    """
    layout = LAYOUTS[dataset]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(layout.COLUMNS)
    yield _drain(buffer)
    left_out = 0
    empty = _Facts([], {}, [])
    for batch in batched(entries):
        kept = [entry for entry in batch if include_unmapped or has_equivalent(dataset, entry)]
        left_out += len(batch) - len(kept)
        facts = _facts(kept)
        for entry in kept:
            row = export_row(layout, entry, facts.get(entry.get("id"), empty))
            writer.writerow(row.values())
        yield _drain(buffer)
    if tally is not None:
        tally["left_out"] = left_out


def left_out_count(dataset: str, events) -> int:
    """How many events of a queryset the layout leaves out (see layout_stream), in one query."""
    types = EventType.objects.values_list("id", "parent__name", "name")
    unmapped = crosswalk.unmapped_type_ids(
        dataset, ((pk, parent or name, name if parent else "") for pk, parent, name in types)
    )
    return events.filter(Q(type_id__in=unmapped) | Q(date_earliest__gt=date.today())).count()


def parse_include_unmapped(params: Mapping[str, Any]) -> bool:
    """The include_unmapped parameter: true or false (default); ValueError otherwise."""
    value = params.get(INCLUDE_UNMAPPED)
    if isinstance(value, list | tuple):
        value = value[-1] if value else None
    if value in (None, "", "false", "0", False):
        return False
    if value in ("true", "1", True):
        return True
    raise ValueError(f"{INCLUDE_UNMAPPED}: {value!r} is not true or false")


class LayoutFormat(Format):
    """A dataset's CSV layout as an export format: it takes include_unmapped, and says how
    many events it leaves out."""

    def options(self, params: Mapping[str, Any]) -> dict:
        return {"include_unmapped": parse_include_unmapped(params)}

    def left_out(self, events, options: Mapping[str, Any]) -> int | None:
        return None if options.get("include_unmapped") else left_out_count(self.name, events)


def acled_stream(
    entries: Iterable[Mapping[str, Any]], *, title: str = "Chronology", **options
) -> Iterator[bytes]:
    """ACLED's CSV layout: exactly ACLED's 31 current columns, in ACLED's order.

    An event imported from ACLED and unchanged is its row as ACLED gave it (an older layout's
    row converted to today's: event_date as YYYY-MM-DD, old event types as today's). Columns
    whose fields an editor changed are derived from the event, as are whole rows of other
    events: the crosswalk gives disorder_type, event_type and sub_event_type; inter1/inter2 are
    the ACLED actor types of the first actor of each side (its type in this event); iso and
    region come from the country; civilian_targeting from the type and the target's kind;
    fatalities is 0 when unknown, as ACLED codes it; event_date is the earliest possible day.
    Events without an ACLED equivalent are left out unless include_unmapped. `title` is not
    used.
    """
    return layout_stream("acled", entries, **options)


def ucdp_stream(
    entries: Iterable[Mapping[str, Any]], *, title: str = "Chronology", **options
) -> Iterator[bytes]:
    """UCDP GED's CSV layout: the GED columns (id … low, gwnoa, gwnob), by header name.

    An event imported from UCDP and unchanged is its row as UCDP gave it. Columns whose fields
    an editor changed are derived from the event, as are whole rows of other events:
    date_start/date_end are the bounds and date_prec the precision; type_of_violence comes from
    the crosswalk; each cited article is one source_article item "OUTLET,DATE,HEADLINE";
    country_id, region, priogrid_gid and geom_wkt come from the place; deaths_* add up to best;
    id is 1,000,000,000 plus our id. Events without a UCDP equivalent are left out unless
    include_unmapped. `title` is not used.
    """
    return layout_stream("ucdp", entries, **options)


def dataset_days(batch: list[Mapping[str, Any]]) -> None:
    """Give each entry imported from ACLED, whose dates nobody changed, the day ACLED coded
    (`event_date`): what event_date means in every CSV layout. One query per batch."""
    ids = stored_ids(batch)
    if not ids:
        return
    coded = defaultdict(list)
    rows = ExternalRecord.objects.filter(dataset="acled", event_id__in=ids).values_list(
        "event_id", "row__event_date", "snapshot__date"
    )
    for event_id, day, stamp in rows:
        coded[event_id].append((day, stamp))
    for entry in batch:
        for day, stamp in coded.get(entry.get("id"), ()):
            when = entry.get("date") or {}
            dates = (when.get("earliest"), when.get("latest"), when.get("precision"))
            if day and stamp == signature.digest(dates) and (found := acled.coded_day(day)):
                entry["event_date"] = found


def export_events(
    fmt: str,
    params: Mapping[str, list[str]],
    *,
    include_unpublished: bool = False,
    jobs: int | None = 1,
    batch_size: int = EXPORT_BATCH_SIZE,
) -> tuple[Iterator[bytes], str, dict]:
    """The stream and title of the filtered chronology in a format (acled, ucdp, csv, …), and
    a tally the stream fills as it ends ({"left_out": n} for the dataset layouts).

    params are the API's filter names (actor, start, type, …), each with its values, plus a
    format's own options (include_unmapped); they are read by the chronology's parse(), as the
    API's are, and ExportError names a bad one. jobs and batch_size: see Format.write.
    """
    if fmt not in FORMATS:
        raise ExportError({"format": [f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}"]})
    export = FORMATS[fmt]
    try:
        options = export.options(params)
    except ValueError as exc:
        raise ExportError({INCLUDE_UNMAPPED: [str(exc)]}) from None
    data = QueryDict(mutable=True)
    for name, values in params.items():
        if name != INCLUDE_UNMAPPED:
            data.setlist(name, [str(value) for value in values])
    try:
        query = parse(data)
    except QueryError as exc:
        raise ExportError(exc.errors) from None
    events = Event.objects.all() if include_unpublished else Event.objects.published()
    title = describe(query) if data else "Chronology"
    tally: dict = {}
    if isinstance(export, LayoutFormat):
        options["tally"] = tally
    stream = export.write(
        query, events=events, title=title, jobs=jobs, batch_size=batch_size, **options
    )
    return stream, title, tally


def _drain(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return data


def register() -> None:
    """Add the layouts to the export formats, and the ACLED day to every CSV layout."""
    for name, write in (("acled", acled_stream), ("ucdp", ucdp_stream)):
        FORMATS[name] = LayoutFormat(name, "csv", write)
    FORMATS["csv"] = replace(FORMATS["csv"], steps=(dataset_days,))


register()
