"""Clause → proposal: the event type, participants, place and citation of one clause, as a draft."""

import re

from events.ingest.clauses import Attribution, Clause
from events.ingest.context import ArticleContext, Dated, Memory
from events.ingest.drafts import ProposalDraft, SourceDraft, clip
from events.ingest.fatalities import Fatalities, fatalities
from events.ingest.gazetteer import ActorEntry
from events.ingest.implied import THREAD
from events.ingest.participants import (
    PERSON,
    carried_subjects,
    document_party,
    participants,
    self_reported,
    sources_sides,
)
from events.ingest.places import NOWHERE, place_of
from events.ingest.speakers import pending_speaker, speakers_with
from events.ingest.statements import STATEMENT, headline
from events.ingest.view import SentenceView
from events.ingest.vocabulary import (
    DOCUMENTS,
    KILLING,
    TERRITORY,
    Domain,
    Trigger,
    territory_slug,
)
from events.models import ActorRole

ONSET = "conflict-onset"
_GOVERNMENT_SIDE = re.compile(
    r"\b(?:government|army|regime|loyalist|pro-government|pro-Syrian)\b", re.IGNORECASE
)


# Who died says what a killing was: civilians make it an attack on civilians (ACLED's violence
# against civilians), anyone else a clash.
_CIVILIANS = re.compile(
    r"\b(?:civilians?|people|children|women|residents|villagers|inhabitants|family|families"
    r"|worshippers|students|patients|workers|journalists)\b",
    re.IGNORECASE,
)


def event_type(view: SentenceView, clause: Clause, trigger: Trigger) -> str:
    """The type slug: the trigger's, with ground taken split by who took it (ACLED) and a
    killing told apart by who died."""
    if trigger.slug == KILLING:
        words = view.text[clause.start : clause.end]
        return "attack" if _CIVILIANS.search(words) else "armed-clash"
    if trigger.slug != TERRITORY:
        return trigger.slug
    before = view.text[clause.start : trigger.start]
    return territory_slug(government_side=bool(_GOVERNMENT_SIDE.search(before)))


def propose(
    view: SentenceView,
    clause: Clause,
    trigger: Trigger,
    when: Dated | None,
    memory: Memory,
    article: ArticleContext,
) -> ProposalDraft:
    """The draft of one clause's event; when is None for a clause without a date (it is kept
    only if it turns out to tell again an event another sentence dates)."""
    s = view.text
    inside = view.mentions_in(clause)
    if trigger.slug in DOCUMENTS:
        inside = [m for m in inside if document_party(s, clause, trigger, m)]
    actors, places = participants(s, inside, trigger, article, named=view.local)
    if trigger.slug not in DOCUMENTS:
        carried = carried_subjects(view, clause, trigger, inside, memory)
        for actor, role in carried + self_reported(view, trigger, inside):
            if all(a.id != actor.id for a, _ in actors):
                actors.append((actor, role))
    actors += sources_sides(article.gazetteer, actors, view.attribution, list(view.local))
    if trigger.slug == STATEMENT:
        actors = _named_subject(view, clause, trigger, actors, article, memory)
    if trigger.slug == ONSET:
        # "The uprising against Assad's rule erupted in March 2011": a war's onset is the
        # whole country's (as its place is); who it was against, or whom it has killed since,
        # is told in passing, and its parties are the conflict's, not this sentence's.
        actors = []
    # A letter's terms name places; where it was written is another matter. What a statement
    # is about is not where it was made either.
    place, place_note, place_basis = (
        NOWHERE
        if trigger.slug in DOCUMENTS or trigger.slug == STATEMENT
        else place_of(view, clause, trigger, places, memory, article, actors)
    )
    start, end = _trimmed(s, clause.start, clause.end)
    excerpt = s[start:end]
    planned = when is not None and when.planned
    slug = event_type(view, clause, trigger)
    deaths = (
        Fatalities()
        if trigger.domain is Domain.DIPLOMATIC or slug == STATEMENT
        else fatalities(excerpt)
    )
    return ProposalDraft(
        type_slug=slug,
        trigger=trigger.text,
        fuzzy=when.fuzzy if when else None,
        planned=planned,
        place=place,
        place_note=place_note,
        actors=actors,
        headline=("Planned: " if planned else "") + headline(excerpt),
        sources=[
            SourceDraft(
                view.sentence.start + start,
                view.sentence.start + end,
                excerpt,
                view.who,
                when.phrase if when else "",
                when.basis if when else "",
                clip(when.note, 300) if when else "",
            )
        ],
        sentence_index=view.sentence.index,
        paragraph=view.sentence.paragraph,
        place_basis=place_basis,
        threads=frozenset(
            m.inferred.removeprefix(THREAD) for m in inside if m.inferred.startswith(THREAD)
        ),
        fatalities=deaths,
    )


# How the words were given, between the speaker and the statement word.
_OCCASION_AFTER = re.compile(
    r",?\s+in\s+(?:a|an|his|her|its|their)\s+(?:[\w-]+\s+){0,2}?(?:statement|interview"
    r"|communiqu[eé]|letter|speech|post)\s*,?\s*$",
    re.IGNORECASE,
)


# "… Moqtada al Sadr also called on …": adverbs between the subject and its verb.
_ADVERBS_AFTER = re.compile(
    r"(?:\s+(?:also|later|then|again|further|repeatedly|publicly|earlier|reportedly))+$",
    re.IGNORECASE,
)
# "She also warned …": the statement word's subject is a person named before.
_PERSON_PRONOUN = re.compile(
    r"^(?:(?:however|meanwhile|but|and|later|then)\b,?\s+)?(?:he|she)$", re.IGNORECASE
)


def _named_subject(
    view: SentenceView,
    clause: Clause,
    trigger: Trigger,
    actors: list[tuple[ActorEntry, str]],
    article: ArticleContext,
    memory: Memory,
) -> list[tuple[ActorEntry, str]]:
    """ "Russian Defence Ministry spokesman Igor Konashenkov denied …": the person a statement
    word's subject names is its speaker, as with "said"; the body of his title takes part.
    "She also warned …": the person last quoted, in this paragraph or the one before."""
    s = view.text
    start, end = _trimmed(s, clause.start, trigger.start)
    occasion = _OCCASION_AFTER.search(s, start, end)
    if occasion is not None:
        # "Konashenkov in an emailed statement accused …": the speaker ends before it.
        end = occasion.start()
    adverbs = _ADVERBS_AFTER.search(s, start, end)
    if adverbs is not None:
        end = adverbs.start()
    who = s[start:end]
    if not who or len(who) > 200:
        return actors
    if _PERSON_PRONOUN.match(who):
        return _speaker_before(view, actors, memory)
    subject = Attribution(who, start, end, trigger.text, trigger.start, trigger.end)
    named = pending_speaker(s, subject, list(view.local), article.gazetteer)
    if named is None or named.actor.kind != PERSON:
        return actors
    before = {a.id for a, role in actors if role == ActorRole.SPEAKER}
    cast = speakers_with(named, [(a, r) for a, r in actors if a.id in before], list(view.local))
    return cast + [(a, r) for a, r in actors if all(a.id != b.id for b, _ in cast)]


def _speaker_before(
    view: SentenceView, actors: list[tuple[ActorEntry, str]], memory: Memory
) -> list[tuple[ActorEntry, str]]:
    """The person quoted last as the speaker of "he" or "she", with the bodies quoted beside
    him; none when the last speaker is no person or was quoted paragraphs ago."""
    speaker = memory.speaker
    if (
        speaker is None
        or not speaker.actors
        or speaker.actors[0].kind != PERSON
        or view.sentence.paragraph - speaker.paragraph > 1
        or (memory.last_person is not None and memory.last_person not in speaker.actors)
    ):
        # Another person named since: "she" may be either.
        return actors
    cast = [(actor, ActorRole.SPEAKER) for actor in speaker.actors]
    return cast + [(a, r) for a, r in actors if all(a.id != b.id for b, _ in cast)]


def _trimmed(s: str, start: int, end: int) -> tuple[int, int]:
    while start < end and s[start] in " ,;":
        start += 1
    while end > start and s[end - 1] in " ,;":
        end -= 1
    return start, end
