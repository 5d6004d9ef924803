"""events.params: strict reading of ids, integers and date-times, without a database."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError

from events.models import Event
from events.params import (
    DateTimeParamField,
    IdConverter,
    IntegerParamField,
    ParamError,
    as_id,
    column_range,
    parse_datetime,
    parse_id,
    parse_int,
    reject_nul,
)

BIGINT_MAX = 2**63 - 1


@pytest.mark.parametrize(
    "text", ["²", "٢٠١٦", "２０１６", "1_000", "1.0", "+5", "0x10", " ", "1 2"]
)
def test_only_ascii_digits_make_a_whole_number(text):
    with pytest.raises(ParamError, match="not a whole number"):
        parse_int(text)


def test_a_whole_number_may_be_negative_and_padded_with_spaces():
    assert parse_int(" -42 ") == -42
    assert parse_int("007") == 7


def test_bounds_are_checked_and_named():
    with pytest.raises(ParamError, match="below the smallest allowed value, 1"):
        parse_int("0", minimum=1)
    with pytest.raises(ParamError, match="above the largest allowed value, 500"):
        parse_int("501", maximum=500)


def test_a_number_too_long_for_any_column_is_out_of_range_without_reading_it():
    with pytest.raises(ParamError, match="out of range"):
        parse_int("9" * 5000)  # int() itself refuses past 4300 digits with another error.


def test_an_id_is_within_the_64_bit_range():
    assert parse_id(str(BIGINT_MAX)) == BIGINT_MAX
    for text in (str(BIGINT_MAX + 1), "99999999999999999999", "0", "-1"):
        with pytest.raises(ParamError):
            parse_id(text)


def test_as_id_is_none_for_anything_but_an_id():
    assert as_id("12") == 12
    assert [as_id(text) for text in ("²", "islamic-state", "", "99999999999999999999")] == [
        None
    ] * 4


def test_column_ranges_are_those_every_database_holds():
    assert column_range(Event._meta.get_field("fatalities_best")) == (0, 2**31 - 1)
    assert column_range(Event._meta.get_field("id")) == (-(2**63), BIGINT_MAX)


def test_a_nul_is_refused():
    assert reject_nul("isis") == "isis"
    with pytest.raises(ParamError, match="NUL"):
        reject_nul("isis\x00")


def test_date_times_are_read_as_utc():
    assert parse_datetime("2026-11-21T10:00:00Z") == datetime(2026, 11, 21, 10, tzinfo=UTC)
    assert parse_datetime("2026-11-21") == datetime(2026, 11, 21, tzinfo=UTC)
    # An unencoded "+" arrives as a space.
    assert parse_datetime("2026-11-21T12:00:00 02:00") == datetime(2026, 11, 21, 10, tzinfo=UTC)
    assert parse_datetime("2026-11-21 12:00 02:00") == datetime(2026, 11, 21, 10, tzinfo=UTC)
    assert parse_datetime("2026-11-21 10:00") == datetime(2026, 11, 21, 10, tzinfo=UTC)
    # Beyond PostgreSQL's ±15:59, but a real instant: the database only ever sees UTC.
    assert parse_datetime("2020-01-01T00:00:00+18:00") == datetime(2019, 12, 31, 6, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0001-01-01T00:00:00+14:00", "outside years 1 to 9999"),
        ("9999-12-31T23:59:59-14:00", "outside years 1 to 9999"),
        ("yesterday", "not an ISO 8601 date"),
        ("٢٠٢٦-١١-٢١", "not an ISO 8601 date"),
        ("2026-13-01", "not an ISO 8601 date"),
        ("%", "not an ISO 8601 date"),
    ],
)
def test_date_times_outside_the_calendar_or_not_iso_are_refused(text, message):
    with pytest.raises(ParamError, match=message):
        parse_datetime(text)


def test_form_fields_keep_a_percent_in_the_value_out_of_message_formatting():
    for field, value in ((IntegerParamField(), "%s"), (DateTimeParamField(), "%")):
        with pytest.raises(ValidationError) as caught:
            field.clean(value)
        error = caught.value.error_list[0]
        assert "%" in error.message % error.params  # What django-filter and DRF both do.


def test_an_integer_field_bound_to_a_column_takes_its_range():
    field = IntegerParamField(column=Event._meta.get_field("fatalities_best"), min_value=0)
    assert field.clean("2147483647") == 2**31 - 1
    with pytest.raises(ValidationError, match="less than or equal to 2147483647"):
        field.clean("2147483648")


def test_the_id_converter_refuses_what_no_id_column_holds():
    converter = IdConverter()
    assert converter.to_python("42") == 42
    with pytest.raises(ValueError):
        converter.to_python("99999999999999999999")
