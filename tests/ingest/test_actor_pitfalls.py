"""Actors and roles on copy the rules were not written on: look-alike names and speakers."""

from datetime import date

from events.ingest.persons import person_mentions
from events.ingest.reading import read_article
from events.models import ActorRole

SUN_4_SEP_2016 = date(2016, 9, 4)


def read(gazetteer, text: str):
    return read_article(text, publication_date=SUN_4_SEP_2016, gazetteer=gazetteer).proposals


def cast(proposal) -> list[tuple[str, str]]:
    return [(actor.name, role) for actor, role in proposal.actors]


def names(proposals) -> set[str]:
    return {actor.name for p in proposals for actor, _role in p.actors}


def of_type(proposals, slug: str) -> list:
    return [p for p in proposals if p.type_slug == slug]


# --- the "that" clause rule for statement speakers (participants._role_of) ---


def test_that_day_between_the_subject_and_its_statement_word_keeps_the_speaker(news_gazetteer):
    # "that" as a demonstrative is no clause: Russia denies.
    proposals = read(news_gazetteer, "Russia later that day denied the reports on Sunday.")
    (statement,) = of_type(proposals, "public-statement")
    assert ("Government of Russia", ActorRole.SPEAKER) in cast(statement)


def test_a_statement_after_that_day_is_not_lost(news_gazetteer):
    proposals = read(news_gazetteer, "Russia later that day denied the strikes on Hama.")
    assert of_type(proposals, "public-statement"), [p.type_slug for p in proposals]


def test_a_relative_clause_with_that_leaves_the_subject_the_speaker(news_gazetteer):
    text = "Turkey, a country that hosts three million refugees, condemned the attack on Sunday."
    (statement,) = of_type(read(news_gazetteer, text), "public-statement")
    assert cast(statement)[0] == ("Government of Turkey", ActorRole.SPEAKER)


# --- a state's adjective before "positions" / "bases" (gazetteer._MILITARY_NOUN) ---


def test_positions_of_a_states_rebels_are_not_its_army(news_gazetteer):
    text = "Russian jets struck Syrian rebel positions near Hama on Sunday."
    (strike,) = read(news_gazetteer, text)
    assert "Military Forces of Syria (2000-)" not in dict(cast(strike))


def test_syrian_kurdish_positions_struck_by_turkey_are_not_the_syrian_army(news_gazetteer):
    text = "Turkish jets struck Syrian Kurdish positions near Hama on Sunday."
    (strike,) = read(news_gazetteer, text)
    assert "Military Forces of Syria (2000-)" not in dict(cast(strike))


# --- the new vocabulary: "spoke with", "visited" ---


def test_someone_who_spoke_with_a_news_agency_holds_no_talks(news_gazetteer):
    text = "A doctor in Hama who spoke with the Associated Press on Sunday described the wounds."
    assert of_type(read(news_gazetteer, text), "negotiations") == []


def test_a_minister_who_spoke_with_reporters_holds_no_talks(news_gazetteer):
    text = "Kerry spoke with reporters in Hama on Sunday."
    assert of_type(read(news_gazetteer, text), "negotiations") == []


def test_relatives_visiting_graves_are_no_diplomacy(news_gazetteer):
    text = "Relatives visited the graves of the victims in Hama on Sunday."
    assert of_type(read(news_gazetteer, text), "diplomacy") == []


# --- people named with their office (persons.py) ---


def test_a_place_sharing_a_ministers_surname_is_not_the_minister(news_gazetteer):
    text = (
        "British Foreign Secretary William Hague said on Sunday that Assad must go. "
        "The OPCW in The Hague condemned the chemical attack near Hama on Monday."
    )
    proposals = read(news_gazetteer, text)
    condemned = [p for p in of_type(proposals, "public-statement") if p.trigger == "condemned"]
    assert condemned
    assert "William Hague" not in names(condemned)


def test_capitol_hill_is_not_the_ambassador_named_hill(news_gazetteer):
    text = (
        "U.S. ambassador Christopher Hill said on Sunday that talks would resume. "
        "Lawmakers on Capitol Hill condemned the strikes on Hama on Monday."
    )
    proposals = read(news_gazetteer, text)
    condemned = [p for p in of_type(proposals, "public-statement") if p.trigger == "condemned"]
    assert condemned
    assert "Christopher Hill" not in names(condemned)


def test_the_king_is_not_the_crown_prince_who_shares_his_name(news_gazetteer):
    text = (
        "Crown Prince Mohammed bin Salman met Kerry in Riyadh on Sunday. "
        "King Salman condemned the attack on Monday."
    )
    proposals = read(news_gazetteer, text)
    condemned = [p for p in of_type(proposals, "public-statement") if p.trigger == "condemned"]
    assert condemned
    assert "Mohammed bin Salman" not in names(condemned)


def test_a_possessive_after_an_office_is_no_person_nor_the_speaker(news_gazetteer):
    text = "President Vladimir Putin's spokesman Dmitry Peskov denied the reports on Sunday."
    (statement,) = of_type(read(news_gazetteer, text), "public-statement")
    assert cast(statement) == [("Dmitry Peskov", ActorRole.SPEAKER)]


def test_a_clerical_rank_is_no_part_of_the_name(news_gazetteer):
    text = "Iraq's top Shiite cleric Grand Ayatollah Ali al-Sistani visited Hama on Sunday."
    assert "Grand Ayatollah Ali al-Sistani" not in names(read(news_gazetteer, text))


# --- organisations: Arabic group names and initials (pending.py) ---


def test_a_weekday_after_an_arabic_group_name_is_no_part_of_it(news_gazetteer):
    # Agency style drops "on" before the day: "Jaish al-Islam Saturday shelled …".
    (shelling,) = read(news_gazetteer, "Jaish al-Islam Saturday shelled Damascus.")
    assert ("Jaish al-Islam", ActorRole.PERPETRATOR) in cast(shelling)


def test_a_word_in_capitals_is_not_an_organisations_initials(news_gazetteer):
    text = (
        "The World Health Organization said on Sunday that medicine had reached Hama. "
        "REBELS WHO FLED HAMA REGROUPED NEAR ALEPPO ON MONDAY."
    )
    proposals = read(news_gazetteer, text)
    others = [p for p in proposals if p.type_slug != "public-statement"]
    assert others
    assert "World Health Organization" not in names(others)


# --- the campaign doer (casts.inherit_campaign_doer) ---


def doers(proposal) -> list[str]:
    return [actor.name for actor, role in proposal.actors if role == ActorRole.PERPETRATOR]


def test_a_killing_by_an_unnamed_sniper_in_another_city_takes_no_campaign_doer(news_gazetteer):
    # A killing is none of the documented campaign violence (executions, abductions,
    # arrests, torching), and it was in another city.
    text = (
        "IS militants executed 12 hostages near Hama on Monday. "
        "Five civilians were killed by sniper fire in Aleppo on Monday."
    )
    _executions, killing = read(news_gazetteer, text)
    assert doers(killing) == []


def test_a_states_arrests_make_it_no_doer_of_executions_elsewhere(news_gazetteer):
    text = (
        "Government forces arrested 30 activists in Hama on Monday. "
        "In Raqqa, two men were executed on Monday for blasphemy."
    )
    _arrests, executions = read(news_gazetteer, text)
    assert doers(executions) == []


def test_a_progressive_active_verb_is_no_passive_whose_doer_the_report_told(news_gazetteer):
    # "were abducting" has its own doer in the clause (unnamed masked men), not IS.
    text = (
        "IS militants executed 12 hostages near Hama on Monday. "
        "Masked men were abducting young men in Damascus on Monday."
    )
    _executions, abductions = read(news_gazetteer, text)
    assert doers(abductions) == []


# --- "he" / "she" opening a statement word (proposals._speaker_before) ---


def test_she_after_another_person_is_named_is_not_the_earlier_speaker(news_gazetteer):
    text = (
        "Kerry said on Sunday that Assad must go. UN rights chief Navi Pillay visited Hama "
        "on Monday. She also warned that all sides would be prosecuted."
    )
    warned = read(news_gazetteer, text)[-1]
    assert warned.trigger == "warned"
    assert "John Kerry" not in dict(cast(warned))


def test_he_after_a_person_named_with_an_office_is_not_the_earlier_speaker(news_gazetteer):
    text = (
        "Kerry said on Sunday that Assad must go. U.S. ambassador Robert Ford visited Hama "
        "on Monday. He also warned that the strikes would continue."
    )
    warned = read(news_gazetteer, text)[-1]
    assert warned.trigger == "warned"
    assert "John Kerry" not in dict(cast(warned))


def test_torture_in_regime_jails_is_not_given_to_the_campaigns_doer(news_gazetteer):
    # The clause names whose jails they were; IS executing hostages elsewhere is no doer of it.
    text = (
        "IS militants executed 12 hostages near Hama on Monday. "
        "Hundreds of detainees were tortured in regime jails, rights groups say."
    )
    _executions, torture = read(news_gazetteer, text)
    assert "Islamic State" not in doers(torture)


def test_a_place_after_at_is_no_part_of_an_arabic_group_name(news_gazetteer):
    text = "Government forces clashed with Jaish al-Islam at Harasta on Sunday."
    proposals = read(news_gazetteer, text)
    assert "Jaish al-Islam at Harasta" not in names(proposals)
    assert "Jaish al-Islam" in names(proposals)


def test_the_short_form_the_text_gives_in_brackets_wins_over_another_names_initials(
    news_gazetteer,
):
    # Both bodies are real and distinct; the text says which one "SNC" is.
    text = (
        "The Syrian National Coalition met in Istanbul on Sunday. The Syrian National Council "
        "(SNC) condemned the strikes on Hama on Monday. The SNC said on Tuesday that Russia "
        "shelled Hama."
    )
    proposals = read(news_gazetteer, text)
    said = [p for p in of_type(proposals, "public-statement") if p.trigger == "said"]
    assert said
    assert [name for name, role in cast(said[0]) if role == ActorRole.SPEAKER] == [
        "Syrian National Council"
    ]


# --- "hostages captured" (vocabulary): the rule covers one word order only ---


def test_hostages_who_were_captured_are_people_taken_not_ground_won(news_gazetteer):
    text = "The hostages were captured by IS near Hama on Sunday."
    proposals = read(news_gazetteer, text)
    assert of_type(proposals, "non-state-actor-overtakes-territory") == []


def test_journalists_a_group_had_captured_are_people_taken_not_ground_won(news_gazetteer):
    text = "IS executed three journalists it had captured near Hama on Sunday."
    proposals = read(news_gazetteer, text)
    assert of_type(proposals, "non-state-actor-overtakes-territory") == []


def test_a_name_after_an_office_does_not_run_into_the_next_paragraph():
    text = "Kerry met the Saudi foreign minister\n\nPeace Plan Falters as talks stall"
    assert person_mentions(text, []) == []
