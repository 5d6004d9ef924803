"""Find the date phrases in a sentence, then resolve each phrase alone with events.dates."""

# Never hand a whole sentence to a date parser: "12 people killed on 4 March" would become the
# year 2012 and "on Thursday" the next Thursday (DOMAIN.md §2). The patterns here only find
# where a phrase stands; what it means is decided by events.dates.resolve_phrase (looking back
# from the publication date) or resolve_future_phrase (when the sentence speaks of the future).

import re
from dataclasses import dataclass
from datetime import date

from events.dates import DateError, FuzzyDate, find_phrases, resolve_future_phrase, resolve_phrase

HEDGE = r"(?:(?:some|about|around|roughly|approximately|nearly|almost|just)\s+)"
COUNT = r"(?:\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|a|an|a\s+couple\s+of|a\s+few)"

# Words that make a phrase point forward: "talks will resume on Monday", "were set to continue
# on Monday", "due to take effect on Monday" (but "due to shelling on Sunday" is a cause).
# Searched in the clause before the phrase (back to a comma or a conjunction).
_FUTURE_MARKERS = re.compile(
    r"\b(?:will|shall|would|'ll|’ll|going\s+to|(?:set|expected|scheduled|slated|planned|"
    r"plans?|poised|intends?|agreed)\s+to|due\s+to\s+(?:be|take|begin|start|resume"
    r"|meet|hold|arrive|vote|open|end|expire|return|visit|sign|travel|leave|launch|announce"
    r"|present|deliver|come|go|convene|continue|reach|finish|close|submit|publish|release"
    r"|discuss|decide|attend|address|testify|appear|enter|hand|give|make|lift)\b|to\s+be\s+held|upcoming"
    r"|next|coming)\b",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(
    r"[,;:—–()]|\s(?:and|but|while|whereas|although|after|before|because|since|as)\s",
    re.IGNORECASE,
)
# Phrases that point forward whatever the sentence says around them.
_FORWARD_BY_ITSELF = re.compile(
    rf"(?:\w+\s+)*(?:next|coming|tomorrow|in\s+{HEDGE}?{COUNT}\s+(?:days?|weeks?))\b", re.I
)
# A phrase straight after a reporting verb dates the statement, not what it reports.
_REPORTING_BEFORE = re.compile(
    r"\b(?:said|says|say|told(?:\s+(?:reporters|journalists|the\s+press|a\s+[\w-]+(?:\s+[\w-]+)?"
    r"\s+(?:briefing|conference)))?|announced|reported|stated|added|claimed|confirmed|"
    r"denied|tweeted|wrote)\s*$",
    re.IGNORECASE,
)

# "On Friday the Israeli army said it …": a phrase opening the sentence right before its
# subject and a reporting verb dates the statement too (not when a verb of its own comes
# first: "On Friday troops shelled Hama residents said").
_OPENING = re.compile(r"^\W*(?:(?:But|And|However|Meanwhile|Earlier|Later),?\s+)?$")
_SAID_AFTER = re.compile(
    r"^,?\s+(?:(?![\w'’.-]*ed\b|(?:struck|hit|shot|took|fought|killed)\b)[\w'’.-]+\s+){1,6}?"
    r"(?:said|says|announced|stated|confirmed|denied|claimed)\b"
)


@dataclass(frozen=True)
class DatePhrase:
    """A date phrase found in a sentence, and what it resolves to (None when it cannot be)."""

    text: str
    start: int
    end: int
    kind: str
    future: bool
    reporting: bool
    fuzzy: FuzzyDate | None
    problem: str = ""

    @property
    def resolved(self) -> bool:
        return self.fuzzy is not None

    @property
    def planned(self) -> bool:
        """It points past the publication date: an announcement, not something that happened."""
        return (
            self.fuzzy is not None
            and self.fuzzy.reference is not None
            and (self.fuzzy.earliest > self.fuzzy.reference)
        )

    def explain(self, reference: date) -> str:
        """One line for the editor: the phrase, what it became, and from which date and way."""
        if self.fuzzy is None:
            return f"“{self.text}” could not be resolved: {self.problem}"
        direction = "forward" if self.future else "back"
        if self.fuzzy.reference is None:
            how = "an absolute date"
        else:
            how = f"counted {direction} from the publication date {_day(reference)}"
        note = f"“{self.text}” → {self.fuzzy.display} ({how})"
        if self.planned:
            note += "; planned or announced, not yet happened"
        return note


def find_date_phrases(sentence: str, *, reference: date) -> list[DatePhrase]:
    """The date phrases of one sentence, left to right, each resolved on its own: found by
    events.dates.find_phrases, the same grammar that resolves them."""
    return [
        _resolve(sentence, span.start, span.end, span.kind, reference)
        for span in find_phrases(sentence)
    ]


def _resolve(sentence: str, start: int, end: int, kind: str, reference: date) -> DatePhrase:
    text = sentence[start:end]
    future = _points_forward(sentence, start, text)
    reporting = bool(_REPORTING_BEFORE.search(sentence[:start])) or (
        bool(_OPENING.match(sentence[:start])) and bool(_SAID_AFTER.match(sentence[end:]))
    )
    resolver = resolve_future_phrase if future else resolve_phrase
    try:
        fuzzy = resolver(text, reference=reference)
    except DateError as exc:
        return DatePhrase(text, start, end, kind, future, reporting, None, str(exc))
    return DatePhrase(text, start, end, kind, future, reporting, fuzzy)


def _points_forward(sentence: str, start: int, text: str) -> bool:
    if _FORWARD_BY_ITSELF.match(text):
        return True
    before = sentence[:start]
    breaks = list(_CLAUSE_BREAK.finditer(before))
    clause = before[breaks[-1].end() :] if breaks else before
    return bool(_FUTURE_MARKERS.search(clause))


def _day(day: date) -> str:
    return f"{day.day} {day:%b} {day.year}"
