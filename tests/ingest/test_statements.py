"""Statements beside the events they tell of: an accusation, a denial, an announcement."""

from datetime import date

from events.ingest.reading import read_article
from events.models import ActorRole

SUN_4_SEP_2016 = date(2016, 9, 4)


def read(gazetteer, text: str):
    return read_article(text, publication_date=SUN_4_SEP_2016, gazetteer=gazetteer).proposals


def by_type(proposals) -> dict[str, object]:
    return {p.type_slug: p for p in proposals}


def test_an_accusation_is_a_statement_beside_the_strike_it_tells_of(news_gazetteer):
    text = "The Syrian government accused Turkish troops of shelling Hama on Saturday."
    found = by_type(read(news_gazetteer, text))
    assert set(found) == {"public-statement", "shelling-artillery-missile-attack"}
    strike, said = found["shelling-artillery-missile-attack"], found["public-statement"]
    assert (strike.fuzzy.earliest, strike.fuzzy.latest) == (date(2016, 9, 3), date(2016, 9, 3))
    # Made after the shelling it tells of, by the day of the report; where is not said.
    assert (said.fuzzy.earliest, said.fuzzy.latest) == (date(2016, 9, 3), SUN_4_SEP_2016)
    assert said.place is None
    assert {actor.name: role for actor, role in said.actors}["Government of Syria"] == (
        ActorRole.SPEAKER
    )


def test_a_denial_is_a_statement_of_the_one_who_denies(news_gazetteer):
    text = "Russian military denied on Friday that its jets bombed a hospital in Aleppo."
    found = by_type(read(news_gazetteer, text))
    assert "air-drone-strike" in found
    said = found["public-statement"]
    assert said.place is None
    assert [(a.name, r) for a, r in said.actors if r == ActorRole.SPEAKER] == [
        ("Military Forces of Russia", ActorRole.SPEAKER)
    ]


def test_a_monitor_announcing_deaths_makes_no_statement(news_gazetteer):
    text = (
        "The Syrian Observatory for Human Rights announced that Syrian army shelling "
        "killed 12 people in Hama on Saturday."
    )
    assert "public-statement" not in by_type(read(news_gazetteer, text))


def test_a_statement_word_after_the_event_word_adds_no_second_statement(news_gazetteer):
    text = "Turkish troops shelled Hama on Saturday and the Syrian government condemned it."
    statements = [p for p in read(news_gazetteer, text) if p.type_slug == "public-statement"]
    assert len(statements) <= 1


def test_an_undated_has_said_is_a_statement_of_the_week_up_to_the_report(news_gazetteer):
    text = "Kerry has said the ceasefire must hold."
    (said,) = [p for p in read(news_gazetteer, text) if p.type_slug == "public-statement"]
    assert (said.fuzzy.earliest, said.fuzzy.latest) == (date(2016, 8, 28), SUN_4_SEP_2016)
    assert said.place is None


def test_an_undated_said_is_the_day_of_the_report(news_gazetteer):
    text = "Kerry said the ceasefire must hold."
    (said,) = [p for p in read(news_gazetteer, text) if p.type_slug == "public-statement"]
    assert (said.fuzzy.earliest, said.fuzzy.latest) == (SUN_4_SEP_2016, SUN_4_SEP_2016)


def test_a_day_opening_the_sentence_before_who_said_dates_the_statement(news_gazetteer):
    text = "On Friday the Syrian government said its forces struck IS positions near Hama."
    said = by_type(read(news_gazetteer, text))["public-statement"]
    assert (said.fuzzy.earliest, said.fuzzy.latest) == (date(2016, 9, 2), date(2016, 9, 2))


def test_a_day_opening_a_report_of_shelling_dates_the_shelling(news_gazetteer):
    text = "On Friday Syrian army units shelled Hama residents said."
    (shelling,) = read(news_gazetteer, text)
    assert (shelling.fuzzy.earliest, shelling.fuzzy.latest) == (date(2016, 9, 2), date(2016, 9, 2))


def test_blaming_in_the_present_is_a_statement_beside_the_attack(news_gazetteer):
    text = "Washington blames the Syrian government for the attack on Aleppo on Saturday."
    found = by_type(read(news_gazetteer, text))
    said = found["public-statement"]
    assert ("Government of the United States", ActorRole.SPEAKER) in [
        (actor.name, role) for actor, role in said.actors
    ]


def speakers(proposal) -> list[str]:
    return [actor.name for actor, role in proposal.actors if role == ActorRole.SPEAKER]


def test_a_country_alone_before_said_speaks_as_its_government(news_gazetteer):
    text = "The United States said on Friday it was alarmed by the fighting."
    said = by_type(read(news_gazetteer, text))["public-statement"]
    assert speakers(said) == ["Government of the United States"]
    assert said.place is None


def test_a_country_inside_a_longer_speaker_is_not_the_speaker(news_gazetteer):
    text = "A lawmaker from Turkey said on Friday the border must stay closed."
    found = read(news_gazetteer, text)
    assert all("Government of Turkey" not in speakers(p) for p in found)


def test_a_statement_about_an_event_told_before_is_bounded_by_it(news_gazetteer):
    text = (
        "Syrian army jets struck Hama on August 20. "
        "The United States said it was alarmed by the strike."
    )
    found = read(news_gazetteer, text)
    (said,) = [p for p in found if p.type_slug == "public-statement"]
    # Said after the strike it answers, by the day of the report; not on the day alone.
    assert (said.fuzzy.earliest, said.fuzzy.latest) == (date(2016, 8, 20), SUN_4_SEP_2016)


def test_a_statement_naming_only_talks_is_the_day_of_the_report(news_gazetteer):
    text = "Syrian army jets struck Hama on August 20. Kerry said a ceasefire must come."
    found = read(news_gazetteer, text)
    (said,) = [p for p in found if p.type_slug == "public-statement"]
    assert (said.fuzzy.earliest, said.fuzzy.latest) == (SUN_4_SEP_2016, SUN_4_SEP_2016)


def test_he_said_goes_on_with_the_occasion_its_speaker_was_quoted_on(news_gazetteer):
    text = (
        "Syrian army jets struck Hama on Thursday. "
        "Kerry told reporters in Washington the strike was a grave mistake. "
        "“We will answer the strike,” he said."
    )
    found = read(news_gazetteer, text)
    days = {(p.fuzzy.earliest, p.fuzzy.latest) for p in found if p.type_slug != "air-drone-strike"}
    assert days == {(SUN_4_SEP_2016, SUN_4_SEP_2016)}


def test_a_name_closing_the_sentence_with_said_is_its_speaker_without_a_comma(news_gazetteer):
    text = "Syrian army jets struck Hama on Thursday the United States said on Saturday."
    found = by_type(read(news_gazetteer, text))
    said = found["public-statement"]
    assert speakers(said) == ["Government of the United States"]
    assert (said.fuzzy.earliest, said.fuzzy.latest) == (date(2016, 9, 3), date(2016, 9, 3))
    assert found["air-drone-strike"].place.name == "Hama"


def test_what_an_announcement_reports_is_not_where_it_was_made(news_gazetteer):
    text = "The Syrian army announced on Saturday that it had retaken villages near Hama."
    said = by_type(read(news_gazetteer, text))["public-statement"]
    assert said.place is None


def test_where_a_statement_was_made_follows_its_verb_phrase_by_phrase(news_gazetteer):
    text = (
        "Kerry told reporters at a news conference in the Syrian city of Damascus on Saturday "
        "that he was hopeful."
    )
    (said,) = read(news_gazetteer, text)
    assert said.place.name == "Damascus"


def test_a_general_staff_speaks_for_itself(news_gazetteer):
    text = (
        "The Turkish General Staff said on Saturday that its artillery shelled IS positions "
        "near Aleppo."
    )
    said = by_type(read(news_gazetteer, text))["public-statement"]
    assert speakers(said) == ["Turkish General Staff"]
    assert (said.fuzzy.earliest, said.fuzzy.latest) == (date(2016, 9, 3), date(2016, 9, 3))


def test_talks_about_a_strike_are_talks_not_a_strike(news_gazetteer):
    text = "Kerry discussed the air strikes with the Turkish foreign minister on Saturday."
    found = by_type(read(news_gazetteer, text))
    assert set(found) == {"negotiations"}
    assert found["negotiations"].place is None


def test_a_person_denying_is_the_speaker_and_his_titles_body_takes_part(news_gazetteer):
    text = "Russian Defence Ministry spokesman Igor Konashenkov denied the reports on Saturday."
    said = by_type(read(news_gazetteer, text))["public-statement"]
    assert speakers(said) == ["Igor Konashenkov"]
    roles = {actor.name: role for actor, role in said.actors}
    assert roles["Government of Russia"] == ActorRole.PARTICIPANT


def test_whom_a_statement_word_in_the_passive_is_about_does_not_speak(news_gazetteer):
    text = "Islamic State was condemned on Friday for abuses in Hama. Turkey condemned it too."
    proposals = read(news_gazetteer, text)
    speakers = [(a.name, r) for p in proposals for a, r in p.actors if r == ActorRole.SPEAKER]
    # The sentence in the active names its speaker; the one in the passive names none.
    assert speakers == [("Government of Turkey", ActorRole.SPEAKER)]
