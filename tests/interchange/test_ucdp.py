"""Importing the UCDP GED sample (400 real rows) and exporting it back in the GED layout."""

from datetime import date

import pytest
from django.db import transaction

from events.interchange.exporter import export_events
from events.interchange.importer import import_file
from events.models import Article, Event, ExternalRecord, Location
from tests.interchange.builders import UCDP_SAMPLE, read_csv, snapshot, ucdp_file

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
    assert record.extra["conflict_name"] == "Syria: Government"
    assert record.extra["deaths_a"] == "2"


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


def test_known_actors_and_places_are_found_by_alias_and_coordinates(seeded):
    import_sample()
    assert sides(imported("219013"))[0] == ("Islamic State", "perpetrator")
    assert sides(imported("216668"))[1] == ("Jabhat Fatah al-Sham", "side_a")
    # UCDP's "Aleppo town" lies 2.4 km from the seed's Aleppo, which has the alias "Aleppo city".
    assert imported("224647").location.slug == "aleppo-city"


def test_contradicting_estimates_are_imported_with_a_warning_not_rejected():
    report = import_sample()
    assert (37, "low: 1 is above best 0; left unknown") in report.warnings
    event = imported("313666")
    assert (event.fatalities_low, event.fatalities_best, event.fatalities_high) == (None, 0, 2)


def test_the_export_writes_the_ged_columns_back():
    import_sample()
    stream, _ = export_events("ucdp", {})
    rows = {row["id"]: row for row in read_csv(b"".join(stream))}
    row = rows["214797"]
    assert row["date_start"] == row["date_end"] == "2016-01-01"
    assert (row["date_prec"], row["where_prec"], row["type_of_violence"]) == ("1", "1", "1")
    assert (row["side_a"], row["side_b"]) == ("Government of Syria", "Syrian insurgents")
    assert (row["adm_1"], row["adm_2"]) == ("Homs Governorate", "Ar Rastan district")
    assert row["geom_wkt"] == "POINT (36.707602 34.802462)"
    assert row["source_article"] == (
        '"SOHR,2015-01-01,14 shells hit Dahya al-Assad an clashes continue around Ter Ma’la"'
    )
    assert (row["conflict_new_id"], row["dyad_name"]) == (
        "299",
        "Government of Syria - Syrian insurgents",
    )
    assert (row["low"], row["best"], row["high"]) == ("4", "4", "4")
    # The estimate left unknown comes back as the file gave it.
    assert (rows["313666"]["low"], rows["313666"]["best"]) == ("1", "0")


def test_import_export_import_is_lossless():
    with transaction.atomic():
        import_sample()
        first = snapshot("ucdp")
        exported = b"".join(export_events("ucdp", {})[0])
        transaction.set_rollback(True)
    assert not Event.objects.exists()
    report = import_file(exported, dataset="ucdp", release="19.1")
    assert (report.created, report.rejected) == (400, [])
    assert snapshot("ucdp") == first
    assert b"".join(export_events("ucdp", {})[0]) == exported


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
