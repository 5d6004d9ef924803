"""One date phrase resolved against a reference day, looking back or forward; the admin's box."""

import re
from datetime import date, datetime

from events.dates.fuzzy import _DASH, DateError, FuzzyDate
from events.dates.iso import parse_partial_iso
from events.dates.rules import _match
from events.dates.words import _FUTURE, _PAST, _Context


def resolve_phrase(text: str, *, reference: date, era_start: date | None = None) -> FuzzyDate:
    """Resolve one date phrase from a news article against its publication date, looking back.

    News reports the past: a bare weekday is the most recent one (the reference day itself
    when it matches), a month-day or month without a year is the most recent one not after
    the reference. "last Thursday" is always before the reference: 7 days back when the
    reference is a Thursday. "N years into ..." counts from era_start. Pass only the phrase,
    never the sentence around it: "12 killed on 4 March" is refused, not read as 2012.
    """
    return _resolve(text, _Context(text, _PAST, _as_day(reference), _as_day(era_start)))


def resolve_future_phrase(
    text: str, *, reference: date, era_start: date | None = None
) -> FuzzyDate:
    """resolve_phrase looking forward: "talks resume on Monday" is the next Monday after the
    reference (a week later when the reference is a Monday); a month-day or month without a
    year is the first one not before the reference."""
    return _resolve(text, _Context(text, _FUTURE, _as_day(reference), _as_day(era_start)))


def parse_date_input(text: str, *, reference: date | None = None) -> FuzzyDate:
    """The admin's single "When" box: ISO/EDTF first, then a phrase resolved backwards.

    Absolute phrases ("4 March 2017", "early August 2016", "c. 25 Aug 2016") need no
    reference; relative ones raise DateError without it.
    """
    try:
        return parse_partial_iso(text)
    except DateError as iso_error:
        try:
            return _resolve(text, _Context(text, _PAST, _as_day(reference), None))
        except DateError:
            # "2016-13" is a broken ISO date, not an unknown phrase: say what is broken.
            if not text.strip() or _ISO_SHAPED_RE.fullmatch(text.strip()):
                raise iso_error from None
            raise


_ISO_SHAPED_RE = re.compile(r"\d{4}([-/~?%][-\w/~?%.]*)?", re.ASCII)


def _as_day(value: date | None) -> date | None:
    # A datetime is a date, but comparing one with a date raises TypeError.
    return value.date() if isinstance(value, datetime) else value


def _resolve(text: str, ctx: _Context) -> FuzzyDate:
    normalized = _normalize(text)
    if not normalized:
        raise DateError("the date phrase is empty")
    try:
        bounds = _match(normalized, ctx)
    except DateError:
        raise
    except (OverflowError, ValueError) as exc:
        raise DateError(f"{text!r} falls outside the calendar ({exc})") from exc
    return FuzzyDate(
        bounds.earliest,
        bounds.latest,
        bounds.precision,
        approximate=bounds.approximate,
        phrase=text,
        reference=ctx.reference if ctx.used_reference else None,
    )


def _normalize(text: str) -> str:
    return _normalize_with_origins(text)[0]


# "Sept. 3", "Aug. 27, 2016", "c. 25 Aug": dots and commas only separate words in a phrase.
_SEPARATORS = frozenset('.,;:!()"\t\n\r ')
_CHAR_MAP = {"\u2019": "'", "\u2018": "'", "\u2014": _DASH, "\u2212": _DASH}


def _normalize_with_origins(text: str) -> tuple[str, list[int]]:
    """The text as the grammar reads it (lower case, one space between words, quotes and
    dashes made one kind), with the offset in text each of its characters comes from."""
    chars: list[str] = []
    origins: list[int] = []
    for index, char in enumerate(text):
        if char in _SEPARATORS or char.isspace():
            if chars and chars[-1] != " ":
                chars.append(" ")
                origins.append(index)
            continue
        for piece in _CHAR_MAP.get(char, char).lower():
            chars.append(piece)
            origins.append(index)
    if chars and chars[-1] == " ":
        chars.pop()
        origins.pop()
    return "".join(chars), origins
