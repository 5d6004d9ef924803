"""Known actors and places found by name and alias, and the names nobody has recorded."""

from events.ingest.gazetteer import ActorEntry, Gazetteer, Place, fold_with_offsets
from events.ingest.unknown import unmatched_names


def found(gazetteer, text: str) -> list[tuple[str, str]]:
    return [
        (m.surface, (m.actor or m.place).name) for m in gazetteer.find(text) if m.actor or m.place
    ]


def test_aliases_find_the_actor_and_transliterations_fold_alike(gazetteer):
    text = "Daesh fighters fled Deir al-Zor for Karkamis."
    assert found(gazetteer, text) == [
        ("Daesh", "Islamic State"),
        ("Deir al-Zor", "Deir ez-Zor"),
        ("Karkamis", "Karkamış"),
    ]


def test_a_name_matches_only_at_word_boundaries(gazetteer):
    assert found(gazetteer, "The Hamas envoy and the Aleppos of this world.") == []


def test_an_acronym_matches_only_in_capitals(gazetteer):
    assert found(gazetteer, "It is what it is, said IS.") == [("IS", "Islamic State")]


def test_the_longest_name_wins_where_names_overlap(gazetteer):
    assert found(gazetteer, "Syrian government forces shelled Aleppo.") == [
        ("Syrian government forces", "Military Forces of Syria (2000-)"),
        ("Aleppo", "Aleppo"),
    ]


def test_a_name_before_led_or_based_is_not_a_place(gazetteer):
    mentions = gazetteer.find("Aleppo-based factions advanced.")
    assert all(m.place is None for m in mentions)


def test_a_city_that_is_also_an_actor_is_read_by_its_preposition(gazetteer):
    actor_first, place_second = gazetteer.find("Ankara said troops arrived in Ankara.")
    assert actor_first.actor.name == "Government of Turkey"
    assert place_second.place.name == "Ankara"


def test_generic_nouns_are_read_through_the_reports_country(gazetteer):
    syria = gazetteer.country_named("syria")
    text = "Government forces drove insurgents out; the army advanced."
    direct = gazetteer.find(text)
    inferred = gazetteer.find_inferred(text, country=syria, taken=direct)
    assert [(m.surface, m.actor.name) for m in inferred] == [
        ("Government forces", "Military Forces of Syria (2000-)"),
        ("insurgents", "Syrian armed opposition"),
        ("army", "Military Forces of Syria (2000-)"),
    ]


def test_a_capitalised_generic_noun_counts_only_where_a_sentence_opens(gazetteer):
    syria = gazetteer.country_named("syria")
    text = "Reports from the Army of Islam came in. Insurgents advanced."
    inferred = gazetteer.find_inferred(text, country=syria, taken=gazetteer.find(text))
    assert [m.surface for m in inferred] == ["Insurgents"]


def test_a_led_prefix_names_the_one_actor_its_aliases_share(gazetteer):
    inferred = gazetteer.find_inferred("U.S.-led strikes hit them.", country=None, taken=[])
    assert [m.actor.name for m in inferred] == ["US-led coalition"]


def test_unmatched_capitalised_names_are_listed_not_created(gazetteer):
    text = "Jaish al-Nasr fighters met Kerry. The Observatory said Jaish al-Nasr won."
    names = [
        (c.name, c.count)
        for c in unmatched_names(text, gazetteer.find(text), known_names=set(gazetteer.names))
    ]
    assert names == [("Jaish al-Nasr", 2), ("Observatory", 1)]


def test_folding_keeps_a_map_back_to_the_original_offsets():
    folded, origin = fold_with_offsets("Karkamış  Shi‘ite")
    assert folded == "karkamis shi'ite"
    assert origin[folded.index("shi")] == "Karkamış  Shi‘ite".index("Shi")


def test_an_organisation_of_a_place_is_also_known_in_it():
    actors = {1: ActorEntry(1, "Islamic State", "rebel_group", None)}
    places = {2: Place(2, "Iraq", "country", 0, "/2/"), 3: Place(3, "Syria", "country", 0, "/3/")}
    gazetteer = Gazetteer.build(
        actors,
        places,
        [("Islamic State", 1), ("Islamic State of Iraq and Syria", 1)],
        [("Iraq", 2), ("Syria", 3)],
    )
    text = "Fighters from the Islamic State in Iraq and Syria attacked the town."
    found = [
        (m.surface, [a.name for a in m.actors], [p.name for p in m.places])
        for m in gazetteer.find(text)
    ]
    assert found == [("Islamic State in Iraq and Syria", ["Islamic State"], [])]


def test_an_opening_adverb_is_no_part_of_a_name_and_a_state_body_keeps_its_state(gazetteer):
    text = (
        "Meanwhile fighting went on. Earlier the Iranian Foreign Ministry said talks "
        "would resume. Later the Syrian Free Party said it agreed."
    )
    names = {c.name for c in unmatched_names(text, gazetteer.find(text))}
    assert "Iranian Foreign Ministry" in names
    assert "Syrian Free Party" in names
    assert not any(name.split()[0] in ("Earlier", "Later", "Meanwhile") for name in names)
