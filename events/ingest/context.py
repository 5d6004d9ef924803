"""What each step of reading is given: the article, and what the sentences before it left."""

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property

from events.dates import FuzzyDate, Precision
from events.ingest.gazetteer import COUNTRY, ActorEntry, Gazetteer, Mention, Place
from events.ingest.sentences import Sentence


@dataclass(frozen=True)
class ArticleContext:
    """The article as every step sees it: its text, its date, and the names found in it."""

    text: str
    reference: date
    gazetteer: Gazetteer
    mentions: tuple[Mention, ...]
    focus: Place | None = None
    # Persons the report gives a state office ("US Secretary of State John Kerry").
    officials: frozenset[int] = frozenset()

    @cached_property
    def theatre(self) -> Place | None:
        """The country where the report's events take place: the one most of the towns and
        provinces it names lie in (a report about a strike in Idlib that names Washington
        ten times is about Syria), else the country it is about."""
        counts: Counter[int] = Counter()
        for mention in self.mentions:
            place = mention.place
            if place is not None and place.kind != COUNTRY and mention.actor is None:
                country = self.gazetteer.country_of(place)
                if country is not None:
                    counts[country.id] += 1
        if not counts:
            return self.focus
        ranked = counts.most_common(2)
        if len(ranked) == 2 and ranked[0][1] == ranked[1][1] and self.focus is not None:
            return self.focus
        return self.gazetteer.places[ranked[0][0]]

    def report_day(self) -> FuzzyDate:
        return FuzzyDate(self.reference, self.reference, Precision.DAY)


@dataclass(frozen=True)
class Dated:
    """When a clause happened, the phrase that says so, and how it was worked out."""

    fuzzy: FuzzyDate
    phrase: str
    basis: str
    note: str
    planned: bool = False
    kind: str = ""


@dataclass(frozen=True)
class Speaker:
    """The last named source of a claim, for "he said" in the sentences after it."""

    who: str
    actors: tuple[ActorEntry, ...]
    paragraph: int


@dataclass(frozen=True)
class StatementMark:
    """The last statement proposed: a statement by the same speakers on the same day in the
    next paragraph or two is another citation of it."""

    index: int
    speakers: frozenset[int]
    fuzzy: FuzzyDate
    paragraph: int


@dataclass(frozen=True)
class Memory:
    """What the sentences read so far leave for the next one; each sentence makes a new one."""

    # The last sentence that reported a past event, and its date ("It also struck …").
    previous: tuple[Sentence, Dated] | None = None
    # That sentence's event place and how it was read.
    previous_place: tuple[Sentence, Place, str] | None = None
    # The first actor the last sentence names: what "they" in the next one stands for.
    subjects: tuple[Sentence, tuple[ActorEntry, ...]] | None = None
    speaker: Speaker | None = None
    # The last person a sentence named: "she" after "… Navi Pillay visited Hama" is Pillay,
    # whoever was quoted before.
    last_person: ActorEntry | None = None
    statement: StatementMark | None = None
    # Places named so far (sentence index, mention), for "the city" in a later sentence.
    recent_places: tuple[tuple[int, Mention], ...] = ()
    # Per sentence: the actors it names and a place it puts them in ("… in Hangzhou").
    scenes: tuple[tuple[int, frozenset[int], Mention], ...] = field(default=())

    def follows(self, sentence: Sentence, earlier: Sentence | None) -> bool:
        """Whether earlier is the sentence just before sentence, in the same paragraph."""
        return (
            earlier is not None
            and earlier.paragraph == sentence.paragraph
            and earlier.index == sentence.index - 1
        )

    def but(self, **changes) -> "Memory":
        return replace(self, **changes)
