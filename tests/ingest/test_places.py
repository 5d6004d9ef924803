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
    assert placed(second) == ("Syria", PlaceBasis.REPORT)


def test_a_place_is_not_inherited_by_a_sentence_that_does_not_go_on_with_the_last(news_gazetteer):
    text = f"{FIRST} Rebels shelled a village on Thursday."
    _first, second = read(news_gazetteer, text)
    assert placed(second) == ("Syria", PlaceBasis.REPORT)
    assert "the country the report is about; no place is named" in second.place_note


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
    assert placed(halted) == ("Syria", PlaceBasis.REPORT)


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


def test_talks_with_no_place_named_stay_unplaced(news_gazetteer):
    text = "Warplanes struck Aleppo on Saturday. The two ministers held talks on Sunday."
    _strike, talks = read(news_gazetteer, text, SUN_4_SEP_2016)
    assert talks.type_slug == "negotiations"
    assert talks.place is None


def test_the_fallback_country_is_where_the_named_towns_are(news_gazetteer):
    text = (
        "The United States said on Saturday that the United States and its partners in the "
        "United States-led effort would act. Warplanes struck Aleppo on Saturday. Rebels "
        "fought fighters on Sunday."
    )
    fight = read(news_gazetteer, text, SUN_4_SEP_2016)[-1]
    assert placed(fight) == ("Syria", PlaceBasis.REPORT)


def test_a_sentence_going_on_with_one_placed_by_the_fallback_falls_back_itself(news_gazetteer):
    text = (
        "Warplanes struck Aleppo on Saturday.\nRebels fought on Sunday. They also shelled a base."
    )
    shelled = read(news_gazetteer, text, SUN_4_SEP_2016)[-1]
    assert placed(shelled) == ("Syria", PlaceBasis.REPORT)


def test_a_truce_is_placed_in_the_country_the_report_is_about(news_gazetteer):
    text = "Warplanes struck Aleppo on Saturday. A ceasefire took effect on Sunday."
    truce = read(news_gazetteer, text, SUN_4_SEP_2016)[-1]
    assert truce.type_slug == "agreement"
    assert placed(truce) == ("Syria", PlaceBasis.REPORT)
    assert "a truce holds where it applies" in truce.place_note


def test_the_onset_of_a_war_is_the_whole_countrys(news_gazetteer):
    text = "Warplanes struck Aleppo on Saturday. The uprising erupted in Hama in March 2011."
    onset = read(news_gazetteer, text, SUN_4_SEP_2016)[-1]
    assert onset.type_slug == "conflict-onset"
    assert placed(onset) == ("Syria", PlaceBasis.REPORT)


# A report about Syria: an event with no single place named falls back to Syria.
ABOUT_SYRIA = "Warplanes struck Aleppo on Saturday."


def test_a_country_that_opens_a_clause_after_a_bare_comma_is_not_a_second_place(news_gazetteer):
    # "Turkey complained" is a clause of its own, not a list going on from "in Lebanon".
    text = f"{ABOUT_SYRIA} Jets bombed a convoy in Lebanon, Turkey complained on Sunday."
    convoy = read(news_gazetteer, text, SUN_4_SEP_2016)[-1]
    assert placed(convoy) == ("Lebanon", PlaceBasis.NAMED)


@pytest.mark.parametrize("countries", ["Lebanon, Iraq and Turkey", "Lebanon, Iraq, Turkey"])
def test_countries_listed_with_bare_commas_are_all_places(news_gazetteer, countries):
    # The list goes on after each bare comma: no one of the countries is where it happened.
    text = f"{ABOUT_SYRIA} Jets bombed a convoy in {countries} on Sunday."
    convoy = read(news_gazetteer, text, SUN_4_SEP_2016)[-1]
    assert placed(convoy) == ("Syria", PlaceBasis.REPORT)


def test_near_a_town_is_the_governorate_around_it(news_gazetteer):
    (proposal,) = read(news_gazetteer, "Warplanes struck villages north of Aleppo on Sunday.")
    assert placed(proposal) == ("Aleppo Governorate", PlaceBasis.NEAR)


def test_near_a_town_is_the_district_named_after_it(gazetteer):
    text = "Rebels advanced to within 10 km of Hama on Sunday."
    (proposal,) = read(gazetteer, text, SUN_4_SEP_2016)
    assert placed(proposal) == ("Hama District", PlaceBasis.NEAR)


def test_a_distance_from_a_town_far_away_is_not_a_place(news_gazetteer):
    text = (
        "Warplanes struck Hama on Saturday. Rebels shelled a base 160 km east of Aleppo on Sunday."
    )
    attack = read(news_gazetteer, text, SUN_4_SEP_2016)[-1]
    assert placed(attack) == ("Syria", PlaceBasis.REPORT)


def test_the_finest_place_is_told_by_kind_then_by_nearness(news_gazetteer):
    # Aleppo lies deeper in its tree (under its governorate) than Hama: a town all the same.
    text = "Air strikes killed 20 people in Hama and two in Aleppo on Sunday."
    (proposal, *_rest) = read(news_gazetteer, text, SUN_4_SEP_2016)
    assert placed(proposal) == ("Hama", PlaceBasis.NAMED)


def test_the_city_of_a_named_town_is_no_back_reference(news_gazetteer):
    text = (
        "Warplanes struck Damascus on Saturday. Rebels launched an offensive on Sunday to "
        "capture the town of Sukhna, north of the city of Hama."
    )
    offensive = read(news_gazetteer, text, SUN_4_SEP_2016)[-1]
    assert placed(offensive) == ("Sukhna", PlaceBasis.NAMED)


def test_where_a_statement_was_made_is_not_where_its_news_happened(news_gazetteer):
    text = (
        "An opposition leader said in Turkey that air strikes killed 30 people in Aleppo on Sunday."
    )
    strike = read(news_gazetteer, text, SUN_4_SEP_2016)[0]
    assert placed(strike) == ("Aleppo", PlaceBasis.NAMED)


def test_a_route_and_a_destination_give_way_to_where_people_left(news_gazetteer):
    text = "Residents of Sukhna were evacuated on Sunday and bussed to Hama via Aleppo."
    (proposal,) = read(news_gazetteer, text, SUN_4_SEP_2016)
    assert placed(proposal) == ("Sukhna", PlaceBasis.NAMED)


def test_a_country_with_an_adjective_before_it_places_the_event(news_gazetteer):
    text = (
        "Warplanes struck Aleppo on Saturday. Jets struck fighters in neighbouring Iraq on Sunday."
    )
    iraq = read(news_gazetteer, text, SUN_4_SEP_2016)[-1]
    assert placed(iraq) == ("Iraq", PlaceBasis.NAMED)


def test_a_province_named_after_a_capital_is_the_province(news_gazetteer):
    text = "Warplanes struck Aleppo on Saturday. Shells hit Damascus province on Sunday."
    shelling = read(news_gazetteer, text, SUN_4_SEP_2016)[-1]
    assert shelling.place.kind == "governorate" and "Damascus" in shelling.place.name
    assert "Government of Syria" not in [a.name for a, _ in shelling.actors]


def test_a_town_after_the_reports_date_is_its_dateline(news_gazetteer):
    text = "Last updated at Feb 02 2015 Hama Rebels shelled villages in Syria on Monday."
    (proposal,) = read(news_gazetteer, text, date(2015, 2, 2))
    assert placed(proposal) == ("Syria", PlaceBasis.NAMED)


def test_a_capital_as_a_voice_is_not_where_it_happened(news_gazetteer):
    text = (
        "Warplanes struck Aleppo on Saturday. Jets killed dozens of fighters on Sunday, "
        "drawing criticism from Moscow."
    )
    killed = read(news_gazetteer, text, SUN_4_SEP_2016)[-1]
    assert placed(killed) == ("Syria", PlaceBasis.REPORT)


def test_a_place_that_acts_as_the_subject_is_not_where_it_happened(news_gazetteer):
    (proposal,) = read(news_gazetteer, "Moscow has deployed 200 troops on Wednesday.")
    assert proposal.place is None or proposal.place.name != "Moscow"


def test_a_place_that_witnessed_clashes_is_where_they_happened(news_gazetteer):
    (proposal,) = read(news_gazetteer, "Aleppo witnessed heavy clashes on Wednesday.")
    assert proposal.place.name == "Aleppo"


@pytest.fixture
def provinces():
    from events.ingest.gazetteer import Gazetteer, Place

    places = [
        Place(1, "Syria", "country", 0, "/1/"),
        Place(2, "Aleppo Governorate", "governorate", 1, "/1/2/"),
        Place(3, "Aleppo", "city", 2, "/1/2/3/"),
        Place(4, "Hama Governorate", "governorate", 1, "/1/4/"),
        Place(5, "Hama", "city", 2, "/1/4/5/"),
        Place(6, "Manbij", "city", 2, "/1/2/6/"),
    ]
    names = [(p.name, p.id) for p in places] + [("Aleppo province", 2), ("Hama province", 4)]
    return Gazetteer.build({}, {p.id: p for p in places}, [], names)


def test_an_event_in_places_of_different_provinces_is_placed_in_their_country(provinces):
    text = "Three people died in air strikes on Sunday, one in Aleppo province and two in Hama."
    (strike,) = read(provinces, text, SUN_4_SEP_2016)
    assert placed(strike) == ("Syria", PlaceBasis.NAMED)
    assert "Aleppo Governorate, Hama" in strike.place_note


def test_an_event_in_places_of_one_province_keeps_the_finest(provinces):
    text = "Three people died in air strikes on Sunday in Manbij in Aleppo province."
    (strike,) = read(provinces, text, SUN_4_SEP_2016)
    assert placed(strike) == ("Manbij", PlaceBasis.NAMED)


def test_a_country_before_the_source_closing_the_sentence_is_the_place(news_gazetteer):
    text = (
        "Warplanes struck Aleppo on Wednesday. "
        "Another 17 strikes hit the jihadists in neighbouring Iraq the Pentagon said."
    )
    strikes = [p for p in read(news_gazetteer, text) if p.type_slug == "air-drone-strike"]
    assert placed(strikes[-1])[0] == "Iraq"
