"""Proposals as reading drafts them: the event, its citations, and the rule that placed it."""

from dataclasses import dataclass, field
from enum import StrEnum

from events.dates import FuzzyDate
from events.ingest.fatalities import Fatalities
from events.ingest.gazetteer import ActorEntry, Place


class PlaceBasis(StrEnum):
    """Which rule gave a proposal its place: the editor checks the place against it."""

    NAMED = "named in its clause"
    NEAR = "the area around a place named with “near”"
    REFERENCE = "a place the clause refers to (“the complex”, “the desert”)"
    SCENE = "where the statement was made"
    PREVIOUS = "the place of the previous sentence, which it continues"
    THREAD = "where the report puts what the event concerns, or tells the event again"
    ACTORS = "the country all its actors belong to"
    REPORT = "the country the report is about"


@dataclass
class SourceDraft:
    """One citation of a proposal: a verbatim stretch of the article and how it was dated."""

    start: int
    end: int
    excerpt: str
    attributed_to: str
    date_phrase: str
    basis: str
    resolution: str


@dataclass
class ProposalDraft:
    """An event the article seems to report, not yet stored."""

    type_slug: str
    trigger: str
    fuzzy: FuzzyDate
    planned: bool
    place: Place | None
    place_note: str
    actors: list[tuple[ActorEntry, str]]
    headline: str
    sources: list[SourceDraft]
    sentence_index: int
    paragraph: int
    speakers: frozenset[int] = frozenset()
    # Which rule placed it (PlaceBasis), and the objects the story follows it names ("convoy").
    place_basis: str = ""
    threads: frozenset[str] = frozenset()
    # The deaths the clause reports (none for statements, talks and other non-violent events).
    fatalities: Fatalities = field(default_factory=Fatalities)
    # How actors named in another sentence joined the cast, for the editor.
    cast_note: str = ""

    @property
    def excerpt(self) -> str:
        return self.sources[0].excerpt

    @property
    def actor_ids(self) -> set[int]:
        return {actor.id for actor, _ in self.actors}


def clip(text: str, limit: int) -> str:
    """text cut at a word to fit limit characters, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"
