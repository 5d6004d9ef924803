"""Roles from the sentence's shape, names in copy that lost its apostrophes, datelines, counts
that look like years, "due to", vague spans, and proposals dated where no event can be."""

from datetime import date

import pytest

from events.dates import resolve_phrase
from events.ingest.fatalities import Fatalities, fatalities
from events.ingest.phrases import find_date_phrases
from events.ingest.pipeline import ingest_article
from events.models import ActorRole, Event
from tests.factories import EventTypeFactory, LocationFactory
from tests.ingest.test_actors import cast, read

SUN_4_SEP_2016 = date(2016, 9, 4)


def test_civilians_who_died_in_an_attack_are_its_target(news_gazetteer):
    (proposal,) = read(
        news_gazetteer, "Hundreds of civilians died in a gas attack in Syria on Sunday."
    )
    assert cast(proposal) == [("Civilians (Syria)", ActorRole.TARGET)]


def test_the_agent_after_by_is_the_perpetrator_and_the_victims_the_target(news_gazetteer):
    text = "On Sunday 40 civilians were killed in air strikes by the Syrian army in Aleppo."
    (proposal,) = read(news_gazetteer, text)
    assert sorted(cast(proposal)) == [
        ("Civilians (Syria)", ActorRole.TARGET),
        ("Military Forces of Syria (2000-)", ActorRole.PERPETRATOR),
    ]


def test_backed_by_is_support_not_the_agent(news_gazetteer):
    text = "Turkish-backed fighters backed by the U.S.-led coalition captured a village on Sunday."
    (proposal,) = read(news_gazetteer, text)
    assert ("US-led coalition", ActorRole.SUPPORTER) in cast(proposal)


def test_a_leaders_regime_is_his_state_not_the_man(news_gazetteer):
    text = "The Assad regime shelled Aleppo on Sunday."
    (proposal,) = read(news_gazetteer, text)
    assert cast(proposal) == [("Military Forces of Syria (2000-)", ActorRole.PERPETRATOR)]


def test_copy_without_apostrophes_still_names_what_it_possesses(news_gazetteer):
    # FA-KES and much scraped copy drop every apostrophe: "Syrias", "Assads".
    text = "Assads forces shelled Syrias city of Hama on Sunday."
    (proposal,) = read(news_gazetteer, text)
    assert cast(proposal) == [("Military Forces of Syria (2000-)", ActorRole.PERPETRATOR)]
    assert proposal.place.name == "Hama"


def test_a_name_ending_in_s_is_not_a_possessive_where_apostrophes_are_kept(news_gazetteer):
    text = "The army's jets struck Hamas positions on Sunday."
    (proposal,) = read(news_gazetteer, text)
    assert proposal.place is None or proposal.place.name != "Hama"


def test_the_dateline_dates_the_report_not_its_news(news_gazetteer):
    text = "September 4 2016 Syrian army shelled Aleppo killing 12 people."
    (proposal,) = read(news_gazetteer, text)
    # Undated news: the week up to the report, not the day of the dateline alone.
    assert (proposal.fuzzy.earliest, proposal.fuzzy.latest) == (date(2016, 8, 28), SUN_4_SEP_2016)


def test_an_agency_dateline_inside_the_text_is_no_event_date(news_gazetteer):
    text = "Aleppo August 30 2016 (Reuters) The Syrian army shelled Aleppo."
    (proposal,) = read(news_gazetteer, text)
    assert proposal.fuzzy.earliest != date(2016, 8, 30) or proposal.fuzzy.latest != date(
        2016, 8, 30
    )


def test_a_count_with_adjectives_is_not_a_year():
    found = find_date_phrases(
        "In exchange 2000 Sunni residents left the town.", reference=SUN_4_SEP_2016
    )
    assert found == []
    (year,) = find_date_phrases("In 2013 rebel fighters seized the town.", reference=SUN_4_SEP_2016)
    assert year.text == "In 2013" and year.fuzzy.earliest == date(2013, 1, 1)


def test_due_to_a_cause_is_not_the_future():
    (cause,) = find_date_phrases(
        "Ten died due to artillery shelling on Sunday.", reference=SUN_4_SEP_2016
    )
    assert not cause.future and cause.fuzzy.earliest == SUN_4_SEP_2016
    (plan,) = find_date_phrases(
        "The truce is due to take effect on Monday.", reference=SUN_4_SEP_2016
    )
    assert plan.future and plan.fuzzy.earliest == date(2016, 9, 5)


def test_the_last_few_days_are_the_week_up_to_the_reference():
    fuzzy = resolve_phrase("in the last few days", reference=SUN_4_SEP_2016)
    assert (fuzzy.earliest, fuzzy.latest) == (date(2016, 8, 28), SUN_4_SEP_2016)


@pytest.mark.django_db
def test_a_proposal_outside_the_event_date_window_is_skipped_with_its_reason(settings):
    settings.EVENT_DATE_MIN = date(2000, 1, 1)
    syria = LocationFactory(name="Syria", slug="syria", kind="country", iso_code="SYR")
    LocationFactory(name="Aleppo", slug="aleppo", kind="city", parent=syria)
    EventTypeFactory(slug="air-drone-strike", name="Air strike")
    text = (
        "Warplanes struck Aleppo in 1982, a monitor said.\n"
        "Warplanes struck Aleppo on Sunday, a monitor said."
    )
    result = ingest_article(
        text=text, publication_date=SUN_4_SEP_2016, outlet="Wire", new_outlet=True
    )
    assert [stored.event.date_earliest for stored in result.proposals] == [SUN_4_SEP_2016]
    (skipped,) = result.skipped
    assert "outside the dates events may have (2000-01-01" in skipped
    assert Event.objects.count() == 1


@pytest.mark.parametrize(
    ("clause", "low", "best", "high"),
    [
        ("Warplanes killed 12 civilians in Aleppo", None, 12, None),
        ("Two car bombs killed at least 25 people", 25, None, None),
        ("between 10 and 15 people were killed in the raid", 10, None, 15),
        ("up to 15 people died in the shelling", None, None, 15),
        ("about 40 people were killed", None, 40, None),
        ("the statement put the death toll at at least 70", 70, None, None),
        ("12 wounded in the attack", None, None, None),
        ("dozens were killed", None, None, None),
        ("In 2013 1300 were killed", None, 1300, None),
        ("at least 14 members of the terrorist group were killed in the shelling", 14, None, None),
    ],
)
def test_deaths_are_read_as_low_best_and_high(clause, low, best, high):
    assert fatalities(clause) == Fatalities(low=low, best=best, high=high)


@pytest.mark.django_db
def test_a_proposal_stores_the_deaths_its_clause_reports():
    syria = LocationFactory(name="Syria", slug="syria", kind="country", iso_code="SYR")
    LocationFactory(name="Aleppo", slug="aleppo", kind="city", parent=syria)
    EventTypeFactory(slug="air-drone-strike", name="Air strike")
    text = "Air strikes killed at least 12 people in Aleppo on Sunday, a monitor said."
    result = ingest_article(
        text=text, publication_date=SUN_4_SEP_2016, outlet="Wire", new_outlet=True
    )
    (stored,) = result.proposals
    event = Event.objects.get(pk=stored.event.pk)
    assert (event.fatalities_low, event.fatalities_best, event.fatalities_high) == (12, None, None)


def test_a_name_nested_places_share_is_the_finest_unless_a_division_word_follows():
    from events.ingest.gazetteer import Place
    from events.ingest.nameforms import nested_choice

    syria = Place(1, "Syria", "country", 0, "/1/")
    governorate = Place(2, "Hama", "governorate", 1, "/1/2/")
    district = Place(3, "Hama", "district", 2, "/1/2/3/")
    city = Place(4, "Hama", "city", 3, "/1/2/3/4/")
    elsewhere = Place(5, "Hama", "village", 1, "/9/5/")
    shared = (governorate, district, city)
    assert nested_choice(shared, " on Monday") == (city,)
    assert nested_choice(shared, " province on Monday") == (governorate,)
    assert nested_choice(shared, " countryside") == (governorate,)
    assert nested_choice(shared, " district") == (district,)
    assert nested_choice((governorate, elsewhere), "") == (governorate, elsewhere)
    assert nested_choice((syria,), "") == (syria,)


def test_copy_without_commas_keeps_its_event_out_of_the_source(news_gazetteer):
    text = "Syrian tanks shelled the city of Hama on Sunday killing four civilians residents said."
    (strike, *_rest) = read(news_gazetteer, text)
    assert strike.type_slug == "shelling-artillery-missile-attack"
    assert strike.place.name == "Hama"
    assert ("Military Forces of Syria (2000-)", ActorRole.PERPETRATOR) in cast(strike)


def test_a_source_named_with_the_forces_it_commands_stays_the_source(news_gazetteer):
    text = (
        "However, John Kerry, the head of forces fighting Islamic State, told a briefing on "
        "Sunday that the convoy had turned back."
    )
    proposals = read(news_gazetteer, text)
    assert all(p.type_slug != "armed-clash" for p in proposals)


def test_a_named_speaker_the_database_does_not_hold_still_makes_a_statement(news_gazetteer):
    text = "The International Committee of the Red Cross said on Sunday that it was deeply worried."
    (said,) = read(news_gazetteer, text)
    # The draft carries the speaker pending, for the editor to add.
    ((speaker, role),) = said.actors
    assert said.type_slug == "public-statement" and role == ActorRole.SPEAKER
    assert (speaker.name, speaker.kind, speaker.stored) == (
        "International Committee of the Red Cross",
        "international_organisation",
        False,
    )
    assert said.fuzzy.earliest == SUN_4_SEP_2016
    assert said.headline.startswith("International Committee of the Red Cross:")


def test_a_monitor_or_a_source_only_attributes(news_gazetteer):
    for source in ("The Syrian Observatory", "A military source", "Activists"):
        assert read(news_gazetteer, f"{source} said on Sunday that it was deeply worried.") == []


def test_an_event_word_in_the_perfect_is_done_before_the_report_though_now_is_said(
    news_gazetteer,
):
    # Publication: Sunday 4 September 2016.
    text = "Until now 150 Alawites from the villages near Hama have been kidnapped."
    (proposal,) = read(news_gazetteer, text)
    assert proposal.fuzzy.latest == date(2016, 9, 4)
    assert proposal.fuzzy.earliest < date(2016, 9, 4)


def test_a_state_of_things_now_keeps_the_day_of_the_report(news_gazetteer):
    text = "The militants now appear to have secured the town of Salma near Hama."
    (proposal,) = read(news_gazetteer, text)
    assert (proposal.fuzzy.earliest, proposal.fuzzy.latest) == (date(2016, 9, 4),) * 2


def test_who_the_doers_are_believed_to_be_is_no_aim(news_gazetteer):
    # "to be Russian" is no "to kill": the killing happened.
    text = "Jets believed to be Russian killed at least 60 civilians near Raqqa on Sunday."
    (proposal,) = read(news_gazetteer, text)
    assert proposal.type_slug == "attack"
    assert proposal.fatalities.low == 60
    assert ("Military Forces of Russia", ActorRole.PERPETRATOR) in cast(proposal)
    assert read(news_gazetteer, "Rebels hope to kill more soldiers near Raqqa on Sunday.") == []


def test_a_drone_shot_down_or_a_missile_intercepted_is_disrupted_weapons_use(news_gazetteer):
    for text in (
        "A drone was shot down over Raqqa on Sunday.",
        "Turkish air defences intercepted a missile fired at Kilis on Sunday.",
        "Army engineers defused a bomb in Raqqa on Sunday.",
    ):
        (proposal,) = read(news_gazetteer, text)
        assert proposal.type_slug == "disrupted-weapons-use", text
    text = "Turkish air defences intercepted a missile fired at Kilis on Sunday."
    assert cast(read(news_gazetteer, text)[0])[0] == ("Military Forces of Turkey", ActorRole.SIDE_A)
    # Intercepted messages are no weapons.
    assert read(news_gazetteer, "Turkey intercepted messages from Raqqa on Sunday.") == []
