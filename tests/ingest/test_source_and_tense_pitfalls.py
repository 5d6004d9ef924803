"""Dates, sources and speakers on news copy the rules were not written on."""

from datetime import date

from events.ingest.reading import read_article

SUN_4_SEP_2016 = date(2016, 9, 4)


def read(gazetteer, text: str):
    return read_article(text, publication_date=SUN_4_SEP_2016, gazetteer=gazetteer).proposals


def only(proposals, slug: str):
    (found,) = [p for p in proposals if p.type_slug == slug]
    return found


def test_reported_present_with_an_ly_adverb_is_still_the_day_of_the_report(news_gazetteer):
    # "were currently shelling": the present, backshifted after "said"; not done before.
    text = "Residents said government forces were currently shelling Hama."
    shelling = only(read(news_gazetteer, text), "shelling-artillery-missile-attack")
    assert (shelling.fuzzy.earliest, shelling.fuzzy.latest) == (SUN_4_SEP_2016, SUN_4_SEP_2016)


def test_an_organisation_before_the_title_is_not_the_speaking_person(news_gazetteer):
    text = (
        "Amnesty International Regional Director Philip Luther said the bombing of Aleppo "
        "must stop."
    )
    statement = only(read(news_gazetteer, text), "public-statement")
    speakers = [actor.name for actor, role in statement.actors if role == "speaker"]
    assert speakers == ["Philip Luther"]


def test_a_three_word_organisation_before_the_title_is_not_the_speaker(news_gazetteer):
    text = (
        "Human Rights Watch Deputy Director Nadim Houry said the attack on Aleppo was a war crime."
    )
    statement = only(read(news_gazetteer, text), "public-statement")
    speakers = [actor.name for actor, role in statement.actors if role == "speaker"]
    assert speakers == ["Nadim Houry"]


def test_a_town_before_and_the_source_stays_the_place(news_gazetteer):
    # "and the" now joins the town to the source: "Aleppo and the Syrian Observatory …".
    text = (
        "Air strikes killed ten people in Aleppo and the Syrian Observatory for Human Rights "
        "said on Sunday."
    )
    strike = only(read(news_gazetteer, text), "air-drone-strike")
    assert strike.place is not None and strike.place.name == "Aleppo"


def test_a_state_source_after_and_the_still_makes_its_statement(news_gazetteer):
    text = (
        "Turkish troops shelled Kurdish positions near Aleppo and the United States said on Sunday."
    )
    proposals = read(news_gazetteer, text)
    statement = only(proposals, "public-statement")
    assert [a.name for a, _ in statement.actors] == ["Government of the United States"]


def speakers_of(gazetteer, text: str) -> list[str]:
    statement = only(read(gazetteer, text), "public-statement")
    return [actor.name for actor, role in statement.actors if role == "speaker"]


def test_a_name_then_its_title_after_the_events_day_is_the_person(news_gazetteer):
    # The name-then-title rule tries only the leftmost match ("Saturday Peter Salama"),
    # rejects it for "Saturday", and the speaker becomes "Salama Executive".
    text = (
        "Islamic State attacked Sukhna on Saturday Peter Salama Executive Director of the WHO "
        "Health Emergencies Programme said."
    )
    assert speakers_of(news_gazetteer, text) == ["Peter Salama"]


def test_a_secretary_general_named_first_is_the_person_not_the_whole_title(news_gazetteer):
    text = (
        "Islamic State attacked Sukhna on Saturday Jan Egeland Secretary General of the "
        "Norwegian Refugee Council said."
    )
    assert speakers_of(news_gazetteer, text) == ["Jan Egeland"]


def test_excessive_force_against_protesters_is_not_a_peaceful_protest(news_gazetteer):
    text = "Security forces used excessive force against protesters in Damascus on Saturday."
    (event,) = read(news_gazetteer, text)
    assert event.type_slug == "excessive-force-against-protesters"


def test_fighters_from_a_country_are_not_its_army(news_gazetteer):
    text = "Kurdish fighters from Turkey clashed with Islamic State near Aleppo on Saturday."
    (clash,) = read(news_gazetteer, text)
    assert "Military Forces of Turkey" not in [actor.name for actor, _ in clash.actors]
