"""Partial and uncertain dates: parse, resolve news phrases, bound and display them — no ORM."""

import calendar
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import NamedTuple

from dateutil.relativedelta import FR, MO, SA, SU, TH, TU, WE, relativedelta

__all__ = [
    "DateError",
    "FuzzyDate",
    "Precision",
    "display_text",
    "find_phrases",
    "parse_date_input",
    "parse_partial_iso",
    "precision_for_span",
    "resolve_future_phrase",
    "resolve_phrase",
]


class Precision(StrEnum):
    """How exactly a date is known; the values are stored in the database and follow UCDP."""

    DAY = "day"
    DAYS = "days"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"

    @property
    def rank(self) -> int:
        """0 for a day up to 4 for a year (UCDP's date_prec is rank + 1)."""
        return _RANKS[self]

    @property
    def label(self) -> str:
        return "a few days" if self is Precision.DAYS else self.value


_RANKS = {precision: rank for rank, precision in enumerate(Precision)}


class DateError(ValueError):
    """A date or date phrase that cannot be read; the message says what is wrong."""


@dataclass(frozen=True)
class FuzzyDate:
    """An uncertain date: the earliest and latest possible day, how exact it is, how to show it."""

    earliest: date
    latest: date
    precision: Precision
    approximate: bool = False
    display: str = ""
    phrase: str = ""
    reference: date | None = None

    def __post_init__(self) -> None:
        if self.earliest > self.latest:
            raise DateError(
                f"the earliest date {self.earliest.isoformat()} is after "
                f"the latest {self.latest.isoformat()}"
            )
        # Rows from the database carry the precision as a plain string.
        object.__setattr__(self, "precision", _as_precision(self.precision))
        if not self.display:
            text = display_text(
                self.earliest, self.latest, self.precision, approximate=self.approximate
            )
            object.__setattr__(self, "display", text)

    def overlaps(self, start: date, end: date) -> bool:
        """True when the event possibly falls in [start, end]."""
        return self.earliest <= end and start <= self.latest

    def within(self, start: date, end: date) -> bool:
        """True when the event certainly falls in [start, end]."""
        return start <= self.earliest and self.latest <= end


def _as_precision(value: object) -> Precision:
    try:
        return Precision(value)
    except ValueError:
        raise DateError(f"unknown precision {value!r}") from None


# --- Spans and display ------------------------------------------------------------------------

# Our own names: strftime follows the process locale.
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# Our own abbreviations: strftime("%b") follows the process locale.
_MONTH_ABBR = tuple(name[:3] for name in MONTH_NAMES)
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_DASH = "\u2013"


def precision_for_span(earliest: date, latest: date) -> Precision:
    """The finest precision whose unit can hold the span (UCDP's date_prec scale).

    1 day is DAY, 2–6 days DAYS, 7 days WEEK, up to 31 days MONTH (a whole calendar month,
    a third of one, or any other span a month long), anything longer YEAR. A span is never
    given a finer precision than its length, so a 10-day window is MONTH, not WEEK.
    """
    if earliest > latest:
        raise DateError(f"{earliest.isoformat()} is after {latest.isoformat()}")
    days = (latest - earliest).days + 1
    if days == 1:
        return Precision.DAY
    if days <= 6:
        return Precision.DAYS
    if days == 7:
        return Precision.WEEK
    if days <= 31:
        return Precision.MONTH
    return Precision.YEAR


def display_text(
    earliest: date, latest: date, precision: Precision, *, approximate: bool = False
) -> str:
    """The one display rule: "4 Sep 2016", "c. 25 Aug 2016", "2–4 Sep 2016", "week of 29 Aug
    2016", "September 2016", "early August 2016", "2016", "2015–2016".

    An approximate date of a week or less shows its midpoint after "c."; anything wider keeps
    its normal text after "c.". Bounds that are not a whole unit of their precision show as a
    range of days, except years, which always read as years.
    """
    precision = _as_precision(precision)
    if earliest > latest:
        raise DateError(f"{earliest.isoformat()} is after {latest.isoformat()}")
    if approximate and precision.rank <= Precision.WEEK.rank:
        return f"c. {_day(earliest + (latest - earliest) // 2)}"
    text = _plain_display(earliest, latest, precision)
    return f"c. {text}" if approximate else text


def bounds_text(earliest: date, latest: date) -> str:
    """The bounds as plain days: "4 Sep 2016", "1–10 Aug 2016", "28 Aug – 4 Sep 2016"."""
    return _day_range(earliest, latest)


def says_its_bounds(display: str, earliest: date, latest: date) -> bool:
    """Whether a date's display text already names its bounds: one day, a range of days, a
    whole calendar month ("August 2016") or whole years ("2011", "2015–2016"). Anything else
    ("early August 2016", "week of 22 Aug 2016", an editor's wording) needs them said too."""
    if earliest == latest or display == _day_range(earliest, latest):
        return True
    whole_month = earliest.day == 1 and latest.day == _month_end(latest.year, latest.month)
    if whole_month and (earliest.year, earliest.month) == (latest.year, latest.month):
        return display == f"{MONTH_NAMES[earliest.month - 1]} {earliest.year}"
    whole_years = (earliest.month, earliest.day, latest.month, latest.day) == (1, 1, 12, 31)
    return whole_years and display == _year_display(earliest, latest)


def _plain_display(earliest: date, latest: date, precision: Precision) -> str:
    if precision is Precision.YEAR:
        return _year_display(earliest, latest)
    if precision is Precision.MONTH and (earliest.year, earliest.month) == (
        latest.year,
        latest.month,
    ):
        part = _month_part(earliest, latest)
        if part is not None:
            return part
    if (
        precision is Precision.WEEK
        and earliest.weekday() == 0
        and latest - earliest == timedelta(days=6)
    ):
        return f"week of {_day(earliest)}"
    return _day_range(earliest, latest)


def _day(day: date) -> str:
    return f"{day.day} {_MONTH_ABBR[day.month - 1]} {day.year}"


def _day_range(earliest: date, latest: date) -> str:
    if earliest == latest:
        return _day(earliest)
    if (earliest.year, earliest.month) == (latest.year, latest.month):
        return f"{earliest.day}{_DASH}{_day(latest)}"
    if earliest.year == latest.year:
        return f"{earliest.day} {_MONTH_ABBR[earliest.month - 1]} {_DASH} {_day(latest)}"
    return f"{_day(earliest)} {_DASH} {_day(latest)}"


def _month_end(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _month_part(earliest: date, latest: date) -> str | None:
    """ "August 2016", "early/mid-/late August 2016" when the bounds are exactly that."""
    name, year = MONTH_NAMES[earliest.month - 1], earliest.year
    last = _month_end(year, earliest.month)
    windows = {
        (1, last): f"{name} {year}",
        (1, 10): f"early {name} {year}",
        (11, 20): f"mid-{name} {year}",
        (21, last): f"late {name} {year}",
    }
    return windows.get((earliest.day, latest.day))


def _year_display(earliest: date, latest: date) -> str:
    first, last = earliest.year, latest.year
    if (earliest.month, earliest.day, latest.month, latest.day) == (1, 1, 12, 31):
        return str(first) if first == last else f"{first}{_DASH}{last}"
    if first == last:
        thirds = {
            ((1, 1), (4, 30)): f"early {first}",
            ((5, 1), (8, 31)): f"mid-{first}",
            ((9, 1), (12, 31)): f"late {first}",
        }
        third = thirds.get(((earliest.month, earliest.day), (latest.month, latest.day)))
        if third:
            return third
    if earliest.day == 1 and latest.day == _month_end(last, latest.month):
        start, end = MONTH_NAMES[earliest.month - 1], MONTH_NAMES[latest.month - 1]
        if (first, earliest.month) == (last, latest.month):
            return f"{start} {first}"
        if first == last:
            return f"{start}{_DASH}{end} {first}"
        return f"{start} {first} {_DASH} {end} {last}"
    return str(first) if first == last else f"{first}{_DASH}{last}"


# --- ISO 8601 / EDTF ----------------------------------------------------------------------------

# Month and day may have one digit: editors type "2016-9-4" into the admin.
# ASCII digits only: \d alone would read "٢٠١٦" (Arabic-Indic) or "２０１６" (full-width) as 2016.
_ISO_RE = re.compile(
    r"(?P<year>\d{4})(?:-(?P<month>\d{1,2})(?:-(?P<day>\d{1,2}))?)?(?P<q>[~?%])?", re.ASCII
)


def parse_partial_iso(text: str) -> FuzzyDate:
    """ "2016", "2016-09", "2016-09-04", EDTF "2016-08~" / "2016-08?" and "2016-08-01/2016-08-10".

    "~" (approximate), "?" (uncertain) and "%" (both) all set approximate. An interval runs
    from the start of its first end to the end of its second; its precision comes from
    precision_for_span.
    """
    source = text.strip()
    if not source:
        raise DateError("the date is empty")
    if "/" in source:
        parts = [part.strip() for part in source.split("/")]
        if len(parts) != 2:
            raise DateError(f"an interval has exactly one '/' in {source!r}")
        if any(part in ("", "..") for part in parts):
            raise DateError(f"an open-ended interval has no bounds to store in {source!r}")
        start, end = (_iso_bounds(part, source) for part in parts)
        if start.earliest > end.latest:
            raise DateError(f"the interval starts after it ends in {source!r}")
        earliest, latest = start.earliest, end.latest
        return FuzzyDate(
            earliest,
            latest,
            precision_for_span(earliest, latest),
            approximate=start.approximate or end.approximate,
            phrase=text,
        )
    single = _iso_bounds(source, source)
    return FuzzyDate(
        single.earliest,
        single.latest,
        single.precision,
        approximate=single.approximate,
        phrase=text,
    )


def _iso_bounds(part: str, source: str) -> "_Bounds":
    match = _ISO_RE.fullmatch(part)
    if match is None:
        raise DateError(
            f"{part!r} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD in {source!r}"
        )
    year = int(match["year"])
    approximate = match["q"] is not None
    if match["month"] is None:
        _check_year(year, source)
        return _Bounds(date(year, 1, 1), date(year, 12, 31), Precision.YEAR, approximate)
    month = int(match["month"])
    if match["day"] is None:
        first = _make_date(year, month, 1, source)
        return _Bounds(first, _last_of_month(first), Precision.MONTH, approximate)
    day = _make_date(year, month, int(match["day"]), source)
    return _Bounds(day, day, Precision.DAY, approximate)


def _check_year(year: int, source: str) -> None:
    if not 1 <= year <= 9999:
        raise DateError(f"year {year} is out of range in {source!r}")


def _make_date(year: int, month: int, day: int, source: str) -> date:
    """date(), with a message that names the part at fault."""
    _check_year(year, source)
    if not 1 <= month <= 12:
        raise DateError(f"month {month} is out of range in {source!r}")
    last = _month_end(year, month)
    if not 1 <= day <= last:
        leap = " (not a leap year)" if (month, day) == (2, 29) else ""
        raise DateError(
            f"day {day} is out of range for {MONTH_NAMES[month - 1]} {year}{leap} in {source!r}"
        )
    return date(year, month, day)


def _last_of_month(day: date) -> date:
    return day.replace(day=_month_end(day.year, day.month))


# --- News phrases -------------------------------------------------------------------------------


class _Bounds(NamedTuple):
    earliest: date
    latest: date
    precision: Precision
    approximate: bool = False


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


_PREFIX_RE = re.compile(r"^(?:(?:on|in|at|during|dated|from|between|the)\s+)+")


def _match(text: str, ctx: _Context) -> _Bounds:
    # Some rules need their preposition ("in recent days", "in 3 days"), so try the text as
    # it is before stripping "on", "in", "the" and friends.
    candidates = [text]
    stripped = _PREFIX_RE.sub("", text)
    if stripped != text:
        candidates.append(stripped)
    for candidate in candidates:
        for pattern, handler in _RULES:
            match = pattern.fullmatch(candidate)
            if match is not None:
                return handler(match, ctx)
    raise DateError(
        f"{ctx.source!r} is not a date phrase this resolver understands "
        "(pass only the date phrase, e.g. 'on Aug. 27')"
    )


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


# Rule handlers: each gets a full match of the normalized phrase and returns its bounds.


def _today(m: re.Match[str], ctx: _Context) -> _Bounds:
    offset = {"yesterday": -1, "today": 0, "tomorrow": 1}[m["word"]]
    return _one_day(ctx.ref() + timedelta(days=offset))


def _weekday(m: re.Match[str], ctx: _Context) -> _Bounds:
    ref, wd = ctx.ref(), _RD_WEEKDAYS[_WEEKDAYS[m["wd"]]]
    which = m["which"]
    if which in ("last", "past"):
        return _one_day(ref + relativedelta(days=-1, weekday=wd(-1)))
    if which in ("next", "coming") or not ctx.past:
        return _one_day(ref + relativedelta(days=+1, weekday=wd(+1)))
    # wd(-1) keeps the reference day when it is that weekday: "on Sunday" in Sunday's paper.
    return _one_day(ref + relativedelta(weekday=wd(-1)))


def _around(point: date, days: int) -> _Bounds:
    # Counts of days and weeks in news are rounded by the writer; a quarter of the distance
    # either side (at least a day) covers "some 10 days ago" as 7 to 13 days ago. A quarter
    # never reaches past the reference, so "ago" stays in the past.
    spread = timedelta(days=math.ceil(days / 4))
    earliest, latest = point - spread, point + spread
    return _Bounds(earliest, latest, precision_for_span(earliest, latest), True)


def _ago(m: re.Match[str], ctx: _Context) -> _Bounds:
    ref = ctx.ref()
    days = _number(m["n"]) * _UNIT_DAYS[_unit(m["unit"])]
    return _around(ref - timedelta(days=days), days)


def _in_time(m: re.Match[str], ctx: _Context) -> _Bounds:
    ref = ctx.ref()
    days = _number(m["n"]) * _UNIT_DAYS[_unit(m["unit"])]
    return _around(ref + timedelta(days=days), days)


def _recent(m: re.Match[str], ctx: _Context) -> _Bounds:
    """ "In recent days" (a week back), "in recent weeks" and "recently" (four weeks back),
    "earlier" said of the day of the report (a week back): approximate, up to the reference."""
    ref = ctx.ref()
    back = {"days": 7, "weeks": 28, "recently": 28, "earlier": 7}[m["unit"]]
    earliest = ref - timedelta(days=back)
    return _Bounds(earliest, ref, precision_for_span(earliest, ref), True)


def _overnight(m: re.Match[str], ctx: _Context) -> _Bounds:
    """ "Overnight", "last night": a night runs over two days, the evening before and the
    reference day. "Overnight on Tuesday" may be the night before or after Tuesday."""
    ref = ctx.ref()
    if m["wd"] is None:
        return _Bounds(ref - timedelta(days=1), ref, Precision.DAYS)
    wd = _RD_WEEKDAYS[_WEEKDAYS[m["wd"]]]
    day = ref + (
        relativedelta(weekday=wd(-1)) if ctx.past else relativedelta(days=1, weekday=wd(1))
    )
    earliest, latest = day - timedelta(days=1), day + timedelta(days=1)
    if ctx.past:
        latest = min(latest, ref)
    return _Bounds(earliest, latest, precision_for_span(earliest, latest))


def _same_day(m: re.Match[str], ctx: _Context) -> _Bounds:
    return _one_day(ctx.ref())


def _past_span(m: re.Match[str], ctx: _Context) -> _Bounds:
    """ "Over the past week", "in the last few days", "the past 24 hours": from that far back
    up to the reference."""
    ref = ctx.ref()
    count = _number(m["n"]) if m["n"] else 1
    unit = _unit(m["unit"])
    days = math.ceil(count / 24) if unit == "hour" else count * _UNIT_DAYS[unit]
    if unit == "day" and m["n"] in _VAGUE_COUNTS:
        # "In the last few days", "the past several days": up to a week, as "in recent days".
        days = _VAGUE_DAYS
    earliest = ref - timedelta(days=days)
    return _Bounds(earliest, ref, precision_for_span(earliest, ref), m["n"] in _VAGUE_COUNTS)


_VAGUE_COUNTS = frozenset({"few", "a few", "several", "a couple of", "a couple"})
_VAGUE_DAYS = 7


def _weekend(m: re.Match[str], ctx: _Context) -> _Bounds:
    """The most recent Saturday and Sunday (this one when the reference falls on them);
    "next weekend" and a forward-looking phrase: the coming one."""
    ref = ctx.ref()
    if m["which"] == "next" or not ctx.past:
        saturday = ref + relativedelta(days=+1, weekday=SA(+1))
    elif m["which"] == "last" and ref.weekday() >= 5:
        saturday = ref + relativedelta(days=-7, weekday=SA(-1))
    else:
        saturday = ref + relativedelta(weekday=SA(-1))
    sunday = saturday + timedelta(days=1)
    return _Bounds(saturday, sunday, Precision.DAYS)


def _period(m: re.Match[str], ctx: _Context) -> _Bounds:
    """last/this/next/earlier this/later this week, month or year.

    "this" runs from the start of the period to the reference looking back, and from the
    reference to its end looking forward; "earlier this" stops the day before the reference
    and "later this" starts the day after, whichever the direction.
    """
    ref, unit, which = ctx.ref(), m["unit"], " ".join(m["which"].split())
    if unit == "week":
        start, step = ref - timedelta(days=ref.weekday()), relativedelta(weeks=1)
    elif unit == "month":
        start, step = ref.replace(day=1), relativedelta(months=1)
    else:
        start, step = date(ref.year, 1, 1), relativedelta(years=1)
    precision = Precision(unit)
    end = start + step - timedelta(days=1)
    if which == "last":
        return _Bounds(start - step, start - timedelta(days=1), precision)
    if which == "next":
        return _Bounds(start + step, end + step, precision)
    if which == "this":
        return _Bounds(start, ref, precision) if ctx.past else _Bounds(ref, end, precision)
    earliest, latest = (
        (start, ref - timedelta(days=1))
        if which == "earlier this"
        else (
            ref + timedelta(days=1),
            end,
        )
    )
    if earliest > latest:
        raise DateError(f"{ctx.source!r} is empty on {_day(ref)}")
    return _Bounds(earliest, latest, precision)


def _era(count: int, unit: str, ctx: _Context, *, approximate: bool) -> _Bounds:
    if ctx.era_start is None:
        raise DateError(
            f"{ctx.source!r} counts from the start of something: it needs the start date "
            "(era_start)"
        )
    step = {
        "year": relativedelta(years=1),
        "month": relativedelta(months=1),
        "week": relativedelta(weeks=1),
        "day": relativedelta(days=1),
    }[unit]
    earliest = ctx.era_start + step * count
    latest = ctx.era_start + step * (count + 1) - timedelta(days=1)
    return _Bounds(earliest, latest, precision_for_span(earliest, latest), approximate)


def _years_into(m: re.Match[str], ctx: _Context) -> _Bounds:
    # "Six years into the war" is a loose round number, so the result is approximate.
    return _era(_number(m["n"]), _unit(m["unit"]), ctx, approximate=True)


def _nth_year(m: re.Match[str], ctx: _Context) -> _Bounds:
    # "In its sixth year" is the span from five to six years after the start.
    return _era(_ordinal(m["ord"]) - 1, m["unit"], ctx, approximate=False)


def _since(m: re.Match[str], ctx: _Context) -> _Bounds:
    # "Since September last year" dates the start of something ongoing; the start is always
    # in the past, whichever way the sentence looks.
    past = _Context(ctx.source, _PAST, ctx.reference, ctx.era_start)
    bounds = _match(m["rest"], past)
    ctx.used_reference |= past.used_reference
    return bounds


def _circa(m: re.Match[str], ctx: _Context) -> _Bounds:
    return _match(m["rest"], ctx)._replace(approximate=True)


def _week_of(m: re.Match[str], ctx: _Context) -> _Bounds:
    day = _match(m["rest"], ctx)
    if day.precision is not Precision.DAY:
        raise DateError(f"'week of' needs a day in {ctx.source!r}")
    monday = day.earliest - timedelta(days=day.earliest.weekday())
    return _Bounds(monday, monday + timedelta(days=6), Precision.WEEK, day.approximate)


def _month_window(m: re.Match[str], ctx: _Context) -> _Bounds:
    """Early 1–10, mid 11–20, late 21–end; the beginning is early, the end is late.

    A third of a month is MONTH precision with narrowed bounds: it is longer than a week.
    """
    month = _MONTHS[m["month"]]
    first, last = _month_bounds(_month_year(month, m["year"], None, ctx), month, ctx)
    part = m["part"].split()[0]
    days = {"early": (1, 10), "beginning": (1, 10), "start": (1, 10), "mid": (11, 20)}
    days |= {"middle": (11, 20), "late": (21, last.day), "end": (21, last.day)}
    low, high = days[part]
    return _Bounds(first.replace(day=low), first.replace(day=high), Precision.MONTH)


def _season(m: re.Match[str], ctx: _Context) -> _Bounds:
    """Meteorological seasons of the northern hemisphere; winter runs into the next year."""
    first_month = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}[m["season"]]
    first = date(_year_of(m["year"], ctx), first_month, 1)
    last = _last_of_month(first + relativedelta(months=2))
    return _Bounds(first, last, Precision.YEAR)


def _year_third(m: re.Match[str], ctx: _Context) -> _Bounds:
    year = _year_of(m["year"], ctx)
    low, high = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}[m["part"]]
    first = date(year, low, 1)
    return _Bounds(first, _last_of_month(date(year, high, 1)), Precision.YEAR)


def _date(m: re.Match[str], ctx: _Context) -> _Bounds:
    day = _month_day(_MONTHS[m["month"]], _day_number(m["day"]), m["year"], ctx)
    _check_weekday(day, m["wd"], ctx)
    return _one_day(day)


def _date_range(m: re.Match[str], ctx: _Context) -> _Bounds:
    """ "2–4 Sep 2016", "30 Aug – 2 Sep 2016", "Sept. 2-4": the first end borrows what it
    leaves out from the second, stepping back a year across New Year ("30 Dec – 2 Jan")."""
    month2 = _MONTHS[m["m2"] or m["m1"]]
    end = _month_day(month2, _day_number(m["d2"]), m["y2"], ctx)
    month1 = _MONTHS[m["m1"]] if m["m1"] else month2
    if year1_text := m.groupdict().get("y1"):
        year1 = int(year1_text)
    else:
        year1 = end.year - (month1 > month2)
    start = _make_date(year1, month1, _day_number(m["d1"]), ctx.source)
    if start > end:
        raise DateError(f"the range starts after it ends in {ctx.source!r}")
    return _Bounds(start, end, precision_for_span(start, end))


def _month_range(m: re.Match[str], ctx: _Context) -> _Bounds:
    month1, month2 = _MONTHS[m["m1"]], _MONTHS[m["m2"]]
    year2 = _month_year(month2, m["y2"], None, ctx)
    year1 = int(m["y1"]) if m["y1"] else year2 - (month1 > month2)
    start, _ = _month_bounds(year1, month1, ctx)
    _, end = _month_bounds(year2, month2, ctx)
    if start > end:
        raise DateError(f"the range starts after it ends in {ctx.source!r}")
    return _Bounds(start, end, precision_for_span(start, end))


def _month(m: re.Match[str], ctx: _Context) -> _Bounds:
    month = _MONTHS[m["month"]]
    first, last = _month_bounds(_month_year(month, m["year"], m["which"], ctx), month, ctx)
    return _Bounds(first, last, Precision.MONTH)


def _year_range(m: re.Match[str], ctx: _Context) -> _Bounds:
    first, last = int(m["y1"]), int(m["y2"])
    _check_year(first, ctx.source)
    _check_year(last, ctx.source)
    if first > last:
        raise DateError(f"the range starts after it ends in {ctx.source!r}")
    return _Bounds(date(first, 1, 1), date(last, 12, 31), Precision.YEAR)


def _year(m: re.Match[str], ctx: _Context) -> _Bounds:
    year = _year_of(m["year"], ctx)
    return _Bounds(date(year, 1, 1), date(year, 12, 31), Precision.YEAR)


_Handler = Callable[[re.Match[str], _Context], _Bounds]


class _Rule(NamedTuple):
    """One kind of phrase: its name, its pattern, and how it resolves.

    The pattern is written for the normalised phrase (lower case, one space between words).
    "{rest}" stands for the phrase a rule wraps ("since …", "c. …"): anything when resolving
    a phrase, and when finding phrases in a sentence the bounded words given by find_rest.
    """

    kind: str
    pattern: str
    handler: _Handler
    find_rest: str | None = ""


# Tried in order against the whole phrase; the first full match wins.
_RULE_TABLE: list[_Rule] = [
    _Rule("today", r"(?P<word>today|yesterday|tomorrow)(?:'s)?", _today),
    _Rule(
        "same day",
        r"this\s+(?:morning|afternoon|evening)|tonight|(?:earlier|later)\s+(?:today|in\s+the\s+day)",
        _same_day,
    ),
    _Rule(
        "overnight",
        rf"(?:overnight|last\s+night)(?:\s+(?:on\s+|into\s+)?(?P<wd>{_WD}))?",
        _overnight,
    ),
    _Rule(
        "weekday",
        r"(?:(?P<which>last|past|this|next|coming)\s+)?(?:(?:early|late)\s+(?:on\s+)?)?"
        rf"(?P<wd>{_WD})(?:'s)?(?:\s+(?:morning|afternoon|evening|night))?",
        _weekday,
    ),
    _Rule(
        "weekend",
        r"(?:(?:at|over)\s+)?(?:(?P<which>last|this|next|the)\s+)weekend",
        _weekend,
    ),
    _Rule("ago", rf"{_HEDGE}(?P<n>{_NUM})\s+(?P<unit>days?|weeks?|months?|years?)\s+ago", _ago),
    _Rule(
        "in some days",
        rf"in\s+{_HEDGE}(?P<n>{_NUM})\s+(?P<unit>days?|weeks?)(?:\s+time)?",
        _in_time,
    ),
    _Rule("recent", r"(?:in\s+)?recent\s+(?P<unit>days|weeks)", _recent),
    _Rule("recently", r"(?P<unit>recently|earlier)", _recent),
    _Rule(
        "past span",
        r"(?:(?:over|in|during|within)\s+)?the\s+(?:past|last)\s+"
        rf"(?:(?P<n>{_NUM}|few|several)\s+)?(?P<unit>hours?|days?|weeks?|months?)",
        _past_span,
    ),
    _Rule(
        "period",
        r"(?P<which>last|this|next|earlier\s+this|later\s+this)\s+(?P<unit>week|month|year)",
        _period,
    ),
    _Rule(
        "into a war",
        rf"{_HEDGE}(?P<n>{_NUM})\s+(?P<unit>years?|months?|weeks?|days?)\s+into\s+{{rest}}",
        _years_into,
        r"(?:\w+'s\s+)?(?:[\w-]+\s+){0,2}(?:war|conflict|uprising|revolution|crisis|siege)",
    ),
    _Rule(
        "nth year",
        rf"(?:its|their|his|her)\s+(?P<ord>{_ORD})\s+(?P<unit>year|month|week|day)\b{{rest}}",
        _nth_year,
    ),
    # Rules that wrap another phrase: found through the words that lead a phrase (_LEAD).
    _Rule("since", r"since\s+(?P<rest>{rest})", _since, None),
    _Rule(
        "circa",
        r"(?:c|ca|circa|about|around|approximately|roughly|some)\s+(?P<rest>{rest})",
        _circa,
        None,
    ),
    _Rule("week of", r"week\s+of\s+(?P<rest>{rest})", _week_of, None),
    _Rule(
        "part of a month",
        r"(?P<part>early|mid|late|(?:beginning|start|middle|end)\s+of)[\s-]+"
        rf"(?P<month>{_MONTH})(?:\s+(?:of\s+)?(?P<year>{_YEAR_EXPR}))?",
        _month_window,
    ),
    _Rule("part of a year", rf"(?P<part>early|mid|late)[\s-]+(?P<year>{_YEAR_EXPR})", _year_third),
    _Rule(
        "season",
        rf"(?P<season>spring|summer|autumn|fall|winter)\s+(?:of\s+)?(?P<year>{_YEAR_EXPR})",
        _season,
    ),
    _Rule(
        "month and day",
        rf"(?:(?P<wd>{_WD})\s+)?(?P<month>{_MONTH})\s+(?P<day>{_DAY_NUM})"
        rf"(?:\s+(?P<year>{_YEAR_EXPR}))?",
        _date,
    ),
    _Rule(
        "day and month",
        rf"(?:(?P<wd>{_WD})\s+)?(?:the\s+)?(?P<day>{_DAY_NUM})\s+(?:of\s+)?"
        rf"(?P<month>{_MONTH})(?:\s+(?P<year>{_YEAR_EXPR}))?",
        _date,
    ),
    _Rule(
        "date range",
        rf"(?P<d1>{_DAY_NUM})(?:\s+(?P<m1>{_MONTH})(?:\s+(?P<y1>\d{{4}}))?)?{_SEP}"
        rf"(?P<d2>{_DAY_NUM})\s+(?P<m2>{_MONTH})(?:\s+(?P<y2>{_YEAR_EXPR}))?",
        _date_range,
    ),
    _Rule(
        "date range",
        rf"(?P<m1>{_MONTH})\s+(?P<d1>{_DAY_NUM}){_SEP}(?:(?P<m2>{_MONTH})\s+)?"
        rf"(?P<d2>{_DAY_NUM})(?:\s+(?P<y2>{_YEAR_EXPR}))?",
        _date_range,
    ),
    _Rule(
        "month range",
        rf"(?P<m1>{_MONTH})(?:\s+(?P<y1>\d{{4}}))?{_SEP}"
        rf"(?P<m2>{_MONTH})(?:\s+(?P<y2>{_YEAR_EXPR}))?",
        _month_range,
    ),
    _Rule(
        "month",
        rf"(?:(?P<which>last|this|next)\s+)?(?P<month>{_MONTH})"
        rf"(?:\s+(?:of\s+)?(?P<year>{_YEAR_EXPR}))?",
        _month,
    ),
    _Rule("years", rf"(?P<y1>\d{{4}}){_SEP}(?P<y2>\d{{4}})", _year_range),
    _Rule("year", r"(?P<year>\d{4})", _year),
]
_RULES: list[tuple[re.Pattern[str], _Handler]] = [
    (
        # ASCII: a number in a phrase is written in the digits 0-9 (as in _ISO_RE), never
        # "٢٠١٦" (Arabic-Indic) or "２０１６" (full-width).
        re.compile(
            rule.pattern.replace("{rest}", ".+" if rule.find_rest is None else ".*"), re.ASCII
        ),
        rule.handler,
    )
    for rule in _RULE_TABLE
]


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
    # "2000 people", "2000 Sunni residents": a count with its adjectives; "in 2013 rebel
    # fighters seized …" keeps its year.
    introduced = _YEAR_PREPOSITION.search(text[:start]) or _YEAR_PREPOSITION_OPENING.match(
        text[start:end]
    )
    if not introduced and (_COUNTED.match(text[end:]) or _COUNTED_AFTER_WORDS.match(text[end:])):
        return False
    # "1,2017", "2017.5", "2017-A", "24/2017": part of a number or a code.
    before = text[start - 1] if start > 0 else " "
    return not re.match(r"[\w.,/-]", before) and not re.match(r"[\w/-]|[.,]\d", text[end : end + 2])


# "2000 people", "1500 fighters": copy that lost its commas counts, it does not date.
_COUNTED_NOUNS = (
    r"(?:people|men|women|children|civilians|fighters|troops|soldiers|militants|rebels"
    r"|refugees|families|members|residents|homes|houses|strikes|raids|buildings|tons|km"
    r"|kilometres|kilometers|miles|metres|meters|dollars|euros)\b"
)
_COUNTED = re.compile(rf"\s+{_COUNTED_NOUNS}")
_COUNTED_AFTER_WORDS = re.compile(rf"\s+(?:[\w'’-]+\s+){{1,2}}{_COUNTED_NOUNS}")
_YEAR_PREPOSITIONS = r"(?:in|since|of|by|until|till|from|during|before|after|to|early|late|mid)"
_YEAR_PREPOSITION = re.compile(rf"\b{_YEAR_PREPOSITIONS}\s+$", re.IGNORECASE)
_YEAR_PREPOSITION_OPENING = re.compile(rf"{_YEAR_PREPOSITIONS}\b", re.IGNORECASE)


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
