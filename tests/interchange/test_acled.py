"""Importing ACLED files in the current and two older layouts, and exporting them back."""

from datetime import date

import pytest

from events.interchange import acled
from events.interchange.importer import import_file
from events.models import Actor, Event, EventType, ExternalRecord, Location
from tests.interchange.builders import (
    ACLED_2020,
    ACLED_CURRENT,
    ACLED_OLD,
    acled_file,
    export_bytes,
    read_csv,
)

pytestmark = pytest.mark.django_db


def imported(external_id: str) -> Event:
    return ExternalRecord.objects.get(dataset="acled", external_id=external_id).event


def links(event: Event) -> list[tuple[str, str]]:
    return list(event.actor_links.order_by("id").values_list("actor__name", "role"))


@pytest.mark.parametrize(("path", "rows"), [(ACLED_CURRENT, 8), (ACLED_2020, 3), (ACLED_OLD, 3)])
def test_each_layout_imports_every_row(seeded, path, rows):
    report = import_file(path, dataset="acled")
    assert (report.rows, report.created, report.rejected) == (rows, rows, [])


def test_a_current_row_keeps_its_day_sides_place_type_deaths_and_notes(seeded):
    import_file(ACLED_CURRENT, dataset="acled")
    event = imported("SYR1001")
    assert (event.date_earliest, event.date_latest, event.date_precision) == (
        date(2017, 8, 30),
        date(2017, 8, 30),
        "day",
    )
    # "ISIS" is an alias of the seed's Islamic State.
    assert links(event) == [
        ("Military Forces of Syria (2000-)", "side_a"),
        ("Islamic State", "side_b"),
    ]
    # The row's own place: its names and coordinates under its own admin path. The seed's
    # Sukhna, at the same point under other admin names, is suggested, not taken.
    place = event.location
    assert (place.name, place.latitude, place.longitude) == ("Sukhna", 34.8868, 38.8721)
    assert [p.name for p in place.ancestors()] == ["Syria", "Homs", "Tadmur", "Sukhnah"]
    assert place.suggestions.get().same_as.slug == "sukhnah"
    assert (event.type.slug, event.fatalities_best, event.fatalities_low) == (
        "armed-clash",
        12,
        None,
    )
    assert event.summary.startswith("On 30 August 2017, regime forces clashed with IS")
    assert event.headline == (
        "Armed clash in Sukhna: Military Forces of Syria (2000-) and Islamic State"
    )
    source = event.sources.get()
    assert source.article.outlet == "SANA; Syrian Observatory for Human Rights"
    assert source.excerpt == event.summary
    assert source.article.text.endswith("— ACLED SYR1001")
    record = event.external_records.get()
    assert (record.release, record.country) == ("1504137600", "Syria")
    assert record.row_date == date(2017, 8, 30)
    # The whole row, every cell as the file wrote it.
    assert sorted(record.row) == sorted(acled.COLUMNS)
    assert record.row["source_scale"] == "National-International"
    assert record.row["assoc_actor_1"] == ""


def test_associated_actors_and_blank_fatalities(seeded):
    import_file(ACLED_CURRENT, dataset="acled")
    event = imported("SYR1002")
    assert links(event) == [
        ("Military Forces of Syria (2000-)", "side_a"),
        ("Hezbollah", "associated_a"),
        ("Iran-backed militias", "associated_a"),
        ("Civilians (Syria)", "side_b"),
    ]
    assert event.fatalities_best is None  # Blank is unknown, not 0.
    assert imported("JOR1004").fatalities_best == 0


def test_time_precision_two_and_three_become_a_week_and_a_month(seeded):
    import_file(ACLED_CURRENT, dataset="acled")
    week = imported("SYR1003")
    assert (week.date_earliest, week.date_latest, week.date_precision) == (
        date(2017, 3, 12),
        date(2017, 3, 18),
        "week",
    )
    month = imported("SYR1005")
    assert (month.date_earliest, month.date_latest, month.date_precision) == (
        date(2016, 8, 1),
        date(2016, 8, 31),
        "month",
    )


def test_a_location_named_as_its_deepest_admin_unit_is_that_unit_with_the_rows_point(seeded):
    import_file(ACLED_CURRENT, dataset="acled")
    # "Aleppo" at geo_precision 3 under admin1 "Aleppo": the row's own governorate, which takes
    # the row's coordinates; not the seed's "Aleppo Governorate", which is only suggested.
    place = imported("SYR1005").location
    assert (place.name, place.kind, place.latitude, place.longitude) == (
        "Aleppo",
        "governorate",
        36.25,
        37.6,
    )
    assert place.suggestions.get().same_as.slug == "aleppo-governorate"
    assert imported("SYR1005").external_records.get().geo_precision == 4


def test_two_places_of_one_name_stay_apart(seeded):
    import_file(ACLED_CURRENT, dataset="acled")
    syrian, jordanian = imported("SYR1003").location, imported("JOR1004").location
    assert jordanian != syrian
    assert (syrian.name, syrian.latitude, syrian.longitude) == ("Maan", 35.3596, 36.7957)
    assert (jordanian.name, jordanian.latitude, jordanian.longitude) == ("Maan", 30.1962, 35.7341)
    assert [place.name for place in jordanian.ancestors()] == ["Jordan", "Ma'an", "Qasabet Ma'an"]


def test_new_actors_take_the_kind_of_their_inter_code(seeded):
    import_file(ACLED_CURRENT, dataset="acled")
    kinds = dict(Actor.objects.values_list("name", "kind"))
    assert kinds["Protesters (Jordan)"] == "protesters"  # inter1 "Protesters" (words).
    assert kinds["Rioters (Syria)"] == "rioters"
    assert kinds["Unidentified Armed Group (Syria)"] == "political_militia"
    assert kinds["Journalists (Syria)"] == "other"  # Associated actors have no inter code.


def test_acled_sub_types_missing_here_are_added_under_their_acled_parent():
    import_file(ACLED_CURRENT, dataset="acled")
    other = EventType.objects.get(name="Other")
    assert other.parent.name == "Strategic developments"


def test_a_type_that_is_not_acleds_is_rejected_not_invented(seeded):
    report = import_file(acled_file({"sub_event_type": "Dogfight"}), dataset="acled")
    assert [(row.line, row.reason) for row in report.rejected] == [
        (
            2,
            "sub_event_type: 'Dogfight' is not a sub-type of 'Battles' here "
            "(only the dataset's own sub-types are added)",
        )
    ]
    assert not EventType.objects.filter(name="Dogfight").exists()


def test_the_2020_layout_reads_its_dates_quoted_lists_and_builds_a_missing_id(seeded):
    import_file(ACLED_2020, dataset="acled")
    event = imported("SYR2002")  # No event_id_cnty: iso3 + event_id_no_cnty.
    assert (event.date_earliest, event.date_latest) == (date(2020, 5, 6), date(2020, 5, 12))
    assert links(event)[-2:] == [
        ("Shopkeepers (Syria)", "associated_b"),
        ("Traders (Syria)", "associated_b"),
    ]
    assert imported("SYR2001").date_earliest == date(2020, 6, 2)  # "02 June 2020"
    jarabulus = imported("SYR2001").location
    assert (jarabulus.name, jarabulus.latitude) == ("Jarabulus", 36.8175)
    assert [p.name for p in jarabulus.ancestors()] == ["Syria", "Aleppo", "Jarablus", "Jarablus"]


def test_the_old_layout_reads_old_names_types_and_short_dates(seeded):
    import_file(ACLED_OLD, dataset="acled")
    clash = imported("SYR31")
    assert clash.date_earliest == date(2017, 5, 9)  # "9-May-17"
    assert str(clash.type) == "Battles › Armed clash"
    assert links(clash) == [
        ("Military Forces of Syria (2000-)", "side_a"),
        ("Hezbollah", "associated_a"),  # ALLY_ACTOR_1
        ("Jabhat Fatah al-Sham", "side_b"),  # "Jabhat Fateh al-Sham" is an alias
    ]
    assert str(imported("SYR32").type) == "Explosions/Remote violence"
    no_place = imported("SYR33")
    assert (no_place.location.name, no_place.location.kind) == ("Ar-Raqqa", "governorate")
    assert no_place.sources.get().excerpt == "ACLED SYR33"  # No notes: the record's name.


def test_the_export_writes_acleds_columns_the_rows_own_day_and_our_events_mapped(seeded):
    import_file(ACLED_CURRENT, dataset="acled")
    rows = {row["event_id_cnty"]: row for row in read_csv(export_bytes("acled", start="2016"))}
    assert list(next(iter(rows.values()))) == acled.COLUMNS
    week = rows["SYR1003"]
    assert (week["event_date"], week["time_precision"], week["geo_precision"]) == (
        "2017-03-15",
        "2",
        "2",
    )
    assert rows["SYR1002"]["fatalities"] == ""  # As the row gave it.
    # A seed event has no ACLED id: ours, and its columns from the crosswalk.
    seeds = [row for ident, row in rows.items() if ident.startswith("CT")]
    assert seeds and all(row["disorder_type"] and row["event_type"] for row in seeds)
    assert all(row["fatalities"] != "" for row in seeds)  # ACLED has no "unknown": 0.


def test_places_created_by_an_import_are_in_the_hierarchy_with_paths(seeded):
    import_file(ACLED_CURRENT, dataset="acled")
    # admin2 and admin3 are both "Tell Abiad" and so is the location: the sub-district itself.
    village = imported("SYR1006").location
    assert (village.name, village.kind) == ("Tell Abiad", "subdistrict")
    assert [p.name for p in village.ancestors()] == ["Syria", "Ar-Raqqa", "Tell Abiad"]
    syria = Location.objects.get(slug="syria")
    assert Location.objects.subtree(syria).filter(pk=village.pk).exists()
    assert Event.objects.in_location(syria).filter(pk=imported("SYR1006").pk).exists()
