"""Read an article into proposed events: dates, places, actors, types and claims, no database."""

import dataclasses
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from events.dates import FuzzyDate, Precision
from events.ingest.clauses import (
    STATEMENT_VENUE,
    Attribution,
    Clause,
    asides,
    find_attribution,
    in_asides,
    split_clauses,
)
from events.ingest.drafts import PlaceBasis, ProposalDraft, SourceDraft, clip
from events.ingest.gazetteer import (
    COUNTRY,
    GOVERNMENT_KINDS,
    STATE_FORCE_KINDS,
    ActorEntry,
    Candidate,
    Gazetteer,
    Mention,
    Place,
)
from events.ingest.implied import HOLDER, THREAD, with_implied
from events.ingest.participants import (
    PERSON,
    acting,
    document_party,
    officials,
    represented,
    role_of,
    sources_sides,
)
from events.ingest.phrases import DatePhrase, find_date_phrases
from events.ingest.places import basis_of, country_place, named_note
from events.ingest.sentences import Sentence, split_sentences
from events.ingest.threads import merge_retelling, place_threads, retold
from events.ingest.vocabulary import (
    DOCUMENTS,
    TERRITORY,
    Domain,
    Trigger,
    find_triggers,
    pick,
    territory_slug,
)
from events.models import ActorRole, DateBasis

# "It also struck …", "They then …": the sentence goes on with the previous one's event.
_CONTINUES = re.compile(
    r"^\W*(?:It|They|He|She|The\s+\w+)\s+(?:also|then|later)\b|\b(?:also|then|later\s+that\s+day"
    r"|the\s+same\s+day)\b"
)
# The present tense: what is under way on the day of the report ("as they assault Raqqa").
_PRESENT = re.compile(
    r"\b(?:is|are|am)\s+(?:now\s+|still\s+|currently\s+)?(?:being\s+)?\w+ing\b"
    r"|\bas\s+(?:they|it|he|she|we)\s+\w+$|\b(?:now|currently|still)\b|\bcontinues?\s+to\b"
    r"|\bunder\s+way\b|\bongoing\b",
    re.IGNORECASE,
)
# "in Syria", "in eastern Syria": the country as where, not who.
_LOCATIVE = re.compile(
    r"\b(?:in|into|inside|across|throughout|within|around|near)\s+(?:the\s+)?"
    r"(?:(?:north|south|east|west)[\w-]*ern\s+)?$",
    re.IGNORECASE,
)
_AFFILIATION = re.compile(r"\b(?:of|for|from|with|in)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}$", re.I)
_GOVERNMENT_SIDE = re.compile(
    r"\b(?:government|army|regime|loyalist|pro-government|pro-Syrian)\b", re.IGNORECASE
)
_BRIEFING = re.compile(
    r"\b(?:briefing|news\s+conference|press\s+conference|told\s+reporters|teleconference)\b", re.I
)
# "the complex", "the area": a place named in a sentence just before.
_ANAPHORA = re.compile(
    r"\bthe\s+(complex|area|town|city|village|province|region|base|airport|district|enclave)\b",
    re.IGNORECASE,
)
_ANAPHORA_KINDS = {
    "complex": ("site",),
    "base": ("site",),
    "airport": ("site",),
    "town": ("city", "village"),
    "city": ("city",),
    "village": ("village",),
    "province": ("governorate",),
    "district": ("district",),
    "region": ("region", "governorate"),
}
# "made by Damascus": the capital stands for its government, it is not where it happened.
_AGENT = re.compile(r"\bby\s+(?:the\s+)?$", re.IGNORECASE)
_NEAR = re.compile(
    r"\b(?:within\s+\d+\s*(?:km|kilometres|kilometers|miles)\s+of|near|outside|close\s+to"
    r"|on\s+the\s+outskirts\s+of|(?:north|south|east|west)(?:-?(?:east|west))?\s+of)"
    r"\s+(?:the\s+)?(?:[\w-]+\s+){0,2}$",
    re.IGNORECASE,
)
_POINT_KINDS = ("city", "village", "site", "neighbourhood")
# A country name used as a modifier: "Syria envoy", "Russia policy", "the Syria conflict".
_ATTRIBUTIVE = re.compile(
    r"^\s+(?:envoy|ambassador|representative|policy|desk|experts?|analysts?|correspondent"
    r"|bureau|file|conflict|war|crisis)\b"
)
# "the government of President Bashar al-Assad", "forces of …": a person naming whose they are.
_DESCRIBED_PERSON = re.compile(
    r"\b(?:government|forces|army|troops|regime|administration|loyalists|supporters|men)\s+of\s+"
    r"(?:[A-Z][\w.]*\s+){0,3}$"
)
# Events in which who holds a place makes them a party ("besieged militant-held Aleppo").
_HOLDING_MATTERS = {
    "territory",
    "siege",
    "armed-clash",
    "offensive-launched",
    "cross-border-incursion",
    "air-drone-strike",
    "shelling-artillery-missile-attack",
    "attack",
}
_PRONOUN_SUBJECT = re.compile(
    r"^\W*(?:(?:on|in|at|during|by|later|then|earlier)\b[^,;]{0,30}?,?\s+)?(?P<pronoun>it|they)\b",
    re.IGNORECASE,
)
# "towards the town of Sukhna", "to reach Deir al-Zor": where it was going, not where it was.
_DESTINATION = re.compile(
    r"\b(?:towards?|reach(?:ed|ing)?|head(?:ed|ing|s)?\s+(?:for|to)|bound\s+for|en\s+route\s+to)"
    r"\s+(?:[\w'’-]+\s+){0,4}$",
    re.IGNORECASE,
)
_IN_OR_AT = re.compile(r"\b(?:in|at)\s+(?:the\s+)?(?:[\w-]+\s+){0,3}$", re.IGNORECASE)
STATEMENT = "public-statement"
BRIEFING = "press-briefing"
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


def read_article(text: str, *, publication_date: date, gazetteer: Gazetteer) -> Reading:
    """Propose the events text reports, dated against publication_date; pure, no writes."""
    mentions = gazetteer.find(text)
    focus = _focus_country(mentions, gazetteer)
    mentions = with_implied(text, gazetteer, mentions, focus)
    reader = _Reader(text, publication_date, gazetteer, mentions, focus)
    reader.officials = officials(text, mentions)
    for sentence in split_sentences(text):
        reader.read(sentence)
    reader.finish()
    dateline, agency = _dateline(text, gazetteer)
    return Reading(
        proposals=reader.proposals,
        candidates=gazetteer.unmatched(text, mentions),
        undated=reader.undated,
        unresolved=reader.unresolved,
        focus_country=focus,
        dateline=dateline,
        agency=agency,
    )


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


@dataclass
class _Dated:
    fuzzy: FuzzyDate
    phrase: str
    basis: str
    note: str
    planned: bool = False
    kind: str = ""


# What an undated clause is read with: it becomes a proposal only by joining a dated one.
_UNDATED = _Dated(None, "", "", "")  # type: ignore[arg-type]


@dataclass
class _Speaker:
    who: str
    actors: list[ActorEntry]
    paragraph: int


@dataclass
class _Reader:
    text: str
    reference: date
    gazetteer: Gazetteer
    mentions: list[Mention]
    focus: Place | None = None
    # Persons the report gives a state office ("US Secretary of State John Kerry").
    officials: set[int] = field(default_factory=set)
    proposals: list[ProposalDraft] = field(default_factory=list)
    undated: list[str] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    _by_excerpt: dict[str, ProposalDraft] = field(default_factory=dict)
    _previous: tuple[Sentence, _Dated] | None = None
    _speaker: _Speaker | None = None
    _statement: ProposalDraft | None = None
    _recent_places: list[tuple[int, Mention]] = field(default_factory=list)
    # Per sentence: the actors it names and the places it puts them in ("… in Hangzhou").
    _scenes: list[tuple[int, set[int], Mention]] = field(default_factory=list)
    # The last sentence's event place and its subjects, for "It also struck …" after it.
    _previous_place: tuple[Sentence, Place, str] | None = None
    _subjects: tuple[Sentence, list[ActorEntry]] | None = None
    # Clauses that report something without a date, kept as drafts: one may tell again an
    # event another sentence dates (see finish()).
    _undated_drafts: list[tuple[ProposalDraft, str]] = field(default_factory=list)

    # -- one sentence ----------------------------------------------------------------------------

    def read(self, sentence: Sentence) -> None:
        s = sentence.text
        local = [
            dataclasses.replace(m, start=m.start - sentence.start, end=m.end - sentence.start)
            for m in self.mentions
            if sentence.start <= m.start and m.end <= sentence.end
        ]
        phrases = find_date_phrases(s, reference=self.reference)
        for phrase in phrases:
            if not phrase.resolved:
                self.unresolved.append(phrase.explain(self.reference))
        aside = asides(s)
        attribution = find_attribution(s)
        who = self._resolve_who(attribution, local, sentence)

        def outside(start: int, end: int) -> bool:
            if in_asides(aside, start, end):
                return False
            return attribution is None or not attribution.covers(start, end)

        triggers = [t for t in find_triggers(s) if outside(t.start, t.end) or t.slug in DOCUMENTS]
        event_phrases = [
            p for p in phrases if p.resolved and not p.reporting and outside(p.start, p.end)
        ]
        clauses = split_clauses(s, event_phrases, triggers)
        dated = self._date_clauses(sentence, clauses)
        reported_past = False
        for clause, when in dated:
            # Something that "would" or "will" happen is an event only as a plan with a date.
            clause.triggers = [
                t for t in clause.triggers if not t.modal or (when is not None and when.planned)
            ]
            trigger = pick(clause.triggers)
            if trigger is None:
                continue
            if when is None:
                draft = self._propose(
                    sentence, clause, trigger, _UNDATED, who, local, outside, attribution
                )
                note = f"“{clip(s[clause.start : clause.end], 140)}”"
                self._undated_drafts.append((draft, note))
                continue
            proposal = self._propose(
                sentence, clause, trigger, when, who, local, outside, attribution
            )
            reported_past |= not when.planned
            self._add(proposal)
            if not when.planned:
                self._previous = (sentence, when)
                if proposal.place is not None:
                    self._previous_place = (sentence, proposal.place, proposal.place_note)
        self._propose_statement(sentence, attribution, who, phrases, local, reported_past)
        self._subjects = (sentence, self._sentence_subjects(sentence, local, outside))
        self._recent_places.extend(
            (sentence.index, m) for m in local if m.place is not None and m.place.kind != COUNTRY
        )
        named = {m.actor.id for m in local if m.actor is not None}
        for mention in local:
            if (
                mention.place is not None
                and mention.place.kind != COUNTRY
                and _IN_OR_AT.search(s[: mention.start])
            ):
                self._scenes.append((sentence.index, named, mention))

    # -- dates -----------------------------------------------------------------------------------

    def _date_clauses(
        self, sentence: Sentence, clauses: list[Clause]
    ) -> list[tuple[Clause, _Dated | None]]:
        own = {id(c): self._own_date(c) for c in clauses}
        result = []
        for index, clause in enumerate(clauses):
            when = own[id(clause)]
            if when is None and pick([t for t in clause.triggers if not t.modal]) is not None:
                when = self._inherited(sentence, clauses, index, own)
            result.append((clause, when))
        _narrow_by_earlier(result)
        return result

    def _own_date(self, clause: Clause) -> _Dated | None:
        phrase = clause.phrase
        if phrase is None or phrase.fuzzy is None:
            return None
        basis = DateBasis.FUTURE if phrase.future or phrase.planned else DateBasis.PHRASE
        return _Dated(
            phrase.fuzzy,
            phrase.text,
            basis,
            phrase.explain(self.reference),
            planned=phrase.planned,
            kind=phrase.kind,
        )

    def _inherited(
        self, sentence: Sentence, clauses: list[Clause], index: int, own: dict[int, _Dated | None]
    ) -> _Dated | None:
        clause = clauses[index]
        s = sentence.text
        trigger = pick(clause.triggers)
        siblings = [
            (abs(i - index), own[id(c)])
            for i, c in enumerate(clauses)
            if i != index and own[id(c)] is not None and not own[id(c)].planned
        ]
        if siblings:
            sibling = min(siblings, key=lambda pair: pair[0])[1]
            return _Dated(
                sibling.fuzzy,
                sibling.phrase,
                DateBasis.SENTENCE,
                f"no date phrase of its own: shares “{sibling.phrase}” ({sibling.fuzzy.display}) "
                "with the other clause of its sentence",
            )
        before = s[clause.start : trigger.start]
        previous = self._previous
        if (
            previous is not None
            and previous[0].paragraph == sentence.paragraph
            and previous[0].index == sentence.index - 1
            and _CONTINUES.search(before)
        ):
            earlier = previous[1]
            return _Dated(
                earlier.fuzzy,
                earlier.phrase,
                DateBasis.PREVIOUS,
                f"no date phrase: continues the previous sentence, dated “{earlier.phrase}” "
                f"({earlier.fuzzy.display})",
            )
        near = re.split(r"[,;:—–]", before)[-1]
        if _PRESENT.search(near + trigger.text):
            today = FuzzyDate(self.reference, self.reference, Precision.DAY)
            return _Dated(
                today,
                "",
                DateBasis.REPORT,
                f"no date phrase: the present tense (“{clip(near.strip(), 40)} "
                f"{trigger.text}”) reports it as under way on the day of the report, "
                f"{today.display}",
            )
        return None

    # -- one event -------------------------------------------------------------------------------

    def _propose(
        self,
        sentence: Sentence,
        clause: Clause,
        trigger: Trigger,
        when: _Dated,
        who: str,
        local: list[Mention],
        outside,
        attribution: Attribution | None = None,
    ) -> ProposalDraft:
        s = sentence.text
        inside = [m for m in local if clause.covers(m.start, m.end) and outside(m.start, m.end)]
        if trigger.slug in DOCUMENTS:
            inside = [m for m in inside if document_party(s, clause, trigger, m)]
        actors, places = self._participants(s, inside, trigger)
        if trigger.slug not in DOCUMENTS:
            for actor, role in self._carried_subjects(sentence, clause, trigger, inside):
                if all(a.id != actor.id for a, _ in actors):
                    actors.append((actor, role))
        actors += sources_sides(self.gazetteer, actors, attribution, local)
        place, place_note, place_basis = None, "", ""
        # A letter's terms name places; where it was written is another matter.
        if trigger.slug not in DOCUMENTS:
            place, place_note, place_basis = self._place(
                s, sentence, clause, trigger, places, local
            )
            if place is None:
                place, place_note, place_basis = self._inherited_place(sentence, clause, trigger)
            if place is None:
                place, place_note, place_basis = country_place(
                    self.gazetteer, self.focus, trigger, actors
                )
        threads = frozenset(
            m.inferred.removeprefix(THREAD) for m in inside if m.inferred.startswith(THREAD)
        )
        slug = trigger.slug
        if slug == TERRITORY:
            slug = territory_slug(
                government_side=bool(_GOVERNMENT_SIDE.search(s[clause.start : trigger.start]))
            )
        start, end = _trimmed(s, clause.start, clause.end)
        excerpt = s[start:end]
        source = SourceDraft(
            sentence.start + start,
            sentence.start + end,
            excerpt,
            who,
            when.phrase,
            when.basis,
            clip(when.note, 300),
        )
        headline = ("Planned: " if when.planned else "") + _headline(excerpt)
        return ProposalDraft(
            type_slug=slug,
            trigger=trigger.text,
            fuzzy=when.fuzzy,
            planned=when.planned,
            place=place,
            place_note=place_note,
            actors=actors,
            headline=headline,
            sources=[source],
            sentence_index=sentence.index,
            paragraph=sentence.paragraph,
            place_basis=place_basis,
            threads=threads,
        )

    def _participants(
        self, s: str, inside: list[Mention], trigger: Trigger
    ) -> tuple[list[tuple[ActorEntry, str]], list[Mention]]:
        """The actors of one event, with their roles, and the places its clause names."""
        actors: list[tuple[ActorEntry, str]] = []
        places: list[Mention] = []
        for mention in inside:
            if mention.inferred == HOLDER and trigger.slug not in _HOLDING_MATTERS:
                # Who holds the areas a supply cut hits is background, not a party.
                continue
            actor = mention.actor
            country = mention.place if mention.place and mention.place.kind == COUNTRY else None
            if country is not None and _ATTRIBUTIVE.match(s[mention.end :]):
                # "Washington's Syria envoy": the country is what the envoy deals with.
                continue
            if actor is None and country is not None and not _LOCATIVE.search(s[: mention.start]):
                # "Turkey mounted an incursion": the country acting is its army or government.
                kinds = GOVERNMENT_KINDS if trigger.domain is Domain.DIPLOMATIC else None
                actor = self.gazetteer.country_actors(country, kinds or STATE_FORCE_KINDS)
                if actor is None:
                    continue
            if actor is not None:
                if actor.kind == PERSON and _DESCRIBED_PERSON.search(s[: mention.start]):
                    # "the government of President Assad": he names whose government it is.
                    continue
                actor = acting(self.gazetteer, actor, trigger)
                role = role_of(s, mention, trigger)
                if all(a.id != actor.id for a, _ in actors):
                    actors.append((actor, role))
                government = represented(self.gazetteer, self.officials, actor, trigger)
                if government is not None and all(a.id != government.id for a, _ in actors):
                    actors.append((government, role))
            elif mention.place is not None and not _AGENT.search(s[: mention.start]):
                places.append(mention)
        return actors, places

    def _carried_subjects(
        self, sentence: Sentence, clause: Clause, trigger: Trigger, inside: list[Mention]
    ) -> list[tuple[ActorEntry, str]]:
        """ "They sought to move …" after a sentence about IS fighters: a clause whose subject
        is "it" or "they", naming no actor before its trigger, goes on with the subject of the
        previous sentence of its paragraph."""
        pronoun = _PRONOUN_SUBJECT.match(sentence.text[clause.start : trigger.start])
        previous = self._subjects
        if (
            pronoun is None
            or previous is None
            or previous[0].paragraph != sentence.paragraph
            or previous[0].index != sentence.index - 1
            or any(m.actor is not None and m.start < trigger.start for m in inside)
        ):
            return []
        at = clause.start + pronoun.start("pronoun")
        carried = []
        for actor in previous[1]:
            mention = Mention(at, at + len(pronoun["pronoun"]), pronoun["pronoun"], (actor,))
            carried.append((actor, role_of(sentence.text, mention, trigger)))
        return carried

    def _sentence_subjects(self, sentence: Sentence, local: list[Mention], outside) -> list:
        """The first actor a sentence names outside its attribution and asides: what "it" or
        "they" in the next sentence most likely stands for."""
        for mention in local:
            if mention.actor is not None and outside(mention.start, mention.end):
                return [mention.actor]
        return []

    def _place(
        self,
        s: str,
        sentence: Sentence,
        clause: Clause,
        trigger: Trigger,
        places: list[Mention],
        local: list[Mention],
    ) -> tuple[Place | None, str, str]:
        candidates = [self._near(s, m) for m in places]
        where = [(m, n) for m, n in candidates if not _DESTINATION.search(s[: m.start])]
        if where:
            # "headed towards Sukhna after being halted in the desert": it was in the desert.
            candidates = where
        for match in _ANAPHORA.finditer(s):
            if not clause.covers(*match.span()):
                continue
            before = [m for m in local if m.end <= match.start()]
            earlier = self._antecedent(match.group(1).lower(), sentence, before)
            if earlier is not None:
                note = f"“{match.group()}” read as {earlier.place.name}, named just before"
                candidates.append((dataclasses.replace(earlier, start=match.start()), note))
        finer = [(m, n) for m, n in candidates if m.place.kind != COUNTRY]
        if finer:
            mention, note = max(
                finer, key=lambda pair: (pair[0].place.depth, -abs(pair[0].start - trigger.start))
            )
            return mention.place, note or named_note(mention), basis_of(mention, note)
        countries = {m.place.id: m for m, _ in candidates}
        if len(countries) == 1:
            mention = next(iter(countries.values()))
            if _LOCATIVE.search(s[: mention.start]):
                note = f"“{mention.surface}” → {mention.place.name} (country only)"
                return mention.place, note, PlaceBasis.NAMED
        return None, "", ""

    def _inherited_place(
        self, sentence: Sentence, clause: Clause, trigger: Trigger
    ) -> tuple[Place | None, str, str]:
        """ "It also struck fighters …": a clause that goes on with the previous sentence of
        its paragraph, and names no place, happened where that sentence's event did."""
        previous = self._previous_place
        if (
            previous is None
            or previous[0].paragraph != sentence.paragraph
            or previous[0].index != sentence.index - 1
            or not _CONTINUES.search(sentence.text[clause.start : trigger.start])
        ):
            return None, "", ""
        _sentence, place, note = previous
        return place, f"continues the previous sentence, placed by {note}", PlaceBasis.PREVIOUS

    def _scene(self, sentence: Sentence, speakers: frozenset[int]) -> tuple[Place | None, str]:
        """Where a speaker was last placed, a sentence or two before ("… Kerry … in Hangzhou",
        then "Kerry emerged alone to say …")."""
        for index, named, mention in reversed(self._scenes):
            if sentence.index - 2 <= index < sentence.index and speakers & named:
                return mention.place, f"“{mention.surface}”, where the sentence before puts them"
        return None, ""

    def _near(self, s: str, mention: Mention) -> tuple[Mention, str]:
        """ "Within 10 km of Hama", "north of Hama": near a town is in the area around it."""
        place = mention.place
        if place.kind not in _POINT_KINDS or not _NEAR.search(s[: mention.start]):
            return mention, ""
        parent = self.gazetteer.parent_of(place)
        if parent is None or parent.kind == COUNTRY:
            return mention, ""
        note = f"“{mention.surface}” with “near”: the area around it, {parent.name}"
        return dataclasses.replace(mention, places=(parent,)), note

    def _antecedent(self, noun: str, sentence: Sentence, before: list[Mention]) -> Mention | None:
        """The place "the city" stands for: the latest fitting one named earlier in the
        sentence, or in the two sentences before it."""
        kinds = _ANAPHORA_KINDS.get(noun)
        recent = [(i, m) for i, m in self._recent_places if sentence.index - 2 <= i]
        recent += [(sentence.index, m) for m in before if m.place and m.place.kind != COUNTRY]
        for _index, mention in reversed(recent):
            place = mention.place
            if kinds is None or place.kind in kinds or noun in place.name.lower():
                return mention
        return None

    def finish(self) -> None:
        """After the last sentence: undated clauses that tell again an event another sentence
        dates join it; the others are left to the editor. Then events about an object the
        story follows ("the convoy") take the place the report puts it in."""
        dated = [
            p for p in self.proposals if not p.planned and p.type_slug not in (STATEMENT, BRIEFING)
        ]
        for draft, note in self._undated_drafts:
            target = retold(draft, dated)
            if target is None:
                self.undated.append(note)
            else:
                merge_retelling(target, draft, reference=self.reference)
        place_threads(self.proposals)

    def _add(self, proposal: ProposalDraft) -> None:
        """A sentence the copy repeats verbatim is another citation of the same proposal."""
        key = proposal.excerpt.rstrip(". ").casefold()
        same = self._by_excerpt.get(key)
        if same is not None and same.fuzzy == proposal.fuzzy:
            same.sources.extend(proposal.sources)
            return
        self._by_excerpt[key] = proposal
        self.proposals.append(proposal)

    # -- statements ------------------------------------------------------------------------------

    def _resolve_who(
        self, attribution: Attribution | None, local: list[Mention], sentence: Sentence
    ) -> str:
        if attribution is None:
            return ""
        if not attribution.pronoun:
            speakers = [
                m.actor for m in local if m.actor is not None and attribution.covers(m.start, m.end)
            ]
            self._speaker = _Speaker(attribution.who, speakers, sentence.paragraph)
            return attribution.who
        speaker = self._speaker
        if speaker is not None and sentence.paragraph - speaker.paragraph <= 1:
            person = bool(speaker.actors) and speaker.actors[0].kind == "person"
            if (attribution.who.lower() in ("he", "she")) == person:
                return speaker.who
        return attribution.who

    def _propose_statement(
        self,
        sentence: Sentence,
        attribution: Attribution | None,
        who: str,
        phrases: list[DatePhrase],
        local: list[Mention],
        reported_past: bool,
    ) -> None:
        """A named speaker's statement is an event too, when the sentence reports nothing else
        that happened ("Obama told reporters …", "Kerry emerged alone to say …")."""
        if attribution is None or attribution.verb == "according to" or reported_past:
            return
        if re.match(r"ha[sd]\s", attribution.verb):
            # "Lavrov has said": some time before the report, the text does not say when.
            return
        s = sentence.text
        if attribution.pronoun:
            speaker = self._speaker
            if speaker is None or speaker.who != who or not speaker.actors:
                return
            actors = [(speaker.actors[0], ActorRole.SPEAKER)]
        else:
            inside = [m for m in local if attribution.covers(m.start, m.end) and m.actor]
            if not inside:
                return
            actors = [(inside[0].actor, ActorRole.SPEAKER)]
            for mention in inside[1:]:
                if _AFFILIATION.search(s[: mention.start]) and all(
                    a.id != mention.actor.id for a, _ in actors
                ):
                    actors.append((mention.actor, ActorRole.PARTICIPANT))
        said = [p for p in phrases if p.reporting and p.fuzzy is not None and not p.planned]
        if said:
            phrase = said[0]
            when = _Dated(
                phrase.fuzzy, phrase.text, DateBasis.PHRASE, phrase.explain(self.reference)
            )
        else:
            today = FuzzyDate(self.reference, self.reference, Precision.DAY)
            when = _Dated(
                today,
                "",
                DateBasis.REPORT,
                f"no date phrase: a statement the report gives without a date "
                f"(“{attribution.verb}”) is taken as made on the day of the report, "
                f"{today.display}",
            )
        venue = STATEMENT_VENUE.match(s[attribution.verb_start :])
        place, place_note = None, ""
        if venue is not None:
            start, end = attribution.verb_start, attribution.verb_start + venue.end()
            found = [m for m in local if start <= m.start and m.end <= end and m.place]
            if found:
                best = max(found, key=lambda m: m.place.depth)
                place, place_note = best.place, f"“{best.surface}”: where it was said"
        speakers = frozenset(actor.id for actor, role in actors if role == ActorRole.SPEAKER)
        if place is None:
            place, place_note = self._scene(sentence, speakers)
        lead = re.match(r"\([^()]*\)\s*", s)
        skip = lead.end() if lead and lead.end() < len(s) else 0
        source = SourceDraft(
            sentence.start + skip,
            sentence.end,
            s[skip:],
            who,
            when.phrase,
            when.basis,
            clip(when.note, 300),
        )
        previous = self._statement
        if (
            previous is not None
            and previous.speakers == speakers
            and previous.fuzzy == when.fuzzy
            and sentence.paragraph - previous.paragraph <= 1
        ):
            previous.sources.append(source)
            if previous.place is None and place is not None:
                previous.place, previous.place_note = place, place_note
                previous.place_basis = PlaceBasis.SCENE
            return
        slug = BRIEFING if _BRIEFING.search(s) else STATEMENT
        name = actors[0][0].name
        proposal = ProposalDraft(
            type_slug=slug,
            trigger=attribution.verb,
            fuzzy=when.fuzzy,
            planned=False,
            place=place,
            place_note=place_note,
            actors=actors,
            headline=clip(f"{name}: {_headline(s[skip:])}", 300),
            sources=[source],
            sentence_index=sentence.index,
            paragraph=sentence.paragraph,
            speakers=speakers,
            place_basis=PlaceBasis.SCENE if place is not None else "",
        )
        self._statement = proposal
        self._add(proposal)


def _narrow_by_earlier(dated: list[tuple[Clause, "_Dated | None"]]) -> None:
    """ "A deal brokered in February … fell apart earlier this year": a period that holds an
    earlier-named date of the same sentence starts no earlier than it."""
    for later_index in range(1, len(dated)):
        _clause, later = dated[later_index]
        if later is None or later.kind != "period" or later.basis != DateBasis.PHRASE:
            continue
        for _earlier_clause, earlier in dated[:later_index]:
            if earlier is None or earlier.basis != DateBasis.PHRASE:
                continue
            inner, outer = earlier.fuzzy, later.fuzzy
            if outer.earliest < inner.earliest <= outer.latest:
                narrowed = dataclasses.replace(outer, earliest=inner.earliest, display="")
                later.note += (
                    f"; not before “{earlier.phrase}” ({inner.display}), which its sentence "
                    "names first"
                )
                later.fuzzy = narrowed
                break


def _trimmed(s: str, start: int, end: int) -> tuple[int, int]:
    while start < end and s[start] in " ,;":
        start += 1
    while end > start and s[end - 1] in " ,;":
        end -= 1
    return start, end


def _headline(excerpt: str) -> str:
    text = excerpt.strip(' ,;“”"')
    text = re.sub(r"^(?:and|but|while|whereas|after|since|before|when)\s+", "", text, flags=re.I)
    return clip(text[:1].upper() + text[1:], 200)
