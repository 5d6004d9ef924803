"""Who was killed: people counted in words are the report's civilians."""

from datetime import date

from events.ingest.reading import read_article
from events.models import ActorRole

SUN_4_SEP_2016 = date(2016, 9, 4)


def cast(gazetteer, text: str) -> dict[str, str]:
    (proposal,) = read_article(text, publication_date=SUN_4_SEP_2016, gazetteer=gazetteer).proposals
    return {actor.name: role for actor, role in proposal.actors}


def test_people_counted_in_words_killed_by_a_bomb_are_civilians_targeted(news_gazetteer):
    text = "A car bomb killed four people in Damascus on Saturday."
    assert cast(news_gazetteer, text) == {"Civilians (Syria)": ActorRole.TARGET}


def test_people_killed_as_forces_shelled_are_the_targets_of_the_shelling(news_gazetteer):
    text = "Two people were killed as Syrian army units shelled a village near Hama on Saturday."
    assert cast(news_gazetteer, text) == {
        "Civilians (Syria)": ActorRole.TARGET,
        "Military Forces of Syria (2000-)": ActorRole.PERPETRATOR,
    }


def test_a_number_word_before_fighters_makes_no_civilians(news_gazetteer):
    text = "Syrian army units shelled Hama on Saturday, killing seven IS fighters."
    assert "Civilians (Syria)" not in cast(news_gazetteer, text)


def test_deaths_after_an_air_strike_are_the_toll_of_that_strike(news_gazetteer):
    text = (
        "At least 12 people died on Saturday after Syrian government air strikes hit "
        "the town of Hama."
    )
    (proposal,) = read_article(
        text, publication_date=SUN_4_SEP_2016, gazetteer=news_gazetteer
    ).proposals
    assert proposal.type_slug == "air-drone-strike"
    assert dict((actor.name, role) for actor, role in proposal.actors)["Civilians (Syria)"] == (
        ActorRole.TARGET
    )
    assert proposal.fatalities.low == 12
    assert (proposal.fuzzy.earliest, proposal.fuzzy.latest) == (date(2016, 9, 3), date(2016, 9, 3))


def test_forces_that_attacked_as_people_were_killed_are_the_perpetrators(news_gazetteer):
    text = "Two people were killed as Syrian army units attacked a village near Hama on Saturday."
    assert cast(news_gazetteer, text)["Military Forces of Syria (2000-)"] == (ActorRole.PERPETRATOR)
