"""Import an ACLED or UCDP GED file: plan each chunk of rows, then write it in bulk."""

# Rows stream from the file in chunks. A row whose cells hash as the stored row's did is
# unchanged and is not even parsed. Every other row is mapped (events.interchange.acled /
# ucdp) and checked with the validators every write path uses; its version stamp is compared
# with the stored one (the newest release wins); an event an editor changed since the import
# is never overwritten (the newer row waits on the record as a conflict). Names are resolved
# from in-memory caches, and each chunk is written with a handful of bulk statements in one
# transaction: the number of queries grows with the number of chunks, never with the rows, and
# no event is ever written without its actors, sources and record.

import csv
import gc
import io
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from pathlib import Path
from types import ModuleType, SimpleNamespace

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from events import triggers, validators
from events.dates import Precision, display_text
from events.interchange import acled, signature, ucdp
from events.interchange.dataset_files import DatasetFile, FileError, SourceRow, read_dataset
from events.interchange.mapping import MappedRow, PlaceSpec, RowError, headline
from events.interchange.resolving import (
    ActorResolver,
    ArticleResolver,
    History,
    PlaceResolver,
    Ref,
    TypeResolver,
    ref_id,
    ref_token,
)
from events.interchange.writing import IN_LIST, Table, allocate_ids, bulk_load, delete_where
from events.models import Event, EventActor, EventSource, ExternalRecord

logger = logging.getLogger(__name__)

LAYOUTS: dict[str, ModuleType] = {"acled": acled, "ucdp": ucdp}
CHUNK_ROWS = 5_000
STATUSES = ("draft", "review", "published")
# Columns an update rewrites: what the dataset holds, and the headline made from it.
EVENT_COLUMNS = [
    "headline",
    "summary",
    "type_id",
    "location_id",
    "date_earliest",
    "date_latest",
    "date_precision",
    "date_approximate",
    "date_display",
    "fatalities_best",
    "fatalities_low",
    "fatalities_high",
    "updated",
]
RECORD_COLUMNS = [
    "release",
    "country",
    "row_date",
    "geo_precision",
    "row",
    "snapshot",
    "pending",
    "fingerprint",
    "changed_at",
]
TYPE_COLUMNS = {"acled": ("event_type", "sub_event_type"), "ucdp": ("type_of_violence",) * 2}
# A file at least this large, whose first chunk writes most of its rows and at least a quarter
# as many events as are stored, sets the full-text index and the day-pair counts aside and
# rebuilds them once at the end, instead of keeping them row by row (see _Aside).
SET_ASIDE_ROWS = 20_000
Progress = Callable[[int, int], None]


@dataclass
class RowOutcome:
    line: int
    external_id: str
    action: str  # create, update, unchanged, skip, conflict or reject
    headline: str = ""
    reason: str = ""


@dataclass
class Conflict:
    """A newer row for an event an editor changed since it was imported: not applied; it waits
    on the record (ExternalRecord.pending) for an editor to apply or dismiss."""

    line: int
    external_id: str
    event_id: int
    edited: list[str]  # the event's groups of fields the editor changed
    stored_release: str
    newer_release: str
    # (column, the stored row's cell, the newer row's cell) for each cell that differs.
    differences: list[tuple[str, str, str]]


@dataclass
class ImportReport:
    dataset: str
    filename: str
    release: str = ""
    dry_run: bool = False
    atomic: bool = False
    status: str = "published"
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[RowOutcome] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    rejected: list[RowOutcome] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)
    new_actors: int = 0
    new_places: int = 0
    new_types: int = 0
    new_articles: int = 0
    place_suggestions: int = 0
    # Records of this dataset in the file's countries and dates that the file lacks: how
    # many, and the first of them as (external id, event id).
    missing_count: int = 0
    missing: list[tuple[str, int]] = field(default_factory=list)
    scope: tuple[list[str], date | None, date | None] = ([], None, None)
    # The chunks written, as (first line, last line), and why the import stopped early.
    committed: list[tuple[int, int]] = field(default_factory=list)
    stopped: str = ""
    outcomes: list[RowOutcome] = field(default_factory=list)
    encoding: str = "utf-8"
    seconds: float = 0.0

    def mark(self) -> tuple:
        """Where the counts stand: back_to(mark) forgets a chunk that was not written."""
        lists = (self.skipped, self.conflicts, self.rejected, self.warnings, self.outcomes)
        return (self.rows, self.created, self.updated, self.unchanged, *map(len, lists))

    def back_to(self, mark: tuple) -> None:
        self.rows, self.created, self.updated, self.unchanged = mark[:4]
        lists = (self.skipped, self.conflicts, self.rejected, self.warnings, self.outcomes)
        for items, length in zip(lists, mark[4:], strict=True):
            del items[length:]

    @property
    def written(self) -> bool:
        return bool(self.committed) and not (self.atomic and (self.rejected or self.stopped))

    @property
    def committed_lines(self) -> str:
        """The lines committed, chunks that follow each other as one span: "2–15001"."""
        spans: list[list[int]] = []
        for first, last in self.committed:
            if spans and spans[-1][1] + 1 == first:
                spans[-1][1] = last
            else:
                spans.append([first, last])
        return ", ".join(f"{first}–{last}" for first, last in spans) or "none"

    @property
    def label(self) -> str:
        return LAYOUTS[self.dataset].LABEL

    def lines(self, *, limit: int = 20) -> list[str]:
        """The report as text: counts, then rejected rows, conflicts, skipped rows, warnings."""
        planned = self.dry_run or (self.atomic and (self.rejected or self.stopped))
        verb = "would be" if planned else "were"
        head = (
            f"{self.label} {self.release or ''} {self.filename}: {self.rows} rows read in "
            f"{self.seconds:.1f} s"
        ).replace("  ", " ")
        lines = [
            head,
            f"events: {self.created} {verb} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {len(self.skipped)} older rows skipped, "
            f"{len(self.conflicts)} conflicts for review, {len(self.rejected)} rows rejected",
            f"new: {self.new_actors} actors, {self.new_places} places "
            f"({self.place_suggestions} possible duplicates to review), {self.new_types} event "
            f"types, {self.new_articles} source articles",
        ]
        if self.dry_run:
            lines.append("dry run: nothing was written")
        elif self.atomic and self.stopped:
            lines.append(f"--atomic: the import stopped ({self.stopped}), so nothing was written")
        elif self.atomic and self.rejected:
            lines.append("--atomic: a row was rejected, so nothing was written")
        elif self.stopped:
            lines.append(
                f"STOPPED at {self.stopped}; lines committed before it: {self.committed_lines}"
            )
        if self.encoding not in ("utf-8", "utf-8-sig"):
            lines.append(f"the file is not UTF-8: read as {self.encoding}")
        for outcome in self.rejected[:limit]:
            lines.append(f"line {outcome.line}: rejected: {outcome.reason}")
        if len(self.rejected) > limit:
            lines.append(f"… and {len(self.rejected) - limit} more rejected rows")
        for conflict in self.conflicts[:limit]:
            lines.append(
                f"line {conflict.line}: conflict: {self.label} {conflict.external_id} → event "
                f"{conflict.event_id} was changed by an editor ({', '.join(conflict.edited)}); "
                f"the newer row ({conflict.newer_release or 'no release'}) waits for review"
            )
            for column, stored, newer in conflict.differences[:limit]:
                lines.append(f"    {column}: {stored!r} → {newer!r}")
        if len(self.conflicts) > limit:
            lines.append(f"… and {len(self.conflicts) - limit} more conflicts")
        for outcome in self.skipped[:limit]:
            lines.append(f"line {outcome.line}: skipped: {outcome.reason}")
        if len(self.skipped) > limit:
            lines.append(f"… and {len(self.skipped) - limit} more older rows skipped")
        for line, message in self.warnings[:limit]:
            lines.append(f"line {line}: warning: {message}")
        if len(self.warnings) > limit:
            lines.append(f"… and {len(self.warnings) - limit} more warnings")
        if self.missing_count:
            countries, first, last = self.scope
            lines.append(
                f"{self.missing_count} {self.label} records of {', '.join(countries)} dated "
                f"{first} to {last} are not in this file (kept; listed by id):"
            )
            lines += [f"  {external_id} → event {pk}" for external_id, pk in self.missing[:limit]]
            if self.missing_count > limit:
                lines.append(f"  … and {self.missing_count - limit} more")
        return lines


@dataclass
class _Stored:
    """What a chunk reads of a row's record before deciding anything."""

    id: int
    event_id: int
    fingerprint: str
    release: str
    country: str
    row_date: date | None


@dataclass
class _Plan:
    row: MappedRow
    action: str  # create, update or refresh (a record brought up to date, its event as it is)
    stored: _Stored | None
    verbatim: dict[str, str]
    fingerprint: str
    # The event's columns by attname (headline, date_earliest, …; type_id and location_id
    # once written), checked by validators.validate_event.
    event: dict
    type: Ref
    location: Ref | None
    actors: list[tuple[Ref, str, str]]  # (actor, role, kind in this event)
    sources: list[tuple[Ref, str, int, str]]  # (article, excerpt, offset, attributed_to)
    status: str = ""  # A new event's status, when not the import's own


class _Seen:
    """The ids read so far, in a temporary table rather than in memory: a repeated id is found
    across chunks, and so are the records a file no longer holds."""

    def __init__(self):
        self.table = connection.ops.quote_name(f"ct_import_seen_{uuid.uuid4().hex[:12]}")

    def __enter__(self):
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.table} "
                "(external_id varchar(64) PRIMARY KEY, line integer NOT NULL)"
            )
        return self

    def __exit__(self, *exc_info):
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.table}")

    def earlier(self, ids: list[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        with connection.cursor() as cursor:
            for start in range(0, len(ids), IN_LIST):
                part = ids[start : start + IN_LIST]
                marks = ", ".join(["%s"] * len(part))
                cursor.execute(
                    f"SELECT external_id, line FROM {self.table} WHERE external_id IN ({marks})",
                    part,
                )
                found.update(cursor.fetchall())
        return found

    def add(self, lines: dict[str, int]) -> None:
        if lines:
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {self.table} (external_id, line) VALUES (%s, %s)",
                    list(lines.items()),
                )


class _Importer:
    def __init__(
        self,
        report: ImportReport,
        data: DatasetFile,
        *,
        user,
        keep_outcomes: bool,
        overwrite_edited: bool = False,
    ):
        self.report = report
        # Apply newer rows to events editors changed (an editor's decision on a conflict).
        self.overwrite_edited = overwrite_edited
        self.data = data
        self.layout = LAYOUTS[report.dataset]
        self.keep_outcomes = keep_outcomes
        reason = f"import of {self.layout.LABEL} {report.release} {report.filename}"
        self.history = History(user=user, reason=re.sub(r"\s+", " ", reason)[:100])
        self.types = TypeResolver(self.history)
        self.places = PlaceResolver(self.history)
        self.actors = ActorResolver(self.history)
        self.articles = ArticleResolver(self.history)
        self.seen: _Seen | None = None
        self.countries: set[str] = set()
        self.first_day: date | None = None
        self.last_day: date | None = None
        self.tables = _Tables(self.history.when)
        # Written per chunk: conflicts to store, records whose release moves on.
        self.pending: list[tuple[_Stored, Conflict, dict]] = []
        self.bumped: list[dict] = []

    # --- Planning: pure but for the lookups, a few queries per chunk ------------------------

    def plan_chunk(self, rows: list[SourceRow]) -> list[_Plan]:
        report, layout, data = self.report, self.layout, self.data
        read: list[tuple[SourceRow, dict, str]] = []
        lines: dict[str, int] = {}
        for source in rows:
            report.rows += 1
            if source.problem:
                self.reject(source.line, "", source.problem)
                continue
            row = data.some_cells(source.raw, layout.ID_COLUMNS)
            ident = layout.external_id(row)[:64]
            if ident and ident in lines:
                self.reject(source.line, ident, f"the id is also on line {lines[ident]}")
                continue
            if ident:
                lines[ident] = source.line
            read.append((source, row, ident))
        earlier = self.seen.earlier(list(lines)) if lines else {}
        self.seen.add({ident: line for ident, line in lines.items() if ident not in earlier})
        stored = self._stored(list(lines))
        creates: list[tuple[MappedRow, dict, str]] = []
        candidates: list[tuple[MappedRow, _Stored, dict, str]] = []
        for source, row, ident in read:
            if ident in earlier:
                self.reject(source.line, ident, f"the id is also on line {earlier[ident]}")
                continue
            record = stored.get(ident)
            fingerprint = data.fingerprint(source.raw)
            if record is not None and record.fingerprint == fingerprint:
                self._unchanged(record, row, source.line, ident)
                continue
            try:
                mapped = layout.parse_row(
                    source.line, data.cells(source.raw), release=report.release
                )
            except RowError as exc:
                self.reject(source.line, ident, str(exc))
                continue
            self._in_scope(mapped.country, mapped.row_date)
            verbatim = data.verbatim(source.raw)
            if record is None:
                creates.append((mapped, verbatim, fingerprint))
            elif layout.stamp_key(mapped.release) < layout.stamp_key(record.release):
                self._skip(mapped, record)
            else:
                candidates.append((mapped, record, verbatim, fingerprint))
        # The chunk's stub articles already stored, in one query per 500.
        self.articles.prepare(
            spec for mapped, *_ in [*creates, *candidates] for spec in mapped.sources
        )
        plans = [
            self._plan(mapped, None, verbatim, fingerprint, "create")
            for mapped, verbatim, fingerprint in creates
        ]
        plans += self._updates(candidates)
        return [plan for plan in plans if plan is not None]

    def _skip(self, mapped: MappedRow, record: _Stored) -> None:
        release = mapped.release or "no release"
        reason = (
            f"{self.layout.LABEL} {mapped.external_id}: this row ({release}) is older than the "
            f"stored one ({record.release}); the stored one is kept"
        )
        self._outcome(
            self.report.skipped, RowOutcome(mapped.line, mapped.external_id, "skip", reason=reason)
        )

    def _stored(self, ids: list[str]) -> dict[str, _Stored]:
        found: dict[str, _Stored] = {}
        for start in range(0, len(ids), IN_LIST):
            rows = ExternalRecord.objects.filter(
                dataset=self.report.dataset, external_id__in=ids[start : start + IN_LIST]
            ).values_list(
                "external_id", "id", "event_id", "fingerprint", "release", "country", "row_date"
            )
            found.update((ident, _Stored(*rest)) for ident, *rest in rows)
        return found

    def _unchanged(self, record: _Stored, row, line: int, ident: str) -> None:
        """A row exactly as stored: nothing to read; a newer release only moves the stamp on."""
        self.report.unchanged += 1
        self._in_scope(record.country, record.row_date)
        release = self.layout.stamp(row, self.report.release)[:64]
        if self.layout.stamp_key(release) > self.layout.stamp_key(record.release):
            self.bumped.append({"id": record.id, "release": release})
        if self.keep_outcomes:
            self.report.outcomes.append(RowOutcome(line, ident, "unchanged"))

    def _in_scope(self, country: str, day: date | None) -> None:
        if country:
            self.countries.add(country)
        if day is not None:
            self.first_day = min(day, self.first_day or day)
            self.last_day = max(day, self.last_day or day)

    def _updates(self, candidates: list) -> list[_Plan | None]:
        """Plans for rows newer than (or as new as) their stored row: updates of events nobody
        changed since the import, conflicts for the others."""
        if not candidates:
            return []
        ids = [record.id for _, record, _, _ in candidates]
        details = {}
        for start in range(0, len(ids), IN_LIST):
            details.update(
                (pk, rest)
                for pk, *rest in ExternalRecord.objects.filter(
                    id__in=ids[start : start + IN_LIST]
                ).values_list("id", "snapshot", "row")
            )
        now = signature.current([record.event_id for _, record, _, _ in candidates])
        plans = []
        for mapped, record, verbatim, fingerprint in candidates:
            snapshot, stored_row = details[record.id]
            current = now.get(record.event_id, {})
            edited = signature.changed_groups(snapshot, current)
            if not edited or self.overwrite_edited:
                plan = self._try(mapped, record, verbatim, fingerprint, "update")
                if plan is not None and not edited and _signature(plan) == current:
                    # The row differs (a column more or less) but says what the event holds.
                    plan.action = "refresh"
                plans.append(self._count(plan) if plan is not None else None)
                continue
            if not snapshot:
                # A record from before snapshots: unchanged if the event holds what the row says.
                plan = self._try(mapped, record, verbatim, fingerprint, "refresh")
                if plan is not None and _signature(plan) == current:
                    plans.append(self._count(plan))
                    continue
            self._conflict(mapped, record, verbatim, fingerprint, stored_row, edited)
        return plans

    def _conflict(self, mapped, record, verbatim, fingerprint, stored_row, edited) -> None:
        layout = self.layout
        before, after = layout.current_cells(stored_row), layout.current_cells(verbatim)
        differences = [
            (column, before.get(column, ""), after.get(column, ""))
            for column in layout.COLUMNS
            if before.get(column, "") != after.get(column, "")
        ]
        conflict = Conflict(
            line=mapped.line,
            external_id=mapped.external_id,
            event_id=record.event_id,
            edited=[group for group in signature.GROUPS if group in edited],
            stored_release=record.release,
            newer_release=mapped.release,
            differences=differences,
        )
        self.report.conflicts.append(conflict)
        self.pending.append(
            (
                record,
                conflict,
                {
                    "release": mapped.release[:64],
                    "fingerprint": fingerprint,
                    "row": verbatim,
                    "line": mapped.line,
                    "file": self.report.filename,
                    "edited": conflict.edited,
                },
            )
        )
        if self.keep_outcomes:
            reason = f"changed by an editor ({', '.join(conflict.edited)}): waits for review"
            self.report.outcomes.append(
                RowOutcome(mapped.line, mapped.external_id, "conflict", reason=reason)
            )

    def _plan(self, row: MappedRow, stored, verbatim, fingerprint, action: str) -> _Plan | None:
        plan = self._try(row, stored, verbatim, fingerprint, action)
        return self._count(plan) if plan is not None else None

    def _try(self, row: MappedRow, stored, verbatim, fingerprint, action: str) -> _Plan | None:
        """Check the row fully, then resolve its names: a row that fails creates nothing."""
        try:
            return self.plan(row, stored, verbatim, fingerprint, action)
        except RowError as exc:
            self.reject(row.line, row.external_id, str(exc))
            return None

    def _count(self, plan: _Plan) -> _Plan:
        report, row, action = self.report, plan.row, plan.action
        report.warnings += [(row.line, message) for message in row.warnings]
        if action == "create":
            report.created += 1
        elif action == "update":
            report.updated += 1
        else:
            report.unchanged += 1
        if self.keep_outcomes:
            shown = "unchanged" if action == "refresh" else action
            report.outcomes.append(
                RowOutcome(row.line, row.external_id, shown, plan.event["headline"])
            )
        return plan

    def plan(self, row: MappedRow, stored, verbatim, fingerprint, action: str) -> _Plan:
        event = {
            "summary": row.summary,
            "date_earliest": row.earliest,
            "date_latest": row.latest,
            "date_precision": row.precision,
            "date_approximate": False,
            "date_display": _display(row.earliest, row.latest, row.precision),
            "fatalities_best": row.fatalities_best,
            "fatalities_low": row.fatalities_low,
            "fatalities_high": row.fatalities_high,
        }
        try:
            # The validator every write path uses, on the unsaved values.
            validators.validate_event(SimpleNamespace(**event))
            for spec in [*row.admin, *([row.place] if row.place else [])]:
                _check_place(spec)
        except ValidationError as exc:
            raise RowError(_message(exc)) from None
        event_type = self.types.resolve(row.type, columns=TYPE_COLUMNS[self.report.dataset])
        place = self.places.resolve(row.admin, row.place)
        location = place.ref if place is not None else None
        actors, seen = [], set()
        for spec in row.actors:
            for ref in self.actors.resolve(spec):
                if (ref_token(ref), spec.role) not in seen:
                    seen.add((ref_token(ref), spec.role))
                    actors.append((ref, spec.role, spec.link_kind))
        sources = []
        for spec in row.sources:
            offset = validators.locate_excerpt(spec.text, spec.excerpt)
            sources.append((self.articles.resolve(spec), spec.excerpt, offset, spec.attributed_to))
        status = ""
        if not sources and action == "update":
            raise RowError(
                "the row cites no source; the event keeps the sources it has, so the row is not "
                "applied (a published event keeps at least one source)"
            )
        if not sources and action == "create" and self.report.status == "published":
            # A published event keeps a source (validators.validate_published_sources).
            status = "review"
            row.warnings.append(
                f"{row.external_id} cites no source: imported for review, not published"
            )
        names = [(self.actors.name_of(ref), role) for ref, role, _ in actors]
        event["headline"] = headline(row.label, place.name if place else "", names)
        return _Plan(
            row,
            action,
            stored,
            verbatim,
            fingerprint,
            event,
            event_type,
            location,
            actors,
            sources,
            status,
        )

    def reject(self, line: int, external_id: str, reason: str) -> None:
        self._outcome(self.report.rejected, RowOutcome(line, external_id, "reject", reason=reason))

    def _outcome(self, where: list, outcome: RowOutcome) -> None:
        where.append(outcome)
        if self.keep_outcomes:
            self.report.outcomes.append(outcome)

    # --- Writing: a few bulk statements per chunk -------------------------------------------

    def write_chunk(self, plans: list[_Plan]) -> None:
        report, now = self.report, self.history.when
        report.place_suggestions += len(self.places.suggestions)
        report.new_types += self.types.flush()
        report.new_places += self.places.flush()
        report.new_actors += self.actors.flush()
        report.new_articles += self.articles.flush()
        tables = self.tables
        creates = [plan for plan in plans if plan.action == "create"]
        updates = [plan for plan in plans if plan.action == "update"]
        refreshed = [plan for plan in plans if plan.action == "refresh"]
        for plan, pk in zip(creates, allocate_ids(Event, len(creates)), strict=True):
            status = plan.status or report.status
            plan.event.update(
                id=pk,
                uid=uuid.uuid4(),
                status=status,
                published_at=now if status == "published" else None,
                created=now,
                updated=now,
                **_refs(plan),
            )
        if updates:
            for plan in updates:
                plan.event.update(id=plan.stored.event_id, updated=now, **_refs(plan))
            event_ids = [plan.event["id"] for plan in updates]
            delete_where(EventActor, "event_id", event_ids)
            delete_where(EventSource, "event_id", event_ids)
        # A new event's actors, sources and record go in before the event itself (their
        # foreign keys are checked at commit): the search index's triggers then find no event
        # for each source row and index the whole event once, when it is inserted, instead of
        # re-indexing it for every source.
        written = creates + updates
        tables.event_actor.insert_rows(
            ("event_id", "actor_id", "role", "kind", "date_earliest", "date_latest"),
            (
                (
                    event["id"],
                    ref_id(actor),
                    role,
                    kind,
                    event["date_earliest"],
                    event["date_latest"],
                )
                for plan in written
                for event in (plan.event,)
                for actor, role, kind in plan.actors
            ),
        )
        tables.event_source.insert_rows(
            ("event_id", "article_id", "excerpt", "excerpt_start", "excerpt_end", "attributed_to"),
            (
                (plan.event["id"], ref_id(article), excerpt, offset, offset + len(excerpt), by)
                for plan in written
                for article, excerpt, offset, by in plan.sources
            ),
        )
        tables.record.insert(
            {
                "event_id": plan.event["id"],
                "dataset": report.dataset,
                "external_id": plan.row.external_id,
                "imported_at": now,
                **self.record(plan),
            }
            for plan in creates
        )
        tables.event.insert(plan.event for plan in creates)
        self.history.copy(Event, [plan.event["id"] for plan in creates], "+")
        if updates:
            tables.event.update((plan.event for plan in updates), EVENT_COLUMNS, new_version=True)
            self.history.copy(Event, [plan.event["id"] for plan in updates], "~")
        tables.record.update(
            ({"id": plan.stored.id, **self.record(plan)} for plan in updates + refreshed),
            RECORD_COLUMNS,
        )
        tables.record.update(
            ({"id": record.id, "pending": pending} for record, _, pending in self.pending),
            ["pending"],
        )
        tables.record.update(self.bumped, ["release"])
        self.pending, self.bumped = [], []
        self.articles.forget()

    def discard_chunk(self) -> None:
        """Forget what a chunk that is not written would have written (a dry run)."""
        self.pending, self.bumped = [], []

    def count_pending(self) -> None:
        """Add what a dry run (or a stopped atomic import) would still have created."""
        self.report.new_types += len(self.types.pending)
        self.report.new_places += len(self.places.pending)
        self.report.new_actors += len(self.actors.pending)
        self.report.new_articles += len(self.articles.pending)
        self.report.place_suggestions += len(self.places.suggestions)

    def record(self, plan: _Plan) -> dict:
        row = plan.row
        return {
            "release": row.release[:64],
            "country": row.country[:100],
            "row_date": row.row_date,
            "geo_precision": row.geo_precision,
            "row": plan.verbatim,
            "snapshot": _signature(plan, written=True),
            "pending": None,
            "fingerprint": plan.fingerprint,
            "changed_at": self.history.when,
        }

    def missing(self, *, limit: int) -> None:
        """Records of this dataset, of the file's countries and within its dates, whose rows
        the file lacks: how many, and the first `limit` of them."""
        report = self.report
        countries = sorted(self.countries)
        report.scope = (countries, self.first_day, self.last_day)
        if not countries or self.first_day is None:
            return
        quote = connection.ops.quote_name
        record, event = ExternalRecord._meta.db_table, Event._meta.db_table
        marks = ", ".join(["%s"] * len(countries))
        where = (
            f"FROM {quote(record)} r JOIN {quote(event)} e ON e.id = r.event_id "
            f"WHERE r.dataset = %s AND r.country IN ({marks}) "
            "AND COALESCE(r.row_date, e.date_earliest) BETWEEN %s AND %s "
            f"AND NOT EXISTS (SELECT 1 FROM {self.seen.table} s "
            "WHERE s.external_id = r.external_id)"
        )
        params = [report.dataset, *countries, self.first_day, self.last_day]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) {where}", params)
            report.missing_count = cursor.fetchone()[0]
            cursor.execute(
                f"SELECT r.external_id, r.event_id {where} ORDER BY r.external_id LIMIT %s",
                [*params, limit],
            )
            report.missing = [tuple(row) for row in cursor.fetchall()]


def import_file(
    source: Path | str | bytes,
    *,
    dataset: str,
    filename: str = "",
    release: str = "",
    status: str = "published",
    dry_run: bool = False,
    atomic: bool = False,
    user=None,
    keep_outcomes: bool = False,
    progress: Progress | None = None,
    chunk_rows: int = CHUNK_ROWS,
    list_missing: int = 100,
    overwrite_edited: bool = False,
) -> ImportReport:
    """Import an ACLED or UCDP GED CSV file (a path or its bytes) and report what happened.

    Rows with an id already imported update their event when the row changed, its stamp is
    not older than the stored row's and no editor changed the event since (else the row is
    skipped as older, or kept on the record as a conflict for review); nothing is duplicated.
    Rows that cannot be imported are reported with their line and reason and the rest imported
    — or, with atomic, nothing is. A database failure stops the import: the report says which
    chunks were committed and where it stopped. dry_run writes nothing and reports what would
    happen. FileError when the file cannot be read.
    """
    if dataset not in LAYOUTS:
        raise FileError(f"unknown format {dataset!r}; use {' or '.join(LAYOUTS)}")
    if status not in STATUSES:
        raise FileError(f"unknown status {status!r}; use {', '.join(STATUSES)}")
    layout = LAYOUTS[dataset]
    filename = filename or (Path(source).name if not isinstance(source, bytes) else "")
    started = time.monotonic()
    data = read_dataset(source, aliases=layout.ALIASES, required=layout.REQUIRED)
    report = ImportReport(
        dataset=dataset,
        filename=filename,
        release=(release or guess_release(dataset, filename))[:64],
        dry_run=dry_run,
        atomic=atomic,
        status=status,
        encoding=data.encoding,
    )
    try:
        # The triggers are set aside and the table of seen ids made outside an all-or-nothing
        # transaction, so that both are put back whether it commits or rolls back.
        with (
            _without_cycle_collection(),
            bulk_load(),
            _Aside(data.approximate_rows, dry_run=dry_run) as aside,
            _Seen() as seen,
        ):
            importer = _Importer(
                report,
                data,
                user=user,
                keep_outcomes=keep_outcomes,
                overwrite_edited=overwrite_edited,
            )
            importer.seen = seen
            with transaction.atomic() if atomic else nullcontext():
                _run(importer, data, aside, chunk_rows=chunk_rows, progress=progress)
                if not report.stopped and list_missing:
                    importer.missing(limit=list_missing)
                if atomic and (report.rejected or report.stopped) and not dry_run:
                    transaction.set_rollback(True)
            importer.count_pending()
            # Rows refused while reading come before the others of their chunk: put them back.
            for outcomes in (report.rejected, report.outcomes, report.skipped, report.conflicts):
                outcomes.sort(key=lambda outcome: outcome.line)
    finally:
        data.close()
    report.seconds = time.monotonic() - started
    return report


def _run(
    importer: _Importer, data: DatasetFile, aside: "_Aside", *, chunk_rows: int, progress
) -> None:
    """Plan and write chunk by chunk, each in one transaction (which also holds the chunk's
    writes to the table of ids seen: on SQLite, a statement committed on its own after a
    large write pays for a checkpoint of the write-ahead log)."""
    report = importer.report
    for chunk in _chunks(data.rows, chunk_rows):
        first, last = chunk[0].line, chunk[-1].line
        mark, written = report.mark(), 0
        try:
            with transaction.atomic():
                plans = importer.plan_chunk(chunk)
                if report.dry_run or (report.atomic and report.rejected):
                    importer.discard_chunk()
                else:
                    importer.write_chunk(plans)
                    report.committed.append((first, last))
                    written = sum(plan.action in ("create", "update") for plan in plans)
        except Exception as exc:  # Any failure: the report says where it stopped.
            logger.exception("import of %s stopped at lines %s–%s", report.filename, first, last)
            report.back_to(mark)
            report.stopped = f"lines {first}–{last} ({exc}); nothing of these lines was written"
            return
        aside.after_chunk(len(chunk), written, data.approximate_rows - report.rows)
        if progress is not None:
            progress(report.rows, data.approximate_rows)


def apply_pending(records: Iterable[ExternalRecord], *, user=None) -> list[ImportReport]:
    """Apply the newer rows that wait on these records (conflicts), replacing the editors'
    changes: the rows of each dataset and release are imported as one file would be, recorded
    in history under `user`. One report per dataset and release."""
    groups: dict[tuple[str, str], list[dict]] = {}
    for record in records:
        if record.pending:
            key = (record.dataset, record.pending.get("release") or "")
            groups.setdefault(key, []).append(record.pending.get("row") or {})
    reports = []
    for (dataset, release), rows in sorted(groups.items()):
        columns = list(dict.fromkeys(column for row in rows for column in row))
        reports.append(
            import_file(
                csv_bytes(columns, rows),
                dataset=dataset,
                filename="rows reviewed in the admin",
                release=release,
                user=user,
                overwrite_edited=True,
                list_missing=0,
            )
        )
    return reports


def dismiss_pending(records: Iterable[ExternalRecord]) -> int:
    """Keep the editors' versions: the newer rows are set aside, and an import of the same
    rows again finds them already seen (it reports them unchanged). How many were dismissed."""
    dismissed = 0
    for record in records:
        if not record.pending:
            continue
        record.release = record.pending.get("release", record.release)
        record.fingerprint = record.pending.get("fingerprint", record.fingerprint)
        record.pending = None
        record.save(update_fields=["release", "fingerprint", "pending"])
        dismissed += 1
    return dismissed


def csv_bytes(columns: list[str], rows: Iterable[dict]) -> bytes:
    """Rows as a CSV file in memory (UTF-8, every cell quoted as needed)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([row.get(column, "") for column in columns] for row in rows)
    return buffer.getvalue().encode("utf-8")


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Python's cycle collector off while an import runs: a chunk makes a few hundred thousand
    short-lived containers, which reference counting frees, and collecting them as cycles took
    a quarter of an import's time. Whatever a chunk leaves is collected at the end."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _Aside:
    """The trigger-kept features (the full-text index, the histogram's day pairs) set aside
    for a large import that writes, and rebuilt once at the end (see events.triggers): set
    aside between chunks, once the first chunk has written most of its rows, so that a
    re-import that changes nothing never pays for a rebuild."""

    def __init__(self, rows: int, *, dry_run: bool):
        self.eligible = not dry_run and rows >= SET_ASIDE_ROWS
        self.started = False

    def after_chunk(self, rows: int, written: int, remaining: int) -> None:
        if self.started or not self.eligible or written * 2 < rows or remaining < rows:
            return
        self.eligible = False
        if written * 4 < Event.objects.count():
            return  # A small share of a large table: rebuilding would cost more.
        for feature, _ in triggers.FEATURES:
            triggers.uninstall_feature(feature, connection)
        self.started = True

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        # Reinstalled and rebuilt from every event, whether the import committed or not; had
        # the setting aside been rolled back with an all-or-nothing import, nothing is missing.
        if self.started:
            triggers.restore_triggers()


def guess_release(dataset: str, filename: str) -> str:
    """UCDP's version from its file name: ged191.csv, GEDEvent_v19_1.csv → "19.1"."""
    if dataset == "ucdp":
        found = re.search(r"(?:ged|v)[_-]?(\d{2})[._-]?(\d)(?!\d)", filename, re.IGNORECASE)
        if found:
            return f"{found[1]}.{found[2]}"
    return ""


# --- Helpers -----------------------------------------------------------------------------------


def _chunks(rows: Iterator[SourceRow], size: int) -> Iterator[list[SourceRow]]:
    while chunk := list(islice(rows, size)):
        yield chunk


class _Tables:
    def __init__(self, now):
        self.event = Table(Event, now=now, explicit_ids=True)
        self.event_actor = Table(EventActor, now=now)
        self.event_source = Table(EventSource, now=now)
        self.record = Table(ExternalRecord, now=now)


_DISPLAYS: dict = {}


def _display(earliest: date, latest: date, precision: str) -> str:
    # Rows share their bounds: each distinct display text is worked out once.
    key = (earliest, latest, precision)
    found = _DISPLAYS.get(key)
    if found is None:
        if len(_DISPLAYS) > 100_000:
            _DISPLAYS.clear()
        found = _DISPLAYS[key] = display_text(earliest, latest, Precision(precision))
    return found


def _refs(plan: _Plan) -> dict:
    """The event's type and place as ids (known now that pending rows are written)."""
    return {
        "type_id": ref_id(plan.type),
        "location_id": ref_id(plan.location) if plan.location is not None else None,
    }


def _signature(plan: _Plan, *, written: bool = False) -> dict[str, str]:
    """What the plan writes into the event, group by group (see events.interchange.signature).
    Before its chunk is written, a name still waiting for its new row has no id yet: such a
    plan matches nothing stored."""
    event = plan.event
    if not written:
        refs = [plan.type, *(a for a, _, _ in plan.actors), *(a for a, _, _, _ in plan.sources)]
        if plan.location is not None:
            refs.append(plan.location)
        if any(ref_id(ref) is None for ref in refs):
            return {"pending": "a name waits for its new row"}
    return signature.signature(
        headline=event["headline"],
        summary=event["summary"],
        earliest=event["date_earliest"].isoformat(),
        latest=event["date_latest"].isoformat(),
        precision=event["date_precision"],
        type_id=ref_id(plan.type),
        location_id=ref_id(plan.location) if plan.location is not None else None,
        fatalities=(event["fatalities_best"], event["fatalities_low"], event["fatalities_high"]),
        actors=[(ref_id(actor), role, kind) for actor, role, kind in plan.actors],
        sources=[(ref_id(article), excerpt, by) for article, excerpt, _, by in plan.sources],
    )


def _check_place(spec: PlaceSpec) -> None:
    if spec.latitude is not None or spec.longitude is not None:
        validators.validate_coordinates(spec.latitude, spec.longitude)
    if len(spec.name) > 200:
        raise ValidationError({spec.kind: f"{spec.name[:40]!r}… is longer than 200 characters"})


def _message(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
        )
    return " ".join(error.messages)
