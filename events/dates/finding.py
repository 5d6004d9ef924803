"""The date phrases in a sentence, found by the same rules that resolve them."""

import re
from dataclasses import dataclass

from events.dates.fuzzy import _WEEKDAY_NAMES, MONTH_NAMES
from events.dates.resolve import _normalize_with_origins
from events.dates.rules import _RULE_TABLE

# --- Finding phrases in a sentence ---------------------------------------------------------------
# The rules above, searched for in a whole sentence instead of matched against one phrase: the
# phrases found are exactly those resolve_phrase reads. Words that may lead a phrase go with it
# ("on Wednesday", "dated Sept. 3", "since September last year").

_LEAD = r"(?:(?:on|in|at|during|dated|from|since|between|the|week\s+of|c|ca|circa)\s+)*"
_FIND_RULES: list[tuple[str, re.Pattern[str]]] = [
    (
        rule.kind,
        re.compile(
            rf"(?<![\w'-]){_LEAD}(?:{rule.pattern.replace('{rest}', rule.find_rest)})(?![\w'-])",
            re.ASCII,  # Finds exactly what the rules above resolve.
        ),
    )
    for rule in _RULE_TABLE
    if rule.find_rest is not None
]
_FULL_CALENDAR_NAMES = frozenset(name.lower() for name in (*MONTH_NAMES, *_WEEKDAY_NAMES))
# "Earlier" dates something only as an adverb of the report's day, not "days earlier", "an
# earlier attack" or "earlier than".
_BARE_EARLIER_BEFORE = re.compile(r"(?:days?|weeks?|months?|years?|hours?|an|the|than)\s+$")
_BARE_EARLIER_AFTER = re.compile(r"^\s*(?:$|[,;.)—–-]|(?:on|in|that|this|when|as)\b)")


@dataclass(frozen=True)
class PhraseSpan:
    """Where a date phrase stands in a sentence, and which rule reads it."""

    start: int
    end: int
    kind: str
    text: str


def find_phrases(text: str) -> list[PhraseSpan]:
    """The date phrases of a sentence, left to right, the longest where two overlap.

    Month and weekday names count only when capitalised ("march" and "may" are verbs), and
    their abbreviations only with a stop, a day number or "on" ("Sept. 3", "Aug 27", "on
    Thurs", not "The Sun"); a year only from 1800 to 2099 and not as part of a larger number.
    """
    normalized, origins = _normalize_with_origins(text)
    found: list[tuple[int, int, str]] = []
    for kind, pattern in _FIND_RULES:
        for match in pattern.finditer(normalized):
            start, end = origins[match.start()], origins[match.end() - 1] + 1
            if _acceptable(text, start, end, match, origins, kind):
                found.append((start, end, kind))
    found.sort(key=lambda item: (-(item[1] - item[0]), item[0]))
    kept: list[tuple[int, int, str]] = []
    for start, end, kind in found:
        if all(end <= s or start >= e for s, e, _ in kept):
            kept.append((start, end, kind))
    return [PhraseSpan(start, end, kind, text[start:end]) for start, end, kind in sorted(kept)]


def _acceptable(
    text: str, start: int, end: int, match: re.Match[str], origins: list[int], kind: str
) -> bool:
    return (
        _calendar_words_fit(text, match, origins)
        and _years_fit(text, start, end, match.groupdict(), kind)
        and not (kind == "month" and match["month"] == "may" and not _MAY_AS_MONTH.search(match[0]))
        and not (
            kind == "recently"
            and match["unit"] == "earlier"
            and not _earlier_fits(text, start, end)
        )
    )


# "May" alone is a modal verb more often than a month.
_MAY_AS_MONTH = re.compile(r"\d|year|\b(?:in|since|during|last|this|next)\s+may")


def _calendar_words_fit(text: str, match: re.Match[str], origins: list[int]) -> bool:
    for name in ("month", "m1", "m2", "wd"):
        word = match.groupdict().get(name)
        if word is None:
            continue
        word_start = origins[match.start(name)]
        word_end = origins[match.end(name) - 1] + 1
        if not text[word_start].isupper():
            return False
        if word not in _FULL_CALENDAR_NAMES and not _abbreviation_fits(text, word_end, match):
            return False
    return True


def _years_fit(text: str, start: int, end: int, groups: dict, kind: str) -> bool:
    for name in ("year", "y1", "y2"):
        year = groups.get(name)
        if year and year.isdigit() and not 1800 <= int(year) <= 2099:
            return False
    if kind not in ("year", "years"):
        return True
    if _COUNTED.match(text[end:]):
        return False
    # "1,2017", "2017.5", "2017-A", "24/2017": part of a number or a code.
    before = text[start - 1] if start > 0 else " "
    return not re.match(r"[\w.,/-]", before) and not re.match(r"[\w/-]|[.,]\d", text[end : end + 2])


# "2000 people", "1500 fighters": copy that lost its commas counts, it does not date.
_COUNTED = re.compile(
    r"\s+(?:people|men|women|children|civilians|fighters|troops|soldiers|militants|rebels"
    r"|refugees|families|members|residents|homes|houses|strikes|raids|buildings|tons|km"
    r"|kilometres|kilometers|miles|metres|meters|dollars|euros)\b"
)


def _earlier_fits(text: str, start: int, end: int) -> bool:
    return not _BARE_EARLIER_BEFORE.search(text[:start]) and bool(
        _BARE_EARLIER_AFTER.match(text[end:])
    )


def _abbreviation_fits(text: str, word_end: int, match: re.Match[str]) -> bool:
    """ "Sept. 3", "Aug 27", "on Thurs": an abbreviated calendar word with what marks it so."""
    after = text[word_end : word_end + 3]
    if after.startswith(".") or re.match(r"\s\d", after):
        return True
    return match.group().startswith("on ")
