"""What became of each sentence: proposed, folded into another proposal, or skipped and why."""

from dataclasses import dataclass, field
from enum import StrEnum

from events.ingest.sentences import Sentence


class Fate(StrEnum):
    PROPOSED = "proposed"
    FOLDED = "folded"
    SKIPPED = "skipped"


class Skip(StrEnum):
    """Why a sentence proposes nothing, in the words the review page shows."""

    NO_EVENT_WORD = "no event word"
    UNDATED = "no date and none to inherit"
    FURNITURE = "page furniture"
    BACKGROUND = "background"
    LANGUAGE = "a language the rules do not read"


@dataclass
class SentenceFate:
    """One sentence and what reading made of it; proposals are indexes into Reading.proposals."""

    sentence: Sentence
    fate: Fate = Fate.SKIPPED
    reason: str = Skip.NO_EVENT_WORD
    # Why, in more words ("an event word only in a condition: “would strike”").
    detail: str = ""
    proposals: list[int] = field(default_factory=list)

    def propose(self, index: int) -> None:
        self.fate = Fate.PROPOSED
        self.reason = ""
        if index not in self.proposals:
            self.proposals.append(index)

    def fold(self, index: int) -> None:
        if self.fate is Fate.PROPOSED:
            return
        self.fate = Fate.FOLDED
        self.reason = ""
        if index not in self.proposals:
            self.proposals.append(index)

    def skip(self, reason: str, detail: str = "") -> None:
        if self.fate is Fate.SKIPPED:
            self.reason, self.detail = reason, detail

    @property
    def label(self) -> str:
        """One line for the editor."""
        if self.fate is Fate.SKIPPED:
            return f"skipped: {self.reason}" + (f" ({self.detail})" if self.detail else "")
        return str(self.fate)
