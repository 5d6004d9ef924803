"""Reading the layouts' cells, without a database: dates, codes, places, sources, exports."""

from datetime import date

import pytest

from events.interchange import acled, ucdp
from events.interchange.dataset_files import FileError, read_dataset, split_list
from events.interchange.mapping import (
    RowError,
    date_window,
    parse_coordinate,
    parse_count,
    parse_date,
    place_key,
)
from tests.interchange.builders import ACLED_DEFAULTS, UCDP_DEFAULTS, acled_file


@pytest.mark.parametrize(
    "text",
    ["2020-05-09", "9-May-20", "09-May-2020", "09 May 2020", "9 May 2020", "2020-05-09T00:00:00"],
)
def test_acled_dates_of_every_layout_read_as_the_same_day(text):
    assert parse_date(text, "event_date") == date(2020, 5, 9)


def test_a_long_month_name_reads_too():
    assert parse_date("02 June 2023", "event_date") == date(2023, 6, 2)


@pytest.mark.parametrize("text", ["05/09/2020", "2020-02-30", "yesterday", ""])
def test_an_unreadable_or_ambiguous_date_names_the_column(text):
    with pytest.raises(RowError, match="event_date"):
        parse_date(text, "event_date")


def test_a_blank_count_is_unknown_and_zero_stays_zero():
    assert parse_count("", "fatalities") is None
    assert parse_count("0", "fatalities") == 0
    assert parse_count("12.0", "fatalities") == 12


@pytest.mark.parametrize("text", ["-1", "2.5", "many"])
def test_a_count_that_is_not_a_whole_number_is_refused(text):
    with pytest.raises(RowError, match="fatalities"):
        parse_count(text, "fatalities")


@pytest.mark.parametrize(
    ("time_precision", "earliest", "latest", "precision"),
    [
        (1, date(2017, 8, 30), date(2017, 8, 30), "day"),
        (2, date(2017, 8, 27), date(2017, 9, 2), "week"),
        (3, date(2017, 8, 1), date(2017, 8, 31), "month"),
    ],
)
def test_acled_time_precision_becomes_bounds(time_precision, earliest, latest, precision):
    assert acled.coded_bounds(date(2017, 8, 30), time_precision) == (earliest, latest, precision)


@pytest.mark.parametrize("text", ["2020-05-09", "9-May-20", "02 May 2020"[:0] + "09 May 2020"])
def test_an_acled_day_is_written_back_as_an_iso_day_whatever_layout_gave_it(text):
    assert acled.coded_day(text) == "2020-05-09"


def test_place_names_compare_without_their_kind_word_case_or_dashes():
    assert place_key("Duma town") == place_key("Duma") == place_key("DUMA")
    assert place_key("Deir ez Zor Governorate") == place_key("Deir-ez-Zor")
    assert place_key("Hama") != place_key("Homs")


def test_a_ucdp_source_article_splits_into_its_quoted_citations():
    value = (
        '"SOHR,2016-01-27,More raids; casualties";'
        '"Human Rights Watch,2016-02-08,Russia/Syria: Daily Cluster Munition Attacks"'
    )
    assert ucdp.citations(value) == [
        "SOHR,2016-01-27,More raids; casualties",
        "Human Rights Watch,2016-02-08,Russia/Syria: Daily Cluster Munition Attacks",
    ]


def test_an_html_entity_in_a_headline_does_not_split_it():
    value = '"SOHR,2016-04-07,The regime forces target al-Wa&#8217;er neighborhood"'
    assert ucdp.citations(value) == [value.strip('"')]


def test_a_ucdp_source_becomes_a_stub_whose_text_is_the_citation():
    [source] = ucdp.source_specs(UCDP_DEFAULTS, date(2016, 1, 2))
    assert source.text == "SOHR,2016-01-02,Clashes in Jobar, and Bombardment on Reef Dimashq"
    assert source.excerpt == "Clashes in Jobar, and Bombardment on Reef Dimashq"
    assert (source.outlet, source.published, source.attributed_to) == (
        "SOHR",
        date(2016, 1, 2),
        "SOHR",
    )


def test_contradicting_ucdp_estimates_leave_the_odd_one_unknown():
    row = ucdp.parse_row(2, {**UCDP_DEFAULTS, "low": "1", "best": "0", "high": "1"})
    assert (row.fatalities_low, row.fatalities_best, row.fatalities_high) == (None, 0, 1)
    assert row.warnings == ["low: 1 is above best 0; left unknown"]


def test_acled_inter_codes_read_as_numbers_or_words():
    assert acled.inter_kind("1", "inter1") == "state_forces"
    assert acled.inter_kind("Rebel group", "inter1") == "rebel_group"
    assert acled.inter_kind("0", "inter2") is None
    with pytest.raises(RowError, match="inter1"):
        acled.inter_kind("9", "inter1")


def test_old_acled_event_types_map_onto_todays():
    assert acled.type_spec("Battle-No change of territory", "").sub == "Armed clash"
    assert acled.type_spec("Remote violence", "").top == "Explosions/Remote violence"
    assert acled.type_spec("Strategic developments", "Other").creatable
    assert not acled.type_spec("Battles", "Dogfight").creatable


def test_an_acled_row_without_an_id_is_refused_naming_the_column():
    with pytest.raises(RowError, match="event_id_cnty"):
        acled.parse_row(2, {**ACLED_DEFAULTS, "event_id_cnty": ""})


def test_an_older_acled_row_gets_its_id_from_the_country_code_and_number():
    row = acled.parse_row(
        2, {**ACLED_DEFAULTS, "event_id_cnty": "", "event_id_no_cnty": "77", "iso3": "SYR"}
    )
    assert row.external_id == "SYR77"


def test_a_file_missing_a_required_column_is_refused_naming_it():
    with pytest.raises(FileError, match="event_date"):
        read_dataset(b"event_id_cnty,event_type\r\nSYR1,Battles\r\n", required=acled.REQUIRED)


def test_an_excel_workbook_is_refused_with_what_to_do():
    with pytest.raises(FileError, match="save the sheet as CSV"):
        read_dataset(b"PK\x03\x04rest of a zip")


def test_rows_are_numbered_by_the_line_they_start_on_even_across_quoted_line_breaks():
    data = acled_file({"notes": "two\nlines"}, {"event_id_cnty": "SYR2"})
    rows = list(read_dataset(data).rows)
    assert [row.line for row in rows] == [2, 4]


def test_a_semicolon_separated_file_with_a_bom_reads_like_a_comma_separated_one():
    data = b"\xef\xbb\xbfevent_id_cnty;event_date\r\nSYR1;2020-05-09\r\n"
    file = read_dataset(data)
    assert file.columns == ["event_id_cnty", "event_date"]
    assert file.cells(next(file.rows).raw) == {"event_id_cnty": "SYR1", "event_date": "2020-05-09"}


def test_a_row_with_a_stray_separator_is_reported_not_misread():
    data = b"event_id_cnty,event_date\r\nSYR1,2020-05-09,extra\r\n"
    [row] = list(read_dataset(data).rows)
    assert row.line == 2 and "3 values but the header has 2 columns" in row.problem


def test_a_list_cell_drops_blanks_and_stray_quotes():
    assert split_list('Civilians (Syria); "Women (Syria)";; ') == [
        "Civilians (Syria)",
        "Women (Syria)",
    ]


def test_inter_codes_for_the_export_come_from_the_first_actor_of_each_side():
    actors = [
        {"name": "Army", "kind": "government", "role": "side_a"},
        {"name": "Rebels", "kind": "rebel_group", "role": "side_b"},
        {"name": "Shopkeepers", "kind": "other", "role": "associated_b"},
    ]
    assert acled.inter_codes(actors) == (1, 2)
    assert acled.interaction(2, 1) == 12
    assert acled.interaction(6, None) == 60


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "99999999999999999999",
            "best: '99999999999999999999' is out of range (at most 2,147,483,647)",
        ),
        ("2147483648", "best: '2147483648' is out of range (at most 2,147,483,647)"),
        ("1e400", "best: '1e400' is not a number"),
        ("nan", "best: 'nan' is not a number"),
        ("\u0661\u0662", "best: '١٢' is not a number"),
        ("\u00b2", "best: '²' is not a number"),
        ("1_000", "best: '1_000' is not a number"),
        ("2.5", "best: '2.5' is not a count (a whole number, 0 or more)"),
        ("-1", "best: '-1' is not a count (a whole number, 0 or more)"),
    ],
)
def test_a_count_outside_what_the_column_holds_is_refused_naming_it(text, message):
    with pytest.raises(RowError) as raised:
        parse_count(text, "best")
    assert str(raised.value) == message


def test_the_largest_count_the_column_holds_is_read():
    assert parse_count("2147483647", "best") == 2_147_483_647


@pytest.mark.parametrize("text", ["\u0663\u0665.5", "inf", "3,5,1", "35.5.1"])
def test_a_coordinate_is_ascii_digits_only(text):
    with pytest.raises(RowError, match=r"latitude: .* is not a number"):
        parse_coordinate(text, "latitude", 90)


@pytest.mark.parametrize("text", ["9999-12-31", "1799-12-31", "0001-01-01", "31-Dec-2099"], ids=str)
def test_a_date_outside_the_window_events_may_have_is_refused_naming_the_column(text):
    with pytest.raises(
        RowError, match=r"event_date: .* is outside the dates kept here \(1800-01-01 to "
    ):
        parse_date(text, "event_date")


def test_the_window_runs_from_1800_to_two_years_after_today():
    assert date_window(today=date(2024, 2, 29)) == (date(1800, 1, 1), date(2026, 2, 28))
    assert parse_date("1800-01-01", "event_date") == date(1800, 1, 1)


def test_the_window_follows_its_settings_the_moment_they_change(settings):
    assert parse_date("1850-06-01", "event_date") == date(1850, 6, 1)
    settings.EVENT_DATE_MIN = date(1900, 1, 1)
    for _ in range(2):  # Read the same cell twice: a refusal is not remembered as a day.
        with pytest.raises(RowError, match=r"outside the dates kept here \(1900-01-01 to "):
            parse_date("1850-06-01", "event_date")
    settings.EVENT_DATE_MIN = date(1800, 1, 1)
    assert parse_date("1850-06-01", "event_date") == date(1850, 6, 1)


def test_a_count_cell_refused_once_is_refused_every_time():
    for _ in range(2):
        with pytest.raises(RowError, match=r"fatalities: '-3' is not a count"):
            parse_count("-3", "fatalities")
    assert parse_count(" 12 ", "fatalities") == parse_count(" 12 ", "fatalities") == 12


def test_a_date_in_unicode_digits_is_not_read():
    with pytest.raises(RowError, match="is not a date this importer reads"):
        parse_date("\u0662\u0660\u0662\u0660-05-09", "event_date")
