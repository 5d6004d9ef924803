"""Wire copy that speakers, accusations, "the attack" and agency credits must not misread."""

from datetime import date

import pytest

from events.ingest.gazetteer import Gazetteer
from events.ingest.reading import read_article
from events.models import ActorRole

FRI_7_APR_2017 = date(2017, 4, 7)


def read(gazetteer, text: str):
    return read_article(text, publication_date=FRI_7_APR_2017, gazetteer=gazetteer).proposals


def cast(proposal) -> list[tuple[str, str]]:
    return [(actor.name, role) for actor, role in proposal.actors]


def of_type(proposals, slug: str):
    return [p for p in proposals if p.type_slug == slug]


# A country's name before the event word (participants._country_name_on_noun).


def test_a_country_named_after_after_and_before_a_verb_of_violence_is_its_doer(news_gazetteer):
    # "after Russia bombed": the rule reads any event word, the verb included, as a noun.
    text = "The talks collapsed after Russia bombed a hospital in Aleppo on Tuesday."
    (strike,) = of_type(read(news_gazetteer, text), "air-drone-strike")
    assert ("Military Forces of Russia", ActorRole.PERPETRATOR) in cast(strike)
    assert ("Military Forces of Russia", ActorRole.TARGET) not in cast(strike)


@pytest.mark.django_db
def test_strikes_a_country_is_answered_for_are_its_own(seeded):
    # "in retaliation for Israel strikes", "over Israel strikes on Gaza": the noun adjunct
    # is the doer; a preposition before it does not make it the place struck.
    gazetteer = Gazetteer.from_database()
    for text in (
        "Hamas fired rockets on Sunday in retaliation for Israel strikes on Gaza.",
        "Protests erupted in Amman on Friday over Israel strikes on Gaza.",
    ):
        (strike,) = of_type(read(gazetteer, text), "air-drone-strike")
        assert ("Military Forces of Israel", ActorRole.TARGET) not in cast(strike), text


# An agency's credit closing the dateline (sentences._AGENCY_CREDIT).


def test_a_dateline_with_a_credit_does_not_push_the_third_sentence_out_of_the_lead(
    news_gazetteer,
):
    # The credit becomes a sentence of its own, so the lead (dating.LEAD_SENTENCES) loses a
    # sentence: an undated event in the third sentence is dated as background (weeks before).
    report = (
        "Syrian government forces advanced in eastern Aleppo on Tuesday. Rebels said they "
        "repelled the assault. The army said it captured two districts."
    )
    plain = of_type(read(news_gazetteer, report), "government-regains-territory")
    credited = of_type(
        read(news_gazetteer, f"BEIRUT (Reuters) - {report}"), "government-regains-territory"
    )
    assert [p.fuzzy.earliest for p in credited] == [p.fuzzy.earliest for p in plain]


# Whom a statement blames (casts.blamed_doers) with the speaker's title (speakers.py).


def test_a_spokesmans_own_state_is_not_the_alleged_doer_of_what_he_blames_on_others(
    news_gazetteer,
):
    # The title makes Russia a participant of the statement; the group blamed is one the
    # database lacks, so Russia is the only "accused" and becomes the doer.
    text = (
        "A chemical attack killed 80 people near Aleppo on Tuesday. Igor Konashenkov, a "
        "spokesman for the Russian Defence Ministry, blamed the Khorasan group for the attack."
    )
    (attack,) = of_type(read(news_gazetteer, text), "chemical-weapon")
    doers = [name for name, role in cast(attack) if role == ActorRole.PERPETRATOR]
    assert doers == []


# A pending person who speaks for an armed group (statements._official).


def test_a_spokesman_for_an_armed_group_the_database_lacks_makes_no_statement(news_gazetteer):
    # A group the database lacks (pending) is no official body either.
    text = (
        "Government forces shelled Douma on Monday, killing 12 people, Hamza Bayraktar, a "
        "spokesman for Jaish al-Islam, said."
    )
    slugs = [p.type_slug for p in read(news_gazetteer, text)]
    assert "public-statement" not in slugs


# "Name, a spokesman for the Body, said" beyond the sentence-final form (speakers.py).


def test_a_spokesman_named_before_said_without_commas_is_the_speaker(news_gazetteer):
    # FA-KES copy: the commas of "Name, a spokesman for …," are lost and the title is in
    # lower case; the speaker falls back to the body.
    text = (
        "Russian jets struck IS positions near Aleppo Igor Konashenkov a spokesman for the "
        "Russian Defence Ministry said on Monday."
    )
    statements = of_type(read(news_gazetteer, text), "public-statement")
    assert statements
    speakers = [a.name for a, role in statements[0].actors if role == ActorRole.SPEAKER]
    assert speakers == ["Igor Konashenkov"]


def test_a_spokesman_named_before_what_he_said_leaves_the_event_told(news_gazetteer):
    # The most common wire order: the attribution opens the sentence. The strikes are lost and
    # the reported clause becomes the source's name.
    text = (
        "Igor Konashenkov, a spokesman for the Russian Defence Ministry, said Russian jets "
        "struck IS positions near Aleppo on Monday."
    )
    proposals = read(news_gazetteer, text)
    assert of_type(proposals, "air-drone-strike")
    for proposal in proposals:
        assert "struck" not in proposal.sources[0].attributed_to


# "The attack" joining the violence told before (threads._attack_told_before).


def test_an_earlier_attack_recalled_for_comparison_is_not_the_news_and_lends_no_toll(
    news_gazetteer,
):
    text = (
        "Air strikes hit the town of Saraqeb on Tuesday. It was the deadliest raid since the "
        "attack on Khan Sheikhoun which killed 87 people."
    )
    (strikes,) = of_type(read(news_gazetteer, text), "air-drone-strike")
    assert strikes.fatalities.best is None
    assert len(strikes.sources) == 1


@pytest.mark.django_db
def test_an_attack_in_another_country_does_not_join_strikes_told_without_a_place(seeded):
    # The strikes' place is only the report's country (unplaced), so "the attack in Baghdad"
    # joins them: the strikes move to Baghdad and take its toll.
    text = (
        "Air strikes hit a hospital in Idlib on Tuesday. Islamic State claimed the attack in "
        "Baghdad that killed 30 people."
    )
    proposals = read(Gazetteer.from_database(), text)
    (strikes,) = of_type(proposals, "air-drone-strike")
    assert strikes.fatalities.best is None
    assert len(strikes.sources) == 1


# "…, Name Name, title, said." (clauses._ATTRIBUTIONS, the name-then-title pattern).


def test_a_province_named_after_the_town_is_not_part_of_the_source(news_gazetteer):
    # Wire copy places a town by its province between commas; the new pattern takes
    # "Homs Province, the Observatory" as a name and its title.
    text = "Air strikes killed 12 people in Sukhna, Homs Province, the Observatory said."
    (strikes,) = of_type(read(news_gazetteer, text), "air-drone-strike")
    assert strikes.sources[0].attributed_to == "the Observatory"


# A headline run into the dateline (sentences._AGENCY_CREDIT).


def test_a_headline_run_into_the_dateline_is_no_second_event(news_gazetteer):
    # Scraped copy often glues the headline to "BEIRUT (Reuters) -"; split off, the headline
    # becomes an event of its own beside the lead that tells it.
    text = (
        "Air strikes kill 20 in Syria's Aleppo BEIRUT (Reuters) - Air strikes killed 20 people "
        "in Aleppo on Tuesday, a monitor said."
    )
    strikes = of_type(read(news_gazetteer, text), "air-drone-strike")
    assert len(strikes) == 1


def test_denying_an_accusation_blames_no_one(news_gazetteer):
    # _BLAME matches "blaming Damascus for the attack" inside "denied blaming …": the denial
    # makes Damascus the alleged doer, "blamed by a statement".
    text = (
        "Unidentified warplanes struck a convoy near Aleppo on Monday. Ankara denied blaming "
        "Damascus for the attack."
    )
    (strikes,) = of_type(read(news_gazetteer, text), "air-drone-strike")
    assert [name for name, role in cast(strikes) if role == ActorRole.PERPETRATOR] == []
