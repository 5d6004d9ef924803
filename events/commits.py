"""Commit counters moved after every committed write, so that ETags follow commit order."""

# The ETag reads the newest history ids, which come from sequences in the order rows are
# written, not committed: on PostgreSQL, a transaction that took its ids before another's and
# commits after it would not move them, and a page cached between the two commits would be
# served until it expired. A counter moved after each commit closes that: the write is visible
# before the counter moves, so a token read with the new value never names a page without it.
# The counter is moved by a statement of its own once the transaction has committed (never
# inside it, where its row lock would queue every writer behind the first until it commits).
# A process that dies between its commit and that statement leaves its write to the history
# ids alone, as before.

from django.db import connections, router
from django.db.models.signals import m2m_changed, post_delete, post_save

from events.models import (
    Actor,
    ActorAlias,
    ActorMembership,
    Article,
    CommitCounter,
    Event,
    EventActor,
    EventRelation,
    EventSource,
    EventType,
    ExternalRecord,
    Location,
    LocationAlias,
)

PUBLIC, EVERYONE = CommitCounter.Audience.PUBLIC, CommitCounter.Audience.EVERYONE
PUBLISHED = Event.Status.PUBLISHED

# What the API's responses show beside the events (their history tables are among the ETag's
# markers, events.api.caching): a write of one counts for the public unless it is a link of
# events none of which is published.
SHOWN_WITH_EVENTS = (
    Actor,
    Location,
    Article,
    EventType,
    EventActor,
    EventSource,
    EventRelation,
    ActorAlias,
    LocationAlias,
    ActorMembership,
)


class _Move:
    """The on_commit callback that moves one audience's counter (one per transaction)."""

    def __init__(self, audience: str, using: str):
        self.audience, self.using = audience, using
        self.__qualname__ = f"move the {audience} commit counter"

    def __call__(self) -> None:
        connection = connections[self.using]
        table = connection.ops.quote_name(CommitCounter._meta.db_table)
        # One statement in autocommit; it makes the row when a flush or a new database has
        # none. SQLite (3.24+) and PostgreSQL word the upsert alike.
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (audience, value) VALUES (%s, 1) "
                f"ON CONFLICT (audience) DO UPDATE SET value = {table}.value + 1",
                [self.audience],
            )


def _pending(using: str) -> set[str]:
    """The audiences whose counter the current transaction will move when it commits.

    Read from Django's callbacks of this transaction: a savepoint's rollback drops those
    registered inside it, so a write after that registers again."""
    return {
        func.audience
        for _, func, _ in getattr(connections[using], "run_on_commit", ())
        if isinstance(func, _Move) and func.using == using
    }


def written(*, public: bool, using: str | None = None) -> None:
    """Count the current transaction's write once it commits: for editors always, and for
    the public when the write may change what anonymous readers are shown. Outside a
    transaction the write has committed already and the counters move at once."""
    using = using or router.db_for_write(CommitCounter)
    pending = _pending(using)
    for audience in (EVERYONE, PUBLIC) if public else (EVERYONE,):
        if audience not in pending:
            connections[using].on_commit(_Move(audience, using), robust=True)


def _published(event_ids) -> bool:
    # One primary-key probe per id, on the editors' write path only.
    return Event._base_manager.filter(pk__in=event_ids, status=PUBLISHED).exists()


def _is_or_was_published(event: Event) -> bool:
    # Leaving the published record also writes a tombstone (EventRemoval.record); Event.save()
    # sets the status it leaves before its receivers run.
    return PUBLISHED in (event.status, getattr(event, "_stored_status", None))


def _event_published(link, field: str) -> bool:
    descriptor = getattr(type(link), field)
    if descriptor.is_cached(link) and _is_or_was_published(getattr(link, field)):
        return True
    # Not loaded, or a draft as loaded, which another writer may have published since.
    return _published([getattr(link, f"{field}_id")])


def _counts_for_public(instance, update_fields) -> bool:
    if isinstance(instance, Event):
        return _is_or_was_published(instance)
    if isinstance(instance, EventRelation):
        return _event_published(instance, "from_event") or _event_published(instance, "to_event")
    if isinstance(instance, EventActor | EventSource):
        return _event_published(instance, "event")
    if isinstance(instance, ExternalRecord):
        # A newer row waiting for an editor (pending) is the editors' business alone; the row
        # itself is exported with its event, in the public's layouts once it is published.
        if update_fields is not None and set(update_fields) <= {"pending"}:
            return False
        return _event_published(instance, "event")
    return True


def _on_write(sender, instance, using, update_fields=None, **kwargs) -> None:
    if PUBLIC in _pending(using):
        return  # Counted for everyone already: no need to ask whose the write is.
    written(public=_counts_for_public(instance, update_fields), using=using)


def _on_links(sender, instance, action, reverse, model, pk_set, using, **kwargs) -> None:
    """A relation manager's add(), remove() or clear() (bulk writes of the links, which send
    no post_save)."""
    if not action.startswith("post_") or PUBLIC in _pending(using):
        return
    if isinstance(instance, Event):
        public = _is_or_was_published(instance) or _published([instance.pk])
    elif model is Event:
        public = pk_set is None or _published(pk_set)  # clear() names no events: counted.
    else:
        public = True  # An alliance's members.
    written(public=public, using=using)


def connect() -> None:
    """Count every save and delete of what the API serves, and every change of a relation
    manager's links (called from AppConfig.ready)."""
    for model in (Event, ExternalRecord, *SHOWN_WITH_EVENTS):
        uid = f"events.commits.{model.__name__}"
        post_save.connect(_on_write, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(_on_write, sender=model, dispatch_uid=f"{uid}.delete")
    for relation in (Event.actors, Event.articles, Event.related, Actor.members):
        through = relation.through
        m2m_changed.connect(_on_links, sender=through, dispatch_uid=f"events.commits.{through}")
