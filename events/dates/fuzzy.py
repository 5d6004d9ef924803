"""An uncertain date: earliest and latest day, precision, approximate; and how it reads."""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import NamedTuple


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


class _Bounds(NamedTuple):
    earliest: date
    latest: date
    precision: Precision
    approximate: bool = False
