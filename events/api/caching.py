"""ETag and Last-Modified for conditional GETs: one cheap query over the tables responses read."""

import functools
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connections, router
from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime

from events.commits import SHOWN_WITH_EVENTS
from events.models import (
    CommitCounter,
    Event,
    EventActor,
    EventRelation,
    EventRemoval,
    EventSource,
    ExternalRecord,
)
from events.querysets import Likely


def _latest(queryset: QuerySet, field: str) -> QuerySet:
    # ORDER BY field DESC LIMIT 1 walks an index backwards where there is one (events.updated,
    # primary keys), instead of aggregating the table.
    return queryset.order_by(f"-{field}").values(field)[:1]


def _markers(events: QuerySet, *, public: bool) -> list[tuple[QuerySet, bool]]:
    """(subquery, is a timestamp) for everything an event, chronology or reference response
    shows. Each is one index lookup: events.updated is indexed, and the history tables' newest
    row (by primary key) stands for the newest save of actors, places, articles, types,
    links and aliases, whose own tables have no index on a change time."""
    # The public's markers read only what the public sees: tombstones of published events and
    # link changes of published events, so that editing drafts tells the public nothing
    # (its ETag stays). Each is still a backwards walk of the newest rows.
    removals = EventRemoval.objects.all()
    if public:
        removals = removals.filter(previous_status="published")
    # The events' history ids, not their `updated` times, tell that an event changed: an id
    # comes from a sequence when the row is written, so a save whose clock is behind the newest
    # (another app server's clock, a transaction stamped before a later one committed) still
    # moves the newest id. The public's reads only published versions (a draft's edit tells
    # it nothing).
    event_history = Event.history.model.objects.all()
    if public:
        # One step into events_hevent_published_idx (status, history_id).
        event_history = event_history.filter(status="published")
    markers = [
        (_latest(events, "updated"), True),
        (_latest(event_history, "history_id"), False),
        (_latest(removals, "removed_at"), True),
        (_latest(removals, "id"), False),
        # A dataset row brought up to date changes what the ACLED and UCDP layouts export of
        # its event, though not the event.
        (_latest(ExternalRecord.objects.all(), "changed_at"), True),
        # The audience's commit counter (events.commits), moved after each commit: a write
        # that took its ids before another's but committed after it still moves the token.
        (_commit_counter(public), False),
    ]
    for model in SHOWN_WITH_EVENTS:
        history = model.history.model.objects.all()
        # Likely(): told that most links' events are published, SQLite walks the history
        # backwards from its newest row and probes each row's event, instead of joining the
        # history of every published event and sorting it (10 ms each at 200,000 events).
        if public and model in (EventActor, EventSource):
            history = history.filter(Likely(Q(event__status="published")))
        elif public and model is EventRelation:
            history = history.filter(
                Likely(Q(from_event__status="published") | Q(to_event__status="published"))
            )
        markers.append((_latest(history, "history_id"), False))
        markers.append((history.order_by("-history_id").values("history_date")[:1], True))
    return markers


def _commit_counter(public: bool) -> QuerySet:
    audience = CommitCounter.Audience.PUBLIC if public else CommitCounter.Audience.EVERYONE
    # One primary-key probe.
    return CommitCounter.objects.filter(audience=audience).values("value")[:1]


def _as_datetime(value) -> datetime | None:
    # SQLite hands raw subquery values back as text, PostgreSQL as datetimes.
    moment = value if value is None or isinstance(value, datetime) else parse_datetime(str(value))
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


@dataclass(frozen=True)
class Freshness:
    token: str
    modified: datetime | None
    # The event's version, when freshness() was asked about one (None: no such visible event).
    version: int | None = None


def freshness(*, public: bool, event_id: int | None = None) -> Freshness:
    """A version token and the last change time of the data the API serves to this audience,
    and with event_id that event's own version (for its ETag), in the same query.

    One query of scalar subqueries, each an index lookup: the newest `updated` of the events
    the audience may see, the newest removal, and the newest recorded change to actors,
    places, articles, types and links. Any change anywhere changes the token, which is
    conservative (a filtered list's tag changes when an unrelated event changes) but never
    serves a stale body. Writes that bypass save() and history (QuerySet.update) are missed.
    """
    # The database the rest of the request reads (a replica for an anonymous read), so that
    # the tag names the version the body shows.
    connection = connections[router.db_for_read(Event)]
    sql, params, is_time = _freshness_query(public, connection.vendor, event_id is not None)
    if event_id is not None:
        params = (*params[:-1], event_id)  # The version subquery's id comes last.
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    version = row[-1] if event_id is not None else None
    token = hashlib.sha256(repr([str(value) for value in row]).encode()).hexdigest()
    moments = [
        moment
        for timed, value in zip(is_time, row[: len(is_time)], strict=True)
        if timed and (moment := _as_datetime(value)) is not None
    ]
    return Freshness(token, max(moments, default=None), version)


@functools.cache
def _freshness_query(
    public: bool, vendor: str, with_version: bool
) -> tuple[str, tuple, tuple[bool, ...]]:
    """The freshness query's SQL, built once per process and database: compiling its two
    dozen subqueries took longer than running them."""
    events = Event.objects.published() if public else Event.objects.all()
    parts = _markers(events, public=public)
    compiled = [qs.query.sql_with_params() for qs, _ in parts]
    timed = tuple(timed for _, timed in parts)
    if with_version:
        # One more index probe (the primary key): the event's version; its id is a
        # placeholder (0) put last, replaced per request.
        text, group = events.order_by().filter(pk=0).values("version").query.sql_with_params()
        assert group[-1] == 0, "the id must be the version subquery's last parameter"
        compiled.append((text, group))
    sql = "SELECT " + ", ".join(f"({text})" for text, _ in compiled)
    params = tuple(param for _, group in compiled for param in group)
    return sql, params, timed


def etag(
    token: str, *, path: str, audience: str, media_type: str, event: tuple[int, int] | None = None
) -> str:
    """A strong ETag: the data's version, the full URL and who is asking in what format.

    An event's own responses (event=(id, version)) show the event's version in the tag,
    "42-v7-…", so that a client can send it back as If-Match (events.api.preconditions).
    """
    digest = hashlib.sha256(f"{token}|{path}|{audience}|{media_type}".encode()).hexdigest()
    if event is not None:
        pk, version = event
        return f'"{pk}-v{version}-{digest[:20]}"'
    return f'"{digest[:32]}"'
