"""An undated sentence that tells again an event another sentence dates joins its proposal."""

from datetime import date

from events.ingest.drafts import PlaceBasis
from events.ingest.reading import read_article
from events.models import ActorRole

SUN_4_SEP_2016 = date(2016, 9, 4)
THU_31_AUG_2017 = date(2017, 8, 31)


def read(gazetteer, text: str, reference: date = SUN_4_SEP_2016):
    reading = read_article(text, publication_date=reference, gazetteer=gazetteer)
    for proposal in reading.proposals:
        for source in proposal.sources:
            assert text[source.start : source.end] == source.excerpt
    return reading


def test_a_retelling_joins_the_dated_event_with_its_place_and_actors(news_gazetteer):
    text = (
        "Turkish-backed fighters drove Islamic State from the areas along its border on Sunday.\n"
        "In a separate battle, militants backed by Turkey drove IS militants from all areas "
        "along the Syrian-Turkish border, according to the militants and Ankara."
    )
    reading = read(news_gazetteer, text)
    (proposal,) = reading.proposals
    assert reading.undated == []
    assert [s.excerpt[:20] for s in proposal.sources] == [
        "Turkish-backed fight",
        "In a separate battle",
    ]
    retold = proposal.sources[1]
    assert (retold.date_phrase, retold.basis) == ("", "")
    assert "tells again the event dated by “on Sunday”" in retold.resolution
    assert proposal.place.name == "Syrian–Turkish border strip (Aleppo Governorate)"
    assert proposal.place_basis == PlaceBasis.THREAD
    assert ("Military Forces of Turkey", ActorRole.SUPPORTER) in [
        (a.name, role) for a, role in proposal.actors
    ]


def test_claims_from_different_sources_are_kept_apart(news_gazetteer):
    text = (
        "The convoy headed north on Thursday, a commander said.\n"
        "The convoy had headed north into government territory, Kerry said."
    )
    reading = read(news_gazetteer, text, THU_31_AUG_2017)
    dated = [p for p in reading.proposals if p.type_slug == "troop-movement"]
    assert [len(p.sources) for p in dated] == [1, 1]
    assert [p.sources[0].attributed_to for p in dated] == ["a commander", "Kerry"]


def test_an_undated_sentence_that_retells_nothing_is_left_to_the_editor(news_gazetteer):
    text = "Warplanes struck Aleppo on Sunday.\nRebels have often captured villages near Hama."
    reading = read(news_gazetteer, text)
    assert len(reading.proposals) == 1
    assert reading.undated == ["“Rebels have often captured villages near Hama.”"]


def test_a_retelling_in_the_present_perfect_takes_the_event_to_the_day_it_was_told(
    news_gazetteer,
):
    text = (
        "A convoy of Islamic State fighters left Aleppo on Tuesday. "
        "The U.S.-led coalition struck fighters on their way to meet the convoy on Wednesday. "
        "“But we have struck every ISIS fighter that tried to approach that convoy,” Kerry said."
    )
    reading = read(news_gazetteer, text, THU_31_AUG_2017)
    strike = next(p for p in reading.proposals if p.type_slug == "air-drone-strike")
    assert (strike.fuzzy.earliest, strike.fuzzy.latest) == (date(2017, 8, 30), THU_31_AUG_2017)
    assert len(strike.sources) == 2
    assert "“have struck” in an account given on 31 Aug 2017" in strike.sources[0].resolution


def test_a_retelling_in_the_past_keeps_the_events_date(news_gazetteer):
    text = (
        "A convoy of Islamic State fighters left Aleppo on Tuesday. "
        "The U.S.-led coalition struck fighters on their way to meet the convoy on Wednesday. "
        "“We struck every ISIS fighter that tried to approach that convoy,” Kerry said."
    )
    reading = read(news_gazetteer, text, THU_31_AUG_2017)
    strike = next(p for p in reading.proposals if p.type_slug == "air-drone-strike")
    assert (strike.fuzzy.earliest, strike.fuzzy.latest) == (date(2017, 8, 30), date(2017, 8, 30))
    assert len(strike.sources) == 2


def test_a_strike_dated_coarser_than_its_toll_takes_the_tolls_day_and_a_part_stays_apart(
    news_gazetteer,
):
    text = (
        "Last updated at Sep 042016 Beirut Air strikes on towns across Syria killed at least 44 "
        "people on Sunday a monitoring group said.\n"
        "In Hama 16 civilians were killed in four air strikes while 25 were wounded."
    )
    proposals = read(news_gazetteer, text).proposals
    assert [(p.fuzzy.display, p.fatalities.low, p.fatalities.best) for p in proposals] == [
        ("4 Sep 2016", 44, None),
        ("c. 28 Aug – 4 Sep 2016", None, 16),
    ]


def test_the_attack_names_again_the_violence_told_just_before_with_its_toll(news_gazetteer):
    text = (
        "Air strikes hit the town of Saraqeb on Thursday. "
        "The attack killed 20 people including five children."
    )
    (proposal,) = read(news_gazetteer, text).proposals
    assert proposal.type_slug == "air-drone-strike"
    assert len(proposal.sources) == 2
    assert proposal.fatalities.best == 20
    assert str(proposal.fuzzy.earliest) == "2016-09-01"


def test_the_attack_joins_nothing_when_two_acts_of_violence_were_just_told(news_gazetteer):
    text = (
        "Russian jets struck a market in Idlib on Thursday. Rebels shelled Aleppo on Thursday. "
        "The attack killed 20 people including five children."
    )
    proposals = read(news_gazetteer, text).proposals
    assert [p.type_slug for p in proposals] == [
        "air-drone-strike",
        "shelling-artillery-missile-attack",
        "attack",
    ]
    assert [len(p.sources) for p in proposals] == [1, 1, 1]
