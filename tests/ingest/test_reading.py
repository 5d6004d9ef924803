"""Reading an article into proposals: clauses, inherited dates, plans, claims — no database."""

from datetime import date

from events.ingest.reading import read_article
from events.models import DateBasis

SUN_4_SEP_2016 = date(2016, 9, 4)
THU_31_AUG_2017 = date(2017, 8, 31)


def read(gazetteer, text: str, reference: date = THU_31_AUG_2017):
    reading = read_article(text, publication_date=reference, gazetteer=gazetteer)
    for proposal in reading.proposals:
        for source in proposal.sources:
            assert text[source.start : source.end] == source.excerpt
    return reading


def test_two_events_in_one_sentence_become_two_proposals_with_their_own_dates(gazetteer):
    text = (
        "On Thursday they sought to move into IS-held territory after U.S.-led strikes on "
        "Wednesday stopped them, a commander said."
    )
    proposals = read(gazetteer, text).proposals
    assert [(p.type_slug, p.fuzzy.earliest.day) for p in proposals] == [
        ("troop-movement", 31),
        ("air-drone-strike", 30),
    ]
    movement, strike = proposals
    assert movement.excerpt.startswith("On Thursday they sought to move")
    assert strike.excerpt.startswith("after U.S.-led strikes on Wednesday")
    assert [a.name for a, _ in strike.actors] == ["US-led coalition"]
    assert {p.sources[0].attributed_to for p in proposals} == {"a commander"}


def test_a_clause_without_a_date_shares_the_other_clauses_date_and_says_so(gazetteer):
    text = (
        "Syrian government forces laid siege to Aleppo on Sunday, while Turkish troops drove "
        "Islamic State from the border."
    )
    _siege, drive = read(gazetteer, text, SUN_4_SEP_2016).proposals
    assert drive.type_slug == "non-state-actor-overtakes-territory"
    assert drive.fuzzy.earliest == SUN_4_SEP_2016
    assert drive.sources[0].basis == DateBasis.SENTENCE
    assert "other clause" in drive.sources[0].resolution


def test_a_sentence_that_continues_the_previous_one_inherits_its_date(gazetteer):
    text = "Warplanes struck the convoy on Wednesday. It also struck fighters on their way to it."
    first, second = read(gazetteer, text).proposals
    assert second.fuzzy == first.fuzzy
    assert second.sources[0].basis == DateBasis.PREVIOUS
    assert second.sources[0].date_phrase == "on Wednesday"
    assert "previous sentence" in second.sources[0].resolution


def test_an_unsupported_sentence_gets_no_date_and_is_left_to_the_editor(gazetteer):
    text = (
        "Warplanes struck the convoy on Wednesday.\n"
        "Rebels have repeatedly captured villages near Aleppo."
    )
    reading = read(gazetteer, text)
    assert len(reading.proposals) == 1
    assert reading.undated == ["“Rebels have repeatedly captured villages near Aleppo.”"]


def test_the_present_tense_dates_an_event_to_the_day_of_the_report(gazetteer):
    (proposal,) = read(gazetteer, "Kurdish militias are assaulting Raqqa.").proposals
    assert proposal.fuzzy.earliest == proposal.fuzzy.latest == THU_31_AUG_2017
    assert proposal.sources[0].basis == DateBasis.REPORT
    assert "present tense" in proposal.sources[0].resolution


def test_talks_that_will_resume_on_monday_are_planned_not_past(gazetteer):
    text = "Kerry emerged alone to say the two sides would resume talks on Monday."
    proposals = read(gazetteer, text, SUN_4_SEP_2016).proposals
    planned = [p for p in proposals if p.planned]
    assert [(p.type_slug, p.fuzzy.earliest) for p in planned] == [
        ("negotiations", date(2016, 9, 5))
    ]
    assert planned[0].headline.startswith("Planned:")
    assert planned[0].sources[0].basis == DateBasis.FUTURE
    statement = [p for p in proposals if not p.planned]
    assert [(p.type_slug, p.fuzzy.earliest) for p in statement] == [
        ("public-statement", SUN_4_SEP_2016)
    ]
    assert [(a.name, role) for a, role in statement[0].actors] == [("John Kerry", "speaker")]


def test_a_period_that_holds_an_earlier_named_date_starts_no_earlier(gazetteer):
    text = "A deal brokered in February by Turkey fell apart earlier this year."
    deal, breakdown = read(gazetteer, text, SUN_4_SEP_2016).proposals
    assert (deal.type_slug, deal.fuzzy.earliest) == ("agreement", date(2016, 2, 1))
    assert breakdown.type_slug == "agreement-breakdown"
    assert (breakdown.fuzzy.earliest, breakdown.fuzzy.latest) == (
        date(2016, 2, 1),
        date(2016, 9, 3),
    )
    assert [(a.name, role) for a, role in deal.actors] == [("Government of Turkey", "mediator")]


def test_a_hypothetical_sentence_proposes_nothing(gazetteer):
    text = "The plan would need Turkey to halt its strikes on Aleppo on Monday."
    assert read(gazetteer, text, SUN_4_SEP_2016).proposals == []


def test_a_repeated_sentence_is_one_proposal_with_two_excerpts(gazetteer):
    sentence = "On Sunday, government forces drove insurgents out of the Ramousah military complex."
    (proposal,) = read(gazetteer, f"{sentence}\n{sentence}", SUN_4_SEP_2016).proposals
    assert [s.start for s in proposal.sources] == [0, len(sentence) + 1]
    assert proposal.place.name == "Ramousah military complex"
    assert proposal.type_slug == "government-regains-territory"


def test_a_definite_place_refers_back_to_the_place_just_named(gazetteer):
    text = (
        "On Sunday, troops drove rebels out of the Ramousah military complex. "
        "The militants had captured the complex in early August."
    )
    _sunday, august = read(gazetteer, text, SUN_4_SEP_2016).proposals
    assert august.place.name == "Ramousah military complex"
    assert "named just before" in august.place_note


def test_near_a_town_is_the_area_around_it(gazetteer):
    text = "Advances in recent days brought rebels to within 10 km of Hama."
    (proposal,) = read(gazetteer, text, SUN_4_SEP_2016).proposals
    assert proposal.place.name == "Hama District"


def test_a_country_doing_something_is_its_armed_forces(gazetteer):
    text = "Some 10 days ago, Turkey mounted an incursion aimed at IS."
    (proposal,) = read(gazetteer, text, SUN_4_SEP_2016).proposals
    assert [(a.name, role) for a, role in proposal.actors] == [
        ("Military Forces of Turkey", "side_a"),
        ("Islamic State", "side_b"),
    ]


def test_a_statement_without_a_date_is_the_day_of_the_report_and_gathers_what_follows(gazetteer):
    text = "Kerry told reporters in Aleppo that the convoy turned back. “It left,” he said."
    proposals = read(gazetteer, text).proposals
    (statement,) = [p for p in proposals if p.type_slug == "press-briefing"]
    assert statement.type_slug == "press-briefing"
    assert statement.place.name == "Aleppo"
    assert statement.fuzzy.earliest == THU_31_AUG_2017
    assert [s.attributed_to for s in statement.sources] == ["Kerry", "Kerry"]


def test_a_quotation_attributed_after_its_closing_quote_names_its_source_not_an_actor(gazetteer):
    text = "“We struck the convoy on Wednesday,” Kerry said."
    strike = next(p for p in read(gazetteer, text).proposals if p.type_slug == "air-drone-strike")
    assert strike.sources[0].attributed_to == "Kerry"
    assert "John Kerry" not in [a.name for a, _ in strike.actors]


def test_an_undated_report_of_something_that_happened_is_the_news_of_the_week(gazetteer):
    (proposal,) = read(gazetteer, "Rebels captured a village near Aleppo.").proposals
    assert (proposal.fuzzy.earliest, proposal.fuzzy.latest) == (date(2017, 8, 24), THU_31_AUG_2017)
    assert proposal.sources[0].basis == DateBasis.REPORT
    assert "news of the week up to the report" in proposal.sources[0].resolution


LEAD = "Warplanes struck Aleppo on Wednesday. Rebels shelled Hama on Tuesday. Talks went on."


def test_an_undated_happening_told_after_the_lead_is_the_context_of_the_news(gazetteer):
    text = f"{LEAD} Rebels captured a village near Aleppo."
    captured = read(gazetteer, text).proposals[-1]
    assert (captured.fuzzy.earliest, captured.fuzzy.latest) == (date(2017, 8, 3), THU_31_AUG_2017)
    assert "context of the news: the four weeks up to the report" in captured.sources[0].resolution


def test_an_undated_happening_told_after_the_lead_in_the_present_perfect_is_news(gazetteer):
    text = f"{LEAD} Rebels have captured a village near Aleppo."
    captured = read(gazetteer, text).proposals[-1]
    assert (captured.fuzzy.earliest, captured.fuzzy.latest) == (date(2017, 8, 24), THU_31_AUG_2017)


def test_what_a_dated_statement_reports_happened_on_or_before_that_day(gazetteer):
    text = "Rebels captured a village near Aleppo, the army said on Tuesday."
    (proposal,) = read(gazetteer, text).proposals
    assert (proposal.fuzzy.earliest, proposal.fuzzy.latest) == (
        date(2017, 8, 22),
        date(2017, 8, 29),
    )
    assert proposal.sources[0].date_phrase == "on Tuesday"
