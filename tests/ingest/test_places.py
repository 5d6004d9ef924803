"""Where a proposal happened, and the rule that says so: named, inherited, threaded, country."""

from datetime import date

import pytest

from events.ingest.drafts import PlaceBasis
from events.ingest.reading import read_article

SUN_4_SEP_2016 = date(2016, 9, 4)
THU_31_AUG_2017 = date(2017, 8, 31)


def read(gazetteer, text: str, reference: date = THU_31_AUG_2017):
    return read_article(text, publication_date=reference, gazetteer=gazetteer).proposals


def placed(proposal) -> tuple[str | None, str]:
    return (proposal.place.name if proposal.place else None, proposal.place_basis)


def test_a_place_named_in_the_clause_is_its_place(news_gazetteer):
    (proposal,) = read(news_gazetteer, "Warplanes struck Aleppo on Wednesday.")
    assert placed(proposal) == ("Aleppo", PlaceBasis.NAMED)


FIRST = "Warplanes struck the convoy in Aleppo on Wednesday."


def test_a_sentence_that_continues_the_previous_one_inherits_its_place(news_gazetteer):
    text = f"{FIRST} It also struck fighters on Thursday."
    _first, second = read(news_gazetteer, text)
    assert placed(second) == ("Aleppo", PlaceBasis.PREVIOUS)
    assert "continues the previous sentence" in second.place_note


def test_a_place_is_not_inherited_across_paragraphs(news_gazetteer):
    text = f"{FIRST}\nIt also struck fighters on Thursday."
    first, second = read(news_gazetteer, text)
    assert placed(first) == ("Aleppo", PlaceBasis.NAMED)
    assert placed(second) == (None, "")


def test_a_place_is_not_inherited_by_a_sentence_that_does_not_go_on_with_the_last(news_gazetteer):
    text = f"{FIRST} Rebels shelled a village on Thursday."
    _first, second = read(news_gazetteer, text)
    assert second.place is None


def test_a_possessive_border_with_a_neighbour_places_the_event(news_gazetteer):
    text = "Fighters were evacuated from Syria’s western border with Lebanon on Monday."
    (proposal,) = read(news_gazetteer, text)
    assert placed(proposal) == ("Western Qalamoun – Lebanese border area", PlaceBasis.NAMED)
    assert "border area between the two" in proposal.place_note


def test_where_it_was_going_gives_way_to_where_it_was(news_gazetteer):
    text = (
        "The convoy headed north towards the town of Sukhna on Thursday after being halted in "
        "the desert."
    )
    (proposal,) = read(news_gazetteer, text)
    assert placed(proposal) == ("Syrian Desert (central Badia)", PlaceBasis.REFERENCE)


def test_a_destination_alone_still_places_the_event(news_gazetteer):
    (proposal,) = read(news_gazetteer, "The convoy headed towards Sukhna on Thursday.")
    assert placed(proposal) == ("Sukhna", PlaceBasis.NAMED)


def test_events_about_a_followed_object_happen_where_the_report_puts_it(news_gazetteer):
    text = (
        "A convoy of Islamic State fighters left Aleppo on Tuesday. Warplanes halted the convoy "
        "on Wednesday. The convoy headed north on Thursday after being halted in the desert."
    )
    _left, halted, north = read(news_gazetteer, text)
    assert placed(north) == ("Syrian Desert (central Badia)", PlaceBasis.REFERENCE)
    assert placed(halted) == ("Syrian Desert (central Badia)", PlaceBasis.THREAD)
    assert "the convoy" in halted.place_note


def test_a_followed_object_put_in_two_places_places_nothing(news_gazetteer):
    text = (
        "A convoy of Islamic State fighters left on Tuesday. Warplanes halted the convoy on "
        "Wednesday. The convoy stopped in Aleppo on Thursday. The convoy was seen in Hama on "
        "Friday."
    )
    halted = read(news_gazetteer, text, date(2017, 9, 2))[1]
    assert halted.place is None


def test_a_states_own_forces_acting_with_no_place_named_act_in_their_country(news_gazetteer):
    text = "Gains made by Damascus have relied heavily on Russian air support since September."
    (proposal,) = read(news_gazetteer, text, SUN_4_SEP_2016)
    assert placed(proposal) == ("Syria", PlaceBasis.ACTORS)


def test_foreign_forces_with_no_place_named_are_not_placed_at_home(news_gazetteer):
    text = "Turkish troops shelled positions on Sunday."
    (proposal,) = read(news_gazetteer, text, SUN_4_SEP_2016)
    assert proposal.place is None


def test_a_deal_falling_apart_is_placed_in_the_country_the_report_is_about(news_gazetteer):
    text = "Fighting in Aleppo went on. A deal brokered in February fell apart earlier this year."
    breakdown = read(news_gazetteer, text, SUN_4_SEP_2016)[-1]
    assert breakdown.type_slug == "agreement-breakdown"
    assert placed(breakdown) == ("Syria", PlaceBasis.REPORT)


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Rebels in eastern Syria shelled a village on Sunday.", "Syria"),
        ("Washington’s Syria envoy sent a letter on Sunday.", None),
    ],
)
def test_a_country_used_as_a_place_or_a_modifier_is_not_an_actor(news_gazetteer, text, place):
    (proposal,) = read(news_gazetteer, text, SUN_4_SEP_2016)
    assert "Government of Syria" not in [a.name for a, _ in proposal.actors]
    assert "Military Forces of Syria (2000-)" not in [a.name for a, _ in proposal.actors]
    assert (proposal.place.name if proposal.place else None) == place
