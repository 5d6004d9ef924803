"""Sentence → statement: a named speaker's words are an event when nothing else happened."""

import re
import zlib
from dataclasses import dataclass
from datetime import date, timedelta

from events.dates.fuzzy import FuzzyDate, precision_for_span
from events.ingest.clauses import STATEMENT_VENUE, Attribution
from events.ingest.context import ArticleContext, Dated, Memory
from events.ingest.dating import NEWS_DAYS
from events.ingest.drafts import PlaceBasis, ProposalDraft, SourceDraft, clip
from events.ingest.gazetteer import COUNTRY, GOVERNMENT_KINDS, ActorEntry, Mention, Place
from events.ingest.participants import CIVILIANS
from events.ingest.places import scene
from events.ingest.speakers import pending_speaker, speakers_with
from events.ingest.view import SentenceView
from events.ingest.vocabulary import Trigger
from events.models import ActorRole, DateBasis

STATEMENT = "public-statement"
BRIEFING = "press-briefing"
_BRIEFING = re.compile(
    r"\b(?:briefing|news\s+conference|press\s+conference|told\s+reporters|teleconference)\b", re.I
)
# "Washington blames the Syrian government for …", "urged Russia to …": whom the words are
# addressed to or about takes part.
_ADDRESSED = re.compile(
    r"\b(?:blam(?:ed|es|ing)|accus(?:ed|es|ing)|condemn(?:ed|s|ing)|denounc(?:ed|es|ing)"
    r"|urg(?:ed|es|ing)|called\s+on|calls\s+on|warned|warns)\s+(?:the\s+)?$",
    re.I,
)
# "head of the political office of the Aleppo-based opposition group Fastaqim": the body a
# speaker's title names, up to three words after its preposition.
_AFFILIATION = re.compile(r"\b(?:of|for|from|with|in)\s+(?:the\s+)?(?:[\w-]+\s+){0,3}$", re.I)


# A speaker named as a person or body the database does not hold: a capitalised name past
# the first word, or an office. Monitors, witnesses and anonymous sources only attribute.
_UNKNOWN_SPEAKER = re.compile(
    r"^(?!.*\b(?:[Oo]bservatory|monitor|activists?|residents?|witnesses|sources?|reports?)\b)"
    r"(?:\S+\s+.*\b[A-Z][a-z]|.*\b(?:[Mm]inist(?:er|ry)|[Ss]pokes(?:man|woman)|[Pp]resident"
    r"|[Gg]overnment|[Ss]ecretary|[Aa]mbassador|[Ee]nvoy|[Cc]ommission|[Cc]ommittee|[Cc]ouncil"
    r"|[Aa]gency)\b)",
)


# Statements whose words ask for or promise what has not happened: the event words after them
# ("vowed to keep up the fight", "called for a ceasefire", "urged Russia to stop the strikes")
# are what was said, not events.
_ASKING = re.compile(r"^(?:vow|urg|call|demand|threaten|warn|pledg|promis)", re.IGNORECASE)
_COMPLEMENT = re.compile(r"^\s+(?:[\w'’\"“”-]+\s+){0,4}?(?:to|for|that|on)\b|^\s*$", re.I)


def demanded(triggers: list[Trigger], text: str) -> list[Trigger]:
    """The clause's event words, without those a demand, a call or a vow before them asks
    for: then the statement is the event."""
    for said in triggers:
        if said.slug != STATEMENT or not _ASKING.match(said.text):
            continue
        later = [t for t in triggers if t.start >= said.end]
        asks = said.text.lower().endswith((" for", " on"))  # "called for a ceasefire"
        if later and (asks or _COMPLEMENT.match(text[said.end : later[0].start])):
            return [t for t in triggers if t not in later]
    return triggers


def _unknown_speaker_key(who: str) -> int:
    """A stable id below every stored actor's for a speaker known only by name."""
    return -(zlib.crc32(who.casefold().encode()) + 1)


@dataclass(frozen=True)
class StatementFold:
    """A statement that is another citation of the last one proposed (same speakers, day)."""

    index: int
    source: SourceDraft
    place: Place | None
    place_note: str


def statement(
    view: SentenceView,
    memory: Memory,
    article: ArticleContext,
    *,
    reported_from: date | None,
    answers: date | None = None,
) -> ProposalDraft | StatementFold | None:
    """A named speaker's statement, when the sentence reports nothing else that happened
    ("Obama told reporters …", "Kerry emerged alone to say …"). reported_from: the earliest
    day of what the sentence tells of; answers: that of the event told before, which an
    undated statement about an undated event answers."""
    attribution = view.attribution
    if attribution is None or attribution.verb == "according to":
        return None
    actors = _speakers(view, attribution, memory) or _country_speaker(view, attribution, article)
    named = pending_speaker(view.text, attribution, list(view.local), article.gazetteer)
    if named is not None:
        actors = speakers_with(named, actors, list(view.local))
    if not actors and not _UNKNOWN_SPEAKER.search(attribution.who):
        return None
    if reported_from is not None and not _official(actors, article.officials):
        # "…, the Observatory said": a monitor, an agency or a witness only attributes what
        # the sentence reports. An official, a government, an army or a body that says what
        # happened makes a statement of its own as well (coded apart from the event).
        return None
    # A briefing or a news conference is an occasion of its own, reported on its day; "he
    # said" goes on with the occasion its speaker was last quoted on.
    own = not (_BRIEFING.search(view.text) or attribution.pronoun)
    after = reported_from or (answers if own else None)
    when = when_said(view, article, after, attribution.verb)
    speakers = frozenset(actor.id for actor, role in actors if role == ActorRole.SPEAKER)
    if not actors:
        # A speaker the database does not hold ("The International Committee of the Red
        # Cross", "Swedish scientist Ake Sellstrom"): its name is offered to the editor to
        # add; the statement is kept apart from other speakers' by the name it is given.
        speakers = frozenset({_unknown_speaker_key(attribution.who)})
    place, place_note = _venue(view, attribution)
    if place is None:
        place, place_note = scene(view, speakers, memory)
    source = _source(view, when)
    previous = memory.statement
    if (
        previous is not None
        and previous.speakers == speakers
        and previous.fuzzy == when.fuzzy
        and view.sentence.paragraph - previous.paragraph <= 1
    ):
        return StatementFold(previous.index, source, place, place_note)
    slug = BRIEFING if _BRIEFING.search(view.text) else STATEMENT
    return ProposalDraft(
        type_slug=slug,
        trigger=attribution.verb,
        fuzzy=when.fuzzy,
        planned=False,
        place=place,
        place_note=place_note,
        actors=actors,
        headline=clip(
            f"{actors[0][0].name if actors else attribution.who}: {headline(source.excerpt)}", 300
        ),
        sources=[source],
        sentence_index=view.sentence.index,
        paragraph=view.sentence.paragraph,
        speakers=speakers,
        place_basis=PlaceBasis.SCENE if place is not None else "",
    )


# Speakers whose account of an event is a statement of its own: states, their armies and
# international bodies (armed groups, monitors and witnesses are its sources, ACLED-style).
_OFFICIAL_KINDS = ("government", "state_forces", "external", "international_organisation")


def _official(actors: list[tuple[ActorEntry, str]], officials: frozenset[int]) -> bool:
    """Whether a speaker is a state, its army, an international body, or a person the text
    gives an office; a speaker the database lacks counts when the text names it (a pending
    actor is only ever made from a name or a title), unless it speaks for bodies that do not
    count ("Mohammed Rasheed, a spokesman for militant group Jaish al-Nasr")."""
    bodies = [actor for actor, role in actors if role == ActorRole.PARTICIPANT and actor.stored]
    speaks_for_official = not bodies or any(body.kind in _OFFICIAL_KINDS for body in bodies)
    return any(
        role == ActorRole.SPEAKER
        and (
            actor.kind in _OFFICIAL_KINDS
            or actor.id in officials
            or (not actor.stored and speaks_for_official)
        )
        for actor, role in actors
    )


def _speakers(
    view: SentenceView, attribution: Attribution, memory: Memory
) -> list[tuple[ActorEntry, str]]:
    """The speaker (a known actor), and the groups it speaks for ("a spokesman for …")."""
    if attribution.pronoun:
        speaker = memory.speaker
        if (
            speaker is None
            or speaker.who != view.who
            or not speaker.actors
            or speaker.actors[0].kind == CIVILIANS
        ):
            return []
        return [(speaker.actors[0], ActorRole.SPEAKER)]
    # Civilians are never the speaker ("residents of the towns had been given three days, an
    # activist said": what the words are about, not who says them).
    inside: list[Mention] = [
        m
        for m in view.local
        if attribution.covers(m.start, m.end) and m.actor and m.actor.kind != CIVILIANS
    ]
    if not inside:
        return []
    actors = [(inside[0].actor, ActorRole.SPEAKER)]
    for mention in inside[1:]:
        before = view.text[: mention.start]
        if (_AFFILIATION.search(before) or _ADDRESSED.search(before)) and all(
            a.id != mention.actor.id for a, _ in actors
        ):
            actors.append((mention.actor, ActorRole.PARTICIPANT))
    return actors


# "The U.S. said", "Syria denied": a country standing alone before the verb is its government.
_ONLY_THE = re.compile(r"^(?:the\s+)?$", re.IGNORECASE)


def _country_speaker(
    view: SentenceView, attribution: Attribution, article: ArticleContext
) -> list[tuple[ActorEntry, str]]:
    """The government of a country the attribution names and nothing else ("The U.S. said")."""
    if attribution.pronoun:
        return []
    for mention in view.local:
        place = mention.place
        if (
            place is not None
            and place.kind == COUNTRY
            and attribution.covers(mention.start, mention.end)
            and _ONLY_THE.match(view.text[attribution.who_start : mention.start])
            and not view.text[mention.end : attribution.who_end].strip(" ,")
        ):
            government = article.gazetteer.state_actor(place, GOVERNMENT_KINDS)
            return [(government, ActorRole.SPEAKER)] if government is not None else []
    return []


_PERFECT = re.compile(r"ha(?:s|ve)\s", re.IGNORECASE)


def when_said(
    view: SentenceView, article: ArticleContext, reported_from: date | None, verb: str
) -> Dated:
    """When a statement was made: its own date phrase ("said on Sunday"), else after what it
    tells of and by the day of the report; undated, the day of the report ("said") or the
    week up to it ("has said")."""
    said = [p for p in view.phrases if p.reporting and p.fuzzy is not None and not p.planned]
    if said:
        phrase = said[0]
        return Dated(phrase.fuzzy, phrase.text, DateBasis.PHRASE, phrase.explain(article.reference))
    today = article.report_day()
    if reported_from is not None and reported_from < today.earliest:
        # "The army said its jets struck … on Friday": said on or after what it tells of, on
        # or before the report.
        span = FuzzyDate(
            reported_from, today.latest, precision_for_span(reported_from, today.latest)
        )
        return Dated(
            span,
            "",
            DateBasis.REPORT,
            f"no date phrase for “{verb}”: said after what it tells of "
            f"({reported_from:%d %b %Y}) and by the day of the report, {today.display}",
        )
    if not _PERFECT.match(verb):
        return Dated(
            today,
            "",
            DateBasis.REPORT,
            f"no date phrase: a statement the report gives without a date "
            f"(“{verb}”) is taken as made on the day of the report, "
            f"{today.display}",
        )
    # "Lavrov has said": undated news, the week up to the report.
    earliest = today.earliest - timedelta(days=NEWS_DAYS)
    week = FuzzyDate(
        earliest, today.latest, precision_for_span(earliest, today.latest), approximate=True
    )
    return Dated(
        week,
        "",
        DateBasis.REPORT,
        f"no date phrase: a statement the report gives without a date (“{verb}”) is taken as "
        f"made in the week up to the report, {week.display}",
    )


def _venue(view: SentenceView, attribution: Attribution) -> tuple[Place | None, str]:
    """ "Told reporters at the G20 summit in Hangzhou": where it was said."""
    venue = STATEMENT_VENUE.match(view.text[attribution.verb_start :])
    if venue is None:
        return None, ""
    start, end = attribution.verb_start, attribution.verb_start + venue.end()
    found = [m for m in view.local if start <= m.start and m.end <= end and m.place]
    if not found:
        return None, ""
    best = max(found, key=lambda m: m.place.depth)
    return best.place, f"“{best.surface}”: where it was said"


def _source(view: SentenceView, when: Dated) -> SourceDraft:
    s = view.text
    lead = re.match(r"\([^()]*\)\s*", s)
    skip = lead.end() if lead and lead.end() < len(s) else 0
    return SourceDraft(
        view.sentence.start + skip,
        view.sentence.end,
        s[skip:],
        view.who,
        when.phrase,
        when.basis,
        clip(when.note, 300),
    )


def headline(excerpt: str) -> str:
    """A headline from an excerpt: its words, without a leading conjunction, capitalised."""
    text = excerpt.strip(' ,;“”"')
    text = re.sub(r"^(?:and|but|while|whereas|after|since|before|when)\s+", "", text, flags=re.I)
    return clip(text[:1].upper() + text[1:], 200)
