"""events.dates: partial ISO dates, news phrases from the seed articles, bounds and display."""

from datetime import date, datetime

import pytest

from events.dates import (
    DateError,
    FuzzyDate,
    Precision,
    display_text,
    find_phrases,
    parse_date_input,
    parse_partial_iso,
    precision_for_span,
    resolve_future_phrase,
    resolve_phrase,
)

# Seed 000 (Reuters) was published on Thursday 31 Aug 2017, seed 004 on Sunday 4 Sep 2016.
THU_31_AUG_2017 = date(2017, 8, 31)
SUN_4_SEP_2016 = date(2016, 9, 4)
SYRIAN_WAR_START = date(2011, 3, 15)

D = date
DAY, DAYS, WEEK, MONTH, YEAR = Precision


def bounds(fuzzy: FuzzyDate) -> tuple[date, date, Precision, bool, str]:
    return fuzzy.earliest, fuzzy.latest, fuzzy.precision, fuzzy.approximate, fuzzy.display


# --- Precision, DateError, FuzzyDate -------------------------------------------------------------


def test_precision_values_are_the_stored_strings():
    assert [p.value for p in Precision] == ["day", "days", "week", "month", "year"]


def test_precision_rank_orders_day_to_year():
    assert [p.rank for p in (DAY, DAYS, WEEK, MONTH, YEAR)] == [0, 1, 2, 3, 4]


def test_precision_label_reads_as_words():
    assert [p.label for p in Precision] == ["day", "a few days", "week", "month", "year"]


def test_date_error_is_a_value_error():
    with pytest.raises(ValueError, match="out of range"):
        parse_partial_iso("2016-13")


def test_fuzzy_date_refuses_earliest_after_latest():
    with pytest.raises(DateError, match="2016-09-05 is after the latest 2016-09-04"):
        FuzzyDate(D(2016, 9, 5), D(2016, 9, 4), DAY)


def test_fuzzy_date_fills_display_when_none_is_given():
    assert FuzzyDate(D(2016, 8, 1), D(2016, 8, 10), MONTH).display == "early August 2016"


def test_fuzzy_date_keeps_a_display_it_is_given():
    assert FuzzyDate(D(2016, 9, 4), D(2016, 9, 4), DAY, display="Sunday").display == "Sunday"


def test_fuzzy_date_accepts_precision_as_stored_string():
    fuzzy = FuzzyDate(D(2016, 9, 1), D(2016, 9, 30), "month")
    assert fuzzy.precision is MONTH


def test_fuzzy_date_refuses_an_unknown_precision():
    with pytest.raises(DateError, match="unknown precision 'decade'"):
        FuzzyDate(D(2016, 1, 1), D(2016, 12, 31), "decade")


EARLY_AUGUST = FuzzyDate(D(2016, 8, 1), D(2016, 8, 10), MONTH)


@pytest.mark.parametrize(
    ("start", "end", "overlaps", "within"),
    [
        (D(2016, 8, 1), D(2016, 8, 31), True, True),
        (D(2016, 8, 1), D(2016, 8, 10), True, True),
        (D(2016, 8, 10), D(2016, 8, 20), True, False),
        (D(2016, 7, 1), D(2016, 8, 1), True, False),
        (D(2016, 8, 11), D(2016, 8, 31), False, False),
        (D(2016, 7, 1), D(2016, 7, 31), False, False),
    ],
)
def test_overlaps_is_possibly_in_range_and_within_is_certainly(start, end, overlaps, within):
    assert EARLY_AUGUST.overlaps(start, end) is overlaps
    assert EARLY_AUGUST.within(start, end) is within


# --- precision_for_span and display_text ---------------------------------------------------------


@pytest.mark.parametrize(
    ("earliest", "latest", "expected"),
    [
        (D(2016, 9, 4), D(2016, 9, 4), DAY),
        (D(2016, 9, 3), D(2016, 9, 4), DAYS),
        (D(2016, 8, 30), D(2016, 9, 4), DAYS),
        (D(2016, 8, 29), D(2016, 9, 4), WEEK),
        (D(2016, 8, 28), D(2016, 9, 4), MONTH),
        (D(2016, 2, 1), D(2016, 2, 29), MONTH),
        (D(2016, 8, 1), D(2016, 8, 31), MONTH),
        (D(2016, 8, 1), D(2016, 9, 1), YEAR),
        (D(2016, 1, 1), D(2016, 12, 31), YEAR),
        (D(2015, 1, 1), D(2016, 12, 31), YEAR),
    ],
)
def test_precision_for_span_is_the_finest_unit_that_holds_it(earliest, latest, expected):
    assert precision_for_span(earliest, latest) is expected


def test_precision_for_span_refuses_a_reversed_span():
    with pytest.raises(DateError, match="2016-09-05 is after 2016-09-04"):
        precision_for_span(D(2016, 9, 5), D(2016, 9, 4))


@pytest.mark.parametrize(
    ("earliest", "latest", "precision", "approximate", "expected"),
    [
        (D(2016, 9, 4), D(2016, 9, 4), DAY, False, "4 Sep 2016"),
        (D(2016, 9, 4), D(2016, 9, 4), DAY, True, "c. 4 Sep 2016"),
        (D(2016, 8, 22), D(2016, 8, 28), WEEK, True, "c. 25 Aug 2016"),
        (D(2016, 8, 31), D(2016, 9, 2), DAYS, True, "c. 1 Sep 2016"),
        (D(2016, 9, 2), D(2016, 9, 4), DAYS, False, "2\u20134 Sep 2016"),
        (D(2016, 8, 30), D(2016, 9, 2), DAYS, False, "30 Aug \u2013 2 Sep 2016"),
        (D(2016, 12, 30), D(2017, 1, 2), DAYS, False, "30 Dec 2016 \u2013 2 Jan 2017"),
        (D(2016, 8, 29), D(2016, 9, 4), WEEK, False, "week of 29 Aug 2016"),
        (D(2016, 8, 24), D(2016, 8, 30), WEEK, False, "24\u201330 Aug 2016"),
        (D(2016, 9, 1), D(2016, 9, 30), MONTH, False, "September 2016"),
        (D(2016, 8, 1), D(2016, 8, 31), MONTH, True, "c. August 2016"),
        (D(2016, 8, 1), D(2016, 8, 10), MONTH, False, "early August 2016"),
        (D(2016, 8, 11), D(2016, 8, 20), MONTH, False, "mid-August 2016"),
        (D(2016, 8, 21), D(2016, 8, 31), MONTH, False, "late August 2016"),
        (D(2016, 2, 21), D(2016, 2, 29), MONTH, False, "late February 2016"),
        (D(2016, 9, 1), D(2016, 9, 4), MONTH, False, "1\u20134 Sep 2016"),
        (D(2016, 1, 1), D(2016, 12, 31), YEAR, False, "2016"),
        (D(2015, 1, 1), D(2016, 12, 31), YEAR, False, "2015\u20132016"),
        (D(2016, 9, 1), D(2016, 12, 31), YEAR, False, "late 2016"),
        (D(2016, 8, 1), D(2016, 9, 30), YEAR, False, "August\u2013September 2016"),
        (D(2015, 11, 1), D(2016, 2, 29), YEAR, False, "November 2015 \u2013 February 2016"),
        (D(2016, 1, 1), D(2016, 9, 3), YEAR, False, "2016"),
        (D(2017, 3, 15), D(2018, 3, 14), YEAR, True, "c. 2017\u20132018"),
    ],
)
def test_display_text(earliest, latest, precision, approximate, expected):
    assert display_text(earliest, latest, precision, approximate=approximate) == expected


def test_display_text_uses_english_month_names_whatever_the_locale():
    # strftime("%b") would follow the process locale; the display must not.
    assert display_text(D(2016, 5, 1), D(2016, 5, 1), "day") == "1 May 2016"


# --- parse_partial_iso ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2016", (D(2016, 1, 1), D(2016, 12, 31), YEAR, False, "2016")),
        ("2016-09", (D(2016, 9, 1), D(2016, 9, 30), MONTH, False, "September 2016")),
        ("2016-09-04", (D(2016, 9, 4), D(2016, 9, 4), DAY, False, "4 Sep 2016")),
        (" 2016-9-4 ", (D(2016, 9, 4), D(2016, 9, 4), DAY, False, "4 Sep 2016")),
        ("2016-01", (D(2016, 1, 1), D(2016, 1, 31), MONTH, False, "January 2016")),
        ("2016-02", (D(2016, 2, 1), D(2016, 2, 29), MONTH, False, "February 2016")),
        ("2017-02", (D(2017, 2, 1), D(2017, 2, 28), MONTH, False, "February 2017")),
        ("2016-04", (D(2016, 4, 1), D(2016, 4, 30), MONTH, False, "April 2016")),
        ("2016-02-29", (D(2016, 2, 29), D(2016, 2, 29), DAY, False, "29 Feb 2016")),
        ("2000-02-29", (D(2000, 2, 29), D(2000, 2, 29), DAY, False, "29 Feb 2000")),
        ("2016-08~", (D(2016, 8, 1), D(2016, 8, 31), MONTH, True, "c. August 2016")),
        ("2016-08-04?", (D(2016, 8, 4), D(2016, 8, 4), DAY, True, "c. 4 Aug 2016")),
        ("2016%", (D(2016, 1, 1), D(2016, 12, 31), YEAR, True, "c. 2016")),
    ],
)
def test_parse_partial_iso_bounds_what_is_written(text, expected):
    assert bounds(parse_partial_iso(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2016-09-04/2016-09-04", (D(2016, 9, 4), D(2016, 9, 4), DAY, False, "4 Sep 2016")),
        ("2016-08-01/2016-08-03", (D(2016, 8, 1), D(2016, 8, 3), DAYS, False, "1\u20133 Aug 2016")),
        (
            "2016-08-22/2016-08-28",
            (D(2016, 8, 22), D(2016, 8, 28), WEEK, False, "week of 22 Aug 2016"),
        ),
        (
            "2016-08-01/2016-08-10",
            (D(2016, 8, 1), D(2016, 8, 10), MONTH, False, "early August 2016"),
        ),
        (
            "2016-08/2016-09~",
            (D(2016, 8, 1), D(2016, 9, 30), YEAR, True, "c. August\u2013September 2016"),
        ),
        ("2015/2016", (D(2015, 1, 1), D(2016, 12, 31), YEAR, False, "2015\u20132016")),
    ],
)
def test_parse_partial_iso_interval_takes_precision_from_its_span(text, expected):
    assert bounds(parse_partial_iso(text)) == expected


def test_parse_partial_iso_keeps_the_text_and_has_no_reference():
    fuzzy = parse_partial_iso("2016-08~")
    assert (fuzzy.phrase, fuzzy.reference) == ("2016-08~", None)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the date is empty"),
        ("   ", "the date is empty"),
        ("2016-13", "month 13 is out of range in '2016-13'"),
        ("2016-00", "month 0 is out of range"),
        ("2016-02-30", "day 30 is out of range for February 2016 in '2016-02-30'"),
        ("2017-02-29", "day 29 is out of range for February 2017 (not a leap year)"),
        ("1900-02-29", "day 29 is out of range for February 1900 (not a leap year)"),
        ("2016-04-31", "day 31 is out of range for April 2016"),
        ("2016-01-32", "day 32 is out of range for January 2016"),
        ("0000", "year 0 is out of range"),
        ("2016-2-3x", "'2016-2-3x' is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD"),
        ("abcd", "'abcd' is not a date of the form"),
        ("16-09-04", "'16-09-04' is not a date of the form"),
        ("2016-08-10/2016-08-01", "the interval starts after it ends"),
        ("2016/2016/2017", "exactly one '/'"),
        ("2016-08-01/..", "open-ended interval"),
        ("2016-08-01/2016-13", "month 13 is out of range in '2016-08-01/2016-13'"),
    ],
)
def test_parse_partial_iso_names_what_is_wrong(text, message):
    with pytest.raises(DateError) as raised:
        parse_partial_iso(text)
    assert message in str(raised.value)


# --- resolve_phrase: seed 000, Reuters, Thursday 31 Aug 2017 -------------------------------------


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("on Thursday", (D(2017, 8, 31), D(2017, 8, 31), DAY, False, "31 Aug 2017")),
        ("On Thursday", (D(2017, 8, 31), D(2017, 8, 31), DAY, False, "31 Aug 2017")),
        ("on Wednesday", (D(2017, 8, 30), D(2017, 8, 30), DAY, False, "30 Aug 2017")),
        ("this year", (D(2017, 1, 1), D(2017, 8, 31), YEAR, False, "January\u2013August 2017")),
    ],
)
def test_seed_000_phrases(phrase, expected):
    assert bounds(resolve_phrase(phrase, reference=THU_31_AUG_2017)) == expected


def test_years_into_a_war_counts_from_its_start_and_is_approximate():
    fuzzy = resolve_phrase(
        "Six years into Syria\u2019s civil war",
        reference=THU_31_AUG_2017,
        era_start=SYRIAN_WAR_START,
    )
    assert bounds(fuzzy) == (D(2017, 3, 15), D(2018, 3, 14), YEAR, True, "c. 2017\u20132018")


def test_years_into_without_a_start_says_it_needs_one():
    with pytest.raises(DateError, match=r"needs the start date \(era_start\)"):
        resolve_phrase("Six years into Syria's civil war", reference=THU_31_AUG_2017)


def test_in_its_sixth_year_is_the_sixth_year_since_the_start():
    fuzzy = resolve_phrase(
        "in its sixth year", reference=SUN_4_SEP_2016, era_start=SYRIAN_WAR_START
    )
    assert (fuzzy.earliest, fuzzy.latest, fuzzy.approximate) == (
        D(2016, 3, 15),
        D(2017, 3, 14),
        False,
    )
    # Seed 004 says the war "is in its sixth year" on the day it was published.
    assert fuzzy.overlaps(SUN_4_SEP_2016, SUN_4_SEP_2016)


# --- resolve_phrase: seed 004, Sunday 4 Sep 2016 -------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("On Sunday", (D(2016, 9, 4), D(2016, 9, 4), DAY, False, "4 Sep 2016")),
        ("on Sunday", (D(2016, 9, 4), D(2016, 9, 4), DAY, False, "4 Sep 2016")),
        ("Sunday\u2019s", (D(2016, 9, 4), D(2016, 9, 4), DAY, False, "4 Sep 2016")),
        ("Sunday's", (D(2016, 9, 4), D(2016, 9, 4), DAY, False, "4 Sep 2016")),
        ("on Aug. 27", (D(2016, 8, 27), D(2016, 8, 27), DAY, False, "27 Aug 2016")),
        ("dated Sept. 3", (D(2016, 9, 3), D(2016, 9, 3), DAY, False, "3 Sep 2016")),
        (
            "since September last year",
            (D(2015, 9, 1), D(2015, 9, 30), MONTH, False, "September 2015"),
        ),
        (
            "in early August",
            (D(2016, 8, 1), D(2016, 8, 10), MONTH, False, "early August 2016"),
        ),
        ("Some 10 days ago", (D(2016, 8, 22), D(2016, 8, 28), WEEK, True, "c. 25 Aug 2016")),
        ("in February", (D(2016, 2, 1), D(2016, 2, 29), MONTH, False, "February 2016")),
        ("earlier this year", (D(2016, 1, 1), D(2016, 9, 3), YEAR, False, "2016")),
        ("in July", (D(2016, 7, 1), D(2016, 7, 31), MONTH, False, "July 2016")),
        (
            "in recent days",
            (D(2016, 8, 28), D(2016, 9, 4), MONTH, True, "c. 28 Aug \u2013 4 Sep 2016"),
        ),
        ("in 2011", (D(2011, 1, 1), D(2011, 12, 31), YEAR, False, "2011")),
    ],
)
def test_seed_004_phrases(phrase, expected):
    assert bounds(resolve_phrase(phrase, reference=SUN_4_SEP_2016)) == expected


def test_future_monday_in_seed_004_is_the_next_day():
    fuzzy = resolve_future_phrase("on Monday", reference=SUN_4_SEP_2016)
    assert bounds(fuzzy) == (D(2016, 9, 5), D(2016, 9, 5), DAY, False, "5 Sep 2016")


def test_resolved_phrase_keeps_the_phrase_verbatim_and_its_reference():
    fuzzy = resolve_phrase("  on Aug. 27 ", reference=SUN_4_SEP_2016)
    assert (fuzzy.phrase, fuzzy.reference) == ("  on Aug. 27 ", SUN_4_SEP_2016)


def test_absolute_phrase_records_no_reference():
    assert resolve_phrase("4 March 2017", reference=SUN_4_SEP_2016).reference is None


def test_a_datetime_reference_is_used_as_its_date():
    fuzzy = resolve_phrase("yesterday", reference=datetime(2016, 9, 4, 23, 30))
    assert (fuzzy.earliest, fuzzy.reference) == (D(2016, 9, 3), D(2016, 9, 4))


# --- resolve_phrase: every phrase kind, looking back ---------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "reference", "earliest", "latest", "precision"),
    [
        # Weekdays: a weekday equal to the reference day is the reference day.
        ("on Sunday", D(2016, 9, 4), D(2016, 9, 4), D(2016, 9, 4), DAY),
        ("on Thursday", D(2017, 8, 31), D(2017, 8, 31), D(2017, 8, 31), DAY),
        ("on Friday", D(2017, 8, 31), D(2017, 8, 25), D(2017, 8, 25), DAY),
        ("Wed", D(2017, 8, 31), D(2017, 8, 30), D(2017, 8, 30), DAY),
        ("late on Wednesday", D(2017, 8, 31), D(2017, 8, 30), D(2017, 8, 30), DAY),
        ("Wednesday night", D(2017, 8, 31), D(2017, 8, 30), D(2017, 8, 30), DAY),
        ("last Thursday", D(2016, 9, 4), D(2016, 9, 1), D(2016, 9, 1), DAY),
        ("last Thursday", D(2017, 8, 31), D(2017, 8, 24), D(2017, 8, 24), DAY),
        ("last Sunday", D(2016, 9, 4), D(2016, 8, 28), D(2016, 8, 28), DAY),
        ("today", D(2016, 9, 4), D(2016, 9, 4), D(2016, 9, 4), DAY),
        ("yesterday", D(2016, 9, 4), D(2016, 9, 3), D(2016, 9, 3), DAY),
        ("yesterday", D(2017, 1, 1), D(2016, 12, 31), D(2016, 12, 31), DAY),
        ("on Saturday", D(2017, 1, 2), D(2016, 12, 31), D(2016, 12, 31), DAY),
        # Month-days: with a year as written, without one the most recent not after the reference.
        ("Sept. 3", D(2016, 9, 4), D(2016, 9, 3), D(2016, 9, 3), DAY),
        ("Sep 3", D(2016, 9, 4), D(2016, 9, 3), D(2016, 9, 3), DAY),
        ("September 3", D(2016, 9, 4), D(2016, 9, 3), D(2016, 9, 3), DAY),
        ("3 September", D(2016, 9, 4), D(2016, 9, 3), D(2016, 9, 3), DAY),
        ("Sept. 4", D(2016, 9, 4), D(2016, 9, 4), D(2016, 9, 4), DAY),
        ("Sept. 5", D(2016, 9, 4), D(2015, 9, 5), D(2015, 9, 5), DAY),
        ("Aug 27th", D(2016, 9, 4), D(2016, 8, 27), D(2016, 8, 27), DAY),
        ("the 27th of August", D(2016, 9, 4), D(2016, 8, 27), D(2016, 8, 27), DAY),
        ("Aug. 27, 2016", D(2017, 8, 31), D(2016, 8, 27), D(2016, 8, 27), DAY),
        ("4 March 2017", D(2016, 9, 4), D(2017, 3, 4), D(2017, 3, 4), DAY),
        ("Sunday, Sept. 4, 2016", D(2017, 1, 1), D(2016, 9, 4), D(2016, 9, 4), DAY),
        ("Dec. 30", D(2017, 1, 2), D(2016, 12, 30), D(2016, 12, 30), DAY),
        ("Dec 31", D(2017, 1, 1), D(2016, 12, 31), D(2016, 12, 31), DAY),
        ("Jan 1", D(2017, 1, 1), D(2017, 1, 1), D(2017, 1, 1), DAY),
        ("Jan. 31", D(2017, 1, 31), D(2017, 1, 31), D(2017, 1, 31), DAY),
        ("April 30", D(2016, 9, 4), D(2016, 4, 30), D(2016, 4, 30), DAY),
        ("Feb 28", D(2017, 3, 1), D(2017, 2, 28), D(2017, 2, 28), DAY),
        ("Feb 29", D(2017, 3, 1), D(2016, 2, 29), D(2016, 2, 29), DAY),
        ("Feb 29", D(2016, 3, 1), D(2016, 2, 29), D(2016, 2, 29), DAY),
        ("Feb 29", D(2016, 2, 28), D(2012, 2, 29), D(2012, 2, 29), DAY),
        ("Feb 29", D(1904, 1, 1), D(1896, 2, 29), D(1896, 2, 29), DAY),
        # Months: the most recent such month not after the reference month, whole month bounds.
        ("in February", D(2016, 9, 4), D(2016, 2, 1), D(2016, 2, 29), MONTH),
        ("February", D(2017, 9, 4), D(2017, 2, 1), D(2017, 2, 28), MONTH),
        ("in September", D(2016, 9, 4), D(2016, 9, 1), D(2016, 9, 30), MONTH),
        ("in October", D(2016, 9, 4), D(2015, 10, 1), D(2015, 10, 31), MONTH),
        ("in December", D(2017, 1, 3), D(2016, 12, 1), D(2016, 12, 31), MONTH),
        ("in January", D(2017, 1, 3), D(2017, 1, 1), D(2017, 1, 31), MONTH),
        ("in April", D(2016, 9, 4), D(2016, 4, 1), D(2016, 4, 30), MONTH),
        ("in February 2016", D(2017, 9, 4), D(2016, 2, 1), D(2016, 2, 29), MONTH),
        ("February 2015", D(2017, 9, 4), D(2015, 2, 1), D(2015, 2, 28), MONTH),
        ("September last year", D(2016, 9, 4), D(2015, 9, 1), D(2015, 9, 30), MONTH),
        ("last September", D(2016, 9, 4), D(2015, 9, 1), D(2015, 9, 30), MONTH),
        ("last August", D(2016, 9, 4), D(2016, 8, 1), D(2016, 8, 31), MONTH),
        # Thirds of a month, and its beginning and end.
        ("early August", D(2016, 9, 4), D(2016, 8, 1), D(2016, 8, 10), MONTH),
        ("mid-August", D(2016, 9, 4), D(2016, 8, 11), D(2016, 8, 20), MONTH),
        ("mid August", D(2016, 9, 4), D(2016, 8, 11), D(2016, 8, 20), MONTH),
        ("late August", D(2016, 9, 4), D(2016, 8, 21), D(2016, 8, 31), MONTH),
        ("late February", D(2016, 9, 4), D(2016, 2, 21), D(2016, 2, 29), MONTH),
        ("late February", D(2017, 9, 4), D(2017, 2, 21), D(2017, 2, 28), MONTH),
        ("late April", D(2016, 9, 4), D(2016, 4, 21), D(2016, 4, 30), MONTH),
        ("the beginning of August", D(2016, 9, 4), D(2016, 8, 1), D(2016, 8, 10), MONTH),
        ("at the end of August", D(2016, 9, 4), D(2016, 8, 21), D(2016, 8, 31), MONTH),
        ("in late December", D(2017, 1, 2), D(2016, 12, 21), D(2016, 12, 31), MONTH),
        ("early August 2015", D(2016, 9, 4), D(2015, 8, 1), D(2015, 8, 10), MONTH),
        # "Ago": approximate, a quarter of the distance either side, never after the reference.
        ("Some 10 days ago", D(2016, 9, 4), D(2016, 8, 22), D(2016, 8, 28), WEEK),
        ("10 days ago", D(2016, 9, 4), D(2016, 8, 22), D(2016, 8, 28), WEEK),
        ("3 days ago", D(2016, 9, 4), D(2016, 8, 31), D(2016, 9, 2), DAYS),
        ("three days ago", D(2016, 9, 4), D(2016, 8, 31), D(2016, 9, 2), DAYS),
        ("a week ago", D(2016, 9, 4), D(2016, 8, 26), D(2016, 8, 30), DAYS),
        ("about two weeks ago", D(2016, 9, 4), D(2016, 8, 17), D(2016, 8, 25), MONTH),
        ("a day ago", D(2016, 9, 4), D(2016, 9, 2), D(2016, 9, 4), DAYS),
        ("a couple of days ago", D(2016, 9, 4), D(2016, 9, 1), D(2016, 9, 3), DAYS),
        ("twelve days ago", D(2017, 1, 3), D(2016, 12, 19), D(2016, 12, 25), WEEK),
        # Periods around the reference.
        ("last year", D(2016, 9, 4), D(2015, 1, 1), D(2015, 12, 31), YEAR),
        ("this year", D(2016, 9, 4), D(2016, 1, 1), D(2016, 9, 4), YEAR),
        ("earlier this year", D(2016, 9, 4), D(2016, 1, 1), D(2016, 9, 3), YEAR),
        ("last month", D(2016, 9, 4), D(2016, 8, 1), D(2016, 8, 31), MONTH),
        ("last month", D(2016, 3, 31), D(2016, 2, 1), D(2016, 2, 29), MONTH),
        ("last month", D(2017, 1, 2), D(2016, 12, 1), D(2016, 12, 31), MONTH),
        ("this month", D(2016, 9, 4), D(2016, 9, 1), D(2016, 9, 4), MONTH),
        ("earlier this month", D(2016, 9, 4), D(2016, 9, 1), D(2016, 9, 3), MONTH),
        ("last week", D(2016, 9, 4), D(2016, 8, 22), D(2016, 8, 28), WEEK),
        ("this week", D(2017, 8, 31), D(2017, 8, 28), D(2017, 8, 31), WEEK),
        ("in recent days", D(2016, 9, 4), D(2016, 8, 28), D(2016, 9, 4), MONTH),
        # Years.
        ("in 2011", D(2016, 9, 4), D(2011, 1, 1), D(2011, 12, 31), YEAR),
        ("2011", D(2016, 9, 4), D(2011, 1, 1), D(2011, 12, 31), YEAR),
        ("since 2011", D(2016, 9, 4), D(2011, 1, 1), D(2011, 12, 31), YEAR),
        ("early 2016", D(2016, 9, 4), D(2016, 1, 1), D(2016, 4, 30), YEAR),
        ("late last year", D(2016, 9, 4), D(2015, 9, 1), D(2015, 12, 31), YEAR),
        # What the admin displays reads back as the same bounds.
        ("2\u20134 Sep 2016", D(2017, 1, 1), D(2016, 9, 2), D(2016, 9, 4), DAYS),
        ("Sept. 2-4", D(2016, 9, 4), D(2016, 9, 2), D(2016, 9, 4), DAYS),
        ("30 Dec \u2013 2 Jan", D(2017, 1, 3), D(2016, 12, 30), D(2017, 1, 2), DAYS),
        ("week of 29 Aug 2016", D(2017, 1, 1), D(2016, 8, 29), D(2016, 9, 4), WEEK),
    ],
)
def test_resolve_phrase_looks_back_from_the_reference(
    phrase, reference, earliest, latest, precision
):
    fuzzy = resolve_phrase(phrase, reference=reference)
    assert (fuzzy.earliest, fuzzy.latest, fuzzy.precision) == (earliest, latest, precision)


@pytest.mark.parametrize(
    ("phrase", "approximate"),
    [
        ("Some 10 days ago", True),
        ("3 days ago", True),
        ("about two weeks ago", True),
        ("in recent days", True),
        ("c. 25 Aug 2016", True),
        ("on Sunday", False),
        ("in early August", False),
        ("last year", False),
    ],
)
def test_only_hedged_phrases_are_approximate(phrase, approximate):
    assert resolve_phrase(phrase, reference=SUN_4_SEP_2016).approximate is approximate


@pytest.mark.parametrize(
    "phrase",
    [
        "in February",
        "in early August",
        "this month",
        "this week",
        "a day ago",
        "Some 10 days ago",
        "since September last year",
        "last year",
        "in recent days",
        "2011",
    ],
)
def test_a_phrase_without_a_day_never_gets_day_precision(phrase):
    # A Sunday reference makes "this week" a full week and Monday-of-week traps visible.
    assert resolve_phrase(phrase, reference=D(2016, 9, 5)).precision is not DAY


def test_this_week_on_a_monday_is_still_week_precision():
    fuzzy = resolve_phrase("this week", reference=D(2016, 9, 5))
    assert (fuzzy.earliest, fuzzy.latest, fuzzy.precision) == (D(2016, 9, 5), D(2016, 9, 5), WEEK)


def test_earlier_this_year_is_empty_on_new_years_day():
    with pytest.raises(DateError, match="'earlier this year' is empty on 1 Jan 2017"):
        resolve_phrase("earlier this year", reference=D(2017, 1, 1))


# --- The python-dateutil traps from DOMAIN.md -----------------------------------------------------


def test_a_day_month_phrase_keeps_the_reference_year_not_a_number_nearby():
    # dateutil's fuzzy parse reads "12 people killed on 4 March" as 4 March 2012.
    fuzzy = resolve_phrase("4 March", reference=D(2017, 3, 10))
    assert (fuzzy.earliest, fuzzy.precision) == (D(2017, 3, 4), DAY)


def test_a_whole_sentence_is_refused_rather_than_guessed():
    with pytest.raises(DateError, match="pass only the date phrase"):
        resolve_phrase("12 people killed on 4 March", reference=D(2017, 3, 10))


def test_a_weekday_is_not_the_next_one():
    # dateutil's fuzzy parse moves "on Thursday" forward to the next Thursday.
    assert resolve_phrase("on Thursday", reference=D(2017, 9, 1)).earliest == D(2017, 8, 31)


def test_last_thursday_keeps_its_last():
    assert resolve_phrase("last Thursday", reference=D(2017, 8, 31)).earliest == D(2017, 8, 24)


def test_a_month_without_a_day_spans_the_month_instead_of_copying_a_day():
    fuzzy = resolve_phrase("In March", reference=D(2017, 8, 31))
    assert (fuzzy.earliest, fuzzy.latest, fuzzy.precision) == (D(2017, 3, 1), D(2017, 3, 31), MONTH)


@pytest.mark.parametrize("phrase", ["12", "on 12", "10 km", "300 fighters", "Hezbollah"])
def test_bare_numbers_and_other_words_are_not_dates(phrase):
    with pytest.raises(DateError, match="not a date phrase"):
        resolve_phrase(phrase, reference=SUN_4_SEP_2016)


@pytest.mark.parametrize(
    ("phrase", "message"),
    [
        ("Feb 30", "February has no day 30 in 'Feb 30'"),
        ("April 31", "April has no day 31"),
        ("Feb. 30, 2016", "day 30 is out of range for February 2016"),
        ("29 February 2017", "day 29 is out of range for February 2017 (not a leap year)"),
        ("Saturday, Sept. 4, 2016", "4 Sep 2016 is a Sunday, not a Saturday"),
        ("last February 2016", "names both 'last' and a year"),
        ("4\u20132 Sep 2016", "the range starts after it ends"),
        ("2016\u20132015", "the range starts after it ends"),
        ("", "the date phrase is empty"),
        (" . ", "the date phrase is empty"),
    ],
)
def test_impossible_phrases_say_what_is_wrong(phrase, message):
    with pytest.raises(DateError) as raised:
        resolve_phrase(phrase, reference=SUN_4_SEP_2016)
    assert message in str(raised.value)


# --- resolve_future_phrase -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "reference", "earliest", "latest", "precision"),
    [
        ("on Monday", D(2016, 9, 4), D(2016, 9, 5), D(2016, 9, 5), DAY),
        # A weekday equal to the reference looks a week ahead.
        ("on Sunday", D(2016, 9, 4), D(2016, 9, 11), D(2016, 9, 11), DAY),
        ("on Thursday", D(2017, 8, 31), D(2017, 9, 7), D(2017, 9, 7), DAY),
        ("next Thursday", D(2017, 8, 30), D(2017, 8, 31), D(2017, 8, 31), DAY),
        ("tomorrow", D(2016, 12, 31), D(2017, 1, 1), D(2017, 1, 1), DAY),
        ("Sept. 3", D(2016, 9, 4), D(2017, 9, 3), D(2017, 9, 3), DAY),
        ("Sept. 4", D(2016, 9, 4), D(2016, 9, 4), D(2016, 9, 4), DAY),
        ("Jan 2", D(2016, 12, 30), D(2017, 1, 2), D(2017, 1, 2), DAY),
        ("Feb 29", D(2016, 9, 4), D(2020, 2, 29), D(2020, 2, 29), DAY),
        ("in February", D(2016, 9, 4), D(2017, 2, 1), D(2017, 2, 28), MONTH),
        ("in September", D(2016, 9, 4), D(2016, 9, 1), D(2016, 9, 30), MONTH),
        ("in late September", D(2016, 9, 4), D(2016, 9, 21), D(2016, 9, 30), MONTH),
        ("this year", D(2016, 9, 4), D(2016, 9, 4), D(2016, 12, 31), YEAR),
        ("later this year", D(2016, 9, 4), D(2016, 9, 5), D(2016, 12, 31), YEAR),
        ("next month", D(2016, 12, 15), D(2017, 1, 1), D(2017, 1, 31), MONTH),
        ("next week", D(2016, 9, 4), D(2016, 9, 5), D(2016, 9, 11), WEEK),
        ("in 3 days", D(2016, 9, 4), D(2016, 9, 6), D(2016, 9, 8), DAYS),
        # Explicitly past words keep their meaning whichever way the sentence looks.
        ("last year", D(2016, 9, 4), D(2015, 1, 1), D(2015, 12, 31), YEAR),
        ("since September last year", D(2016, 9, 4), D(2015, 9, 1), D(2015, 9, 30), MONTH),
        ("since Sunday", D(2016, 9, 4), D(2016, 9, 4), D(2016, 9, 4), DAY),
    ],
)
def test_resolve_future_phrase_looks_ahead_from_the_reference(
    phrase, reference, earliest, latest, precision
):
    fuzzy = resolve_future_phrase(phrase, reference=reference)
    assert (fuzzy.earliest, fuzzy.latest, fuzzy.precision) == (earliest, latest, precision)


# --- parse_date_input ----------------------------------------------------------------------------


def test_date_input_reads_iso_first():
    fuzzy = parse_date_input("2016-09")
    assert (fuzzy.earliest, fuzzy.latest, fuzzy.precision) == (D(2016, 9, 1), D(2016, 9, 30), MONTH)


def test_date_input_resolves_a_phrase_against_the_reference():
    fuzzy = parse_date_input("on Wednesday", reference=THU_31_AUG_2017)
    assert (fuzzy.earliest, fuzzy.reference) == (D(2017, 8, 30), THU_31_AUG_2017)


def test_date_input_refuses_a_relative_phrase_without_a_reference():
    with pytest.raises(DateError, match="a relative date needs a reference date"):
        parse_date_input("on Wednesday")


def test_date_input_reads_an_absolute_phrase_without_a_reference():
    fuzzy = parse_date_input("Aug. 27, 2016")
    assert (fuzzy.earliest, fuzzy.precision, fuzzy.reference) == (D(2016, 8, 27), DAY, None)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2016-13", "month 13 is out of range in '2016-13'"),
        ("2017-02-29", "(not a leap year)"),
        ("2016-2-3x", "is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD"),
        ("", "the date is empty"),
        ("abcd", "'abcd' is not a date phrase"),
    ],
)
def test_date_input_reports_the_more_useful_error(text, message):
    with pytest.raises(DateError) as raised:
        parse_date_input(text, reference=SUN_4_SEP_2016)
    assert message in str(raised.value)


@pytest.mark.parametrize(
    "fuzzy",
    [
        FuzzyDate(D(2016, 9, 4), D(2016, 9, 4), DAY),
        FuzzyDate(D(2016, 9, 2), D(2016, 9, 4), DAYS),
        FuzzyDate(D(2016, 8, 30), D(2016, 9, 2), DAYS),
        FuzzyDate(D(2016, 12, 30), D(2017, 1, 2), DAYS),
        FuzzyDate(D(2016, 8, 29), D(2016, 9, 4), WEEK),
        FuzzyDate(D(2016, 9, 1), D(2016, 9, 30), MONTH),
        FuzzyDate(D(2016, 8, 11), D(2016, 8, 20), MONTH),
        FuzzyDate(D(2016, 8, 28), D(2016, 9, 4), MONTH, approximate=True),
        FuzzyDate(D(2016, 1, 1), D(2016, 12, 31), YEAR),
        FuzzyDate(D(2015, 1, 1), D(2016, 12, 31), YEAR),
        FuzzyDate(D(2016, 5, 1), D(2016, 8, 31), YEAR),
        FuzzyDate(D(2015, 11, 1), D(2016, 2, 29), YEAR),
    ],
    ids=lambda fuzzy: fuzzy.display,
)
def test_a_display_typed_back_into_the_admin_gives_the_same_date(fuzzy):
    again = parse_date_input(fuzzy.display)
    assert bounds(again) == bounds(fuzzy)


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("Strikes on Thurs hit.", [("on Thurs", "weekday")]),
        ("killed on 4 March, the Observatory said", [("on 4 March", "day and month")]),
        ("since September last year", [("since September last year", "month")]),
        ("They march and may strike.", []),
        ("in May 2016 but not May alone", [("in May 2016", "month")]),
    ],
)
def test_find_phrases_finds_what_resolve_phrase_reads(text, spans):
    found = find_phrases(text)
    assert [(span.text, span.kind) for span in found] == spans
    for span in found:
        assert text[span.start : span.end] == span.text
        resolve_phrase(span.text, reference=SUN_4_SEP_2016)
