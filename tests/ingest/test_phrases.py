"""Finding date phrases in a sentence and resolving only the phrase, with every dateutil trap."""

from datetime import date

import pytest

from events.dates import Precision
from events.ingest.phrases import find_date_phrases

SUN_4_SEP_2016 = date(2016, 9, 4)
THU_31_AUG_2017 = date(2017, 8, 31)


def only(sentence: str, reference: date):
    phrases = find_date_phrases(sentence, reference=reference)
    assert len(phrases) == 1, [p.text for p in phrases]
    return phrases[0]


@pytest.mark.parametrize(
    ("sentence", "phrase", "earliest", "latest", "precision"),
    [
        ("Strikes on Wednesday stopped them.", "on Wednesday", "2017-08-30", "2017-08-30", "day"),
        # The most recent 3 September not after 31 August 2017 is a year back.
        ("The letter, dated Sept. 3, said so.", "dated Sept. 3", "2016-09-03", "2016-09-03", "day"),
        ("Troops head to the border on Aug. 27.", "on Aug. 27", "2017-08-27", "2017-08-27", "day"),
        (
            "A deal brokered in February fell apart.",
            "in February",
            "2017-02-01",
            "2017-02-28",
            "month",
        ),
        ("They took it in early August.", "in early August", "2017-08-01", "2017-08-10", "month"),
        (
            "Some 10 days ago, Turkey moved in.",
            "Some 10 days ago",
            "2017-08-18",
            "2017-08-24",
            "week",
        ),
        ("It was a bad harvest last year.", "last year", "2016-01-01", "2016-12-31", "year"),
        ("It gained ground this year.", "this year", "2017-01-01", "2017-08-31", "year"),
        ("The war began in 2011.", "in 2011", "2011-01-01", "2011-12-31", "year"),
        ("They met on 4 March 2016.", "on 4 March 2016", "2016-03-04", "2016-03-04", "day"),
        ("Fighting raged on 2-4 Sep 2016.", "on 2-4 Sep 2016", "2016-09-02", "2016-09-04", "days"),
        (
            "Advances in recent days worried them.",
            "in recent days",
            "2017-08-24",
            "2017-08-31",
            "month",
        ),
        (
            "It has relied on air support since September last year.",
            "since September last year",
            "2016-09-01",
            "2016-09-30",
            "month",
        ),
        ("He spoke yesterday.", "yesterday", "2017-08-30", "2017-08-30", "day"),
    ],
)
def test_each_kind_of_phrase_is_found_and_resolved_back_from_the_publication_date(
    sentence, phrase, earliest, latest, precision
):
    found = only(sentence, THU_31_AUG_2017)
    assert found.text == phrase
    assert sentence[found.start : found.end] == phrase
    assert (found.fuzzy.earliest.isoformat(), found.fuzzy.latest.isoformat()) == (earliest, latest)
    assert found.fuzzy.precision is Precision(precision)
    assert not found.planned


def test_a_number_next_to_a_date_is_not_read_as_a_year():
    found = only("12 people were killed on 4 March, the Observatory said.", SUN_4_SEP_2016)
    assert found.text == "on 4 March"
    assert (found.fuzzy.earliest, found.fuzzy.latest) == (date(2016, 3, 4), date(2016, 3, 4))


def test_a_number_after_a_month_day_is_not_its_year():
    found = only("On March 4 12 people died in the shelling.", SUN_4_SEP_2016)
    assert found.fuzzy.earliest == date(2016, 3, 4)


def test_a_weekday_equal_to_the_publication_day_is_that_day():
    found = only("On Sunday, government forces drove insurgents out.", SUN_4_SEP_2016)
    assert (found.fuzzy.earliest, found.fuzzy.latest) == (SUN_4_SEP_2016, SUN_4_SEP_2016)


def test_a_weekday_is_resolved_backwards_not_to_the_next_one():
    found = only("Strikes on Friday hit the town.", THU_31_AUG_2017)
    assert found.fuzzy.earliest == date(2017, 8, 25)


def test_last_thursday_is_a_week_back_in_a_thursday_paper():
    found = only("The convoy left last Thursday.", THU_31_AUG_2017)
    assert found.text == "last Thursday"
    assert found.fuzzy.earliest == date(2017, 8, 24)


def test_a_month_without_a_year_just_after_new_year_is_last_years():
    found = only("The siege began in December.", date(2017, 1, 3))
    assert (found.fuzzy.earliest, found.fuzzy.latest) == (date(2016, 12, 1), date(2016, 12, 31))


def test_a_month_day_without_a_year_just_after_new_year_is_last_years():
    found = only("Talks broke down on Dec. 30.", date(2017, 1, 2))
    assert found.fuzzy.earliest == date(2016, 12, 30)


def test_a_future_phrase_is_resolved_forwards_and_marked_planned():
    found = only("Kerry said talks will resume on Monday.", SUN_4_SEP_2016)
    assert found.future and found.planned
    assert found.fuzzy.earliest == date(2016, 9, 5)
    assert "planned" in found.explain(SUN_4_SEP_2016)


def test_set_to_continue_points_forward_too():
    found = only("Talks were set to continue on Monday, but no deal was near.", SUN_4_SEP_2016)
    assert found.planned and found.fuzzy.earliest == date(2016, 9, 5)


def test_a_future_marker_in_another_clause_does_not_turn_a_past_date():
    found = only("It would oblige Russia to stop, said the letter, dated Sept. 3.", SUN_4_SEP_2016)
    assert not found.future
    assert found.fuzzy.earliest == date(2016, 9, 3)


def test_two_phrases_in_one_sentence_are_found_apart():
    phrases = find_date_phrases(
        "On Thursday they moved again after strikes on Wednesday stopped them.",
        reference=THU_31_AUG_2017,
    )
    assert [(p.text, p.fuzzy.earliest.day) for p in phrases] == [
        ("On Thursday", 31),
        ("on Wednesday", 30),
    ]


def test_a_phrase_after_a_reporting_verb_dates_the_statement():
    found = only("The convoy turned back, the commander said on Thursday.", THU_31_AUG_2017)
    assert found.reporting


def test_lower_case_month_words_are_verbs_not_dates():
    found = find_date_phrases("They march on the city and may strike.", reference=SUN_4_SEP_2016)
    assert found == []


def test_a_phrase_that_needs_the_start_of_the_war_is_found_but_not_guessed():
    found = only("Six years into Syria’s civil war, the group is on the retreat.", THU_31_AUG_2017)
    assert not found.resolved
    assert "era_start" in found.problem


@pytest.mark.parametrize(
    ("sentence", "phrase", "earliest", "latest"),
    [
        # Abbreviations the resolver reads are found too.
        ("Strikes on Thurs hit the town.", "on Thurs", "2017-08-31", "2017-08-31"),
        ("It was signed Aug 27 in Geneva.", "Aug 27", "2017-08-27", "2017-08-27"),
        # A night runs over two days.
        ("Jets struck the town overnight.", "overnight", "2017-08-30", "2017-08-31"),
        ("Rockets hit the camp last night.", "last night", "2017-08-30", "2017-08-31"),
        ("Earlier, jets struck the town.", "Earlier", "2017-08-24", "2017-08-31"),
        ("The town was recently retaken.", "recently", "2017-08-03", "2017-08-31"),
        ("Over the past week, 40 were killed.", "Over the past week", "2017-08-24", "2017-08-31"),
        ("Clashes broke out over the weekend.", "over the weekend", "2017-08-26", "2017-08-27"),
        ("They left a few days ago.", "a few days ago", "2017-08-27", "2017-08-29"),
        ("The siege began three months ago.", "three months ago", "2017-05-10", "2017-06-25"),
    ],
)
def test_phrases_the_resolver_reads_are_found_with_the_same_grammar(
    sentence, phrase, earliest, latest
):
    found = only(sentence, THU_31_AUG_2017)
    assert found.text == phrase
    assert (found.fuzzy.earliest.isoformat(), found.fuzzy.latest.isoformat()) == (earliest, latest)


@pytest.mark.parametrize(
    "sentence",
    [
        "The Sun reported the attack.",
        "Jan Egeland spoke.",
        "Two days earlier, an earlier attack had failed.",
        "The code 2017-A and 1500 fighters.",
    ],
)
def test_words_that_only_look_like_dates_are_not_found(sentence):
    assert find_date_phrases(sentence, reference=THU_31_AUG_2017) == []
