"""Plan a chunk of rows: tell unchanged, older, conflicting, new and changed rows apart, check
each with the validators every writer uses, and resolve its names (nothing written yet)."""

# Rows stream from the file in chunks. A row whose cells hash as the stored row's did is
# unchanged and is not even parsed. Every other row is mapped (events.interchange.acled /
# ucdp) and checked with the validators every write path uses; its version stamp is compared
# with the stored one (the newest release wins); an event an editor changed since the import
# is never overwritten (the newer row waits on the record as a conflict). Names are resolved
# from in-memory caches, and each chunk is written with a handful of bulk statements in one
# transaction: the number of queries grows with the number of chunks, never with the rows, and
# no event is ever written without its actors, sources and record.

import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db import connection

from events import validators
from events.change_reasons import fit
from events.dates import Precision, display_text
from events.interchange import signature
from events.interchange.dataset_files import DatasetFile, SourceRow
from events.interchange.importer.report import LAYOUTS, Conflict, ImportReport, RowOutcome
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
from events.interchange.writing import IN_LIST, in_lists, insert_batches
from events.models import Event, ExternalRecord

TYPE_COLUMNS = {"acled": ("event_type", "sub_event_type"), "ucdp": ("type_of_violence",) * 2}
# Distinct places and date/count sets a planner remembers (Planner.plan) before it starts
# again: memory stays flat in the file's size.
REMEMBERED = 16_384


@dataclass
class _Stored:
    """What a chunk reads of a row's record before deciding anything."""

    id: int
    event_id: int
    fingerprint: str
    release: str
    country: str
    row_date: date | None
    waiting: str = ""  # The fingerprint of the newer row that waits for review, if one does
    waiting_release: str = ""  # That row's stamp
    dismissed: list[dict] = field(default_factory=list)  # Rows a reviewer set aside

    @classmethod
    def read(cls, *columns, pending) -> "_Stored":
        """From the columns of _stored; pending is JSON text (or parsed, by the driver)."""
        if isinstance(pending, str):
            pending = json.loads(pending)
        pending = pending or {}
        waits = "row" in pending
        return cls(
            *columns,
            waiting=pending.get("fingerprint", "") if waits else "",
            waiting_release=pending.get("release", "") if waits else "",
            dismissed=pending.get("dismissed") or [],
        )


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
    version: int | None = None  # An updated event's version when planned
    # The groups of links (signature.LINKS) the write replaces: a new event's all, an update's
    # those that change (the others stay as they are, their ids and history with them).
    relink: frozenset[str] = frozenset(signature.LINKS)


def _versions(event_ids: list[int], *, lock: bool = False) -> dict[int, int]:
    """{event id: version} of these events, locked until the transaction ends when lock."""
    events = Event.objects.all()
    if lock and connection.features.has_select_for_update:
        events = events.select_for_update()
    found: dict[int, int] = {}
    for start in range(0, len(event_ids), IN_LIST):
        found.update(
            events.filter(id__in=event_ids[start : start + IN_LIST]).values_list("id", "version")
        )
    return found


class Seen:
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
            for part, marks in in_lists(ids):
                cursor.execute(
                    f"SELECT external_id, line FROM {self.table} WHERE external_id IN ({marks})",
                    part,
                )
                found.update(cursor.fetchall())
        return found

    def add(self, lines: dict[str, int]) -> None:
        # Statements of many rows on SQLite, as the import's other inserts (insert_batches).
        if lines:
            insert_batches(self.table, ["external_id", "line"], list(lines.items()))


class Planner:
    """Turns each chunk of source rows into plans; keeps what the import has met so far."""

    def __init__(
        self,
        report: ImportReport,
        data: DatasetFile,
        *,
        user,
        keep_outcomes: bool,
        overwrite_edited: bool = False,
        reviewed: dict[str, tuple[int, str]] | None = None,
    ):
        self.report = report
        # Apply newer rows to events editors changed (an editor's decision on a conflict)...
        self.overwrite_edited = overwrite_edited
        # ...only while each event and waiting row are as the reviewer saw them:
        # {external id: (event version, waiting row's fingerprint)}.
        self.reviewed = reviewed
        self.data = data
        self.layout = LAYOUTS[report.dataset]
        self.keep_outcomes = keep_outcomes
        reason = f"import of {self.layout.LABEL} {report.release} {report.filename}"
        self.history = History(user=user, reason=fit(re.sub(r"\s+", " ", reason)))
        self.types = TypeResolver(self.history)
        self.places = PlaceResolver(self.history)
        self.actors = ActorResolver(self.history)
        self.articles = ArticleResolver(self.history)
        self.seen: Seen | None = None
        self.countries: set[str] = set()
        self.first_day: date | None = None
        self.last_day: date | None = None
        # Written per chunk: conflicts to store, records whose release moves on.
        self.pending: list[tuple[_Stored, Conflict, dict]] = []
        self.bumped: list[dict] = []
        # Records whose waiting row a newer release that says what is stored replaces.
        self.superseded: list[dict] = []
        # What plan() has checked and resolved so far (see there).
        self.checked: set[tuple] = set()
        self.placed: dict[int, tuple] = {}

    # --- Planning: pure but for the lookups, a few queries per chunk ------------------------

    def plan_chunk(self, rows: list[SourceRow]) -> list[_Plan]:
        report, layout, data = self.report, self.layout, self.data
        read: list[tuple[SourceRow, dict, str]] = []
        lines: dict[str, int] = {}
        held: dict[str, int] = {}  # The ids of rows rejected for their shape
        for source in rows:
            report.rows += 1
            if source.problem:
                # Its id, when the cells hold one where the header says: the file still holds
                # that record (rejected, not gone), so it is never reported as missing.
                ident = self._id_of_misshapen(source)
                self.reject(source.line, ident, source.problem)
                if ident:
                    held[ident] = source.line
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
        if held:
            self.seen.add({ident: line for ident, line in held.items() if ident not in lines})
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
            dismissed = record and next(
                (d for d in record.dismissed if d.get("fingerprint") == fingerprint), None
            )
            if dismissed:
                self._dismissed_earlier(record, dismissed, source.line, ident)
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
            elif record.waiting and layout.stamp_key(mapped.release) < layout.stamp_key(
                record.waiting_release
            ):
                self._skip(mapped, record, waiting=True)
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

    def _id_of_misshapen(self, source: SourceRow) -> str:
        """The id a row with too many or too few cells holds where the header puts it, or ""
        (a row that cannot be read as CSV has no cells)."""
        try:
            cells = self.data.some_cells(source.raw, self.layout.ID_COLUMNS)
            return self.layout.external_id(cells)[:64]
        except (IndexError, KeyError):
            return ""

    def _skip(self, mapped: MappedRow, record: _Stored, *, waiting: bool = False) -> None:
        release = mapped.release or "no release"
        reason = (
            f"{self.layout.LABEL} {mapped.external_id}: this row ({release}) is older than the "
            f"stored one ({record.release}); the stored one is kept"
        )
        if waiting:
            reason = (
                f"{self.layout.LABEL} {mapped.external_id}: this row ({release}) is older than "
                f"the row waiting for review on event {record.event_id} "
                f"({record.waiting_release}); that one keeps waiting"
            )
        self._outcome(
            self.report.skipped, RowOutcome(mapped.line, mapped.external_id, "skip", reason=reason)
        )

    def _stored(self, ids: list[str]) -> dict[str, _Stored]:
        """The chunk's records already stored, a query per 500 ids. Plain SQL: the ORM
        prepares each id of the IN list and converts each row, which cost more than the query
        on a re-import (where this is most of the database's work)."""
        quote = connection.ops.quote_name
        table = quote(ExternalRecord._meta.db_table)
        columns = ", ".join(
            quote(ExternalRecord._meta.get_field(name).column)
            for name in ("external_id", "id", "event", "fingerprint", "release", "country")
        )
        # pending is NULL on all but the records a conflict ever met: cheap to read.
        day, pending = (
            quote(ExternalRecord._meta.get_field(name).column) for name in ("row_date", "pending")
        )
        found: dict[str, _Stored] = {}
        with connection.cursor() as cursor:
            for part, marks in in_lists(ids):
                cursor.execute(
                    f"SELECT {columns}, {day}, {pending} FROM {table} "
                    f"WHERE {quote('dataset')} = %s AND {quote('external_id')} IN ({marks})",
                    [self.report.dataset, *part],
                )
                for ident, *rest, row_date, held in cursor.fetchall():
                    if isinstance(row_date, str):  # SQLite: ISO text.
                        row_date = date.fromisoformat(row_date)
                    found[ident] = _Stored.read(*rest, row_date, pending=held)
        return found

    def _unchanged(self, record: _Stored, row, line: int, ident: str) -> None:
        """A row exactly as stored: nothing to read; a newer release only moves the stamp on."""
        self.report.unchanged += 1
        self._in_scope(record.country, record.row_date)
        release = self.layout.stamp(row, self.report.release)[:64]
        key = self.layout.stamp_key(release)
        if key > self.layout.stamp_key(record.release):
            self.bumped.append({"id": record.id, "release": release})
        if record.waiting and key >= self.layout.stamp_key(record.waiting_release):
            # The dataset's newest word is what is stored: the older row waiting for review
            # no longer says what the dataset says. Rows a reviewer set aside stay.
            self.superseded.append(
                {
                    "id": record.id,
                    "pending": {"dismissed": record.dismissed} if record.dismissed else None,
                }
            )
        if self.keep_outcomes:
            self.report.outcomes.append(RowOutcome(line, ident, "unchanged"))

    def _dismissed_earlier(self, record: _Stored, dismissed: dict, line: int, ident: str) -> None:
        """A row a reviewer set aside before (kept on the record): the event stays as edited."""
        self._in_scope(record.country, record.row_date)
        reason = (
            f"{self.layout.LABEL} {ident}: this row ({dismissed.get('release') or 'no release'}) "
            f"was dismissed earlier by {dismissed.get('by') or 'a reviewer'} "
            f"({dismissed.get('at', '?')}); the event {record.event_id} stays as edited"
        )
        self._outcome(self.report.dismissed, RowOutcome(line, ident, "dismissed", reason=reason))

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
        versions = _versions([record.event_id for _, record, _, _ in candidates])
        plans = []
        for mapped, record, verbatim, fingerprint in candidates:
            if self.reviewed is not None and self.reviewed.get(mapped.external_id) != (
                versions.get(record.event_id),
                record.waiting,
            ):
                self._moved_since_review(mapped.line, mapped.external_id, record.event_id)
                continue
            snapshot, stored_row = details[record.id]
            current = now.get(record.event_id, {})
            edited = signature.changed_groups(snapshot, current)
            if not edited or self.overwrite_edited:
                plan = self._try(mapped, record, verbatim, fingerprint, "update")
                if plan is not None and not edited and plan_signature(plan) == current:
                    # The row differs (a column more or less) but says what the event holds.
                    plan.action = "refresh"
                elif plan is not None:
                    plan.relink = relinked(plan, current)
                if plan is not None:
                    plan.version = versions.get(record.event_id)
                plans.append(self._count(plan) if plan is not None else None)
                continue
            if not snapshot:
                # A record from before snapshots: unchanged if the event holds what the row says.
                plan = self._try(mapped, record, verbatim, fingerprint, "refresh")
                if plan is not None and plan_signature(plan) == current:
                    plans.append(self._count(plan))
                    continue
            self._conflict(mapped, record, verbatim, fingerprint, stored_row, edited)
        return plans

    def still_as_planned(self, plans: list[_Plan]) -> list[_Plan]:
        """The plans to write, once the events they update are locked (PostgreSQL: FOR UPDATE
        until the chunk commits; SQLite's write transaction holds the only write lock): an
        event an editor saved after the chunk was planned is judged again, and becomes a
        conflict for review if the save changed what the import writes. One query per 500
        updates, and three more per 500 events that moved on."""
        updates = [plan for plan in plans if plan.action == "update"]
        if not updates:
            return plans
        now = _versions([plan.stored.event_id for plan in updates], lock=True)
        moved = [plan for plan in updates if now.get(plan.stored.event_id) != plan.version]
        if not moved:
            return plans
        current = signature.current([plan.stored.event_id for plan in moved])
        details = dict(
            (pk, rest)
            for start in range(0, len(moved), IN_LIST)
            for pk, *rest in ExternalRecord.objects.filter(
                id__in=[plan.stored.id for plan in moved[start : start + IN_LIST]]
            ).values_list("id", "snapshot", "row")
        )
        dropped = set()
        for plan in moved:
            if plan.stored.id not in details or plan.stored.event_id not in now:
                # Deleted meanwhile (the event, and its record with it): nothing to update.
                self._uncount(plan)
                self.reject(
                    plan.row.line,
                    plan.row.external_id,
                    "its event was deleted while the import ran: import the file again",
                )
                dropped.add(id(plan))
                continue
            snapshot, stored_row = details[plan.stored.id]
            now_holds = current.get(plan.stored.event_id, {})
            edited = signature.changed_groups(snapshot, now_holds)
            # The links to replace, judged again against what the event holds now.
            plan.relink = relinked(plan, now_holds)
            if edited and not self.overwrite_edited:
                self._uncount(plan)
                self._conflict(
                    plan.row, plan.stored, plan.verbatim, plan.fingerprint, stored_row, edited
                )
                dropped.add(id(plan))
            elif self.reviewed is not None:
                self._uncount(plan)
                self._moved_since_review(plan.row.line, plan.row.external_id, plan.stored.event_id)
                dropped.add(id(plan))
        return [plan for plan in plans if id(plan) not in dropped]

    def _moved_since_review(self, line: int, external_id: str, event_id: int) -> None:
        self.reject(
            line,
            external_id,
            f"event {event_id} or the newer row changed since the review: nothing applied, "
            "look at it again",
        )

    def _uncount(self, plan: _Plan) -> None:
        """Take back what _count said of a planned update that is not written."""
        self.report.updated -= 1
        if self.keep_outcomes:
            self.report.outcomes = [
                outcome
                for outcome in self.report.outcomes
                if not (outcome.line == plan.row.line and outcome.action == "update")
            ]

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
                    **({"dismissed": record.dismissed} if record.dismissed else {}),
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
        # Rows repeat their dates, counts and places (the mapping shares the specs of each
        # distinct place): each distinct one is checked and resolved once per import. The
        # validator's rules on the dates and on the counts are independent of each other, so
        # a row whose dates and whose counts have each passed before passes (a few thousand
        # checks for 100,000 rows, instead of one per distinct combination).
        dates, counts = (row.earliest, row.latest, row.precision), fatalities(row)
        placed = self.placed.get(id(row.admin))
        if placed is not None and (placed[0] is not row.admin or placed[1] is not row.place):
            placed = None
        try:
            if dates not in self.checked or counts not in self.checked:
                # The validator every write path uses, on the unsaved values.
                validators.validate_event(SimpleNamespace(**event))
                if len(self.checked) >= REMEMBERED:
                    self.checked.clear()
                self.checked.update((dates, counts))
            if placed is None:
                for spec in [*row.admin, *([row.place] if row.place else [])]:
                    _check_place(spec)
        except ValidationError as exc:
            raise RowError(_message(exc)) from None
        event_type = self.types.resolve(row.type, columns=TYPE_COLUMNS[self.report.dataset])
        if placed is None:
            place = self.places.resolve(row.admin, row.place)
            if len(self.placed) >= REMEMBERED:
                self.placed.clear()
            # The specs are kept with their place: their ids stay theirs while they are here.
            self.placed[id(row.admin)] = (row.admin, row.place, place)
        else:
            place = placed[2]
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

    def discard_chunk(self) -> None:
        """Forget what a chunk that is not written would have written (a dry run)."""
        self.pending, self.bumped, self.superseded = [], [], []

    def count_pending(self) -> None:
        """Add what a dry run (or a stopped atomic import) would still have created."""
        self.report.new_types += len(self.types.pending)
        self.report.new_places += len(self.places.pending)
        self.report.new_actors += len(self.actors.pending)
        self.report.new_articles += len(self.articles.pending)
        self.report.place_suggestions += len(self.places.suggestions)

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
        params = [report.dataset, *countries, self.first_day, self.last_day, limit]
        # One pass over the file's scope for both the count and the first rows: the window
        # counts every row found before LIMIT keeps the first (two statements read it twice).
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT r.external_id, r.event_id, COUNT(*) OVER () {where} "
                "ORDER BY r.external_id LIMIT %s",
                params,
            )
            found = cursor.fetchall()
        report.missing_count = found[0][2] if found else 0
        report.missing = [(external_id, event_id) for external_id, event_id, _ in found]


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


def plan_signature(plan: _Plan, *, written: bool = False) -> dict[str, str]:
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
    links = plan_links(plan)
    return signature.signature(
        headline=event["headline"],
        summary=event["summary"],
        earliest=event["date_earliest"].isoformat(),
        latest=event["date_latest"].isoformat(),
        precision=event["date_precision"],
        display=event["date_display"],
        approximate=event["date_approximate"],
        type_id=ref_id(plan.type),
        location_id=ref_id(plan.location) if plan.location is not None else None,
        fatalities=(event["fatalities_best"], event["fatalities_low"], event["fatalities_high"]),
        actors=links["actors"],
        sources=links["sources"],
    )


def plan_links(plan: _Plan) -> dict[str, list[tuple]]:
    """The plan's links by group (signature.LINKS), as the signature reads them: ids
    (None for a name waiting for its new row) and text."""
    return {
        "actors": [(ref_id(actor), role, kind) for actor, role, kind in plan.actors],
        "sources": [(ref_id(article), excerpt, by) for article, excerpt, _, by in plan.sources],
    }


def relinked(plan: _Plan, current: dict[str, str]) -> frozenset[str]:
    """The groups of links an update replaces: those that differ from the event's now (a link
    to a name still waiting for its new row differs from every stored one)."""
    return frozenset(
        group
        for group, values in plan_links(plan).items()
        if any(value[0] is None for value in values)
        or signature.links(values) != current.get(group)
    )


def fatalities(row: MappedRow) -> tuple[int | None, int | None, int | None]:
    return row.fatalities_best, row.fatalities_low, row.fatalities_high


def _check_place(spec: PlaceSpec) -> None:
    if spec.latitude is not None or spec.longitude is not None:
        validators.validate_coordinates(spec.latitude, spec.longitude)
    if problem := validators.name_length_problem(spec.name):
        raise ValidationError({spec.kind: problem})


def _message(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
        )
    return " ".join(error.messages)
