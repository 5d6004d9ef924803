"""ISO 8601 and EDTF input: 2016, 2016-09, 2016-09-04, 2016-09~, 2016/2017."""

import re
from datetime import date

from events.dates.fuzzy import (
    MONTH_NAMES,
    DateError,
    FuzzyDate,
    Precision,
    _Bounds,
    _month_end,
    precision_for_span,
)

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
