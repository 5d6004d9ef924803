"""The words and patterns the date-phrase grammar reads, and the context a phrase resolves in."""

import calendar
import re
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import FR, MO, SA, SU, TH, TU, WE

from events.dates.fuzzy import (
    _DASH,
    _WEEKDAY_NAMES,
    MONTH_NAMES,
    DateError,
    Precision,
    _Bounds,
    _day,
    _month_end,
)
from events.dates.iso import _check_year, _last_of_month, _make_date

_PAST, _FUTURE = -1, 1


@dataclass
class _Context:
    source: str
    direction: int
    reference: date | None
    era_start: date | None
    used_reference: bool = False

    def ref(self) -> date:
        if self.reference is None:
            raise DateError(f"a relative date needs a reference date: {self.source!r}")
        self.used_reference = True
        return self.reference

    @property
    def past(self) -> bool:
        return self.direction == _PAST


# Vocabulary, lower case as _normalize leaves it.
_MONTHS = {
    name: number
    for number, full in enumerate(MONTH_NAMES, start=1)
    for name in {full.lower(), full[:3].lower(), *(("sept",) if number == 9 else ())}
}
_WEEKDAYS = {
    name: number
    for number, full in enumerate(_WEEKDAY_NAMES)
    for name in {full.lower(), full[:3].lower()}
} | {"tues": 1, "thur": 3, "thurs": 3}
_RD_WEEKDAYS = (MO, TU, WE, TH, FR, SA, SU)
# Every month and weekday spelling the resolver reads, for modules that recognise calendar
# words in text (ingestion's sentence splitter and name finder).
CALENDAR_WORDS = frozenset(_MONTHS) | frozenset(_WEEKDAYS)
CALENDAR_ABBREVIATIONS = CALENDAR_WORDS - {name.lower() for name in (*MONTH_NAMES, *_WEEKDAY_NAMES)}
_NUMBER_WORDS = ("one", "two", "three", "four", "five", "six")
_NUMBER_WORDS += ("seven", "eight", "nine", "ten", "eleven", "twelve")
_NUMBERS = {word: n for n, word in enumerate(_NUMBER_WORDS, start=1)} | {
    "a": 1,
    "an": 1,
    "a couple of": 2,
    "a couple": 2,
    "a few": 3,
    "few": 3,
    "several": 5,
}
_ORDINAL_WORDS = ("first", "second", "third", "fourth", "fifth", "sixth")
_ORDINAL_WORDS += ("seventh", "eighth", "ninth", "tenth", "eleventh", "twelfth")
_ORDINALS = {word: n for n, word in enumerate(_ORDINAL_WORDS, start=1)}


def _alternation(*words: str) -> str:
    return "(?:" + "|".join(sorted(words, key=len, reverse=True)) + ")"


_MONTH = _alternation(*_MONTHS)
_WD = _alternation(*_WEEKDAYS)
_NUM = _alternation(r"[1-9]\d{0,2}", *_NUMBERS)
_ORD = _alternation(r"[1-9]\d?(?:st|nd|rd|th)", *_ORDINALS)
_HEDGE = r"(?:(?:some|about|around|roughly|approximately|nearly|almost|just)\s+)?"
_YEAR_EXPR = r"(?:\d{4}|last\s+year|this\s+year|next\s+year)"
_DAY_NUM = r"\d{1,2}(?:st|nd|rd|th)?"
_SEP = rf"\s*(?:{_DASH}|-|to|and)\s*"
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBERS[" ".join(word.split())]


def _ordinal(word: str) -> int:
    return int(word[:-2]) if word[0].isdigit() else _ORDINALS[word]


def _day_number(text: str) -> int:
    return int(re.match(r"\d+", text)[0])


def _unit(word: str) -> str:
    return word.removesuffix("s")


def _year_of(expr: str, ctx: _Context) -> int:
    if expr.isdigit():
        _check_year(int(expr), ctx.source)
        return int(expr)
    offset = {"last": -1, "this": 0, "next": 1}[expr.split()[0]]
    return ctx.ref().year + offset


def _month_bounds(year: int, month: int, ctx: _Context) -> tuple[date, date]:
    first = _make_date(year, month, 1, ctx.source)
    return first, _last_of_month(first)


def _month_year(month: int, year_expr: str | None, which: str | None, ctx: _Context) -> int:
    """The year of a month named without a day: given, or the nearest in the direction."""
    if year_expr is not None:
        if which:
            raise DateError(f"{ctx.source!r} names both '{which}' and a year")
        return _year_of(year_expr, ctx)
    ref = ctx.ref()
    if which == "this":
        return ref.year
    if which == "last":
        return ref.year if month < ref.month else ref.year - 1
    if which == "next":
        return ref.year if month > ref.month else ref.year + 1
    # The reference month itself counts: "in September" in a September article is this month.
    if ctx.past:
        return ref.year if month <= ref.month else ref.year - 1
    return ref.year if month >= ref.month else ref.year + 1


def _month_day(month: int, day: int, year_expr: str | None, ctx: _Context) -> date:
    """A month-day, with its year given or the nearest one in the direction (the reference
    day counts)."""
    if year_expr is not None:
        return _make_date(_year_of(year_expr, ctx), month, day, ctx.source)
    if not 1 <= day <= (29 if month == 2 else _month_end(2001, month)):
        raise DateError(f"{MONTH_NAMES[month - 1]} has no day {day} in {ctx.source!r}")
    ref = ctx.ref()
    # Eight years reach past any run without a 29 February (1896 to 1904).
    for year in range(ref.year, ref.year + 9 * ctx.direction, ctx.direction):
        if (month, day) == (2, 29) and not calendar.isleap(year):
            continue
        candidate = date(year, month, day)
        if (candidate <= ref) if ctx.past else (candidate >= ref):
            return candidate
    raise DateError(f"no {MONTH_NAMES[month - 1]} {day} near {ref.isoformat()}")


def _check_weekday(day: date, weekday: str | None, ctx: _Context) -> None:
    if weekday is not None and _WEEKDAYS[weekday] != day.weekday():
        raise DateError(
            f"{_day(day)} is a {_WEEKDAY_NAMES[day.weekday()]}, not a "
            f"{_WEEKDAY_NAMES[_WEEKDAYS[weekday]]}, in {ctx.source!r}"
        )


def _one_day(day: date) -> _Bounds:
    return _Bounds(day, day, Precision.DAY)
