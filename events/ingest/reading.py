"""Read an article into proposed events, sentence by sentence, through small pure steps.

sentence → view (names, phrases, attribution, clauses) → date → participants → place → type →
proposal; what a sentence leaves for the next (its date, place, subject, speaker) is a new
Memory. Nothing here touches the database.
"""

import dataclasses
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from events.ingest.casts import blamed_doers, inherit_campaign_doer, inherit_doers
from events.ingest.context import ArticleContext, Dated, Memory, Speaker, StatementMark
from events.ingest.dating import LEAD_SENTENCES, date_clauses, news_recency
from events.ingest.drafts import PlaceBasis, ProposalDraft, clip
from events.ingest.fates import SentenceFate, Skip
from events.ingest.forced import forced_proposal
from events.ingest.furniture import (
    Furniture,
    covering,
    find_furniture,
    furniture_kind,
    masked,
)
from events.ingest.gazetteer import COUNTRY, Gazetteer, Mention, Place
from events.ingest.groups import group_mentions
from events.ingest.implied import with_implied
from events.ingest.language import READ_LANGUAGES
from events.ingest.participants import CIVILIANS, ONE_SIDED, PERSON, officials, sentence_subjects
from events.ingest.pending import pending_mentions
from events.ingest.persons import person_mentions
from events.ingest.placenames import (
    as_divisions,
    find_place_names,
    report_countries,
    without_dateline,
)
from events.ingest.places import scenes_of
from events.ingest.proposals import ONSET, propose
from events.ingest.sentences import Sentence, split_sentences
from events.ingest.speakers import ATTRIBUTING
from events.ingest.statements import (
    BRIEFING,
    STATEMENT,
    StatementFold,
    demanded,
    statement,
    when_said,
)
from events.ingest.threads import merge_retelling, place_threads, retold
from events.ingest.unknown import Candidate, unmatched_names
from events.ingest.view import SentenceView, named_speaker, view_sentence
from events.ingest.vocabulary import KILLING, VISIT, Domain, Trigger, pick
from events.models import ActorRole

_DATELINE_PLACE = re.compile(
    r"^\s*(?:[A-Z][A-Za-z'’.-]+(?:\s+[A-Z][A-Za-z'’.-]+){0,2})(?:,\s*[A-Z][A-Za-z .]+)?"
    r"\s*(?:\([A-Za-z .&/-]+\))?\s*(?:[:–—]|-\s)"
)
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z .'’-]+?)(?:,\s*[A-Za-z .]+)?\s*\((?P<agency>[A-Za-z .&-]+)\)\s*[-–—]"
)


@dataclass
class Reading:
    """What ingestion made of an article."""

    proposals: list[ProposalDraft]
    candidates: list[Candidate]
    # Sentences that report something but give no date the text supports: left to the editor.
    undated: list[str]
    # Date phrases events.dates cannot resolve without more context ("in its sixth year").
    unresolved: list[str]
    focus_country: Place | None
    dateline: Place | None = None
    agency: str = ""
    # Every sentence with what became of it, in the order of the text.
    fates: list[SentenceFate] = field(default_factory=list)
    furniture: list[Furniture] = field(default_factory=list)
    language: str = "en"
    # ISO alpha-2 codes of the one or two countries the report is most about.
    countries: list[str] = field(default_factory=list)

    @property
    def readable(self) -> bool:
        """Whether the rules read the article's language at all."""
        return self.language in READ_LANGUAGES


@dataclass
class SentenceOutcome:
    """What one sentence proposes: dated events, undated ones, a statement, or nothing."""

    view: SentenceView
    dated: list[tuple[ProposalDraft, Dated]] = field(default_factory=list)
    # Undated drafts, each with the date it takes if it tells no other event again.
    undated: list[tuple[ProposalDraft, str, Dated | None]] = field(default_factory=list)
    statement: ProposalDraft | StatementFold | None = None
    skip: tuple[str, str] = (Skip.NO_EVENT_WORD, "")


def read_article(
    text: str,
    *,
    publication_date: date,
    gazetteer: Gazetteer,
    forced: frozenset[int] = frozenset(),
    language: str = "en",
) -> Reading:
    """Propose the events text reports, dated against publication_date; pure, no writes.

    forced: indexes of sentences an editor asked to draft although reading skips them.
    language: the article's; in a language the rules do not read nothing is proposed.
    """
    sentences = split_sentences(text)
    if language not in READ_LANGUAGES:
        return _unread(sentences, language)
    furniture = find_furniture(text)
    article = _article(text, publication_date, gazetteer, furniture)
    collected = _Collected()
    memory = Memory()
    for sentence in sentences:
        line = covering(furniture, sentence.start, sentence.end)
        what = line.what if line is not None else furniture_kind(sentence.text, inline=True)
        if what:
            collected.fates.append(SentenceFate(sentence, reason=Skip.FURNITURE, detail=what))
            continue
        view = view_sentence(article, sentence, memory)
        outcome = read_sentence(view, memory, article, forced=sentence.index in forced)
        mark = collected.take(outcome, article)
        memory = remember(memory, view, outcome, mark)
    collected.finish(article.reference)
    dateline, agency = _dateline(text, gazetteer)
    return Reading(
        proposals=collected.proposals,
        # Names of pending actors stay on the list of names to add, whether or not a draft
        # carries them.
        candidates=unmatched_names(
            masked(text, furniture),
            [m for m in article.mentions if all(a.stored for a in m.actors)],
            known_names=set(gazetteer.names),
        ),
        undated=collected.undated_notes,
        unresolved=collected.unresolved,
        focus_country=article.focus,
        dateline=dateline,
        agency=agency,
        fates=collected.fates,
        furniture=furniture,
        language=language,
        countries=report_countries(gazetteer, list(article.mentions)),
    )


def _unread(sentences: list[Sentence], language: str) -> Reading:
    """A reading of an article in a language the rules do not read: every sentence skipped."""
    fates = [SentenceFate(s, reason=Skip.LANGUAGE, detail=language) for s in sentences]
    return Reading([], [], [], [], None, fates=fates, language=language)


def _article(
    text: str, reference: date, gazetteer: Gazetteer, furniture: list[Furniture]
) -> ArticleContext:
    """The names the report gives and implies (not its furniture's), and the country it is
    mostly about."""
    report = masked(text, furniture)
    # "BEIRUT (Reuters) –", "DAMASCUS:": where the report was filed, not where things happened.
    dateline = _DATELINE_PLACE.match(report)
    if dateline is not None:
        report = " " * dateline.end() + report[dateline.end() :]
    names = gazetteer.find(report)
    names = sorted(names + find_place_names(report, gazetteer, names), key=lambda m: m.start)
    names = without_dateline(report, as_divisions(report, gazetteer, names))
    focus = _focus_country(names, gazetteer)
    mentions = with_implied(report, gazetteer, names, focus)
    mentions += pending_mentions(report, mentions)
    mentions += person_mentions(report, mentions)
    mentions = sorted(mentions + group_mentions(report, mentions), key=lambda m: m.start)
    return ArticleContext(
        text=text,
        reference=reference,
        gazetteer=gazetteer,
        mentions=tuple(mentions),
        focus=focus,
        officials=frozenset(officials(text, mentions)),
    )


def read_sentence(
    view: SentenceView, memory: Memory, article: ArticleContext, *, forced: bool = False
) -> SentenceOutcome:
    """The proposals of one sentence: one per clause that names an event, and its statement."""
    outcome = SentenceOutcome(view)
    voiced: list[tuple[ProposalDraft, Dated | None, str, Dated | None]] = []
    slugs: dict[int, str] = {}
    # Drafts of talks, votes and truces (by id): what a statement may ask for, not answer.
    talks: set[int] = set()
    for clause, when in date_clauses(view, memory, article):
        # Something that "would" or "will" happen is an event only as a plan with a date.
        triggers = [
            t for t in clause.triggers if not t.modal or (when is not None and when.planned)
        ]
        trigger = pick(demanded(triggers, view.text))
        if trigger is None or (trigger.slug == KILLING and _war_toll(view, trigger)):
            continue
        drafts = [propose(view, clause, trigger, when, memory, article)]
        if drafts[0].type_slug == VISIT and all(
            actor.kind == CIVILIANS for actor, _role in drafts[0].actors
        ):
            # "Relatives visited the graves": a visit is diplomacy only when a state, a body
            # or a person of office pays it.
            continue
        slugs[id(drafts[0])] = trigger.slug
        if trigger.domain is Domain.DIPLOMATIC:
            talks.add(id(drafts[0]))
        said = _statement_word(triggers, trigger)
        spoken = None
        if said is not None:
            # Said after what it tells of, by the day of the report.
            spoken = when_said(view, article, when.fuzzy.earliest, said.text) if when else None
            drafts.append(propose(view, clause, said, spoken, memory, article))
        note = f"“{clip(view.text[clause.start : clause.end], 140)}”"
        recency = (
            news_recency(
                article,
                view.text[clause.start : trigger.end],
                lead=view.sentence.index < LEAD_SENTENCES,
            )
            if when is None
            else None
        )
        for draft in drafts:
            if draft.type_slug == STATEMENT and draft is not drafts[0]:
                if _spoken(draft, view.text[clause.start : said.start]):
                    voiced.append((draft, spoken, note, recency))
            elif when is None:
                outcome.undated.append((draft, note, recency))
            else:
                outcome.dated.append((draft, when))
    _toll_with_its_strike(outcome, slugs)
    told = [when.fuzzy.earliest for _draft, when in outcome.dated if not when.planned]
    answers = None
    happened = [
        (draft, recency) for draft, _note, recency in outcome.undated if id(draft) not in talks
    ]
    if not told and happened:
        # "The U.S. said it was horrified by the bombing": a statement about an event its
        # sentence does not date was made after it, which is the event told just before or
        # news of the days before the report: after the earlier of the two. (Talks and truces
        # a statement names are more often what it asks for than what happened.)
        after = [r.fuzzy.earliest for _d, r in happened if r is not None]
        if memory.previous is not None:
            after.append(memory.previous[1].fuzzy.earliest)
        answers = min(after, default=None)
    outcome.statement = statement(
        view, memory, article, reported_from=min(told, default=None), answers=answers
    )
    if outcome.statement is None:
        # "The regime has denied … saying its air strikes hit a depot": the denial is a
        # statement of its own beside the strike it tells of (one statement per sentence).
        for draft, when, note, recency in voiced[:1]:
            if draft.fuzzy is None:
                outcome.undated.append((draft, note, recency))
            else:
                # First: the event's date, not the statement's, is what the next sentence
                # continues.
                outcome.dated.insert(0, (draft, when))
    if not (outcome.dated or outcome.undated or outcome.statement):
        outcome.skip = why_skipped(view)
    if forced and not (outcome.dated or outcome.statement):
        # An editor asked for a draft: the whole sentence, however it would have been skipped.
        outcome.undated = []
        outcome.dated.append(forced_proposal(view, memory, article))
    return outcome


# "… since the conflict erupted in 2011": the start of a war, after a toll.
_SINCE_ONSET = re.compile(r"\bsince\s+(?:[\w'’-]+\s+){0,4}$", re.IGNORECASE)


def _war_toll(view: SentenceView, deaths: Trigger) -> bool:
    """ "Close to 500000 people have been killed since the conflict erupted in 2011": deaths
    counted since a war began are the war's toll, no event of their own (its onset is)."""
    return any(
        t.slug == ONSET and t.start > deaths.end and _SINCE_ONSET.search(view.text[: t.start])
        for t in view.words
    )


def _toll_with_its_strike(outcome: SentenceOutcome, slugs: dict[int, str]) -> None:
    """ "Scores of people died on Tuesday after the regime air strike hit the town": the deaths
    of one clause are the toll of the strike another clause of the sentence tells of. The
    strike's draft takes the dead as its targets and its toll, and the deaths' date when it
    has none or a coarser one that holds it; the deaths are then no event of their own."""
    drafts = [(d, w) for d, w in outcome.dated] + [(d, None) for d, _n, _r in outcome.undated]
    deaths = [(d, w) for d, w in drafts if slugs.get(id(d)) == KILLING]
    strikes = [(d, w) for d, w in drafts if slugs.get(id(d)) in ONE_SIDED - {KILLING}]
    if len(deaths) != 1 or len(strikes) != 1:
        return
    (toll, toll_when), (strike, strike_when) = deaths[0], strikes[0]
    coarser = (
        toll_when is not None
        and strike_when is not None
        and toll.fuzzy != strike.fuzzy
        and strike.fuzzy.earliest <= toll.fuzzy.earliest
        and toll.fuzzy.latest <= strike.fuzzy.latest
    )
    if (
        toll_when is not None
        and strike_when is not None
        and toll.fuzzy != strike.fuzzy
        and not coarser
    ):
        return
    for actor, role in toll.actors:
        if role == ActorRole.TARGET and all(a.id != actor.id for a, _ in strike.actors):
            strike.actors.append((actor, role))
    if not strike.fatalities.known:
        strike.fatalities = toll.fatalities
    strike.sources[:0] = toll.sources
    strike.sources.sort(key=lambda source: source.start)
    outcome.dated = [(d, w) for d, w in outcome.dated if d is not toll]
    outcome.undated = [entry for entry in outcome.undated if entry[0] is not toll]
    if coarser:
        # "Air strikes last month … killed 44 people on Monday": the day the deaths give.
        outcome.dated = [(d, w) for d, w in outcome.dated if d is not strike]
        strike.fuzzy = toll.fuzzy
        outcome.dated.append((strike, toll_when))
    elif strike_when is None and toll_when is not None:
        outcome.undated = [entry for entry in outcome.undated if entry[0] is not strike]
        strike.fuzzy = toll.fuzzy
        outcome.dated.append((strike, toll_when))


def _statement_word(triggers: list[Trigger], event: Trigger) -> Trigger | None:
    """A statement word before the clause's event word ("denied", "accused", "announced"):
    the clause then reports a statement as well as the event it tells of."""
    if event.slug in (STATEMENT, BRIEFING):
        return None
    return next(
        (t for t in triggers if t.slug == STATEMENT and not t.unreal and t.end <= event.start),
        None,
    )


def _spoken(draft: ProposalDraft, before: str) -> bool:
    """Whether a statement has a speaker that speaks for itself: a monitor, an agency or a
    witness only attributes what it reports."""
    return any(role == ActorRole.SPEAKER for _actor, role in draft.actors) and not (
        ATTRIBUTING.search(before)
    )


def why_skipped(view: SentenceView) -> tuple[str, str]:
    """Why a sentence with no proposal has none, in the editor's words."""
    if not view.words:
        return Skip.NO_EVENT_WORD, ""
    real = [t for t in view.words if not t.unreal]
    if not real:
        return Skip.BACKGROUND, f"“{view.words[0].text}” only in a condition, aim or denial"
    if not view.triggers:
        return Skip.BACKGROUND, f"“{real[0].text}” only in an aside or the attribution"
    return Skip.BACKGROUND, f"“{view.triggers[0].text}” only as what would or will happen"


def remember(
    memory: Memory, view: SentenceView, outcome: SentenceOutcome, mark: StatementMark | None
) -> Memory:
    """What the sentence leaves for the next one."""
    sentence = view.sentence
    previous, previous_place = memory.previous, memory.previous_place
    for draft, when in outcome.dated:
        if when.planned:
            continue
        previous = (sentence, when)
        if draft.place is not None and draft.place_basis != PlaceBasis.REPORT:
            previous_place = (sentence, draft.place, draft.place_note)
    places = tuple(
        (sentence.index, m) for m in view.local if m.place is not None and m.place.kind != COUNTRY
    )
    speaker = _statement_speakers(named_speaker(view), outcome) or memory.speaker
    people = [m.actor for m in view.local if m.actor is not None and m.actor.kind == PERSON]
    if isinstance(outcome.statement, ProposalDraft):
        people += [a for a, _role in outcome.statement.actors if a.kind == PERSON]
    return memory.but(
        last_person=people[-1] if people else memory.last_person,
        previous=previous,
        previous_place=previous_place,
        subjects=(sentence, sentence_subjects(view)),
        speaker=speaker,
        statement=mark or memory.statement,
        recent_places=memory.recent_places + places,
        scenes=memory.scenes + scenes_of(view),
    )


def _statement_speakers(speaker: Speaker | None, outcome: SentenceOutcome) -> Speaker | None:
    """The speakers of the sentence's statement are who "it said" and "he said" after it
    stand for: a speaker the database lacks ("The International Committee of the Red Cross
    said …") by its pending actor, and never a name inside the words reported ("… committed
    by rebels Pillay said": Pillay, not the rebels)."""
    found = outcome.statement
    if speaker is None or not isinstance(found, ProposalDraft):
        return speaker
    speakers = tuple(a for a, role in found.actors if role == ActorRole.SPEAKER)
    return dataclasses.replace(speaker, actors=speakers) if speakers else speaker


class _Collected:
    """The proposals so far and each sentence's fate: the one place reading keeps a tally."""

    def __init__(self) -> None:
        self.proposals: list[ProposalDraft] = []
        self.fates: list[SentenceFate] = []
        self.unresolved: list[str] = []
        self.undated_notes: list[str] = []
        self._by_excerpt: dict[tuple[str, bool], int] = {}
        self._undated: list[tuple[ProposalDraft, str, Dated | None, SentenceFate]] = []

    def take(self, outcome: SentenceOutcome, article: ArticleContext) -> StatementMark | None:
        view = outcome.view
        fate = SentenceFate(view.sentence)
        fate.skip(*outcome.skip)
        self.fates.append(fate)
        self.unresolved += [p.explain(article.reference) for p in view.phrases if not p.resolved]
        for draft, _when in outcome.dated:
            self._place(draft, fate)
        for draft, note, recency in outcome.undated:
            self._undated.append((draft, note, recency, fate))
        found = outcome.statement
        if isinstance(found, StatementFold):
            self._fold_statement(found)
            fate.fold(found.index)
            return None
        if found is not None:
            index = self._place(found, fate)
            return StatementMark(index, found.speakers, found.fuzzy, found.paragraph)
        return None

    def _place(self, proposal: ProposalDraft, fate: SentenceFate) -> int:
        index, new = self._add(proposal)
        if new:
            fate.propose(index)
        else:
            fate.fold(index)
        return index

    def _add(self, proposal: ProposalDraft) -> tuple[int, bool]:
        """A sentence the copy repeats verbatim is another citation of the same proposal (a
        statement and the event it tells of, from one sentence, stay two)."""
        key = (
            proposal.excerpt.rstrip(". ").casefold(),
            proposal.type_slug in (STATEMENT, BRIEFING),
        )
        same = self._by_excerpt.get(key)
        if same is not None and self.proposals[same].fuzzy == proposal.fuzzy:
            self.proposals[same].sources.extend(proposal.sources)
            return same, False
        self._by_excerpt[key] = len(self.proposals)
        self.proposals.append(proposal)
        return len(self.proposals) - 1, True

    def _fold_statement(self, fold: StatementFold) -> None:
        previous = self.proposals[fold.index]
        previous.sources.append(fold.source)
        if previous.place is None and fold.place is not None:
            previous.place, previous.place_note = fold.place, fold.place_note
            previous.place_basis = PlaceBasis.SCENE

    def finish(self, reference: date) -> None:
        """After the last sentence: undated clauses that tell again an event another sentence
        dates join it; the others are left to the editor. Then events about an object the
        story follows ("the convoy") take the place the report puts it in."""
        dated = [
            p for p in self.proposals if not p.planned and p.type_slug not in (STATEMENT, BRIEFING)
        ]
        for draft, note, recency, fate in self._undated:
            target = retold(draft, dated)
            if target is not None:
                merge_retelling(target, draft, reference=reference)
                fate.fold(self.proposals.index(target))
            elif recency is not None:
                self._place(dated_by(draft, recency), fate)
            else:
                self.undated_notes.append(note)
                fate.skip(Skip.UNDATED, note)
        place_threads(self.proposals)
        self._in_text_order()
        inherit_doers(self.proposals)
        inherit_campaign_doer(self.proposals)
        blamed_doers(self.proposals)

    def _in_text_order(self) -> None:
        """Proposals in the order of their first citation; fates follow their new places."""
        order = sorted(range(len(self.proposals)), key=lambda i: self.proposals[i].sources[0].start)
        where = {old: new for new, old in enumerate(order)}
        self.proposals = [self.proposals[i] for i in order]
        for fate in self.fates:
            fate.proposals = [where[i] for i in fate.proposals]


def dated_by(draft: ProposalDraft, when: Dated) -> ProposalDraft:
    """An undated draft given a date, its citation saying how."""
    source = dataclasses.replace(
        draft.sources[0], date_phrase=when.phrase, basis=when.basis, resolution=clip(when.note, 300)
    )
    return dataclasses.replace(draft, fuzzy=when.fuzzy, sources=[source, *draft.sources[1:]])


def _focus_country(mentions: list[Mention], gazetteer: Gazetteer) -> Place | None:
    """The country the report is mostly about: most named, itself or by a place within it."""
    counts: Counter[int] = Counter()
    for mention in mentions:
        if mention.place is not None:
            country = gazetteer.country_of(mention.place)
            if country is not None:
                counts[country.id] += 1
    if not counts:
        return None
    return gazetteer.places[counts.most_common(1)[0][0]]


def _dateline(text: str, gazetteer: Gazetteer) -> tuple[Place | None, str]:
    """ "BEIRUT (Reuters) –": where the report was filed and the agency that filed it."""
    match = _DATELINE.match(text)
    if match is None:
        return None, ""
    _actors, places = gazetteer.lookup(match["place"].strip())
    return (places[0] if len(places) == 1 else None), match["agency"].strip()
