"""Editors' decisions on machine proposals: accept for review, reject, or merge into an event."""

from dataclasses import dataclass
from itertools import pairwise

from django.db import transaction
from django.db.models import Prefetch, QuerySet

from events.models import Article, Event, EventActor, EventRelation, EventSource


class ReviewError(Exception):
    """A decision that cannot be made; the message says why, for the editor."""


def queue(article: Article) -> QuerySet[Event]:
    """Events that cite article through a machine-proposed excerpt: its proposals, whatever
    became of them (accepted, or holding the excerpts of a merged proposal)."""
    cited = EventSource.objects.filter(article=article, machine_proposed=True)
    return (
        Event.objects.filter(id__in=cited.values("event_id"))
        .select_related("type", "type__parent", "location")
        # The queue shows each proposal's actors, excerpts and possible duplicates: one query
        # each, however many proposals the article has.
        .prefetch_related(
            Prefetch("actor_links", queryset=EventActor.objects.select_related("actor")),
            Prefetch("sources", queryset=EventSource.objects.order_by("excerpt_start", "id")),
            Prefetch(
                "relations_out",
                queryset=EventRelation.objects.filter(
                    kind=EventRelation.Kind.POSSIBLE_DUPLICATE
                ).select_related("to_event"),
                to_attr="possible_duplicates",
            ),
        )
        .order_by("id")
    )


def is_machine_draft(event: Event) -> bool:
    """A draft every excerpt of which ingestion proposed: nobody has invested work in it yet."""
    flags = list(event.sources.values_list("machine_proposed", flat=True))
    return event.status == Event.Status.DRAFT and bool(flags) and all(flags)


def accept(event: Event, *, user) -> None:
    """Send a proposal on for review, through the workflow (checked and kept in history)."""
    event.transition(Event.Status.REVIEW, user=user, reason="accepted from the ingestion queue")


@transaction.atomic
def reject(event: Event, *, user) -> None:
    """Delete a machine proposal nobody has worked on; its history keeps the record."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if not is_machine_draft(event):
        raise ReviewError(
            f"Event #{event.pk} is not an untouched machine proposal (it is {event.status}, or "
            "an editor added a source): change it through the workflow instead."
        )
    _by(event, user, "rejected in the ingestion queue")
    event.delete()


@transaction.atomic
def merge(proposal: Event, into: Event, *, user) -> int:
    """Move the proposal's excerpts onto an existing event, then delete the proposal.

    Each moved excerpt and the receiving event get a history record naming the proposal, so
    the merge shows on the event's history page. Returns the number of excerpts moved (an
    excerpt the event already cites is not copied twice).
    """
    proposal = Event.objects.select_for_update().get(pk=proposal.pk)
    into = Event.objects.select_for_update().get(pk=into.pk)
    if proposal.pk == into.pk:
        raise ReviewError("An event cannot be merged into itself.")
    if not is_machine_draft(proposal):
        raise ReviewError(
            f"Event #{proposal.pk} is not an untouched machine proposal: only those are merged "
            "away here."
        )
    if into.status == Event.Status.RETRACTED:
        raise ReviewError(f"Event #{into.pk} is retracted: merge into a live event.")
    moved = 0
    for source in proposal.sources.select_related("article"):
        if into.sources.filter(
            article_id=source.article_id,
            excerpt=source.excerpt,
            excerpt_start=source.excerpt_start,
        ).exists():
            continue
        source.event = into
        source.full_clean()
        _by(source, user, f"moved from proposal #{proposal.pk} (merge)")
        source.save()
        moved += 1
    _by(into, user, f"merged proposal #{proposal.pk}: {moved} excerpt(s) moved here")
    into.save()
    _by(proposal, user, f"merged into event #{into.pk}")
    proposal.delete()
    return moved


def _by(obj, user, reason: str) -> None:
    obj._change_reason = reason[:100]
    if user is not None and getattr(user, "is_authenticated", False):
        obj._history_user = user


@dataclass(frozen=True)
class Segment:
    """A stretch of article text and the proposals whose excerpts cover it."""

    text: str
    events: tuple[int, ...]
    # Proposals whose excerpt starts here: the anchor "show in the text" jumps to.
    starts: tuple[int, ...] = ()


def highlight(text: str, spans: list[tuple[int, int, int]]) -> list[Segment]:
    """Cut text where excerpts (start, end, event id) begin and end; overlapping excerpts of
    several proposals make segments that belong to each of them."""
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    segments: list[Segment] = []
    for start, end in pairwise(cuts):
        if start >= end:
            continue
        covering = tuple(sorted({pk for s, e, pk in spans if s <= start and end <= e}))
        starting = tuple(sorted({pk for s, _, pk in spans if s == start}))
        if segments and segments[-1].events == covering and not starting:
            last = segments.pop()
            segments.append(Segment(last.text + text[start:end], covering, last.starts))
        else:
            segments.append(Segment(text[start:end], covering, starting))
    return segments
