"""Groups named by a common noun, countries as where, cited monitors, a noun's own doer."""

from datetime import date

from events.ingest.groups import group_mentions
from events.ingest.reading import read_article
from events.models import ActorRole

SUN_4_SEP_2016 = date(2016, 9, 4)


def events(gazetteer, text: str) -> list:
    proposals = read_article(text, publication_date=SUN_4_SEP_2016, gazetteer=gazetteer).proposals
    return [p for p in proposals if p.type_slug != "public-statement"]


def cast(proposal) -> dict[str, str]:
    return {actor.name: role for actor, role in proposal.actors}


def kinds(proposal) -> dict[str, str]:
    return {actor.name: actor.kind for actor, _role in proposal.actors}


def test_a_communitys_fighters_are_a_pending_actor_facing_the_named_group(news_gazetteer):
    text = "Kurdish fighters repelled an assault by IS near Hama on Sunday."
    (proposal,) = events(news_gazetteer, text)
    roles = cast(proposal)
    assert "Kurdish fighters" in roles and "Islamic State" in roles
    assert roles["Kurdish fighters"] != roles["Islamic State"]
    (fighters,) = [a for a, _ in proposal.actors if a.name == "Kurdish fighters"]
    assert not fighters.stored and fighters.kind == "identity_militia"


def test_a_community_is_civilians_on_the_receiving_end(news_gazetteer):
    text = "IS militants abducted dozens of Assyrian Christians near Hama on Sunday."
    (proposal,) = events(news_gazetteer, text)
    assert cast(proposal)["Assyrian Christians"] == ActorRole.TARGET
    assert kinds(proposal)["Assyrian Christians"] == "civilians"


def test_a_community_fighting_someone_is_an_armed_side(news_gazetteer):
    text = "Syrian Kurds fighting IS seized three villages near Hama on Sunday."
    (proposal,) = events(news_gazetteer, text)
    assert kinds(proposal)["Syrian Kurds"] == "identity_militia"
    roles = cast(proposal)
    assert roles["Syrian Kurds"] != roles["Islamic State"]


def test_protesters_are_a_pending_actor_of_the_protesters_kind(news_gazetteer):
    text = "Security forces opened fire on protesters in Hama on Sunday, killing four."
    proposal = events(news_gazetteer, text)[0]
    assert kinds(proposal)["protesters"] == "protesters"


def test_a_coordination_of_communities_describes_a_mixed_force_not_a_group_of_its_own():
    text = "the SDF, an alliance of Kurdish Arab Assyrian and Turkmen fighters"
    assert [m.surface for m in group_mentions(text, [])] == []


def test_a_name_the_gazetteer_knows_wins_over_a_generic_group(news_gazetteer):
    text = "Syrian rebels and Kurdish fighters clashed near Hama on Sunday."
    (proposal,) = events(news_gazetteer, text)
    assert {"Syrian armed opposition", "Kurdish fighters"} <= set(cast(proposal))


def test_a_country_after_a_compass_adjective_is_where_not_a_target(news_gazetteer):
    text = "Turkish troops shelled northern Syria on Sunday."
    (proposal,) = events(news_gazetteer, text)
    assert cast(proposal) == {"Military Forces of Turkey": ActorRole.PERPETRATOR}


def test_countries_joined_to_a_country_named_as_where_are_where_too(news_gazetteer):
    text = "IS fighters fought government troops in both Syria and Iraq on Sunday."
    (proposal,) = events(news_gazetteer, text)
    assert "Military Forces of Syria (2000-)" in cast(proposal)
    assert not any("Iraq" in name for name in cast(proposal))


def test_a_monitor_named_after_its_reporting_verb_is_a_source_not_a_target(news_gazetteer):
    text = (
        "In Hama 16 civilians were killed in four air strikes on Sunday while 25 were wounded "
        "said the Syrian Observatory for Human Rights."
    )
    (proposal,) = events(news_gazetteer, text)
    assert "Observatory" not in " ".join(cast(proposal))
    assert cast(proposal) == {"Civilians (Syria)": ActorRole.TARGET}


def test_a_state_before_the_event_noun_is_its_doer_and_who_came_before_is_its_target(
    news_gazetteer,
):
    text = "The advance of IS fighters prompted the first Russian air strikes near Hama on Sunday."
    (proposal,) = events(news_gazetteer, text)
    assert cast(proposal) == {
        "Islamic State": ActorRole.TARGET,
        "Military Forces of Russia": ActorRole.PERPETRATOR,
    }


def test_states_joined_before_one_event_noun_are_all_its_doers(news_gazetteer):
    text = "Syrian and Russian air strikes killed 12 people in Hama on Sunday."
    (proposal,) = events(news_gazetteer, text)
    roles = cast(proposal)
    assert roles["Military Forces of Syria (2000-)"] == ActorRole.PERPETRATOR
    assert roles["Military Forces of Russia"] == ActorRole.PERPETRATOR


def test_who_besieges_a_town_imposes_its_siege(news_gazetteer):
    text = "In Syria the army-besieged town of Hama has been under siege since July."
    (proposal,) = events(news_gazetteer, text)
    assert cast(proposal)["Military Forces of Syria (2000-)"] == ActorRole.PERPETRATOR


def test_who_besieges_a_town_takes_no_part_in_what_befalls_it(news_gazetteer):
    text = "Rebels shelled the outskirts of the army-besieged town of Hama on Sunday."
    (proposal,) = events(news_gazetteer, text)
    assert cast(proposal) == {"Syrian armed opposition": ActorRole.PERPETRATOR}


def test_the_doer_of_an_attack_only_feared_takes_no_part_in_the_event(news_gazetteer):
    text = (
        "A car bomb killed four people in Hama on Sunday as residents braced for a possible "
        "Russian attack."
    )
    (proposal,) = events(news_gazetteer, text)
    assert "Military Forces of Russia" not in cast(proposal)


def test_whom_an_uprising_is_against_takes_no_part_in_the_event(news_gazetteer):
    text = "Syrian tanks shelled Hama on Sunday in the uprising against President Assad."
    (proposal,) = events(news_gazetteer, text)
    assert cast(proposal) == {"Military Forces of Syria (2000-)": ActorRole.PERPETRATOR}


def test_troops_after_a_sentence_names_a_states_army_are_that_army(news_gazetteer):
    text = (
        "Syria. The Turkish army stepped up security on the border on Sunday after deploying "
        "troops to the area."
    )
    proposals = events(news_gazetteer, text)
    assert {name for p in proposals for name in cast(p)} == {"Military Forces of Turkey"}


def test_army_units_after_a_foreign_states_air_strikes_are_still_the_reports_army(
    news_gazetteer,
):
    text = "Russian air strikes hit Hama on Sunday as army units advanced."
    (proposal,) = events(news_gazetteer, text)
    assert "Military Forces of Syria (2000-)" in cast(proposal)


def test_lives_counted_are_the_reports_civilians(news_gazetteer):
    text = "Turkish shelling cost 21 lives in Hama on Sunday."
    (proposal,) = events(news_gazetteer, text)
    assert cast(proposal)["Civilians (Syria)"] == ActorRole.TARGET


def test_a_country_after_central_is_where_not_a_target(news_gazetteer):
    text = "Turkish troops shelled south central Syria on Sunday."
    (proposal,) = events(news_gazetteer, text)
    assert cast(proposal) == {"Military Forces of Turkey": ActorRole.PERPETRATOR}


def test_a_name_on_the_far_side_of_a_day_after_acts_in_the_other_event(news_gazetteer):
    text = (
        "Assad sacked the governor of Hama province on Sunday a day after thousands of "
        "protesters massed in Hama."
    )
    (proposal,) = events(news_gazetteer, text)
    assert "Bashar al-Assad" not in cast(proposal)
    assert "protesters" in cast(proposal)


def statements(gazetteer, text: str) -> list:
    proposals = read_article(text, publication_date=SUN_4_SEP_2016, gazetteer=gazetteer).proposals
    return [p for p in proposals if p.type_slug == "public-statement"]


def test_whom_a_statement_blames_takes_part_in_it(news_gazetteer):
    text = (
        "Washington blames the Syrian government for the attack in Hama which it says killed "
        "more than 1400 people."
    )
    (statement,) = statements(news_gazetteer, text)
    assert cast(statement) == {
        "Government of the United States": ActorRole.SPEAKER,
        "Government of Syria": ActorRole.PARTICIPANT,
    }


def test_a_name_before_a_relative_clause_with_its_own_reporting_verb_is_no_source(
    news_gazetteer,
):
    text = "Turkish troops shelled IS fighters in Hama on Sunday which it said killed 12."
    (proposal,) = events(news_gazetteer, text)
    assert cast(proposal)["Islamic State"] == ActorRole.TARGET


def test_a_speaker_before_in_a_statement_is_the_person_his_rank_left_out(news_gazetteer):
    text = (
        "On Sunday Russian Defence Ministry spokesman Major-General Igor Konashenkov in an "
        "emailed statement accused the rebels of using the ceasefire to rearm."
    )
    (statement,) = statements(news_gazetteer, text)
    roles = cast(statement)
    assert roles["Igor Konashenkov"] == ActorRole.SPEAKER
    assert roles["Russian Defence Ministry"] == ActorRole.PARTICIPANT


def test_the_group_a_speakers_title_names_takes_part(news_gazetteer):
    text = (
        "Mohammed Rasheed head of the political office of the Hama-based rebel faction "
        "Jaish al-Nasr told Reuters he believed the truce had failed."
    )
    (statement,) = statements(news_gazetteer, text)
    assert cast(statement) == {
        "Mohammed Rasheed": ActorRole.SPEAKER,
        "Jaish al-Nasr": ActorRole.PARTICIPANT,
    }


def test_describing_reports_as_untrue_is_a_denial_by_its_subject(news_gazetteer):
    text = "Syria described the reports its army had shelled Hama as completely untrue."
    (statement,) = statements(news_gazetteer, text)
    assert cast(statement) == {"Government of Syria": ActorRole.SPEAKER}


def test_describing_a_scene_is_no_statement(news_gazetteer):
    text = "Residents described the shelling of Hama on Sunday as the heaviest in months."
    assert statements(news_gazetteer, text) == []


def test_the_armys_possessive_without_its_apostrophe_names_the_army(news_gazetteer):
    text = "In Syria the armys shelling of Hama killed four civilians on Sunday."
    (proposal,) = events(news_gazetteer, text)
    assert cast(proposal)["Military Forces of Syria (2000-)"] == ActorRole.PERPETRATOR


def test_the_governments_of_several_states_are_no_possessive(news_gazetteer):
    text = "The governments of Russia and Turkey held talks in Hama on Sunday."
    proposals = read_article(text, publication_date=SUN_4_SEP_2016, gazetteer=news_gazetteer)
    assert all(
        "Government of Syria" not in cast(p) and "Military Forces of Syria (2000-)" not in cast(p)
        for p in proposals.proposals
    )


def test_civilians_evacuated_take_part_in_their_evacuation(news_gazetteer):
    text = "In Syria 300 civilians were evacuated from Hama under a deal on Sunday."
    (proposal,) = events(news_gazetteer, text)
    assert cast(proposal) == {"Civilians (Syria)": ActorRole.PARTICIPANT}


def test_the_militants_point_back_to_the_armed_group_just_named(news_gazetteer):
    text = (
        "Islamic State fighters stormed the Syrian town of Hama on Sunday. The fighting flared "
        "after the militants took over two oil fields in July."
    )
    proposals = events(news_gazetteer, text)
    assert {name for p in proposals for name in cast(p)} == {"Islamic State"}


def test_militants_with_no_group_named_before_are_the_reports_rebels(news_gazetteer):
    text = "In Syria the militants took over two villages near Hama on Sunday."
    (proposal,) = events(news_gazetteer, text)
    assert cast(proposal) == {"Syrian armed opposition": ActorRole.SIDE_A}


def test_the_parties_of_a_deal_named_after_the_event_take_no_part_in_it(news_gazetteer):
    text = (
        "Rebels shelled Hama on Sunday in breach of a deal between the Syrian army and "
        "Islamic State."
    )
    (proposal,) = events(news_gazetteer, text)
    assert cast(proposal) == {"Syrian armed opposition": ActorRole.PERPETRATOR}


def test_the_parties_of_a_deal_are_its_own_when_the_deal_is_the_event(news_gazetteer):
    text = "A truce deal between the Syrian army and Syrian rebels took effect in Hama on Sunday."
    (proposal,) = events(news_gazetteer, text)
    assert set(cast(proposal)) == {
        "Military Forces of Syria (2000-)",
        "Syrian armed opposition",
    }


def test_the_doer_of_strikes_only_threatened_takes_no_part_in_the_event(news_gazetteer):
    text = (
        "A car bomb killed four people in Hama on Sunday despite threats of further Russian "
        "strikes."
    )
    (proposal,) = events(news_gazetteer, text)
    assert "Military Forces of Russia" not in cast(proposal)


def test_they_after_a_connective_is_the_subject_of_the_sentence_before(news_gazetteer):
    text = (
        "Islamic State fighters overran Hama on Sunday. However earlier this month they "
        "launched an attack on Aleppo."
    )
    _overrun, attack = events(news_gazetteer, text)
    assert cast(attack) == {"Islamic State": ActorRole.SIDE_A}


def test_a_pronoun_and_its_verb_closing_the_sentence_are_its_attribution(news_gazetteer):
    text = (
        "Kerry spoke in Hama on Sunday. Civilians fleeing Hama had taken sanctuary in other "
        "villages he said."
    )
    (flight,) = events(news_gazetteer, text)
    assert cast(flight) == {"Civilians (Syria)": ActorRole.TARGET}


def test_civilians_the_words_are_about_are_never_the_speaker(news_gazetteer):
    text = "Syrian civilians and John Kerry said on Sunday that the situation in Hama was dire."
    (statement,) = statements(news_gazetteer, text)
    assert cast(statement) == {"John Kerry": ActorRole.SPEAKER}
