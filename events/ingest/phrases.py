"""Find the date phrases in a sentence, then resolve each phrase alone with events.dates."""

# Never hand a whole sentence to a date parser: "12 people killed on 4 March" would become the
# year 2012 and "on Thursday" the next Thursday (DOMAIN.md §2). The patterns here only find
# where a phrase stands; what it means is decided by events.dates.resolve_phrase (looking back
# from the publication date) or resolve_future_phrase (when the sentence speaks of the future).

import re
from dataclasses import dataclass
from datetime import date

from events.dates import DateError, FuzzyDate, resolve_future_phrase, resolve_phrase

_MONTH_WORDS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
)
_WEEKDAY_WORDS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_NUMBER_WORDS = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
_ORDINAL_WORDS = "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth"

MONTH = rf"(?P<month>{_MONTH_WORDS})\.?"
WEEKDAY = rf"(?P<weekday>{_WEEKDAY_WORDS})"
DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
YEAR = r"(?:1[89]\d\d|20\d\d)"
YEAR_EXPR = rf"(?:,?\s+{YEAR}|\s+(?:of\s+)?(?:last|this|next)\s+year)"
HEDGE = r"(?:(?:some|about|around|roughly|approximately|nearly|almost|just)\s+)"
COUNT = rf"(?:\d{{1,3}}|{_NUMBER_WORDS}|a|an|a\s+couple\s+of)"
# Prepositions events.dates understands in front of a phrase ("on", "in", "dated", "since").
LEAD = r"(?:(?:on|in|at|during|dated|from|since|the)\s+)*"
RELATIVE = r"(?:(?:last|this|next|coming|past)\s+)?"
PART_OF_DAY = r"(?:\s+(?:morning|afternoon|evening|night))?"

# Each pattern finds one kind of phrase; the longest match at a place wins.
PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "date range",
        re.compile(
            rf"{LEAD}{DAY}(?:\s+{MONTH})?\s*(?:[-–]|to)\s*{DAY}\s+(?P<month2>{_MONTH_WORDS})\.?"
            rf"{YEAR_EXPR}?(?![\w-])",
            re.IGNORECASE,
        ),
    ),
    (
        "date range",
        re.compile(
            rf"{LEAD}{MONTH}\s+{DAY}\s*(?:[-–]|to)\s*{DAY}{YEAR_EXPR}?(?![\w-])", re.IGNORECASE
        ),
    ),
    (
        "month and day",
        re.compile(
            rf"{LEAD}(?:{WEEKDAY},?\s+)?{MONTH}\s+{DAY}(?![\d:]){YEAR_EXPR}?(?![\w-])",
            re.IGNORECASE,
        ),
    ),
    (
        "day and month",
        re.compile(
            rf"{LEAD}(?:{WEEKDAY},?\s+)?(?<![\d,.])\b{DAY}\s+(?:of\s+)?{MONTH}{YEAR_EXPR}?(?![\w-])",
            re.IGNORECASE,
        ),
    ),
    (
        "part of a month",
        re.compile(
            rf"{LEAD}(?:early|mid|late|(?:the\s+)?(?:beginning|start|middle|end)\s+of)[\s-]+"
            rf"{MONTH}{YEAR_EXPR}?(?![\w-])",
            re.IGNORECASE,
        ),
    ),
    (
        "month",
        re.compile(rf"{LEAD}(?:(?:last|this|next)\s+)?{MONTH}{YEAR_EXPR}?(?![\w-])", re.IGNORECASE),
    ),
    (
        "weekday",
        re.compile(
            rf"{LEAD}{RELATIVE}(?:(?:early|late)\s+(?:on\s+)?)?{WEEKDAY}(?:['’]s)?{PART_OF_DAY}\b",
            re.IGNORECASE,
        ),
    ),
    ("today", re.compile(r"\b(?:today|yesterday|tomorrow)(?:['’]s)?\b", re.IGNORECASE)),
    (
        "days ago",
        re.compile(rf"\b{HEDGE}?{COUNT}\s+(?:days?|weeks?)\s+ago\b", re.IGNORECASE),
    ),
    (
        "in some days",
        re.compile(rf"\bin\s+{HEDGE}?{COUNT}\s+(?:days?|weeks?)(?:\s+time)?\b", re.IGNORECASE),
    ),
    ("recent days", re.compile(r"\b(?:in\s+)?recent\s+(?:days|weeks)\b", re.IGNORECASE)),
    ("recently", re.compile(r"\brecently\b", re.IGNORECASE)),
    (
        "period",
        re.compile(
            r"\b(?:(?:earlier|later)\s+)?(?:last|this|next)\s+(?:week|month|year)\b",
            re.IGNORECASE,
        ),
    ),
    ("part of a year", re.compile(rf"\b(?:early|mid|late)[\s-]+{YEAR}\b", re.IGNORECASE)),
    ("years", re.compile(rf"{LEAD}\b{YEAR}\s*(?:[-–]|to)\s*{YEAR}\b", re.IGNORECASE)),
    # Not part of a larger number ("1,2017", "2017.5") or a code ("2017-A").
    ("year", re.compile(rf"(?<![\w.,/-]){LEAD}{YEAR}(?![\w/-]|[.,]\d)", re.IGNORECASE)),
    # Counted from the start of something the text does not date: resolvable only with that
    # start (era_start), so they are found in order to be reported, not to be guessed.
    (
        "into a war",
        re.compile(
            rf"\b{HEDGE}?(?:\d{{1,2}}|{_NUMBER_WORDS})\s+(?:years?|months?)\s+into\s+"
            r"(?:\w+['’]s\s+)?(?:[\w-]+\s+){0,2}(?:war|conflict|uprising|revolution|crisis|siege)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "nth year",
        re.compile(
            rf"\b(?:in\s+)?(?:its|their|his|her)\s+(?:{_ORDINAL_WORDS}|\d{{1,2}}(?:st|nd|rd|th))"
            r"\s+(?:year|month|week|day)\b",
            re.IGNORECASE,
        ),
    ),
]

# Words events.dates does not know, read as an equivalent phrase it does know.
EQUIVALENTS = {"recently": "in recent weeks"}

# Words that make a phrase point forward: "talks will resume on Monday", "were set to continue
# on Monday". Searched in the clause before the phrase (back to a comma or a conjunction).
_FUTURE_MARKERS = re.compile(
    r"\b(?:will|shall|would|'ll|’ll|going\s+to|(?:set|due|expected|scheduled|slated|planned|"
    r"plans?|poised|intends?|agreed)\s+to|to\s+be\s+held|upcoming|next|coming)\b",
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
    """The date phrases of one sentence, left to right, each resolved on its own."""
    found: list[tuple[int, int, str]] = []
    for kind, pattern in PATTERNS:
        for match in pattern.finditer(sentence):
            start, end = _trim(sentence, match.start(), match.end())
            if start < end and _acceptable(match, kind):
                found.append((start, end, kind))
    # Longest first, then keep only phrases that do not overlap one already kept.
    found.sort(key=lambda item: (-(item[1] - item[0]), item[0]))
    kept: list[tuple[int, int, str]] = []
    for start, end, kind in found:
        if all(end <= s or start >= e for s, e, _ in kept):
            kept.append((start, end, kind))
    kept.sort()
    return [_resolve(sentence, start, end, kind, reference) for start, end, kind in kept]


def _trim(sentence: str, start: int, end: int) -> tuple[int, int]:
    while start < end and sentence[start].isspace():
        start += 1
    while end > start and sentence[end - 1] in " ,.":
        # Keep the stop of an abbreviated month ("Sept."), drop a sentence's full stop.
        if sentence[end - 1] == "." and re.search(r"\b[A-Z][a-z]{2,3}\.$", sentence[:end]):
            break
        end -= 1
    return start, end


def _acceptable(match: re.Match[str], kind: str) -> bool:
    groups = match.groupdict()
    for name in ("month", "month2", "weekday"):
        word = groups.get(name)
        # Month and weekday names are capitalised: "march" and "may" are verbs.
        if word and not word[0].isupper():
            return False
    if kind == "month" and groups.get("month") == "May":
        # "May" alone is a modal verb more often than a month.
        return bool(re.search(r"\d|year|\b(?:in|since|during|last|this|next)\s+May", match[0]))
    return True


def _resolve(sentence: str, start: int, end: int, kind: str, reference: date) -> DatePhrase:
    text = sentence[start:end]
    future = _points_forward(sentence, start, text)
    reporting = bool(_REPORTING_BEFORE.search(sentence[:start]))
    phrase = EQUIVALENTS.get(text.lower(), text)
    resolver = resolve_future_phrase if future else resolve_phrase
    try:
        fuzzy = resolver(phrase, reference=reference)
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
