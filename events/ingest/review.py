"""Editors' decisions on machine proposals: accept, reject, merge, read the article again."""

from dataclasses import dataclass
from itertools import pairwise

from django.db import transaction
from django.db.models import Prefetch, QuerySet

from events.change_reasons import fit
from events.ingest.duplicates import flag_possible_duplicates
from events.ingest.fates import Fate
from events.ingest.gazetteer import ActorEntry, Gazetteer
from events.ingest.reading import Reading, read_article
from events.ingest.storing import CHANGE_REASON, REREAD_REASON, date_refusal, write_proposal
from events.models import Article, Event, EventActor, EventRelation, EventSource, EventType


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
    """A draft ingestion proposed and nobody has worked on since (touched): only such a draft
    may be deleted by rejecting or merging it. Four queries."""
    return event.sources.exists() and not touched(event)


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
            "an editor has changed it): change it through the workflow instead."
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
    obj._change_reason = fit(reason)
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


# --- Reading an article again ---------------------------------------------------------------


def touched(event: Event) -> bool:
    """Whether an editor has worked on a proposal: it left the draft status, cites a source
    ingestion did not propose, or has any change in its history (or its actors' or sources')
    that ingestion did not make. Three queries."""
    if event.status != Event.Status.DRAFT:
        return True
    if event.sources.filter(machine_proposed=False).exists():
        return True
    ours = [CHANGE_REASON, REREAD_REASON]
    return any(
        model.history.filter(**{key: event.pk}).exclude(history_change_reason__in=ours).exists()
        for model, key in ((Event, "id"), (EventActor, "event_id"), (EventSource, "event_id"))
    )


@dataclass
class Reread:
    """What reading an article again did to its proposals."""

    updated: list[Event]
    added: list[Event]
    kept: list[Event]
    # Type slugs the reading proposed that the database does not hold.
    missing_types: set[str]

    @property
    def message(self) -> str:
        return (
            f"Read again: {len(self.updated)} untouched draft(s) updated, {len(self.added)} "
            f"new draft(s), {len(self.kept)} proposal(s) an editor has worked on left as they are."
        )


@transaction.atomic
def reread(
    article: Article, *, user, gazetteer: Gazetteer, forced: frozenset[int] = frozenset()
) -> Reread:
    """Read the article again with today's names: drafts nobody has touched take the new
    reading (matched by excerpt), new proposals become drafts, touched ones are left alone."""
    reading = read_article(
        article.text,
        publication_date=article.publication_date,
        gazetteer=gazetteer,
        forced=forced,
        language=article.language,
    )
    existing = list(queue(article))
    spans = {event.pk: _spans(event, article) for event in existing}
    untouched = {event.pk for event in existing if not touched(event)}
    types = {
        t.slug: t
        for t in EventType.objects.filter(slug__in={d.type_slug for d in reading.proposals})
    }
    result = Reread([], [], [event for event in existing if event.pk not in untouched], set())
    claimed: set[int] = set()
    for draft in reading.proposals:
        event_type = types.get(draft.type_slug)
        if event_type is None:
            result.missing_types.add(draft.type_slug)
            continue
        if date_refusal(draft, article.publication_date):
            continue
        ours = [(s.start, s.end) for s in draft.sources]
        overlapping = [e for e in existing if _overlap(ours, spans[e.pk]) and e.pk not in claimed]
        if any(e.pk not in untouched for e in overlapping):
            continue
        target = overlapping[0] if overlapping else None
        event = write_proposal(
            target,
            article=article,
            draft=draft,
            event_type=event_type,
            gazetteer=gazetteer,
            user=user,
        )
        claimed.add(event.pk)
        (result.updated if target else result.added).append(event)
        if target is None:
            flag_possible_duplicates(event)
    return result


def _spans(event: Event, article: Article) -> list[tuple[int, int]]:
    return [
        (s.excerpt_start, s.excerpt_end)
        for s in event.sources.all()
        if s.article_id == article.pk and s.excerpt_start is not None
    ]


def _overlap(ours: list[tuple[int, int]], theirs: list[tuple[int, int]]) -> bool:
    return any(s1 < e2 and s2 < e1 for s1, e1 in ours for s2, e2 in theirs)


# --- Actors the drafts carry that the database does not hold ---------------------------------


@dataclass(frozen=True)
class PendingActor:
    """An actor a reading names that the database lacks, with the parts it plays."""

    actor: ActorEntry
    roles: tuple[str, ...]

    @property
    def aliases(self) -> str:
        return ", ".join(self.actor.aliases)


def pending_actors(reading: Reading) -> list[PendingActor]:
    """The pending actors of a reading's drafts, in the order the text names them: the editor
    adds each through the actor form, then reads the article again to link it to the drafts."""
    roles: dict[int, list[str]] = {}
    actors: dict[int, ActorEntry] = {}
    for draft in reading.proposals:
        for actor, role in draft.actors:
            if actor.stored:
                continue
            actors.setdefault(actor.id, actor)
            if role not in roles.setdefault(actor.id, []):
                roles[actor.id].append(role)
    return [PendingActor(actors[pk], tuple(roles[pk])) for pk in actors]


# --- Every sentence's fate, beside the stored drafts ------------------------------------------


@dataclass(frozen=True)
class SentenceRow:
    """A sentence for the review page: what reading made of it and the stored drafts citing it."""

    index: int
    text: str
    fate: str
    reason: str
    detail: str
    events: tuple[int, ...]

    @property
    def may_draft(self) -> bool:
        return self.fate == Fate.SKIPPED and not self.events


def sentence_rows(reading: Reading, proposals: list[Event], article: Article) -> list[SentenceRow]:
    """Each sentence with its fate and the stored proposals whose excerpts lie in it."""
    spans = [(span, event.pk) for event in proposals for span in _spans(event, article)]
    rows = []
    for fate in reading.fates:
        sentence = fate.sentence
        events = tuple(
            sorted({pk for (s, e), pk in spans if s < sentence.end and sentence.start < e})
        )
        if events and fate.fate is Fate.SKIPPED:
            # Drafted at an editor's request: the stored draft is its fate now.
            rows.append(SentenceRow(sentence.index, sentence.text, Fate.PROPOSED, "", "", events))
            continue
        rows.append(
            SentenceRow(
                sentence.index, sentence.text, str(fate.fate), fate.reason, fate.detail, events
            )
        )
    return rows


@transaction.atomic
def draft_sentence(article: Article, index: int, *, user, gazetteer: Gazetteer) -> list[Event]:
    """Draft a sentence reading skipped, at an editor's request; nothing is drafted where a
    stored proposal already cites the sentence."""
    reading = read_article(
        article.text,
        publication_date=article.publication_date,
        gazetteer=gazetteer,
        forced=frozenset({index}),
        language=article.language,
    )
    fate = next((f for f in reading.fates if f.sentence.index == index), None)
    if fate is None:
        raise ReviewError(f"The article has no sentence {index}.")
    if not reading.readable:
        raise ReviewError(
            f"The article is in a language ingestion does not read ({reading.language})."
        )
    sentence = fate.sentence
    cited = [
        event
        for event in queue(article)
        if _overlap([(sentence.start, sentence.end)], _spans(event, article))
    ]
    if cited:
        raise ReviewError(f"Sentence {index + 1} is already cited by proposal #{cited[0].pk}.")
    drafts = [reading.proposals[i] for i in fate.proposals]
    types = {t.slug: t for t in EventType.objects.filter(slug__in={d.type_slug for d in drafts})}
    created = []
    for draft in drafts:
        if draft.type_slug not in types:
            raise ReviewError(f"There is no event type {draft.type_slug!r} in the database.")
        refusal = date_refusal(draft, article.publication_date)
        if refusal:
            raise ReviewError(f"Sentence {index + 1} is not drafted: {refusal}.")
        event = write_proposal(
            None,
            article=article,
            draft=draft,
            event_type=types[draft.type_slug],
            gazetteer=gazetteer,
            user=user,
        )
        flag_possible_duplicates(event)
        created.append(event)
    return created
