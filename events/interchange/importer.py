"""Import an ACLED or UCDP GED file: plan each row, then write chunks of rows in bulk."""

# Rows are read, mapped (events.interchange.acled / ucdp) and checked with the validators
# every write path uses, one by one; names are resolved from in-memory caches; then each
# chunk of rows is written with a handful of bulk statements in one transaction, so the
# number of queries grows with the number of chunks, never with the number of rows, and no
# event is ever written without its actors, sources and record.

import hashlib
import re
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from types import ModuleType, SimpleNamespace

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from events import validators
from events.dates import Precision, display_text
from events.interchange import acled, ucdp
from events.interchange.mapping import MappedRow, PlaceSpec, RowError, headline
from events.interchange.reading import FileError, SourceRow, read_dataset
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

LAYOUTS: dict[str, ModuleType] = {"acled": acled, "ucdp": ucdp}
CHUNK_ROWS = 5_000
STATUSES = ("draft", "review", "published")
# Columns a re-import rewrites: what the dataset holds, and the headline made from it.
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
TYPE_COLUMNS = {"acled": ("event_type", "sub_event_type"), "ucdp": ("type_of_violence",) * 2}
COUNTERS = {"create": "created", "update": "updated", "unchanged": "unchanged"}
Progress = Callable[[int, int], None]


class ImportAborted(Exception):
    """The database refused a chunk (another writer, a constraint): the import stopped."""


@dataclass
class RowOutcome:
    line: int
    external_id: str
    action: str  # create, update, unchanged or reject
    headline: str = ""
    reason: str = ""


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
    rejected: list[RowOutcome] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)
    new_actors: int = 0
    new_places: int = 0
    new_types: int = 0
    new_articles: int = 0
    # (external id, event id) of records of this dataset and the file's countries not in it.
    missing: list[tuple[str, int]] = field(default_factory=list)
    outcomes: list[RowOutcome] = field(default_factory=list)
    encoding: str = "utf-8-sig"
    seconds: float = 0.0

    @property
    def written(self) -> bool:
        return not self.dry_run and not (self.atomic and self.rejected)

    @property
    def label(self) -> str:
        return LAYOUTS[self.dataset].LABEL

    def lines(self, *, limit: int = 20) -> list[str]:
        """The report as text: counts, then rejected rows and warnings by line."""
        verb = "were" if self.written else "would be"
        head = (
            f"{self.label} {self.release or ''} {self.filename}: {self.rows} rows read in "
            f"{self.seconds:.1f} s"
        ).replace("  ", " ")
        lines = [
            head,
            f"events: {self.created} {verb} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {len(self.rejected)} rows rejected",
            f"new: {self.new_actors} actors, {self.new_places} places, {self.new_types} event "
            f"types, {self.new_articles} source articles",
        ]
        if self.dry_run:
            lines.append("dry run: nothing was written")
        elif self.atomic and self.rejected:
            lines.append("--atomic: a row was rejected, so nothing was written")
        if self.encoding != "utf-8-sig":
            lines.append(f"the file is not UTF-8: read as {self.encoding}")
        for outcome in self.rejected[:limit]:
            lines.append(f"line {outcome.line}: rejected: {outcome.reason}")
        if len(self.rejected) > limit:
            lines.append(f"… and {len(self.rejected) - limit} more rejected rows")
        for line, message in self.warnings[:limit]:
            lines.append(f"line {line}: warning: {message}")
        if len(self.warnings) > limit:
            lines.append(f"… and {len(self.warnings) - limit} more warnings")
        if self.missing:
            lines.append(
                f"{len(self.missing)} {self.label} records of these countries are not in this "
                "file (kept; listed by id):"
            )
            lines += [f"  {external_id} → event {pk}" for external_id, pk in self.missing[:limit]]
            if len(self.missing) > limit:
                lines.append(f"  … and {len(self.missing) - limit} more")
        return lines


@dataclass
class _Plan:
    row: MappedRow
    action: str
    record: tuple | None  # (id, event_id, fingerprint, release) of the stored record
    # The event's columns by attname (headline, date_earliest, …; type_id and location_id
    # once written), checked by validators.validate_event.
    event: dict
    type: Ref
    location: Ref | None
    actors: list[tuple[Ref, str]]
    sources: list[tuple[Ref, str, int, str]]  # (article, excerpt, offset, attributed_to)


class _Importer:
    def __init__(self, report: ImportReport, *, user, keep_outcomes: bool):
        self.report = report
        self.layout = LAYOUTS[report.dataset]
        self.keep_outcomes = keep_outcomes
        reason = f"import of {self.layout.LABEL} {report.release} {report.filename}"
        self.history = History(user=user, reason=re.sub(r"\s+", " ", reason)[:100])
        self.types = TypeResolver(self.history)
        self.places = PlaceResolver(self.history)
        self.actors = ActorResolver(self.history)
        self.articles = ArticleResolver(self.history)
        self.seen: dict[str, int] = {}
        self.countries: set[str] = set()
        self.tables = _Tables(self.history.when)

    # --- Planning: pure but for the lookups, one query per chunk ---------------------------

    def plan_chunk(self, rows: list[SourceRow]) -> list[_Plan]:
        mapped = []
        for source in rows:
            self.report.rows += 1
            if source.problem:
                self.reject(source.line, "", source.problem)
                continue
            try:
                row = self.layout.parse_row(source.line, source.values, release=self.report.release)
            except RowError as exc:
                external_id = _id_of(source.values)
                if external_id:
                    # In the file, if unreadable: not a record that disappeared.
                    self.seen.setdefault(external_id, source.line)
                self.reject(source.line, external_id, str(exc))
                continue
            first = self.seen.setdefault(row.external_id, row.line)
            if first != row.line:
                self.reject(row.line, row.external_id, f"the id is also on line {first}")
                continue
            self.countries.add(row.country)
            mapped.append(row)
        records = {
            external_id: rest
            for external_id, *rest in ExternalRecord.objects.filter(
                dataset=self.report.dataset, external_id__in=[row.external_id for row in mapped]
            ).values_list("external_id", "id", "event_id", "fingerprint", "release")
        }
        self.articles.prepare(spec for row in mapped for spec in row.sources)
        plans = []
        for row in mapped:
            try:
                plan = self.plan(row, records.get(row.external_id))
            except RowError as exc:
                self.reject(row.line, row.external_id, str(exc))
                continue
            plans.append(plan)
            self.report.warnings += [(row.line, message) for message in row.warnings]
            counter = COUNTERS[plan.action]
            setattr(self.report, counter, getattr(self.report, counter) + 1)
            if self.keep_outcomes:
                self.report.outcomes.append(
                    RowOutcome(row.line, row.external_id, plan.action, plan.event["headline"])
                )
        return plans

    def plan(self, row: MappedRow, record: tuple | None) -> _Plan:
        """Check the row fully, then resolve its names: a row that fails creates nothing."""
        event = {
            "summary": row.summary,
            "date_earliest": row.earliest,
            "date_latest": row.latest,
            "date_precision": row.precision,
            "date_approximate": False,
            "date_display": display_text(row.earliest, row.latest, Precision(row.precision)),
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
                    actors.append((ref, spec.role))
        sources = []
        for spec in row.sources:
            offset = validators.locate_excerpt(spec.text, spec.excerpt)
            sources.append((self.articles.resolve(spec), spec.excerpt, offset, spec.attributed_to))
        names = [(self.actors.name_of(ref), role) for ref, role in actors]
        event["headline"] = headline(row.label, place.name if place else "", names)
        plan = _Plan(row, "create", record, event, event_type, location, actors, sources)
        if record is not None:
            known = _fingerprint(plan)
            plan.action = "unchanged" if known and known == record[2] else "update"
        return plan

    def reject(self, line: int, external_id: str, reason: str) -> None:
        outcome = RowOutcome(line, external_id, "reject", reason=reason)
        self.report.rejected.append(outcome)
        if self.keep_outcomes:
            self.report.outcomes.append(outcome)

    # --- Writing: a few bulk statements per chunk -------------------------------------------

    def write_chunk(self, plans: list[_Plan]) -> None:
        report, now = self.report, self.history.when
        report.new_types += self.types.flush()
        report.new_places += self.places.flush()
        report.new_actors += self.actors.flush()
        report.new_articles += self.articles.flush()
        tables = self.tables
        creates = [plan for plan in plans if plan.action == "create"]
        updates = [plan for plan in plans if plan.action == "update"]
        published_at = now if report.status == "published" else None
        for plan, pk in zip(creates, allocate_ids(Event, len(creates)), strict=True):
            plan.event.update(
                id=pk,
                uid=uuid.uuid4(),
                status=report.status,
                published_at=published_at,
                created=now,
                updated=now,
                **_refs(plan),
            )
        if updates:
            # The whole current row, for its "~" history record (one query per 500).
            current = {}
            event_ids = [plan.record[1] for plan in updates]
            for start in range(0, len(event_ids), IN_LIST):
                part = event_ids[start : start + IN_LIST]
                current.update(
                    (row["id"], row) for row in Event.objects.filter(id__in=part).values()
                )
            for plan in updates:
                plan.event = {
                    **current[plan.record[1]],
                    **plan.event,
                    **_refs(plan),
                    "updated": now,
                }
            event_ids = [plan.event["id"] for plan in updates]
            delete_where(EventActor, "event_id", event_ids)
            delete_where(EventSource, "event_id", event_ids)
        # A new event's actors, sources and record go in before the event itself (their
        # foreign keys are checked at commit): the search index's triggers then find no event
        # for each source row and index the whole event once, when it is inserted, instead of
        # re-indexing it for every source.
        written = creates + updates
        tables.event_actor.insert_rows(
            ("event_id", "actor_id", "role", "date_earliest", "date_latest"),
            (
                (event["id"], ref_id(actor), role, event["date_earliest"], event["date_latest"])
                for plan in written
                for event in (plan.event,)
                for actor, role in plan.actors
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
                "imported_at": now,
                "changed_at": now,
                **self.record(plan),
            }
            for plan in creates
        )
        tables.event.insert(plan.event for plan in creates)
        tables.event_history.insert(self.history.row(plan.event, "+") for plan in creates)
        if updates:
            tables.event.update((plan.event for plan in updates), EVENT_COLUMNS)
            tables.event_history.insert(self.history.row(plan.event, "~") for plan in updates)
        tables.record.update(
            ({"id": plan.record[0], "changed_at": now, **self.record(plan)} for plan in updates),
            ["release", "country", "geo_precision", "extra", "fingerprint", "changed_at"],
        )
        tables.record.update(
            (
                {"id": plan.record[0], "release": plan.row.release[:64]}
                for plan in plans
                if plan.action == "unchanged" and plan.record[3] != plan.row.release[:64]
            ),
            ["release"],
        )

    def count_pending(self) -> None:
        """Add what a dry run (or a stopped atomic import) would still have created."""
        self.report.new_types += len(self.types.pending)
        self.report.new_places += len(self.places.pending)
        self.report.new_actors += len(self.actors.pending)
        self.report.new_articles += len(self.articles.pending)

    def record(self, plan: _Plan) -> dict:
        row = plan.row
        return {
            "dataset": self.report.dataset,
            "external_id": row.external_id,
            "release": row.release[:64],
            "country": row.country[:100],
            "geo_precision": row.geo_precision,
            "extra": row.extra,
            "fingerprint": _fingerprint(plan),
        }

    def missing(self) -> list[tuple[str, int]]:
        """Records of this dataset, in the file's countries, whose rows the file lacks."""
        records = ExternalRecord.objects.filter(dataset=self.report.dataset)
        countries = {country for country in self.countries if country}
        if countries:
            records = records.filter(country__in=countries)
        rows = records.order_by("external_id").values_list("external_id", "event_id")
        return [(external_id, pk) for external_id, pk in rows if external_id not in self.seen]


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
) -> ImportReport:
    """Import an ACLED or UCDP GED CSV file (a path or its bytes) and report what happened.

    Rows with an id already imported update their event (when the row changed) and are
    never duplicated; rows that cannot be imported are reported with their line and reason
    and the rest imported — or, with atomic, nothing is. dry_run writes nothing and reports
    what would be created, updated or rejected. FileError when the file cannot be read.
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
    with bulk_load(), transaction.atomic() if atomic else nullcontext():
        importer = _Importer(report, user=user, keep_outcomes=keep_outcomes)
        for chunk in _chunks(data.rows, chunk_rows):
            plans = importer.plan_chunk(chunk)
            if not dry_run and not (atomic and report.rejected):
                try:
                    with transaction.atomic():
                        importer.write_chunk(plans)
                except DatabaseError as exc:
                    first, last = chunk[0].line, chunk[-1].line
                    raise ImportAborted(
                        f"lines {first}–{last}: the database refused them ({exc}); "
                        + ("nothing was written" if atomic else "earlier lines were imported")
                    ) from exc
            if progress is not None:
                progress(report.rows, data.approximate_rows)
        report.missing = importer.missing()
        importer.count_pending()
        # Rows refused while reading come before the others of their chunk: put them in order.
        report.rejected.sort(key=lambda outcome: outcome.line)
        report.outcomes.sort(key=lambda outcome: outcome.line)
        if atomic and report.rejected and not dry_run:
            transaction.set_rollback(True)
    report.seconds = time.monotonic() - started
    return report


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
        self.event_history = Table(Event.history.model, now=now)
        self.event_actor = Table(EventActor, now=now)
        self.event_source = Table(EventSource, now=now)
        self.record = Table(ExternalRecord, now=now)


def _refs(plan: _Plan) -> dict:
    """The event's type and place as ids (known now that pending rows are written)."""
    return {
        "type_id": ref_id(plan.type),
        "location_id": ref_id(plan.location) if plan.location is not None else None,
    }


def _fingerprint(plan: _Plan) -> str | None:
    """sha256 of what the row sets, by id; None while a name still waits for its new row."""
    type_id = ref_id(plan.type)
    location_id = ref_id(plan.location) if plan.location is not None else None
    actors = [(ref_id(actor), role) for actor, role in plan.actors]
    sources = [(ref_id(article), excerpt, by) for article, excerpt, _, by in plan.sources]
    if (
        type_id is None
        or (location_id is None and plan.location is not None)
        or any(actor_id is None for actor_id, _ in actors)
        or any(article_id is None for article_id, _, _ in sources)
    ):
        return None
    row, event = plan.row, plan.event
    content = (
        type_id,
        location_id,
        event["headline"],
        event["summary"],
        event["date_earliest"].isoformat(),
        event["date_latest"].isoformat(),
        event["date_precision"],
        event["fatalities_best"],
        event["fatalities_low"],
        event["fatalities_high"],
        actors,
        sources,
        sorted(row.extra.items()),
        row.geo_precision,
        row.country,
    )
    return hashlib.sha256(repr(content).encode("utf-8")).hexdigest()


def _check_place(spec: PlaceSpec) -> None:
    validators.validate_coordinates(spec.latitude, spec.longitude)
    if len(spec.name) > 200:
        raise ValidationError({spec.kind: f"{spec.name[:40]!r}… is longer than 200 characters"})


def _message(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


def _id_of(values: dict[str, str]) -> str:
    return (values.get("event_id_cnty") or values.get("id") or "").strip()[:64]
