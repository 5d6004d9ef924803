"""Proposal → database: a draft event with its actors, citations and ingestion's note."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from events.ingest.drafts import ProposalDraft
from events.ingest.gazetteer import Gazetteer, Place
from events.models import Article, Event, EventActor, EventSource, EventType
from events.validators import event_date_window

CHANGE_REASON = "proposed by article ingestion"
REREAD_REASON = "read again by article ingestion"


class StoringError(Exception):
    """A record the model's validation refuses; names the field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def save_checked(obj, user, reason: str = CHANGE_REASON) -> None:
    """full_clean() then save(), recorded in history with reason and the user.

    The database enforces the models' CheckConstraints and UniqueConstraints, and the models'
    validators word the same rules for editors: re-checking each constraint with its own
    SELECT (as full_clean does by default) would double what storing a proposal costs. A
    refusal by the database is reported like a validation error, naming the model.
    """
    try:
        obj.full_clean(validate_constraints=False)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            name, errors = next(iter(exc.error_dict.items()))
            raise StoringError(name, " ".join(m for e in errors for m in e.messages)) from exc
        raise StoringError(obj._meta.model_name, " ".join(exc.messages)) from exc
    obj._change_reason = reason
    if user is not None and getattr(user, "is_authenticated", False):
        obj._history_user = user
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise StoringError(obj._meta.model_name, f"the database refused it: {exc}") from exc


def write_proposal(
    event: Event | None,
    *,
    article: Article,
    draft: ProposalDraft,
    event_type: EventType,
    gazetteer: Gazetteer,
    user=None,
) -> Event:
    """Store draft as a new draft event, or over event (one no editor has touched): its
    fields, its actors and its citations of article are replaced by the draft's."""
    reason = CHANGE_REASON if event is None else REREAD_REASON
    event = event or Event(status=Event.Status.DRAFT)
    place = gazetteer.stored_ancestor(draft.place) if draft.place else None
    event.headline = draft.headline[:300]
    event.proposal_note = proposal_note(article, draft, event_type, stored_place=place)
    event.type = event_type
    event.location_id = place.id if place else None
    event.date_display = ""
    event.set_date(draft.fuzzy)
    event.fatalities_low = draft.fatalities.low
    event.fatalities_best = draft.fatalities.best
    event.fatalities_high = draft.fatalities.high
    if len(event.date_display) > 100:
        event.date_display = ""
    save_checked(event, user, reason)
    if reason == REREAD_REASON:
        for link in event.actor_links.all():
            link._change_reason = reason
            link.delete()
        for citation in event.sources.filter(article=article, machine_proposed=True):
            citation._change_reason = reason
            citation.delete()
    for actor, role in draft.actors:
        if actor.id > 0:
            save_checked(EventActor(event=event, actor_id=actor.id, role=role), user, reason)
    for source in draft.sources:
        citation = EventSource(
            event=event,
            article=article,
            excerpt=source.excerpt,
            excerpt_start=source.start,
            attributed_to=source.attributed_to[:300],
            date_phrase=source.date_phrase[:200],
            machine_proposed=True,
            date_basis=source.basis,
            date_resolution=source.resolution[:300],
        )
        save_checked(citation, user, reason)
    return event


def date_refusal(draft: ProposalDraft, publication_date: date) -> str:
    """Why a draft's dates cannot be proposed, or "": dates outside the window events may have
    (events.validators.event_date_window), or after the report without being planned."""
    first, last = event_date_window()
    fuzzy = draft.fuzzy
    if fuzzy.earliest < first or fuzzy.latest > last:
        return (
            f"dated {fuzzy.display or fuzzy.earliest.isoformat()}, outside the dates events may "
            f"have ({first.isoformat()} to {last.isoformat()})"
        )
    if not draft.planned and fuzzy.earliest > publication_date:
        return (
            f"dated {fuzzy.earliest.isoformat()}, after the report "
            f"({publication_date.isoformat()}) without being planned or announced"
        )
    return ""


def proposal_note(
    article: Article, draft: ProposalDraft, event_type: EventType, *, stored_place: Place | None
) -> str:
    """How ingestion read the proposal, for the editor: never part of the event's summary."""
    source = draft.sources[0]
    lines = [
        f"Proposed by article ingestion from “{article.title}” ({article.outlet}, "
        f"{article.publication_date:%d %b %Y}); check it before sending it for review.",
        f"Date: {source.resolution}.",
        f"Place: {draft.place_note or 'none recognised'}."
        + (f" (Rule: {draft.place_basis}.)" if draft.place_basis else ""),
        f"Type: “{draft.trigger}” → {event_type}.",
    ]
    if draft.place is not None and not draft.place.stored:
        where = f"{stored_place.name}" if stored_place else "no place"
        lines.append(
            f"New place: {place_line(draft.place)}; stored under {where} until it is added."
        )
    if draft.cast_note:
        lines.append(f"Actors from another sentence: {draft.cast_note}.")
    unstored = [f"{actor.name} ({role})" for actor, role in draft.actors if actor.id <= 0]
    if unstored:
        lines.append(f"Actors not yet stored: {', '.join(unstored)}.")
    if draft.planned:
        lines.append("Planned or announced: the report says it will happen, not that it did.")
    return "\n".join(lines)


def place_line(place: Place) -> str:
    """A place not yet stored, with what an editor needs to add it."""
    where = (
        f"{place.latitude:.4f}, {place.longitude:.4f}"
        if place.latitude is not None and place.longitude is not None
        else "no coordinates"
    )
    return f"{place.name} ({place.kind}; {where}; {place.source})"
