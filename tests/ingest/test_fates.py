"""Every sentence accounted for: proposed, folded into another proposal, or skipped and why."""

from datetime import date

from events.ingest.fates import Fate, Skip
from events.ingest.reading import read_article
from events.models import DateBasis

THU_31_AUG_2017 = date(2017, 8, 31)


def fates(gazetteer, text: str, **options):
    reading = read_article(text, publication_date=THU_31_AUG_2017, gazetteer=gazetteer, **options)
    return reading, [(f.fate, f.reason) for f in reading.fates]


def test_each_sentence_has_a_fate_in_the_order_of_the_text(gazetteer):
    text = (
        "Warplanes struck Aleppo on Wednesday. The weather was mild. "
        "Rebels have repeatedly captured villages near Aleppo."
    )
    reading, found = fates(gazetteer, text)
    assert found == [
        (Fate.PROPOSED, ""),
        (Fate.SKIPPED, Skip.NO_EVENT_WORD),
        (Fate.SKIPPED, Skip.UNDATED),
    ]
    assert reading.fates[0].proposals == [0]
    assert reading.fates[2].detail == "“Rebels have repeatedly captured villages near Aleppo.”"


def test_a_sentence_repeated_verbatim_is_folded_into_the_first(gazetteer):
    text = "Warplanes struck Aleppo on Wednesday.\nWarplanes struck Aleppo on Wednesday."
    reading, found = fates(gazetteer, text)
    assert found == [(Fate.PROPOSED, ""), (Fate.FOLDED, "")]
    assert reading.fates[1].proposals == [0]
    assert len(reading.proposals[0].sources) == 2


def test_an_event_word_only_in_a_condition_is_background(gazetteer):
    reading, found = fates(gazetteer, "If talks fail, warplanes could strike Aleppo on Monday.")
    assert found == [(Fate.SKIPPED, Skip.BACKGROUND)]
    assert "condition" in reading.fates[0].detail


def test_a_skipped_sentence_is_drafted_when_an_editor_asks(gazetteer):
    text = (
        "Warplanes struck Aleppo on Wednesday. Rebels have repeatedly captured villages near "
        "Aleppo."
    )
    reading, found = fates(gazetteer, text, forced=frozenset({1}))
    assert found == [(Fate.PROPOSED, ""), (Fate.PROPOSED, "")]
    drafted = reading.proposals[reading.fates[1].proposals[0]]
    assert drafted.type_slug == "non-state-actor-overtakes-territory"
    assert drafted.sources[0].basis == DateBasis.REPORT
    assert (drafted.fuzzy.earliest, drafted.fuzzy.latest) == (date(2017, 8, 3), THU_31_AUG_2017)
    assert "editor" in drafted.sources[0].resolution


def test_a_sentence_with_no_event_word_drafts_as_another_development(gazetteer):
    reading, _found = fates(gazetteer, "The weather was mild on Tuesday.", forced=frozenset({0}))
    (drafted,) = reading.proposals
    assert drafted.type_slug == "other-strategic-development"
    assert drafted.fuzzy.earliest == date(2017, 8, 29)
