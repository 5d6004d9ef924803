"""A small gazetteer built in memory: reading tests need names, not a database."""

import pytest

from events.ingest.gazetteer import ActorEntry, Gazetteer, Place


@pytest.fixture
def gazetteer() -> Gazetteer:
    places = {
        1: Place(1, "Syria", "country", 0, "/1/"),
        2: Place(2, "Aleppo Governorate", "governorate", 1, "/1/2/"),
        3: Place(3, "Aleppo", "city", 2, "/1/2/3/"),
        4: Place(4, "Ramousah military complex", "site", 3, "/1/2/3/4/"),
        5: Place(5, "Turkey", "country", 0, "/5/"),
        6: Place(6, "Karkamış", "city", 1, "/5/6/"),
        7: Place(7, "Deir ez-Zor", "city", 1, "/1/7/"),
        8: Place(8, "Hama District", "district", 2, "/1/2/8/"),
        9: Place(9, "Hama", "city", 3, "/1/2/8/9/"),
    }
    actors = {
        1: ActorEntry(1, "Military Forces of Syria (2000-)", "state_forces", 1),
        2: ActorEntry(2, "Islamic State", "rebel_group", None),
        3: ActorEntry(3, "Military Forces of Turkey", "external", 5),
        4: ActorEntry(4, "John Kerry", "person", None),
        5: ActorEntry(5, "Syrian armed opposition", "alliance", 1),
        6: ActorEntry(6, "US-led coalition", "alliance", None),
        7: ActorEntry(7, "Government of Turkey", "government", 5),
    }
    actor_names = [(a.name, a.id) for a in actors.values()] + [
        ("Syrian army", 1),
        ("Syrian government forces", 1),
        ("IS", 2),
        ("ISIS", 2),
        ("Daesh", 2),
        ("Turkish troops", 3),
        ("Kerry", 4),
        ("Syrian rebels", 5),
        ("Syrian insurgents", 5),
        ("U.S.-led coalition", 6),
        ("U.S.-led forces", 6),
        ("Ankara", 7),
    ]
    place_names = [(p.name, p.id) for p in places.values()] + [
        ("Deir al-Zor", 7),
        ("Ramousah", 4),
        ("Ankara", 10),
    ]
    places[10] = Place(10, "Ankara", "city", 1, "/5/10/")
    return Gazetteer.build(actors, places, actor_names, place_names)


@pytest.fixture
def news_gazetteer() -> Gazetteer:
    """A wider gazetteer: neighbours, border areas, a desert, governments and alliances."""
    places = [
        Place(1, "Syria", "country", 0, "/1/"),
        Place(2, "Aleppo Governorate", "governorate", 1, "/1/2/"),
        Place(3, "Aleppo", "city", 2, "/1/2/3/"),
        Place(4, "Syrian–Turkish border strip (Aleppo Governorate)", "border_area", 2, "/1/2/4/"),
        Place(5, "Turkey", "country", 0, "/5/"),
        Place(6, "Karkamış", "city", 1, "/5/6/"),
        Place(7, "Lebanon", "country", 0, "/7/"),
        Place(8, "Western Qalamoun – Lebanese border area", "border_area", 1, "/1/8/"),
        Place(9, "Syrian Desert (central Badia)", "region", 1, "/1/9/"),
        Place(10, "Sukhna", "city", 1, "/1/10/"),
        Place(11, "Damascus", "city", 1, "/1/11/"),
        Place(12, "United States", "country", 0, "/12/"),
        Place(13, "Washington", "city", 1, "/12/13/"),
        Place(14, "Russia", "country", 0, "/14/"),
        Place(15, "Moscow", "city", 1, "/14/15/"),
        Place(16, "Iraq", "country", 0, "/16/"),
        Place(17, "Hama", "city", 1, "/1/17/"),
    ]
    actors = [
        ActorEntry(1, "Military Forces of Syria (2000-)", "state_forces", 1),
        ActorEntry(2, "Islamic State", "rebel_group", None),
        ActorEntry(3, "Military Forces of Turkey", "external", 5),
        ActorEntry(4, "John Kerry", "person", 12),
        ActorEntry(5, "Syrian armed opposition", "alliance", 1),
        ActorEntry(6, "US-led coalition", "alliance", None),
        ActorEntry(7, "Government of Turkey", "government", 5),
        ActorEntry(8, "Government of Syria", "government", 1),
        ActorEntry(9, "Pro-Syrian government military alliance", "alliance", 1),
        ActorEntry(10, "Turkish-backed Syrian rebels", "rebel_group", 1),
        ActorEntry(11, "Jaish al-Nasr", "rebel_group", 1),
        ActorEntry(12, "Government of the United States", "government", 12),
        ActorEntry(13, "Civilians (Syria)", "civilians", 1),
        ActorEntry(14, "Military Forces of the United States", "external", 12),
        ActorEntry(15, "Military Forces of Russia", "external", 14),
        ActorEntry(16, "Government of Russia", "government", 14),
        ActorEntry(17, "Mohammed Rasheed", "person", 1),
        ActorEntry(18, "Fastaqim Kama Umirt", "rebel_group", 1),
        ActorEntry(19, "Bashar al-Assad", "person", 1),
    ]
    aliases = {
        1: ["Syrian army", "Syrian government forces"],
        2: ["IS", "ISIS", "Islamic State group"],
        3: ["Turkish troops", "Turkish military"],
        4: ["Kerry"],
        5: ["armed opposition", "Syrian rebels", "Syrian insurgents", "Syrian militants"],
        6: ["U.S.-led coalition", "U.S.-led forces"],
        7: ["Ankara"],
        8: ["Syrian government", "Syrian regime", "Damascus"],
        9: ["Syrian government forces and their allies"],
        10: ["Turkish-backed fighters", "Turkish-backed militants"],
        12: ["Washington", "US government"],
        13: ["Syrian civilians"],
        15: ["Russian military"],
        17: ["Rasheed"],
        18: ["Fastaqim group"],
        19: ["Assad"],
    }
    place_aliases = {
        4: ["Syrian-Turkish border strip"],
        8: ["Qalamoun border area"],
        9: ["Badia"],
        6: ["Karkamis"],
    }
    actor_names = [(a.name, a.id) for a in actors]
    actor_names += [(name, pk) for pk, names in aliases.items() for name in names]
    place_names = [(p.name, p.id) for p in places]
    place_names += [(name, pk) for pk, names in place_aliases.items() for name in names]
    memberships = [(9, 1), (5, 10), (5, 11), (5, 18), (6, 14)]
    return Gazetteer.build(
        {a.id: a for a in actors},
        {p.id: p for p in places},
        actor_names,
        place_names,
        memberships=memberships,
    )
