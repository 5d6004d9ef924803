"""Page furniture is set aside before reading, and the language decides whether to read at all."""

from datetime import date

import pytest

from events.ingest.fates import Skip
from events.ingest.furniture import find_furniture, furniture_kind
from events.ingest.language import detect_language
from events.ingest.reading import read_article

THU_31_AUG_2017 = date(2017, 8, 31)


@pytest.mark.parametrize(
    ("line", "what"),
    [
        ("Read more: Syria Talks in Moscow Can Begin January 22", "a related-links line"),
        ("Related: Assad Forces Retake Aleppo", "a related-links line"),
        ("By John Smith and Jane Doe", "a byline"),
        ("(Reporting by Ellen Francis; Editing by Alison Williams)", "a byline"),
        ("Tags: Syria, Aleppo, Russia", "tags"),
        ("Copyright © 2017 Example News. All rights reserved.", "share buttons or a footer"),
        ("Share this: Twitter Facebook", "share buttons or a footer"),
        ("Published: 12 March 2017 10:32 GMT", "a timestamp"),
        ("https://example.org/syria/aleppo-strikes", "a web address"),
        ("Dozens Killed in One Week of Strikes on Idlib", "a heading"),
        ("Syria Talks in Moscow Can Begin January 22", "a heading"),
    ],
)
def test_a_line_of_page_furniture_says_what_it_is(line, what):
    assert furniture_kind(line) == what


@pytest.mark.parametrize(
    "line",
    [
        "Warplanes struck Aleppo on Wednesday, killing 12 people.",
        "Syrian army retakes Palmyra from Islamic State",
        "“We will not leave,” he said.",
        "By Sunday the convoy had turned back, a commander said in a statement to the press "
        "that was shared on social media and signed by the whole council of the town's elders.",
    ],
)
def test_lines_of_the_report_are_not_furniture(line):
    assert furniture_kind(line) == ""


def test_furniture_is_skipped_and_its_names_are_not_read(gazetteer):
    text = (
        "Warplanes struck Aleppo on Wednesday.\n"
        "Read more: Rebels Captured Hama on Thursday\n"
        "Tags: Deir ez-Zor, Turkey"
    )
    reading = read_article(text, publication_date=THU_31_AUG_2017, gazetteer=gazetteer)
    assert [p.excerpt for p in reading.proposals] == ["Warplanes struck Aleppo on Wednesday."]
    assert [(f.reason, f.detail) for f in reading.fates[1:]] == [
        (Skip.FURNITURE, "a related-links line"),
        (Skip.FURNITURE, "tags"),
    ]
    assert [f.what for f in find_furniture(text)] == ["a related-links line", "tags"]
    assert reading.focus_country.name == "Syria"


def test_english_arabic_and_french_are_told_apart():
    assert detect_language("Syrian government forces shelled Aleppo on Sunday.").code == "en"
    assert detect_language("قصفت القوات الحكومية السورية مدينة حلب يوم الأحد").code == "ar"
    assert detect_language("Les forces syriennes ont bombardé Alep dimanche.").code == "fr"
    assert detect_language("12 34 —").code == "und"


def test_an_article_in_a_language_the_rules_do_not_read_proposes_nothing(gazetteer):
    text = "قصفت القوات الحكومية السورية مدينة حلب يوم الأحد. وقتل عشرة مدنيين."
    reading = read_article(
        text, publication_date=THU_31_AUG_2017, gazetteer=gazetteer, language="ar"
    )
    assert reading.proposals == [] and not reading.readable
    assert {(f.reason, f.detail) for f in reading.fates} == {(Skip.LANGUAGE, "ar")}
