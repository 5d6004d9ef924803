"""Roles read from the sentence's structure: who faces whom, who backs whom, who only reports."""

from datetime import date

from events.ingest.gazetteer import ActorEntry, Gazetteer, Place
from events.ingest.reading import read_article
from events.models import ActorRole

SUN_4_SEP_2016 = date(2016, 9, 4)


def read(gazetteer, text: str):
    return read_article(text, publication_date=SUN_4_SEP_2016, gazetteer=gazetteer).proposals


def cast(proposal) -> dict[str, str]:
    return {actor.name: role for actor, role in proposal.actors}


def events(gazetteer, text: str) -> list:
    return [p for p in read(gazetteer, text) if p.type_slug != "public-statement"]


def test_a_group_fighting_beside_a_side_is_associated_with_it(news_gazetteer):
    text = "Jaish al-Nasr fighters backed by Syrian rebels seized the village of Maan on Sunday."
    (proposal,) = events(news_gazetteer, text)
    assert cast(proposal) == {
        "Jaish al-Nasr": ActorRole.SIDE_A,
        "Syrian armed opposition": ActorRole.ASSOCIATED_A,
    }


def test_a_backer_lending_air_strikes_supports_whoever_it_is(news_gazetteer):
    text = (
        "Syrian rebels backed by U.S.-led coalition air strikes seized the village of Maan "
        "on Sunday."
    )
    (proposal,) = events(news_gazetteer, text)
    assert cast(proposal)["US-led coalition"] == ActorRole.SUPPORTER


def test_the_group_named_after_fighting_is_on_the_other_side(news_gazetteer):
    text = "Two Syrian army soldiers were killed fighting IS near Hama on Sunday."
    (proposal,) = events(news_gazetteer, text)
    roles = cast(proposal)
    army, group = roles["Military Forces of Syria (2000-)"], roles["Islamic State"]
    sides = {ActorRole.SIDE_A, ActorRole.SIDE_B}, {ActorRole.PERPETRATOR, ActorRole.TARGET}
    assert army != group and any({army, group} == pair for pair in sides)


def test_a_force_that_reports_its_own_strikes_is_their_perpetrator(news_gazetteer):
    text = "The U.S.-led coalition said on Sunday it had launched 12 air strikes against IS."
    (proposal,) = events(news_gazetteer, text)
    assert cast(proposal) == {
        "US-led coalition": ActorRole.PERPETRATOR,
        "Islamic State": ActorRole.TARGET,
    }


def test_civilians_killed_in_a_town_are_the_target_not_who_holds_the_town(news_gazetteer):
    text = "Air strikes on the rebel-held town of Maan near Hama killed 12 civilians on Sunday."
    (proposal,) = events(news_gazetteer, text)
    assert cast(proposal) == {"Civilians (Syria)": ActorRole.TARGET}


def test_a_monitor_a_report_cites_is_no_side():
    places = {1: Place(1, "Syria", "country", 0, "/1/"), 2: Place(2, "Hama", "city", 1, "/1/2/")}
    actors = {
        1: ActorEntry(1, "Syrian Network for Human Rights", "other", None),
        2: ActorEntry(2, "Islamic State", "rebel_group", None),
    }
    names = [("Syrian Network for Human Rights", 1), ("SNHR", 1), ("Islamic State", 2)]
    gazetteer = Gazetteer.build(actors, places, names, [("Syria", 1), ("Hama", 2)])
    text = "Islamic State shelled Hama on Sunday killing four people SNHR said."
    (proposal,) = events(gazetteer, text)
    assert "Syrian Network for Human Rights" not in cast(proposal)
    assert cast(proposal)["Islamic State"] == ActorRole.PERPETRATOR


def test_army_units_and_opposition_forces_are_the_reports_sides(news_gazetteer):
    text = "Army units drove opposition forces out of the village of Maan near Hama on Sunday."
    (proposal,) = events(news_gazetteer, text)
    assert cast(proposal) == {
        "Military Forces of Syria (2000-)": ActorRole.SIDE_A,
        "Syrian armed opposition": ActorRole.SIDE_B,
    }


def test_troops_whose_owner_the_text_names_are_not_the_reports_army(news_gazetteer):
    text = (
        "Washington deployed 200 special forces troops alongside Turkish-backed fighters "
        "near Hama on Sunday, and its soldiers clashed with IS."
    )
    names = {actor.name for p in events(news_gazetteer, text) for actor, _ in p.actors}
    assert "Military Forces of Syria (2000-)" not in names


def test_the_regime_followed_by_a_time_or_a_place_is_still_the_state(news_gazetteer):
    text = "Rebels seized the town of Maan from the regime last week near Hama."
    (proposal,) = events(news_gazetteer, text)
    assert cast(proposal)["Military Forces of Syria (2000-)"] == ActorRole.SIDE_B


def test_children_killed_are_civilians_on_the_receiving_end(news_gazetteer):
    text = "Air strikes on the village of Maan near Hama killed five children on Sunday."
    (proposal,) = events(news_gazetteer, text)
    assert cast(proposal) == {"Civilians (Syria)": ActorRole.TARGET}


def test_the_army_before_a_verb_in_the_present_is_the_reports_army(news_gazetteer):
    text = "Near Hama on Sunday the army shells the village of Maan."
    (proposal,) = events(news_gazetteer, text)
    assert cast(proposal) == {"Military Forces of Syria (2000-)": ActorRole.PERPETRATOR}


def test_what_a_vow_or_a_call_asks_for_is_what_was_said_not_an_event(news_gazetteer):
    text = "Ankara vowed on Sunday to keep up the fight against IS near Aleppo."
    (proposal,) = read(news_gazetteer, text)
    assert proposal.type_slug == "public-statement"
    assert cast(proposal) == {
        "Government of Turkey": ActorRole.SPEAKER,
        "Islamic State": ActorRole.PARTICIPANT,
    }


def test_a_call_for_talks_is_a_statement_of_the_caller(news_gazetteer):
    text = "Washington called on Sunday for talks between Damascus and the armed opposition."
    (proposal,) = read(news_gazetteer, text)
    assert proposal.type_slug == "public-statement"
    assert cast(proposal)["Government of the United States"] == ActorRole.SPEAKER


def test_the_parties_to_clashes_between_two_groups_face_each_other(news_gazetteer):
    text = "Clashes erupted on Saturday between Syrian army units and IS fighters near Hama."
    (proposal,) = events(news_gazetteer, text)
    roles = cast(proposal)
    assert {roles["Military Forces of Syria (2000-)"], roles["Islamic State"]} == {
        ActorRole.SIDE_A,
        ActorRole.SIDE_B,
    }


def test_a_wars_onset_names_none_of_the_parties_it_is_told_with(news_gazetteer):
    text = "The Syrian government's war began in March 2011."
    (onset,) = read(news_gazetteer, text)
    assert onset.type_slug == "conflict-onset"
    assert onset.actors == []


def test_deaths_counted_since_a_war_began_are_its_toll_not_an_event(news_gazetteer):
    text = "More than 1000 people have been killed since the war first broke out in 2012."
    found = read(news_gazetteer, text)
    assert [p.type_slug for p in found] == ["conflict-onset"]


def test_deaths_since_an_attack_began_are_still_an_event(news_gazetteer):
    text = "Twelve people were killed on Saturday since the army began shelling Hama."
    (shelling,) = read(news_gazetteer, text)
    assert shelling.type_slug == "shelling-artillery-missile-attack"
    assert cast(shelling)["Civilians (Syria)"] == ActorRole.TARGET


def test_a_country_after_a_place_says_where_it_lies_and_takes_no_part(news_gazetteer):
    for text in (
        "An air strike hit the town of Hama, Syria on Saturday.",
        "An air strike hit a village in Aleppo Governorate Syria on Saturday.",
    ):
        (strike,) = read(news_gazetteer, text)
        assert strike.type_slug == "air-drone-strike"
        assert "Military Forces of Syria (2000-)" not in cast(strike), text


def test_a_country_named_alone_as_the_target_is_still_its_army(news_gazetteer):
    text = "Turkish troops shelled Syria on Saturday."
    (shelling,) = read(news_gazetteer, text)
    assert cast(shelling).get("Military Forces of Syria (2000-)") == ActorRole.TARGET


def test_a_leaders_air_force_is_his_states_forces_not_the_man(news_gazetteer):
    text = "Dozens of civilians were killed by Assad's warplanes in Hama on Saturday."
    (strike,) = read(news_gazetteer, text)
    assert cast(strike) == {
        "Military Forces of Syria (2000-)": ActorRole.PERPETRATOR,
        "Civilians (Syria)": ActorRole.TARGET,
    }


def test_a_country_owning_what_is_named_next_takes_no_part(news_gazetteer):
    text = "Air strikes hit Syria's town of Hama on Saturday."
    (strike,) = read(news_gazetteer, text)
    assert "Military Forces of Syria (2000-)" not in cast(strike)


def test_a_country_owning_its_army_is_still_the_state(news_gazetteer):
    text = "Turkey's army shelled IS positions near Aleppo on Saturday."
    (shelling,) = read(news_gazetteer, text)
    assert cast(shelling).get("Military Forces of Turkey") == ActorRole.PERPETRATOR


def test_each_state_adjective_of_a_coordination_names_its_forces(news_gazetteer):
    text = "Dozens of civilians were killed by Russian and Turkish bombing in Aleppo on Saturday."
    (strike,) = read(news_gazetteer, text)
    roles = cast(strike)
    assert roles["Military Forces of Russia"] == ActorRole.PERPETRATOR
    assert roles["Military Forces of Turkey"] == ActorRole.PERPETRATOR
    assert roles["Civilians (Syria)"] == ActorRole.TARGET


def test_the_name_nearest_a_reporting_verb_is_the_source_not_the_one_before(news_gazetteer):
    text = (
        "Clashes erupted in Hama on Sunday between Syrian rebels and Islamic State US envoy "
        "John Kerry said."
    )
    (proposal,) = events(news_gazetteer, text)
    assert cast(proposal) == {
        "Syrian armed opposition": ActorRole.SIDE_A,
        "Islamic State": ActorRole.SIDE_B,
    }


def test_a_reporters_own_soldiers_killed_make_it_the_target(news_gazetteer):
    text = (
        "The Turkish military said one of its soldiers had been killed in a car bomb in Hama "
        "on Sunday and that 11 Islamic State fighters were killed in clashes."
    )
    bombing, clashes = events(news_gazetteer, text)
    assert (bombing.type_slug, clashes.type_slug) == (
        "remote-explosive-landmine-ied",
        "armed-clash",
    )
    assert cast(bombing) == {"Military Forces of Turkey": ActorRole.TARGET}
    assert "Military Forces of Turkey" not in cast(clashes)


def test_whoever_according_to_names_is_a_source_not_a_side(news_gazetteer):
    text = (
        "According to the Syria Turks Association tanks and artillery were used in the attack "
        "on Hama on Sunday."
    )
    (proposal,) = events(news_gazetteer, text)
    assert cast(proposal) == {}


def test_a_place_named_said_is_no_report(news_gazetteer):
    # "Said" in a place's name is not the reporting verb: the army there stays a party.
    text = "Islamic State militants shelled a Syrian army checkpoint near Port Said on Sunday."
    (proposal,) = events(news_gazetteer, text)
    assert cast(proposal)["Military Forces of Syria (2000-)"] == ActorRole.TARGET


def test_all_but_is_a_quantity_not_a_second_clause(news_gazetteer):
    text = (
        "Syrian troops killed all but two of the Islamic State fighters in Palmyra on Sunday "
        "but Russian jets shelled Homs on Monday."
    )
    killing, shelling = events(news_gazetteer, text)
    assert "all but two of the Islamic State fighters" in killing.sources[0].excerpt
    assert cast(killing)["Islamic State"] == ActorRole.TARGET
    assert shelling.sources[0].excerpt.endswith("Russian jets shelled Homs on Monday.")


def test_forces_backed_by_strikes_stay_their_doers(news_gazetteer):
    text = (
        "Syrian troops, backed by Russian air strikes, killed 12 Islamic State fighters in "
        "Palmyra on Sunday."
    )
    proposals = events(news_gazetteer, text)
    roles = [cast(proposal).get("Military Forces of Syria (2000-)") for proposal in proposals]
    assert roles and all(role is not None and role != ActorRole.TARGET for role in roles)


def test_a_compass_point_before_a_country_makes_it_where_not_a_party(news_gazetteer):
    text = (
        "IS militants began murdering hostages captured from villages in north-east Syria "
        "on Monday."
    )
    (proposal,) = events(news_gazetteer, text)
    assert proposal.type_slug == "attack"
    assert cast(proposal) == {"Islamic State": ActorRole.PERPETRATOR}


def test_hostages_captured_are_people_taken_not_ground_won(news_gazetteer):
    text = "IS militants executed prisoners captured near Hama on Monday."
    (proposal,) = events(news_gazetteer, text)
    assert proposal.type_slug == "attack"


def test_fighters_who_captured_villages_won_ground(news_gazetteer):
    text = "Kurdish fighters captured 16 villages from IS near Hama on Sunday."
    (proposal,) = events(news_gazetteer, text)
    assert proposal.type_slug == "non-state-actor-overtakes-territory"
    assert cast(proposal)["Islamic State"] == ActorRole.SIDE_B


def test_a_states_base_or_positions_struck_make_its_forces_the_target(news_gazetteer):
    text = "Turkish jets fired missiles at a Syrian air base near Hama on Friday."
    (proposal,) = events(news_gazetteer, text)
    assert cast(proposal) == {
        "Military Forces of Turkey": ActorRole.PERPETRATOR,
        "Military Forces of Syria (2000-)": ActorRole.TARGET,
    }


def test_reports_as_a_noun_after_a_body_does_not_make_it_a_source(news_gazetteer):
    text = (
        "Turkey called on Wednesday for an emergency Security Council meeting to discuss "
        "reports of a chemical attack near Hama."
    )
    (statement,) = [p for p in read(news_gazetteer, text) if p.type_slug == "public-statement"]
    assert cast(statement) == {
        "Government of Turkey": ActorRole.SPEAKER,
        "Security Council": ActorRole.PARTICIPANT,
    }


def test_the_regime_before_an_adverb_is_the_state_acting(news_gazetteer):
    text = "The regime first deployed warplanes over Hama in July 2012."
    (proposal,) = events(news_gazetteer, text)
    assert cast(proposal) == {"Military Forces of Syria (2000-)": ActorRole.PERPETRATOR}


def test_who_answers_an_event_is_no_party_to_it(news_gazetteer):
    text = (
        "Kerry is seeking backing for strikes in response to an alleged chemical weapons attack "
        "near Hama on August 21."
    )
    (proposal,) = events(news_gazetteer, text)
    assert proposal.type_slug == "chemical-weapon"
    assert "John Kerry" not in cast(proposal)


def test_a_countrys_opposition_forces_are_its_rebels_not_its_army(news_gazetteer):
    text = (
        "A fragile ceasefire between the Syrian government and Syrian opposition forces "
        "ended on Sunday."
    )
    (proposal,) = events(news_gazetteer, text)
    roles = cast(proposal)
    assert roles.get("Syrian armed opposition") == ActorRole.PARTICIPANT
    assert "Military Forces of Syria (2000-)" not in roles


def test_killed_at_least_a_count_is_active_its_subject_the_doer(news_gazetteer):
    text = "Government forces killed at least 12 IS militants near Hama on Sunday."
    (proposal,) = events(news_gazetteer, text)
    roles = cast(proposal)
    assert roles["Military Forces of Syria (2000-)"] in (ActorRole.PERPETRATOR, ActorRole.SIDE_A)
    assert roles["Islamic State"] in (ActorRole.TARGET, ActorRole.SIDE_B)


def test_forces_firing_on_protesters_use_force_on_them(news_gazetteer):
    text = "Government forces fired on crowds of protesters in Hama on Friday killing 12."
    (proposal,) = events(news_gazetteer, text)
    assert proposal.type_slug == "excessive-force-against-protesters"
    assert cast(proposal) == {
        "Military Forces of Syria (2000-)": ActorRole.PERPETRATOR,
        "protesters": ActorRole.TARGET,
    }


def test_the_country_a_convoy_comes_from_is_where_not_a_party(news_gazetteer):
    text = "An aid convoy has yet to cross into Syria from Turkey on Sunday."
    (proposal,) = events(news_gazetteer, text)
    assert "Military Forces of Turkey" not in cast(proposal)
    text = "Suicide bombers attacked the crossing that separates Kobani from Turkey on Sunday."
    (proposal,) = events(news_gazetteer, text)
    assert "Military Forces of Turkey" not in cast(proposal)
