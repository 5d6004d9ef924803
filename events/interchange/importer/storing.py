"""Write a planned chunk: a handful of bulk statements, whatever the number of rows."""

import os
import uuid

from django.utils import timezone

from events.interchange.importer.planning import Planner, _Plan, plan_signature
from events.interchange.resolving import ref_id
from events.interchange.signature import LINKS
from events.interchange.writing import Table, allocate_ids, delete_where
from events.models import Event, EventActor, EventSource, ExternalRecord

# Columns an update rewrites: the event's own fields (its foreign keys by column) and the time.
EVENT_COLUMNS = [
    *(f"{name}_id" if name in ("type", "location") else name for name in Event.OWN_FIELDS),
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


class _Tables:
    """The tables a chunk writes, made once per import: their converters keep each distinct
    date they have converted (an event's bounds, a link's copy of them) from part to part,
    rather than converting a few thousand dates again for every part."""

    def __init__(self, now):
        self.event = Table(Event, now=now, explicit_ids=True)
        self.event_actor = Table(EventActor, now=now)
        self.event_source = Table(EventSource, now=now)
        self.record = Table(ExternalRecord, now=now)

    def stamp(self, now) -> None:
        """The time the next chunk's rows take for created/updated."""
        for table in (self.event, self.event_actor, self.event_source, self.record):
            table.now = now


def _uuid4s(count: int) -> list[uuid.UUID]:
    """count random (version 4) UUIDs from one read of the system's random source, rather
    than a read each (uuid.uuid4())."""
    random = os.urandom(16 * count)
    return [uuid.UUID(bytes=random[i : i + 16], version=4) for i in range(0, 16 * count, 16)]


def _refs(plan: _Plan) -> dict:
    """The event's type and place as ids (known now that pending rows are written)."""
    return {
        "type_id": ref_id(plan.type),
        "location_id": ref_id(plan.location) if plan.location is not None else None,
    }


class ChunkWriter:
    """Writes the plans of each chunk, and the names and records the planner left pending."""

    def __init__(self, planner: Planner):
        self.planner = planner
        self.report = planner.report
        self.history = planner.history
        self.tables = _Tables(planner.history.when)

    def write_chunk(self, plans: list[_Plan], *, events_first: bool = False) -> None:
        # Each chunk is stamped with the time it is written, not the import's start: the
        # caches' and ETags' markers read the newest change time, and a chunk written after an
        # editor's save must move them past it.
        self.history.when = timezone.now()
        self.tables.stamp(self.history.when)
        self.planner.articles.table.now = self.history.when
        report, now = self.report, self.history.when
        plans = self.planner.still_as_planned(plans)
        report.place_suggestions += len(self.planner.places.suggestions)
        report.new_types += self.planner.types.flush()
        report.new_places += self.planner.places.flush()
        report.new_actors += self.planner.actors.flush()
        report.new_articles += self.planner.articles.flush()
        tables = self.tables
        creates = [plan for plan in plans if plan.action == "create"]
        updates = [plan for plan in plans if plan.action == "update"]
        refreshed = [plan for plan in plans if plan.action == "refresh"]
        uids = _uuid4s(len(creates))
        for plan, pk, uid in zip(creates, allocate_ids(Event, len(creates)), uids, strict=True):
            status = plan.status or report.status
            plan.event.update(
                id=pk,
                uid=uid,
                status=status,
                published_at=now if status == "published" else None,
                created=now,
                updated=now,
                **_refs(plan),
            )
        for plan in updates:
            plan.event.update(id=plan.stored.event_id, updated=now, **_refs(plan))
        # An update replaces the links that change (plan.relink) and leaves the others be. The
        # replaced ones are recorded as every other writer records them: a "-" record of each
        # before it goes, a "+" one of each that comes, copied by the database (an INSERT …
        # SELECT per 500 events). A new event's links have no records of their own: the
        # event's "+" record names the import, and a record of each link would cost a
        # 100,000-row import about 5% more CPU and a sixth more database (docs/performance.md).
        relinked = {
            group: [plan.event["id"] for plan in updates if group in plan.relink] for group in LINKS
        }
        for group, model in LINKS.items():
            self.history.copy(model, relinked[group], "-", by="event_id")
            delete_where(model, "event_id", relinked[group])
        # With the search index's triggers in place, a new event's actors, sources and record
        # go in before the event itself (their foreign keys are checked at commit): the
        # triggers then find no event for each source row and index the whole event once, when
        # it is inserted, instead of re-indexing it for every source. With the triggers set
        # aside, the event goes first: SQLite then finds each link's event at once, and never
        # has to look for links waiting for an event it inserts.
        if events_first:
            self._insert_events(creates)
        linked = {
            group: creates + [plan for plan in updates if group in plan.relink] for group in LINKS
        }
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
                for plan in linked["actors"]
                for event in (plan.event,)
                for actor, role, kind in plan.actors
            ),
        )
        tables.event_source.insert_rows(
            ("event_id", "article_id", "excerpt", "excerpt_start", "excerpt_end", "attributed_to"),
            (
                (plan.event["id"], ref_id(article), excerpt, offset, offset + len(excerpt), by)
                for plan in linked["sources"]
                for article, excerpt, offset, by in plan.sources
            ),
        )
        for group, model in LINKS.items():
            self.history.copy(model, relinked[group], "+", by="event_id")
        # Tuples rather than a dict per record: every column is given, in this order.
        tables.record.insert_rows(
            ("event_id", "dataset", "external_id", "imported_at", *RECORD_COLUMNS),
            (
                (plan.event["id"], report.dataset, plan.row.external_id, now, *self.values(plan))
                for plan in creates
            ),
        )
        if not events_first:
            self._insert_events(creates)
        if updates:
            tables.event.update((plan.event for plan in updates), EVENT_COLUMNS, new_version=True)
            self.history.copy(Event, [plan.event["id"] for plan in updates], "~")
        tables.record.update(
            ({"id": plan.stored.id, **self.record(plan)} for plan in updates + refreshed),
            RECORD_COLUMNS,
        )
        tables.record.update(
            ({"id": record.id, "pending": pending} for record, _, pending in self.planner.pending),
            ["pending"],
        )
        tables.record.update(self.planner.bumped, ["release"])
        tables.record.update(self.planner.superseded, ["pending"])
        self.planner.pending, self.planner.bumped, self.planner.superseded = [], [], []
        self.planner.articles.forget()

    def _insert_events(self, creates: list[_Plan]) -> None:
        # Every new event's plan holds the same columns (Planner.plan, then write_chunk).
        self.tables.event.insert_alike([plan.event for plan in creates])
        self.history.copy(Event, [plan.event["id"] for plan in creates], "+")

    def record(self, plan: _Plan) -> dict:
        """The record's RECORD_COLUMNS by name."""
        return dict(zip(RECORD_COLUMNS, self.values(plan), strict=True))

    def values(self, plan: _Plan) -> tuple:
        """The record's RECORD_COLUMNS, in their order."""
        row = plan.row
        return (
            row.release[:64],
            row.country[:100],
            row.row_date,
            row.geo_precision,
            plan.verbatim,
            plan_signature(plan, written=True),
            # Nothing waits any more; the rows a reviewer set aside stay.
            {"dismissed": plan.stored.dismissed} if plan.stored and plan.stored.dismissed else None,
            plan.fingerprint,
            self.history.when,
        )
