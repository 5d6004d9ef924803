"""A happening's cast gathered across its sentences: re-tellings and clauses that point back."""

from datetime import date

from events.dates import FuzzyDate, Precision
from events.ingest.casts import gain_cast
from events.ingest.drafts import ProposalDraft, SourceDraft
from events.ingest.fates import SentenceFate
from events.ingest.gazetteer import ActorEntry
from events.ingest.reading import read_article
from events.models import ActorRole

SUN_4_SEP_2016 = date(2016, 9, 4)
RUSSIA = ActorEntry(15, "Military Forces of Russia", "external", 14)
SYRIAN_ARMY = ActorEntry(1, "Military Forces of Syria (2000-)", "state_forces", 1)
ISLAMIC_STATE = ActorEntry(2, "Islamic State", "rebel_group", None)
CIVILIANS = ActorEntry(13, "Civilians (Syria)", "civilians", 1)
KERRY = ActorEntry(4, "John Kerry", "person", 12)
MONITOR = ActorEntry(20, "Syrian Observatory for Human Rights", "other", None)


def read(gazetteer, text: str):
    reading = read_article(text, publication_date=SUN_4_SEP_2016, gazetteer=gazetteer)
    for proposal in reading.proposals:
        for source in proposal.sources:
            assert text[source.start : source.end] == source.excerpt
    return reading


def cast(proposal) -> list[tuple[str, str]]:
    return sorted((actor.name, role) for actor, role in proposal.actors)


def doers(proposal) -> list[str]:
    return [actor.name for actor, role in proposal.actors if role == ActorRole.PERPETRATOR]


def proposed(fates: list[SentenceFate]) -> list[list[int]]:
    return [fate.proposals for fate in fates]


def test_a_toll_in_the_strikes_takes_the_doer_of_the_strike_told_before(news_gazetteer):
    text = (
        "Russian warplanes struck a market in Aleppo on Sunday morning. "
        "At least 20 civilians were killed in the strikes."
    )
    reading = read(news_gazetteer, text)
    strike, toll = reading.proposals
    assert doers(strike) == ["Military Forces of Russia"]
    assert cast(toll) == [
        ("Civilians (Syria)", ActorRole.TARGET),
        ("Military Forces of Russia", ActorRole.PERPETRATOR),
    ]
    assert "Military Forces of Russia: the doer of “Russian warplanes struck" in toll.cast_note
    # Both sentences keep their fate: each proposes its own draft.
    assert proposed(reading.fates) == [[0], [1]]


def test_another_toll_in_air_strikes_takes_the_only_doer_the_report_names_for_them(
    news_gazetteer,
):
    text = (
        "Russian warplanes struck a market in Aleppo on Sunday morning. "
        "Rebels captured a village near Hama on Sunday morning. "
        "Another 12 people were killed in air strikes on Hama."
    )
    toll = read(news_gazetteer, text).proposals[-1]
    assert toll.type_slug == "air-drone-strike"
    assert doers(toll) == ["Military Forces of Russia"]


def test_of_two_doers_the_one_told_just_before_is_continued(news_gazetteer):
    text = (
        "Russian warplanes struck Aleppo on Sunday morning. "
        "Syrian army warplanes struck Hama on Sunday morning. "
        "Another 12 people were killed in the strikes."
    )
    toll = read(news_gazetteer, text).proposals[-1]
    assert doers(toll) == ["Military Forces of Syria (2000-)"]


def test_of_two_doers_told_earlier_neither_is_guessed(news_gazetteer):
    text = (
        "Russian warplanes struck Aleppo on Sunday morning. "
        "Syrian army warplanes struck Hama on Sunday morning. "
        "Rebels captured a village near Hama on Sunday morning. "
        "Another 12 people were killed in the strikes."
    )
    toll = read(news_gazetteer, text).proposals[-1]
    assert toll.type_slug == "air-drone-strike"
    assert doers(toll) == []
    assert toll.cast_note == ""


def test_an_event_of_another_type_takes_no_doer(news_gazetteer):
    text = (
        "Russian warplanes struck a market in Aleppo on Sunday morning. "
        "Another 12 people were killed in shelling on Hama."
    )
    toll = read(news_gazetteer, text).proposals[-1]
    assert toll.type_slug == "shelling-artillery-missile-attack"
    assert doers(toll) == []


def test_a_clause_that_names_its_own_doer_keeps_it_alone(news_gazetteer):
    text = (
        "Russian warplanes struck a market in Aleppo on Sunday morning. "
        "Another 12 people were killed in Syrian army air strikes on Hama."
    )
    toll = read(news_gazetteer, text).proposals[-1]
    assert doers(toll) == ["Military Forces of Syria (2000-)"]


def test_a_statements_speaker_is_no_doer_to_inherit(news_gazetteer):
    text = (
        "Kerry said warplanes struck Aleppo on Sunday morning. "
        "At least 20 civilians were killed in the strikes."
    )
    reading = read(news_gazetteer, text)
    strikes = [p for p in reading.proposals if p.type_slug == "air-drone-strike"]
    assert strikes
    assert all(doers(p) == [] for p in strikes)
    assert all(actor.name != "John Kerry" for p in strikes for actor, _role in p.actors)


def test_strikes_on_a_day_the_earlier_strike_does_not_meet_take_no_doer(news_gazetteer):
    text = (
        "Russian warplanes struck a market in Aleppo in July. "
        "At least 20 civilians were killed in the strikes on Sunday."
    )
    toll = read(news_gazetteer, text).proposals[-1]
    assert toll.fuzzy.earliest == SUN_4_SEP_2016
    assert doers(toll) == []


def test_strikes_that_do_not_point_back_take_no_doer(news_gazetteer):
    text = (
        "Russian warplanes struck a market in Aleppo on Sunday morning. "
        "At least 20 civilians were killed in air strikes on Hama."
    )
    toll = read(news_gazetteer, text).proposals[-1]
    assert doers(toll) == []


def test_a_folded_retelling_brings_the_doer_it_names_but_not_its_speaker(news_gazetteer):
    text = (
        "Air strikes hit Aleppo on Sunday morning. "
        "Rebels said the air strikes by Russian warplanes killed Islamic State fighters."
    )
    reading = read(news_gazetteer, text)
    strike = reading.proposals[0]
    assert len(strike.sources) == 2
    assert doers(strike) == ["Military Forces of Russia"]
    assert all(actor.name != "Syrian armed opposition" for actor, _role in strike.actors)
    assert strike.sources[1].start == text.index("Rebels said")
    # The sentence still proposes the rebels' statement.
    assert reading.proposals[1].type_slug == "public-statement"
    assert reading.fates[1].proposals == [1]


def draft(*actors: tuple[ActorEntry, str]) -> ProposalDraft:
    text = "Air strikes hit the town."
    return ProposalDraft(
        type_slug="air-drone-strike",
        trigger="strikes",
        fuzzy=FuzzyDate(SUN_4_SEP_2016, SUN_4_SEP_2016, Precision.DAY),
        planned=False,
        place=None,
        place_note="",
        actors=list(actors),
        headline=text,
        sources=[SourceDraft(0, len(text), text, "", "", "", "")],
        sentence_index=0,
        paragraph=0,
    )


def test_a_retelling_never_changes_a_role_the_proposal_has():
    target = draft((ISLAMIC_STATE, ActorRole.TARGET))
    gain_cast(target, draft((ISLAMIC_STATE, ActorRole.PERPETRATOR)))
    assert target.actors == [(ISLAMIC_STATE, ActorRole.TARGET)]


def test_a_retelling_adds_the_target_but_not_a_second_doer():
    target = draft((RUSSIA, ActorRole.PERPETRATOR))
    gain_cast(target, draft((SYRIAN_ARMY, ActorRole.PERPETRATOR), (CIVILIANS, ActorRole.TARGET)))
    assert target.actors == [(RUSSIA, ActorRole.PERPETRATOR), (CIVILIANS, ActorRole.TARGET)]


def test_a_retelling_adds_no_speaker_source_or_civilians_as_a_side():
    target = draft((RUSSIA, ActorRole.PERPETRATOR))
    told = draft(
        (KERRY, ActorRole.SPEAKER),
        (MONITOR, ActorRole.TARGET),
        (CIVILIANS, ActorRole.SIDE_B),
    )
    gain_cast(target, told)
    assert target.actors == [(RUSSIA, ActorRole.PERPETRATOR)]


def test_a_retelling_that_puts_the_proposals_actor_on_the_other_side_adds_no_side():
    target = draft((RUSSIA, ActorRole.PERPETRATOR))
    told = draft(
        (RUSSIA, ActorRole.TARGET),
        (ISLAMIC_STATE, ActorRole.ASSOCIATED_A),
        (KERRY, ActorRole.MEDIATOR),
    )
    gain_cast(target, told)
    assert target.actors == [(RUSSIA, ActorRole.PERPETRATOR), (KERRY, ActorRole.MEDIATOR)]


def test_victims_told_of_before_take_the_doer_of_the_killing(news_gazetteer):
    text = (
        "Islamic State fighters executed 30 villagers near Deir al-Zor on Sunday morning. "
        "Those who were executed had refused to leave their homes."
    )
    reading = read(news_gazetteer, text)
    executions = [p for p in reading.proposals if p.type_slug == reading.proposals[0].type_slug]
    assert len(executions) == 2
    assert [doers(p) for p in executions] == [["Islamic State"], ["Islamic State"]]


def test_passive_violence_against_civilians_takes_the_campaigns_only_doer(news_gazetteer):
    text = (
        "IS militants began executing hostages near Hama on Monday. "
        "Two churches in the villages have been torched since Monday. "
        "At least 200 civilians have been abducted from the villages since Monday."
    )
    executions, torching, abductions = read(news_gazetteer, text).proposals
    assert doers(executions) == ["Islamic State"]
    assert doers(torching) == ["Islamic State"]
    assert doers(abductions) == ["Islamic State"]
    assert abductions.cast_note.startswith(
        "Islamic State: the only doer the report names of such violence"
    )


def test_a_campaign_doer_is_not_given_to_a_bare_noun_or_when_two_are_named(news_gazetteer):
    text = (
        "IS militants began executing hostages near Hama on Monday. "
        "The town was the site of a massacre on Monday."
    )
    _executions, massacre = read(news_gazetteer, text).proposals
    assert doers(massacre) == []
    text = (
        "IS militants began executing hostages near Hama on Monday. "
        "Government forces arrested dozens of residents near Hama on Monday. "
        "Two churches in the villages have been torched since Monday."
    )
    *_named, torching = read(news_gazetteer, text).proposals
    assert doers(torching) == []


def test_bombings_take_no_campaign_doer(news_gazetteer):
    text = (
        "IS militants began executing hostages near Hama on Monday. "
        "Two car bombs were detonated in Hama on Monday killing 20 people."
    )
    _executions, bombing = read(news_gazetteer, text).proposals
    assert doers(bombing) == []


def test_the_one_actor_a_statement_blames_is_the_alleged_doer(news_gazetteer):
    text = (
        "A car bomb exploded in Azaz on Wednesday, killing 20. "
        "Turkey on Thursday blamed Islamic State for the attack."
    )
    bombing = read(news_gazetteer, text).proposals[0]
    assert bombing.type_slug == "remote-explosive-landmine-ied"
    assert cast(bombing) == [("Islamic State", ActorRole.PERPETRATOR)]
    assert bombing.cast_note.startswith("Islamic State: alleged, blamed by Government of Turkey")


def test_two_statements_blaming_different_actors_leave_the_violence_without_a_doer(
    news_gazetteer,
):
    text = (
        "A car bomb exploded in Azaz on Wednesday, killing 20. "
        "Turkey on Thursday blamed Islamic State for the attack. "
        "Islamic State on Thursday accused the Syrian army of carrying out the attack."
    )
    bombing = read(news_gazetteer, text).proposals[0]
    assert bombing.type_slug == "remote-explosive-landmine-ied"
    assert cast(bombing) == []
    # An accusation of an actor the database lacks contradicts the other one all the same.
    text = (
        "A car bomb exploded in Azaz on Wednesday, killing 20. "
        "Turkey on Thursday blamed the Kurdish PYD for the attack. "
        "The PYD on Thursday accused Islamic State of carrying out the attack."
    )
    assert cast(read(news_gazetteer, text).proposals[0]) == []
