"""Places no stored name matches: other spellings, reference countries, subdivisions and towns."""

from datetime import date

from events.ingest.gazetteer import Gazetteer
from events.ingest.placenames import find_place_names
from events.ingest.reading import read_article
from events.ingest.spelling import spelling_key

MON_3_APR_2017 = date(2017, 4, 3)


def places(gazetteer: Gazetteer, text: str) -> list[tuple[str, str, bool]]:
    found = find_place_names(text, gazetteer, gazetteer.find(text))
    return [(m.surface, m.place.name, m.place.stored) for m in found]


def test_transliterations_share_a_key():
    for spellings in (
        ["Raqqa", "Raqa", "Al-Raqqah", "Ar Raqqah"],
        ["Deir ez-Zor", "Deir al-Zor", "Dayr az Zawr", "Deir Ezzor"],
        ["Idlib", "Idleb"],
        ["Khan Sheikhoun", "Khan Shaykhun"],
    ):
        assert len({spelling_key(name) for name in spellings}) == 1, spellings
    assert spelling_key("Homs") != spelling_key("Hamas")


def test_a_name_of_two_letters_has_no_transliteration_key():
    # "IS" and "US" differ in their one vowel, as transliterations do: keyed, they would match.
    assert spelling_key("IS") == spelling_key("US") == spelling_key("UN") == ""
    assert spelling_key("ISIS") != ""


def test_a_stored_place_is_found_under_another_spelling(gazetteer):
    assert places(gazetteer, "Jets struck Dayr az Zawr, in Syria.") == [
        ("Dayr az Zawr", "Deir ez-Zor", True)
    ]


def test_a_town_not_stored_is_found_in_the_reference_gazetteer_under_stored_ancestors(gazetteer):
    found = find_place_names(
        "Jets struck Saraqeb near Aleppo, in Syria.", gazetteer, gazetteer.find("")
    )
    text = "Jets struck Saraqeb near Aleppo, in Syria."
    found = find_place_names(text, gazetteer, gazetteer.find(text))
    (saraqeb,) = found
    town = saraqeb.place
    assert (saraqeb.surface, town.name, town.kind, town.stored) == (
        "Saraqeb",
        "Saraqib",
        "city",
        False,
    )
    assert town.source.startswith("GeoNames ")
    assert 35.8 < town.latitude < 35.9 and 36.7 < town.longitude < 36.9
    assert gazetteer.country_of(town).name == "Syria"
    assert gazetteer.stored_ancestor(town).name == "Syria"


def test_a_province_spelt_otherwise_is_its_subdivision(gazetteer):
    text = "Jets struck the Idleb countryside, in Syria."
    ((surface, name, stored),) = places(gazetteer, text)
    assert (surface, name, stored) == ("Idleb", "Idlib", False)


def test_adjectives_months_and_uncued_words_are_not_towns(gazetteer):
    text = "Syrian troops head to the Syrian border in July. Hope rose in Syria on Aug. 27."
    assert places(gazetteer, text) == []


def test_a_country_not_stored_is_found_by_its_name(gazetteer):
    assert places(gazetteer, "Jets struck targets in Yemen.") == [("Yemen", "Yemen", False)]


def test_a_proposal_placed_at_a_new_town_says_so(gazetteer):
    text = "Warplanes struck Saraqeb in Syria on Monday."
    (proposal,) = read_article(text, publication_date=MON_3_APR_2017, gazetteer=gazetteer).proposals
    assert proposal.place.name == "Saraqib" and not proposal.place.stored
    assert "not yet stored (GeoNames" in proposal.place_note


def test_a_known_name_inside_a_longer_unknown_name_is_not_matched(gazetteer):
    text = "The Free Syrian Army said the Syrian army shelled Aleppo."
    assert [m.surface for m in gazetteer.find(text)] == ["Syrian army", "Aleppo"]


def test_a_known_name_opening_a_sentence_is_matched_after_a_capitalised_word(gazetteer):
    """The full stop of "… on Sunday." ends a sentence, not a longer name."""
    text = "The talks ended on Sunday. Syrian army units shelled Aleppo."
    assert [m.surface for m in gazetteer.find(text)] == ["Syrian army", "Aleppo"]


def test_a_name_is_found_with_its_article_written_otherwise(gazetteer):
    found = places(gazetteer, "Clashes broke out in al-Bab, in Syria.")
    assert [(surface, stored) for surface, _name, stored in found] == [("al-Bab", False)]
    assert found[0][1] == "Al Bāb"


def test_a_noun_arabic_place_names_open_with_is_no_town_alone(gazetteer):
    found = places(gazetteer, "The churches in Tal Shamiran were torched, in Syria.")
    assert [surface for surface, _name, _stored in found] == []


def test_a_first_name_inside_a_longer_name_is_no_town(gazetteer):
    text = "The army killed one of its commanders Qasim Halabouni, in Syria."
    assert places(gazetteer, text) == []


def test_a_town_after_a_capitalised_preposition_is_still_a_town(gazetteer):
    found = places(gazetteer, "In Tal Tamr there were clashes, in Syria.")
    assert [surface for surface, _name, _stored in found] == ["Tal Tamr"]


def test_a_town_the_text_calls_one_is_found_in_any_country_it_names(gazetteer):
    # The report is about Syria (two places there); Jordan is named once, with no place in it.
    text = (
        "Jets struck Aleppo and Hama, in Syria. Shells also hit the border town of Ramtha, "
        "in Jordan."
    )
    assert ("Ramtha", "Ar Ramthā", False) in places(gazetteer, text)


def test_a_peoples_adjective_before_a_noun_is_no_town(news_gazetteer):
    # Arab is a town of the United States, which the text names.
    text = (
        "The United States said Turkish forces shelled northern Syria, the war-torn Arab "
        "country, on Sunday."
    )
    assert "Arab" not in [surface for surface, _name, _stored in places(news_gazetteer, text)]
