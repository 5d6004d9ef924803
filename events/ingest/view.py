"""Sentence → clauses: its names, date phrases, attribution and event words, in one view."""

import dataclasses
import re
from dataclasses import dataclass

from events.ingest.clauses import (
    Attribution,
    Clause,
    asides,
    find_attribution,
    in_asides,
    split_clauses,
)
from events.ingest.context import ArticleContext, Memory, Speaker
from events.ingest.gazetteer import Mention
from events.ingest.phrases import DatePhrase, find_date_phrases
from events.ingest.sentences import Sentence
from events.ingest.vocabulary import DOCUMENTS, Trigger, find_triggers


@dataclass(frozen=True)
class SentenceView:
    """One sentence read for its parts; offsets are into the sentence's text."""

    sentence: Sentence
    local: tuple[Mention, ...]
    phrases: tuple[DatePhrase, ...]
    asides: tuple[tuple[int, int], ...]
    attribution: Attribution | None
    # Who the claim comes from, with "he said" resolved to the last named speaker.
    who: str
    # Every event word found, and those that name something the sentence reports happened.
    words: tuple[Trigger, ...]
    triggers: tuple[Trigger, ...]
    clauses: tuple[Clause, ...]

    @property
    def text(self) -> str:
        return self.sentence.text

    def outside(self, start: int, end: int) -> bool:
        """Outside the asides and the attribution: where the event's own words stand."""
        if in_asides(list(self.asides), start, end):
            return False
        return self.attribution is None or not self.attribution.covers(start, end)

    def mentions_in(self, clause: Clause) -> list[Mention]:
        return [
            m for m in self.local if clause.covers(m.start, m.end) and self.outside(m.start, m.end)
        ]


def local_mentions(article: ArticleContext, sentence: Sentence) -> tuple[Mention, ...]:
    """The article's mentions inside the sentence, with offsets into the sentence's text."""
    return tuple(
        dataclasses.replace(m, start=m.start - sentence.start, end=m.end - sentence.start)
        for m in article.mentions
        if sentence.start <= m.start and m.end <= sentence.end
    )


def view_sentence(article: ArticleContext, sentence: Sentence, memory: Memory) -> SentenceView:
    """Read a sentence's parts: names, phrases, asides, attribution, event words, clauses."""
    text = sentence.text
    local = local_mentions(article, sentence)
    phrases = tuple(
        p
        for p in find_date_phrases(text, reference=article.reference)
        if not is_dateline(article.text, sentence.start + p.start, sentence.start + p.end)
    )
    words = tuple(find_triggers(text))
    attribution = find_attribution(text, words)
    aside = tuple(asides(text))
    draft = SentenceView(sentence, local, phrases, aside, attribution, "", words, (), clauses=())
    triggers = tuple(
        t for t in words if not t.unreal and (draft.outside(t.start, t.end) or t.slug in DOCUMENTS)
    )
    event_phrases = [
        p for p in phrases if p.resolved and not p.reporting and draft.outside(p.start, p.end)
    ]
    clauses = tuple(split_clauses(text, event_phrases, list(triggers)))
    who = resolve_who(attribution, local, memory.speaker, sentence)
    return dataclasses.replace(draft, who=who, triggers=triggers, clauses=clauses)


# "Wed 05 Apr 2017 Syria attack …", "Posted on August 3 2013", "June 6 2015 (Reuters) Two
# people …", "23.10.2017(updated …)": the date a report carries dates the report, not its news.
_DATELINE_BEFORE = re.compile(
    r"^\W*(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?,?\s+)?(?:(?:Posted|Published|Updated"
    r"|Last\s+updated)(?:\s+(?:on|at))?:?\s+|Date\s+of\s+publication:?\s+)?$",
    re.IGNORECASE,
)
_FULL_DATE = re.compile(r"^(?!(?:on|in|at|by|since|from)\b).*\b\d{4}\b", re.IGNORECASE)
_DATELINE_AFTER = re.compile(r"^\s*\((?:[A-Z][\w.&/ -]{0,40}|updated[^)]{0,40})\)")


def is_dateline(text: str, start: int, end: int) -> bool:
    """Whether the date phrase at text[start:end] is the report's dateline: the date it opens
    with, or a date followed by the agency that filed it ("June 6 2015 (Reuters)")."""
    if not _FULL_DATE.search(text[start:end]):
        # "On Sunday, government forces …" opens a report without being its dateline.
        return False
    return bool(_DATELINE_BEFORE.match(text[:start]) or _DATELINE_AFTER.match(text[end:]))


def resolve_who(
    attribution: Attribution | None,
    local: tuple[Mention, ...],
    speaker: Speaker | None,
    sentence: Sentence,
) -> str:
    """The source's name: as written, or for "he said" the speaker named just before."""
    if attribution is None:
        return ""
    if not attribution.pronoun or speaker is None:
        return attribution.who
    if sentence.paragraph - speaker.paragraph <= 1:
        person = bool(speaker.actors) and speaker.actors[0].kind == "person"
        if (attribution.who.lower() in ("he", "she")) == person:
            return speaker.who
    return attribution.who


def named_speaker(view: SentenceView) -> Speaker | None:
    """The speaker a sentence names ("…, said Kerry"), for the sentences after it."""
    attribution = view.attribution
    if attribution is None or attribution.pronoun:
        return None
    actors = tuple(
        m.actor for m in view.local if m.actor is not None and attribution.covers(m.start, m.end)
    )
    return Speaker(attribution.who, actors, view.sentence.paragraph)
