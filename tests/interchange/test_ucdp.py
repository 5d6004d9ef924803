"""Importing the UCDP GED sample (400 real rows) and exporting it back in the GED layout."""

from datetime import date

import pytest

from events.interchange.importer import import_file
from events.models import Article, Event, ExternalRecord, Location
from tests.interchange.builders import UCDP_SAMPLE, exported, read_csv, ucdp_file

pytestmark = pytest.mark.django_db


def import_sample(**options):
    return import_file(UCDP_SAMPLE, dataset="ucdp", release="19.1", **options)


def imported(external_id: str) -> Event:
    return ExternalRecord.objects.get(dataset="ucdp", external_id=external_id).event


def sides(event: Event) -> list[tuple[str, str]]:
    return list(event.actor_links.order_by("id").values_list("actor__name", "role"))


def test_every_row_of_the_sample_is_imported_and_published():
    report = import_sample()
    assert (report.rows, report.created, report.rejected) == (400, 400, [])
    assert Event.objects.published().count() == 400
    assert set(ExternalRecord.objects.values_list("release", flat=True)) == {"19.1"}


def test_a_row_keeps_its_day_place_sides_type_deaths_and_source():
    import_sample()
    event = imported("214797")
    assert (event.date_earliest, event.date_latest, event.date_precision) == (
        date(2016, 1, 1),
        date(2016, 1, 1),
        "day",
    )
    place = event.location
    assert (place.name, place.kind, place.latitude, place.longitude, place.geo_precision) == (
        "Teir Maaleh village",
        "village",
        34.802462,
        36.707602,
        1,
    )
    assert [(p.name, p.kind) for p in place.ancestors()] == [
        ("Syria", "country"),
        ("Homs Governorate", "governorate"),
        ("Ar Rastan district", "district"),
    ]
    assert sides(event) == [("Government of Syria", "side_a"), ("Syrian insurgents", "side_b")]
    assert str(event.type) == "Organised violence › State-based conflict"
    assert (event.fatalities_low, event.fatalities_best, event.fatalities_high) == (4, 4, 4)
    source = event.sources.get()
    assert source.article.text == (
        "SOHR,2015-01-01,14 shells hit Dahya al-Assad an clashes continue around Ter Ma’la"
    )
    assert source.excerpt == "14 shells hit Dahya al-Assad an clashes continue around Ter Ma’la"
    assert (source.article.outlet, source.article.publication_date) == ("SOHR", date(2015, 1, 1))
    assert source.attributed_to == "SOHR"
    record = event.external_records.get()
    assert (record.release, record.row_date) == ("19.1", date(2016, 1, 1))
    assert record.row["conflict_name"] == "Syria: Government"
    assert record.row["deaths_a"] == "2"


def test_one_sided_violence_has_a_perpetrator_and_a_target():
    import_sample()
    event = imported("219013")
    assert sides(event) == [("IS", "perpetrator"), ("Civilians", "target")]
    assert event.actors.get(name="Civilians").kind == "civilians"
    assert event.headline.startswith("One-sided violence in Ar Raqqah town: IS against Civilians")


def test_a_span_of_days_keeps_its_bounds():
    import_sample()
    event = imported("223786")
    assert (event.date_earliest, event.date_latest, event.date_precision) == (
        date(2016, 5, 31),
        date(2016, 6, 5),
        "days",
    )


def test_an_event_coded_to_a_province_or_the_country_sits_at_that_unit():
    import_sample()
    province = imported("303257").location
    assert (province.name, province.kind, province.latitude) == (
        "Quneitra Governorate",
        "governorate",
        33.03333,
    )
    country = imported("219246").location
    assert (country.name, country.kind, country.geo_precision) == ("Syria", "country", 6)
    assert Location.objects.filter(name="Syria").count() == 1


def test_a_side_of_several_groups_becomes_several_actors():
    import_sample()
    assert sides(imported("216668")) == [
        ("Ahrar al-Sham", "side_a"),
        ("Jabhat Fateh al-Sham", "side_a"),
        ("Southern Front", "side_a"),
        ("IS", "side_b"),
    ]


def test_a_source_cited_for_two_events_is_one_article():
    import_sample()
    shared = Article.objects.get(text__startswith="SOHR,2016-03-05,135 , including 32 civilians")
    assert shared.events.count() == 2


def test_known_actors_are_found_by_alias_and_known_places_only_suggested(seeded):
    import_sample()
    assert sides(imported("219013"))[0] == ("Islamic State", "perpetrator")
    assert sides(imported("216668"))[1] == ("Jabhat Fatah al-Sham", "side_a")
    # UCDP's "Aleppo town" lies 2.4 km from the seed's Aleppo (alias "Aleppo city"): the row
    # keeps its own place, and the pair is suggested for an editor to merge.
    town = imported("224647").location
    assert (town.name, town.latitude, town.longitude) == ("Aleppo town", 36.201241, 37.161173)
    assert town.suggestions.filter(same_as__slug="aleppo-city").exists()


def test_contradicting_estimates_are_imported_with_a_warning_not_rejected():
    report = import_sample()
    assert (37, "low: 1 is above best 0; left unknown") in report.warnings
    event = imported("313666")
    assert (event.fatalities_low, event.fatalities_best, event.fatalities_high) == (None, 0, 2)


def test_an_estimate_left_unknown_on_the_event_comes_back_as_the_file_gave_it():
    import_sample()
    row = exported("ucdp")["313666"]
    assert (row["low"], row["best"], row["high"]) == ("1", "0", "2")


def test_a_file_with_a_few_of_the_columns_imports():
    data = ucdp_file({})
    columns = ["id", "type_of_violence", "side_a", "side_b", "date_start", "geom_wkt", "best"]
    lines = data.decode().splitlines()
    header = lines[0].split(",")
    keep = [header.index(name) for name in columns]
    values = next(iter(read_csv(data)))
    subset = ",".join(columns) + "\r\n" + ",".join(f'"{values[header[i]]}"' for i in keep) + "\r\n"
    report = import_file(subset.encode(), dataset="ucdp")
    assert (report.created, report.rejected) == (1, [])
    event = Event.objects.get()
    assert (event.fatalities_best, event.fatalities_low) == (1, None)
    assert event.location is None
    assert not event.sources.exists()
