"""Clause → deaths: the low, best and high counts of the people a clause says were killed."""

# ACLED/UCDP habits (bench/ingest_devset/POLICY.md §6): "killed 12" is a best estimate of 12;
# "at least 12", "more than 12" a low of 12 (the text's own number); "between 10 and 15" a low
# and a high; "up to 15" a high; "about 40" a best. Wounded are never counted, and vague
# quantities ("dozens", "scores") give no number. Only numbers next to a word of death count.

import re
from dataclasses import dataclass

_WORD_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
}
_NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+|" + "|".join(_WORD_NUMBERS) + r")"
_LOW = r"at\s+least|more\s+than|over|no\s+fewer\s+than|no\s+less\s+than|not\s+less\s+than"
_HIGH = r"up\s+to|as\s+many\s+as|no\s+more\s+than"
_ABOUT = r"about|nearly|some|around|roughly|approximately|almost|an\s+estimated"
_COUNT = (
    rf"(?:(?:between\s+)?(?P<first>{_NUMBER})\s+(?:and|to|-)\s+(?P<second>{_NUMBER})"
    rf"|(?:(?P<qualifier>{_LOW}|{_HIGH}|{_ABOUT})\s+)?(?P<number>{_NUMBER}))"
)
# Whose deaths: a count, then at most six words ("12 Syrian army soldiers", "14 members of the
# terrorist group"), then the verb.
# "Two car bombs killed at least 25": an active verb after a count is not the count's death,
# so a bare participle counts only as a reduced passive ("12 civilians killed in raids").
_COUNT_THEN_DEATH = re.compile(
    rf"(?<![\w.,-]){_COUNT}(?![\w-])(?:\s+(?!\d)[\w'’-]+){{0,6}}?\s+(?:(?:(?:were|have\s+been"
    r"|had\s+been|was|are|being)\s+(?:killed|executed|massacred|slain))|dead|died|perished"
    r"|(?:killed|executed|massacred)(?!\s+at\s+least)"
    r"(?=\s+(?:in|by|during|when|as|after|at|near|on|since|over)\b"
    r"|\s*[,.;:]|\s*$))",
    re.IGNORECASE,
)
# "In 2013 1300 were killed": a year after a preposition counts nobody.
_YEAR_BEFORE = re.compile(r"\b(?:in|since|of|by|until|from|during)\s+$", re.IGNORECASE)
# The verb or the toll, then the count: "killing at least 12", "death toll at at least 70".
_DEATH_THEN_COUNT = re.compile(
    r"\b(?:killed|killing|kills|kill|executed|executing|massacred|claimed\s+the\s+lives\s+of"
    r"|(?:death\s+)?toll\s+(?:of|at|to|rose\s+to|reached|stands\s+at|stood\s+at)(?:\s+at)?)\s+"
    rf"{_COUNT}(?![\w-])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Fatalities:
    low: int | None = None
    best: int | None = None
    high: int | None = None

    @property
    def known(self) -> bool:
        return any(value is not None for value in (self.low, self.best, self.high))


def _value(text: str) -> int:
    text = text.lower()
    return _WORD_NUMBERS[text] if text in _WORD_NUMBERS else int(text.replace(",", ""))


def fatalities(clause: str) -> Fatalities:
    """The deaths clause reports, from the first count next to a word of death; none when it
    gives no number (or only wounded)."""
    patterns = (_COUNT_THEN_DEATH, _DEATH_THEN_COUNT)
    matches = [
        m
        for pattern in patterns
        for m in pattern.finditer(clause)
        if not (
            m["number"]
            and re.fullmatch(r"(?:19|20)\d\d", m["number"])
            and _YEAR_BEFORE.search(clause[: m.start("number")])
        )
    ]
    if not matches:
        return Fatalities()
    match = min(matches, key=lambda m: m.start())
    if match["first"]:
        low, high = sorted((_value(match["first"]), _value(match["second"])))
        return Fatalities(low=low, high=high)
    number = _value(match["number"])
    qualifier = " ".join((match["qualifier"] or "").lower().split())
    if re.fullmatch(_LOW, qualifier):
        return Fatalities(low=number)
    if re.fullmatch(_HIGH, qualifier):
        return Fatalities(high=number)
    return Fatalities(best=number)
