"""Who took part in a proposal: demonyms, governments and their forces, allies, speakers."""

from datetime import date

import pytest

from events.ingest.gazetteer import Gazetteer
from events.ingest.reading import read_article
from events.models import ActorRole

SUN_4_SEP_2016 = date(2016, 9, 4)
THU_31_AUG_2017 = date(2017, 8, 31)


def read(gazetteer, text: str, reference: date = SUN_4_SEP_2016):
    return read_article(text, publication_date=reference, gazetteer=gazetteer).proposals


def cast(proposal) -> list[tuple[str, str]]:
    return [(actor.name, role) for actor, role in proposal.actors]


def test_a_country_adjective_before_its_air_support_is_its_armed_forces(news_gazetteer):
    text = "Gains made by Damascus have relied heavily on Russian air support since September."
    (proposal,) = read(news_gazetteer, text)
    assert cast(proposal) == [
        ("Military Forces of Syria (2000-)", ActorRole.SIDE_A),
        ("Military Forces of Russia", ActorRole.SUPPORTER),
    ]


def test_a_country_adjective_before_its_air_power_or_warships_is_its_armed_forces(
    news_gazetteer,
):
    text = "Syrian army forces backed by Russian air power retook Palmyra from IS on Sunday."
    (proposal,) = read(news_gazetteer, text)
    assert ("Military Forces of Russia", ActorRole.SUPPORTER) in cast(proposal)
    (proposal,) = read(news_gazetteer, "Russian warships fired missiles at Raqqa on Sunday.")
    assert cast(proposal) == [("Military Forces of Russia", ActorRole.PERPETRATOR)]


def test_fighters_backed_by_a_country_are_its_backed_group_and_it_supports_them(news_gazetteer):
    text = "Militants backed by Turkey drove IS from the Syrian-Turkish border on Sunday."
    (proposal,) = read(news_gazetteer, text)
    assert cast(proposal) == [
        ("Turkish-backed Syrian rebels", ActorRole.SIDE_A),
        ("Military Forces of Turkey", ActorRole.SUPPORTER),
        ("Islamic State", ActorRole.SIDE_B),
    ]


def test_in_a_military_event_a_government_acts_through_its_forces(news_gazetteer):
    text = "In Syria, the government of President Bashar al-Assad has gained ground this year."
    (proposal,) = read(news_gazetteer, text)
    assert cast(proposal) == [("Military Forces of Syria (2000-)", ActorRole.SIDE_A)]


def test_in_a_deal_a_government_stays_the_government(news_gazetteer):
    (proposal,) = read(news_gazetteer, "Damascus and Ankara signed a deal on Sunday.")
    assert [name for name, _ in cast(proposal)] == ["Government of Syria", "Government of Turkey"]


def test_forces_and_their_allies_take_part_with_the_alliance_associated(news_gazetteer):
    text = (
        "Syrian government forces and their allies again laid siege to militant-held Aleppo "
        "on Sunday."
    )
    (proposal,) = read(news_gazetteer, text)
    assert cast(proposal) == [
        ("Military Forces of Syria (2000-)", ActorRole.SIDE_A),
        ("Pro-Syrian government military alliance", ActorRole.ASSOCIATED_A),
        ("Syrian armed opposition", ActorRole.SIDE_B),
    ]


def test_who_holds_a_place_a_supply_cut_hits_is_not_a_party(news_gazetteer):
    text = (
        "Fighting around Aleppo has recently cut supplies to 2 million people in militant-held "
        "areas."
    )
    (proposal,) = read(news_gazetteer, text)
    assert cast(proposal) == [("Civilians (Syria)", ActorRole.TARGET)]


def test_the_agent_right_after_the_event_noun_is_its_first_side(news_gazetteer):
    text = (
        "Advances by the insurgents in recent days have brought them near "
        "government-controlled Hama."
    )
    (proposal,) = read(news_gazetteer, text)
    assert cast(proposal) == [
        ("Syrian armed opposition", ActorRole.SIDE_A),
        ("Military Forces of Syria (2000-)", ActorRole.SIDE_B),
    ]


def test_a_spokesmans_group_joins_the_side_of_the_alliance_it_belongs_to(news_gazetteer):
    text = (
        "Militants launched a campaign on Sunday to capture Hama, said Mohammed Rasheed, a "
        "spokesman for militant group Jaish al-Nasr."
    )
    (proposal,) = read(news_gazetteer, text)
    assert cast(proposal) == [
        ("Syrian armed opposition", ActorRole.SIDE_A),
        ("Jaish al-Nasr", ActorRole.ASSOCIATED_A),
    ]


def test_a_spokesmans_group_stays_out_when_its_alliance_is_no_party(news_gazetteer):
    text = (
        "Sunday’s government advances resulted in a new siege of Aleppo, said a spokesman of "
        "the Fastaqim group."
    )
    (proposal,) = read(news_gazetteer, text)
    assert cast(proposal) == [("Military Forces of Syria (2000-)", ActorRole.SIDE_A)]


def test_a_subject_pronoun_carries_the_previous_sentences_subject(news_gazetteer):
    text = (
        "The U.S.-led coalition used warplanes on Wednesday to halt a column. "
        "It also struck fighters on their way to meet it."
    )
    _first, second = read(news_gazetteer, text, THU_31_AUG_2017)
    assert cast(second) == [("US-led coalition", ActorRole.PERPETRATOR)]


def test_a_subject_pronoun_does_not_reach_into_the_previous_paragraph(news_gazetteer):
    text = (
        "The U.S.-led coalition used warplanes on Wednesday to halt a column.\n"
        "It also struck fighters on Thursday."
    )
    _first, second = read(news_gazetteer, text, THU_31_AUG_2017)
    assert cast(second) == []


def test_the_coalition_and_the_convoy_name_the_actors_they_refer_to(news_gazetteer):
    text = (
        "A convoy of Islamic State fighters left on Tuesday after U.S.-led forces struck. "
        "The coalition used warplanes on Wednesday to halt the convoy."
    )
    halted = read(news_gazetteer, text, THU_31_AUG_2017)[-1]
    assert cast(halted) == [
        ("US-led coalition", ActorRole.PERPETRATOR),
        ("Islamic State", ActorRole.TARGET),
    ]


def test_a_state_official_brings_their_government_to_talks(news_gazetteer):
    text = (
        "US Secretary of State John Kerry arrived on Friday. Officials have been meeting since "
        "Kerry traveled to Moscow in July with a proposal."
    )
    proposal = read(news_gazetteer, text)[-1]
    assert proposal.type_slug == "proposal-presented"
    assert cast(proposal) == [
        ("John Kerry", ActorRole.PARTICIPANT),
        ("Government of the United States", ActorRole.PARTICIPANT),
    ]


def test_a_subordinate_clause_with_an_event_of_its_own_is_a_proposal_of_its_own(news_gazetteer):
    text = (
        "Officials from the United States and Russia have been meeting since Kerry traveled to "
        "Moscow in July with a proposal."
    )
    meeting, proposal = read(news_gazetteer, text)
    assert (meeting.type_slug, meeting.place) == ("negotiations", None)
    assert [name for name, _ in cast(meeting)] == [
        "Government of the United States",
        "Government of Russia",
    ]
    assert (proposal.type_slug, proposal.place.name) == ("proposal-presented", "Moscow")
    assert meeting.fuzzy == proposal.fuzzy


def test_a_letters_terms_name_no_parties_its_sender_and_addressee_do(news_gazetteer):
    text = (
        "A letter from Washington’s Syria envoy, Kerry, to the armed opposition, a copy of which "
        "was seen by Reuters, laid out some terms. It would oblige Russia to ground Damascus’s "
        "warplanes, said the letter, dated Sept. 3."
    )
    (letter,) = read(news_gazetteer, text)
    assert letter.type_slug == "diplomatic-communication"
    assert sorted(name for name, _ in cast(letter)) == [
        "Government of the United States",
        "John Kerry",
        "Syrian armed opposition",
    ]
    assert len(letter.sources) == 2


def test_a_country_that_led_a_coalition_backing_fighters_is_the_coalition_supporting(
    news_gazetteer,
):
    text = (
        "But the United States — which opposes Assad — has led a coalition backing Syrian rebels "
        "as they assault Aleppo."
    )
    (proposal,) = read(news_gazetteer, text, THU_31_AUG_2017)
    assert cast(proposal) == [
        ("US-led coalition", ActorRole.SUPPORTER),
        ("Syrian armed opposition", ActorRole.SIDE_A),
    ]


def test_but_opening_a_clause_of_its_own_divides_copy_without_commas(news_gazetteer):
    text = (
        "Islamic State chased the Syrian army out of Hama on Sunday but the Syrian army "
        "returned a week later recapturing the town."
    )
    chased, recaptured = read(news_gazetteer, text)
    assert (chased.type_slug, recaptured.type_slug) == (
        "non-state-actor-overtakes-territory",
        "government-regains-territory",
    )
    assert cast(recaptured) == [("Military Forces of Syria (2000-)", ActorRole.SIDE_A)]


def test_while_before_a_participle_does_not_divide_the_sentence(news_gazetteer):
    text = "Two Syrian civilians were killed while fleeing Russian air strikes in Hama on Sunday."
    (proposal,) = read(news_gazetteer, text)
    assert ("Civilians (Syria)", ActorRole.TARGET) in cast(proposal)


def test_a_states_backers_named_by_its_adjective_are_its_government(news_gazetteer):
    text = (
        "The Syrian regime and its Russian and Iranian backers vowed on Sunday to keep up the "
        "fight in Hama."
    )
    (statement,) = read(news_gazetteer, text)
    assert statement.type_slug == "public-statement"
    assert [name for name, role in cast(statement) if role == ActorRole.SPEAKER] == [
        "Government of Syria",
        "Government of Russia",
        "Government of Iran",
    ]


def test_a_states_officials_named_by_its_adjective_speak_for_its_government(news_gazetteer):
    text = "Russian officials said on Sunday that the convoy had reached Hama."
    proposals = read(news_gazetteer, text)
    assert ("Government of Russia", ActorRole.SPEAKER) in [
        pair for proposal in proposals for pair in cast(proposal)
    ]


def test_a_countrys_name_before_the_strikes_noun_is_where_they_fall(news_gazetteer):
    # "Syrian air strikes" are Syria's; "Obama's plan for Syria strikes" are strikes on Syria.
    text = "Congress debated Obama's plan for Syria strikes on Sunday."
    (proposal,) = read(news_gazetteer, text)
    assert ("Military Forces of Syria (2000-)", ActorRole.TARGET) in cast(proposal)
    assert ("Military Forces of Syria (2000-)", ActorRole.PERPETRATOR) not in cast(proposal)
    (proposal,) = read(news_gazetteer, "Syrian air strikes hit Hama on Sunday.")
    assert cast(proposal) == [("Military Forces of Syria (2000-)", ActorRole.PERPETRATOR)]


@pytest.mark.django_db
def test_a_countrys_short_form_before_the_strikes_noun_is_its_forces(seeded):
    # "U.S. air strikes", "US strikes": the short form stands for the adjective.
    text = "IS retreated from the town on Sunday after a string of U.S. air strikes."
    proposals = read(Gazetteer.from_database(), text)
    strikes = [p for p in proposals if p.type_slug == "air-drone-strike"]
    assert strikes, [p.type_slug for p in proposals]
    assert ("Military Forces of the United States", ActorRole.PERPETRATOR) in cast(strikes[0])
