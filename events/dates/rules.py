"""The date-phrase grammar: one rule per kind of phrase, tried in order, each giving bounds."""

import math
import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import NamedTuple

from dateutil.relativedelta import SA, relativedelta

from events.dates.fuzzy import DateError, Precision, _Bounds, _day, precision_for_span
from events.dates.iso import _check_year, _last_of_month, _make_date
from events.dates.words import (
    _DAY_NUM,
    _HEDGE,
    _MONTH,
    _MONTHS,
    _NUM,
    _ORD,
    _PAST,
    _RD_WEEKDAYS,
    _SEP,
    _UNIT_DAYS,
    _WD,
    _WEEKDAYS,
    _YEAR_EXPR,
    _check_weekday,
    _Context,
    _day_number,
    _month_bounds,
    _month_day,
    _month_year,
    _number,
    _one_day,
    _ordinal,
    _unit,
    _year_of,
)

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
    earliest = ref - timedelta(days=days)
    return _Bounds(earliest, ref, precision_for_span(earliest, ref), m["n"] in _VAGUE_COUNTS)


_VAGUE_COUNTS = frozenset({"few", "a few", "several", "a couple of", "a couple"})


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
