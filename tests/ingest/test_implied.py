"""Names the text implies: borders, features, holders, backers, allies, back-references."""

from events.ingest.implied import (
    ALLIES,
    HOLDER,
    THREAD,
    find_back_references,
    find_backed,
    find_borders,
    find_features,
    find_holders,
    find_led,
    find_threads,
    split_allies,
)


def syria(gazetteer):
    return gazetteer.country_named("syria")


def places(mentions) -> list[tuple[str, str]]:
    return [(m.surface, m.place.name) for m in mentions if m.place]


def test_a_possessive_border_with_a_neighbour_is_the_border_area_named_after_it(news_gazetteer):
    text = "Fighters were evacuated from Syria’s western border with Lebanon."
    assert places(find_borders(text, news_gazetteer, focus=syria(news_gazetteer))) == [
        ("Syria’s western border with Lebanon", "Western Qalamoun – Lebanese border area")
    ]


def test_two_country_adjectives_name_the_border_in_either_order(news_gazetteer):
    text = (
        "They drove IS from the Turkish-Syrian border and from the border between Syria and Turkey."
    )
    found = find_borders(text, news_gazetteer, focus=None)
    assert [m.place.name for m in found] == [
        "Syrian–Turkish border strip (Aleppo Governorate)",
        "Syrian–Turkish border strip (Aleppo Governorate)",
    ]


def test_a_border_with_no_border_area_between_the_two_countries_is_not_guessed(news_gazetteer):
    text = "They headed for Deir al-Zor, close to the border with Iraq, and to the Syrian border."
    assert find_borders(text, news_gazetteer, focus=syria(news_gazetteer)) == []


def test_the_desert_is_the_one_place_of_the_reports_country_so_called(news_gazetteer):
    text = "The convoy was halted in the desert."
    assert places(find_features(text, news_gazetteer, focus=syria(news_gazetteer))) == [
        ("the desert", "Syrian Desert (central Badia)")
    ]


def test_a_feature_is_not_read_in_a_report_about_a_country_without_one(news_gazetteer):
    turkey = news_gazetteer.country_named("turkey")
    assert find_features("It was halted in the desert.", news_gazetteer, focus=turkey) == []


def test_a_name_is_known_without_its_bracketed_qualifier(news_gazetteer):
    assert places(news_gazetteer.find("Fighting spread across the Syrian Desert.")) == [
        ("Syrian Desert", "Syrian Desert (central Badia)")
    ]


def test_who_holds_a_place_is_read_through_the_reports_country(news_gazetteer):
    text = "Rebels came within 10 km of government-controlled Hama and militant-held Aleppo."
    found = find_holders(text, news_gazetteer, focus=syria(news_gazetteer), taken=[])
    assert [(m.surface, m.actor.name, m.inferred) for m in found] == [
        ("government", "Government of Syria", HOLDER),
        ("militant", "Syrian armed opposition", HOLDER),
    ]


def test_a_holder_already_named_is_not_read_twice(news_gazetteer):
    text = "They moved into IS-held territory."
    direct = news_gazetteer.find(text)
    assert find_holders(text, news_gazetteer, focus=syria(news_gazetteer), taken=direct) == []


def test_fighters_backed_by_a_country_are_its_backed_group(news_gazetteer):
    text = "Militants backed by Turkey drove IS out."
    found = find_backed(text, news_gazetteer, news_gazetteer.find(text))
    assert [(m.surface, m.actor.name) for m in found] == [
        ("Militants", "Turkish-backed Syrian rebels")
    ]


def test_a_country_that_led_a_coalition_is_read_as_the_coalition(news_gazetteer):
    text = "The United States — which opposes Assad — has led a coalition against IS."
    (led,) = find_led(text, news_gazetteer, news_gazetteer.find(text))
    assert led.actor.name == "US-led coalition"
    assert led.surface.startswith("United States") and led.surface.endswith("coalition")


def test_forces_and_their_allies_are_the_forces_and_their_alliance(news_gazetteer):
    text = "Syrian government forces and their allies laid siege to Aleppo."
    found = split_allies(text, news_gazetteer, news_gazetteer.find(text), focus=None)
    assert [(m.surface, m.actor.name, m.inferred) for m in found if m.actor] == [
        ("Syrian government forces", "Military Forces of Syria (2000-)", ""),
        ("their allies", "Pro-Syrian government military alliance", ALLIES),
    ]


def test_their_allies_after_any_member_is_the_alliance_it_belongs_to(news_gazetteer):
    text = "The Syrian army and its allies advanced."
    found = split_allies(text, news_gazetteer, news_gazetteer.find(text), focus=None)
    assert [(m.surface, m.actor.name) for m in found] == [
        ("Syrian army", "Military Forces of Syria (2000-)"),
        ("its allies", "Pro-Syrian government military alliance"),
    ]


def test_the_coalition_is_the_latest_actor_named_so(news_gazetteer):
    text = "U.S.-led forces struck IS. The coalition said the ultra-hardline group withdrew."
    direct = news_gazetteer.find(text)
    found = find_back_references(text, news_gazetteer, direct)
    assert [(m.surface, m.actor.name) for m in found] == [
        ("The coalition", "US-led coalition"),
        ("the ultra-hardline group", "Islamic State"),
    ]


def test_a_group_named_right_after_its_noun_is_not_a_back_reference(news_gazetteer):
    text = "IS fighters left. The Lebanese Shi'ite group Hezbollah stayed."
    assert find_back_references(text, news_gazetteer, news_gazetteer.find(text)) == []


def test_the_object_a_story_follows_stands_for_its_owner(news_gazetteer):
    text = "A convoy of Islamic State fighters left. Warplanes halted the convoy."
    (mention,) = find_threads(text, news_gazetteer.find(text))
    assert (mention.surface, mention.actor.name) == ("the convoy", "Islamic State")
    assert mention.inferred == THREAD + "convoy"


def test_a_count_of_people_is_not_an_object_to_follow(news_gazetteer):
    text = "A number of Islamic State fighters left. The number grew."
    assert find_threads(text, news_gazetteer.find(text)) == []


def test_a_capital_possessing_something_is_its_government_after_any_preposition(news_gazetteer):
    mentions = news_gazetteer.find("A letter from Washington’s envoy arrived in Washington.")
    assert [(m.surface, (m.actor or m.place).name) for m in mentions] == [
        ("Washington", "Government of the United States"),
        ("Washington", "Washington"),
    ]


def test_a_capital_after_an_indefinite_article_is_a_place_not_its_government(news_gazetteer):
    (mention,) = news_gazetteer.find("A Damascus military source confirmed it.")
    assert mention.actor is None and mention.place.name == "Damascus"


def test_a_generic_noun_after_a_known_name_belongs_to_that_name(news_gazetteer):
    text = "IS militants fled as militants advanced."
    direct = news_gazetteer.find(text)
    inferred = news_gazetteer.find_inferred(text, country=syria(news_gazetteer), taken=direct)
    assert [(m.start, m.actor.name) for m in inferred] == [
        (text.index("as militants") + 3, "Syrian armed opposition")
    ]


def test_the_militants_are_the_ones_last_called_so(news_gazetteer):
    text = "Militants backed by Turkey drove IS out. The militants now hold the area."
    direct = news_gazetteer.find(text)
    direct += find_backed(text, news_gazetteer, direct)
    inferred = news_gazetteer.find_inferred(text, country=syria(news_gazetteer), taken=direct)
    assert [(m.surface, m.actor.name) for m in inferred] == [
        ("militants", "Turkish-backed Syrian rebels")
    ]


def test_a_government_siege_and_a_count_of_people_name_actors(news_gazetteer):
    text = "They broke a government siege that cut water to nearly 2 million people."
    inferred = news_gazetteer.find_inferred(text, country=syria(news_gazetteer), taken=[])
    assert [(m.surface, m.actor.name) for m in inferred] == [
        ("government", "Government of Syria"),
        ("2 million people", "Civilians (Syria)"),
    ]
