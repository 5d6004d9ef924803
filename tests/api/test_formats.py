"""The export formats: CSV, GeoJSON, TimelineJS and iCalendar streams, and their DRF renderers."""

import copy
import csv
import io
import itertools
import json
from datetime import date

import icalendar
import pytest
from django.conf import settings
from django.db import transaction
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from events.api.renderers import (
    EXPORT_RENDERERS,
    CSVRenderer,
    GeoJSONRenderer,
    ICSRenderer,
    TimelineJSRenderer,
)
from events.formats import CHUNK_ROWS, CSV_COLUMN_NAMES, CSV_COLUMNS, FORMATS, csv_row
from events.formats.geojson import FLAT_PROPERTIES
from events.models import Event
from events.seeding import load_seeds, seed_uid

# --- Builders ---------------------------------------------------------------------------------

SYRIA = {"slug": "syria", "name": "Syria", "kind": "country"}
ALEPPO_GOVERNORATE = {
    "slug": "aleppo-governorate",
    "name": "Aleppo Governorate",
    "kind": "governorate",
}

BASE_ENTRY = {
    "id": 12,
    "uid": "3f2b6a52-7c1e-4a0e-9d55-0c6f1d2e9a01",
    "headline": "Government forces shell eastern Aleppo",
    "summary": "Shelling hit the eastern districts.",
    "date": {
        "earliest": "2016-09-04",
        "latest": "2016-09-04",
        "precision": "day",
        "approximate": False,
        "display": "4 Sep 2016",
    },
    "type": {
        "slug": "shelling-artillery-missile-attack",
        "name": "Shelling/artillery/missile attack",
        "parent": {"slug": "explosions-remote-violence", "name": "Explosions/Remote violence"},
    },
    "location": {
        "id": 7,
        "slug": "aleppo-city",
        "name": "Aleppo",
        "kind": "city",
        "latitude": 36.2021,
        "longitude": 37.1343,
        "geo_precision": 1,
        "ancestors": [
            SYRIA,
            ALEPPO_GOVERNORATE,
            {"slug": "mount-simeon-district", "name": "Mount Simeon District", "kind": "district"},
        ],
    },
    "actors": [
        {"slug": "syrian-army", "name": "Syrian Army", "kind": "state_forces", "role": "side_a"},
        {
            "slug": "rebels",
            "name": "Syrian armed opposition",
            "kind": "rebel_group",
            "role": "side_b",
        },
    ],
    "sources": [
        {
            "article": 1,
            "title": "Fighting in Aleppo",
            "outlet": "Khazen",
            "original_agency": "Reuters",
            "url": "https://example.org/aleppo",
            "published": "2016-09-04",
            "excerpt": "government forces shelled the town",
            "attributed_to": "a rebel commander",
            "date_phrase": "on Sunday",
        }
    ],
    "fatalities": {"best": None, "low": None, "high": None},
    "updated": "2026-11-21T10:00:00+00:00",
    "url": "http://testserver/api/v1/events/12/",
}


def make_entry(**changes) -> dict:
    """The base entry with top-level keys replaced and nested dicts ("date", …) merged."""
    entry = copy.deepcopy(BASE_ENTRY)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(entry.get(key), dict):
            entry[key].update(value)
        else:
            entry[key] = value
    return entry


def entry_from_event(event: Event) -> dict:
    """A timeline entry built straight from the model, as the chronology contract shapes it."""
    location = event.location
    return {
        "id": event.pk,
        "uid": str(event.uid),
        "headline": event.headline,
        "summary": event.summary,
        "date": {
            "earliest": event.date_earliest.isoformat(),
            "latest": event.date_latest.isoformat(),
            "precision": event.date_precision,
            "approximate": event.date_approximate,
            "display": event.display_date,
        },
        "type": {
            "slug": event.type.slug,
            "name": event.type.name,
            "parent": (
                {"slug": event.type.parent.slug, "name": event.type.parent.name}
                if event.type.parent_id
                else None
            ),
        },
        "location": location
        and {
            "id": location.pk,
            "slug": location.slug,
            "name": location.name,
            "kind": location.kind,
            "latitude": location.latitude,
            "longitude": location.longitude,
            "geo_precision": location.geo_precision,
            "ancestors": [
                {"slug": place.slug, "name": place.name, "kind": place.kind}
                for place in location.ancestors()
            ],
        },
        "actors": [
            {
                "slug": link.actor.slug,
                "name": link.actor.name,
                "kind": link.actor.kind,
                "role": link.role,
            }
            for link in event.actor_links.select_related("actor")
        ],
        "sources": [
            {
                "article": source.article_id,
                "title": source.article.title,
                "outlet": source.article.outlet,
                "original_agency": source.article.original_agency,
                "url": source.article.url,
                "published": source.article.publication_date.isoformat(),
                "excerpt": source.excerpt,
                "attributed_to": source.attributed_to,
                "date_phrase": source.date_phrase,
            }
            for source in event.sources.select_related("article")
        ],
        "fatalities": {
            "best": event.fatalities_best,
            "low": event.fatalities_low,
            "high": event.fatalities_high,
        },
        "updated": event.updated.isoformat(),
    }


def published_entries() -> list[dict]:
    events = Event.objects.published().chronological().select_related("type__parent", "location")
    return [entry_from_event(event) for event in events]


@pytest.fixture(scope="module")
def seed_entries(django_db_setup, django_db_blocker) -> list[dict]:
    """Entries of the published seed events, built once for the module (loading the seeds
    takes seconds): the seeds load as `seeded` loads them, inside a transaction rolled back
    afterwards, so the database is left empty for every other test."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_seeds(settings.BASE_DIR / "fixtures", base_dir=settings.BASE_DIR)
        entries = published_entries()
        transaction.set_rollback(True)
    return entries


def seed_entry(entries: list[dict], key: str) -> dict:
    uid = str(seed_uid(key))
    return next(entry for entry in entries if entry["uid"] == uid)


def render(name: str, entries, *, title: str = "Chronology") -> bytes:
    return b"".join(FORMATS[name].stream(iter(entries), title=title))


def csv_rows(entries) -> list[dict]:
    return list(csv.DictReader(io.StringIO(render("csv", entries).decode("utf-8"))))


def calendar_events(entries) -> list:
    calendar = icalendar.Calendar.from_ical(render("ics", entries))
    return calendar.walk("VEVENT")


# --- The registry -----------------------------------------------------------------------------


def test_the_registry_names_six_formats_with_their_extensions():
    assert {name: fmt.filename_extension for name, fmt in FORMATS.items()} == {
        "csv": "csv",
        "geojson": "geojson",
        "timelinejs": "json",
        "ics": "ics",
        "acled": "csv",
        "ucdp": "csv",
    }


def test_a_download_name_is_made_safe_and_given_the_format_extension():
    assert FORMATS["geojson"].filename("Aleppo, September 2016") == "aleppo-september-2016.geojson"
    assert FORMATS["ics"].filename('../"evil"\r\n') == "evil.ics"


# --- CSV --------------------------------------------------------------------------------------


def test_csv_has_one_header_row_and_one_row_per_published_seed_event(seeded):
    entries = published_entries()
    text = render("csv", entries).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == CSV_COLUMN_NAMES
    assert len(rows) - 1 == len(entries) == 29
    assert text.count("event_id_cnty") == 1
    assert {row[CSV_COLUMN_NAMES.index("uid")] for row in rows[1:]} == {e["uid"] for e in entries}


def test_a_csv_row_lists_its_values_in_column_order():
    assert list(csv_row(make_entry())) == CSV_COLUMN_NAMES
    assert list(csv_row({})) == CSV_COLUMN_NAMES


def test_every_csv_column_is_documented_once():
    names = [name for name, _ in CSV_COLUMNS]
    assert len(names) == len(set(names))
    assert all(description.strip() for _, description in CSV_COLUMNS)
    for acled in ("event_id_cnty", "event_date", "time_precision", "actor1", "assoc_actor_2"):
        assert acled in names
    for ours in ("uid", "date_earliest", "date_latest", "date_precision", "fatalities_high"):
        assert ours in names


def test_csv_quotes_a_headline_with_a_comma_a_quote_a_semicolon_and_a_newline():
    headline = 'Shelling, then "silence"; residents flee\nat night'
    raw = render("csv", [make_entry(headline=headline)])
    assert b'"Shelling, then ""silence""; residents flee\nat night"' in raw
    assert csv_rows([make_entry(headline=headline)])[0]["headline"] == headline


def test_csv_rows_end_in_crlf_and_are_utf8_without_a_byte_order_mark():
    raw = render("csv", [make_entry(headline="Ma‘an and Dayr az-Zawr")])
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert raw.endswith(b"\r\n")
    assert "Ma‘an" in raw.decode("utf-8")


@pytest.mark.parametrize(
    ("precision", "earliest", "latest", "acled"),
    [
        ("day", "2016-09-04", "2016-09-04", "1"),
        ("days", "2016-09-02", "2016-09-04", "2"),
        ("week", "2016-08-29", "2016-09-04", "2"),
        ("month", "2016-08-01", "2016-08-31", "3"),
        ("year", "2016-01-01", "2016-12-31", "3"),
    ],
)
def test_csv_maps_our_precision_onto_acled_time_precision(precision, earliest, latest, acled):
    when = {"earliest": earliest, "latest": latest, "precision": precision}
    row = csv_rows([make_entry(date=when)])[0]
    assert row["time_precision"] == acled
    assert (row["event_date"], row["year"]) == (earliest, earliest[:4])
    assert (row["date_earliest"], row["date_latest"], row["date_precision"]) == (
        earliest,
        latest,
        precision,
    )


def test_csv_puts_sides_and_associates_in_acled_slots_and_every_actor_in_the_actors_column():
    actors = [
        {"name": "Syrian Army", "role": "side_a"},
        {"name": "Hezbollah", "role": "associated_a"},
        {"name": "Islamic State", "role": "side_b"},
        {"name": "Jaish al-Nasr", "role": "side_b"},
        {"name": "Russia", "role": "mediator"},
    ]
    row = csv_rows([make_entry(actors=actors)])[0]
    assert row["actor1"] == "Syrian Army"
    assert row["assoc_actor_1"] == "Hezbollah"
    assert row["actor2"] == "Islamic State; Jaish al-Nasr"
    assert row["assoc_actor_2"] == ""
    assert row["actors"] == (
        "side_a: Syrian Army; associated_a: Hezbollah; side_b: Islamic State; "
        "side_b: Jaish al-Nasr; mediator: Russia"
    )


def test_csv_fills_actor1_and_actor2_from_perpetrator_and_target_when_no_sides_are_given(
    seed_entries,
):
    strike = seed_entry(seed_entries, "2017-08-30-coalition-strikes-halt-is-convoy")
    row = csv_rows([strike])[0]
    assert (row["actor1"], row["actor2"]) == ("US-led coalition", "Islamic State")
    assert row["actors"] == "perpetrator: US-led coalition; target: Islamic State"


def test_csv_fills_the_admin_columns_from_the_place_and_its_ancestors(seed_entries):
    supplies = seed_entry(seed_entries, "2016-08-fighting-cuts-aleppo-supplies")
    row = csv_rows([supplies])[0]
    assert (row["country"], row["admin1"], row["admin2"], row["admin3"]) == (
        "Syria",
        "Aleppo Governorate",
        "Mount Simeon District",
        "",
    )
    assert row["location"] == "Aleppo"
    assert float(row["latitude"]) == pytest.approx(36.2, abs=0.05)
    assert float(row["longitude"]) == pytest.approx(37.13, abs=0.05)
    assert row["geo_precision"] == "1"


def test_csv_maps_wide_places_onto_acled_geo_precision_3_and_keeps_ours_in_where_prec():
    governorate = {**ALEPPO_GOVERNORATE, "latitude": 36.25, "longitude": 37.6, "geo_precision": 4}
    row = csv_rows([make_entry(location={**governorate, "ancestors": [SYRIA]})])[0]
    assert (row["geo_precision"], row["where_prec"]) == ("3", "4")
    assert (row["country"], row["admin1"], row["location"]) == (
        "Syria",
        "Aleppo Governorate",
        "Aleppo Governorate",
    )


def test_csv_leaves_unknown_fatalities_coordinates_and_places_empty_never_zero():
    row = csv_rows([make_entry(location=None)])[0]
    assert row["fatalities"] == row["fatalities_low"] == row["fatalities_high"] == ""
    assert row["latitude"] == row["longitude"] == row["location"] == row["country"] == ""
    known = csv_rows([make_entry(fatalities={"best": 0, "low": 0, "high": 3})])[0]
    assert (known["fatalities"], known["fatalities_low"], known["fatalities_high"]) == (
        "0",
        "0",
        "3",
    )


def test_csv_lists_outlets_and_keeps_each_excerpt_with_its_attribution(seed_entries):
    strike = seed_entry(seed_entries, "2017-08-30-coalition-strikes-halt-is-convoy")
    row = csv_rows([strike])[0]
    assert row["source"] == "Khazen"
    excerpts = row["source_excerpts"].split("\n")
    attributions = row["source_attributions"].split("\n")
    assert len(excerpts) == len(attributions) == len(strike["sources"]) == 5
    assert (
        excerpts[1] == "[2] U.S.-led strikes on Wednesday stopped them joining forces with their "
        "jihadist comrades"
    )
    assert attributions[1].startswith(
        "[2] a commander in the pro-Syrian government military alliance, in Khazen"
    )
    assert json.loads(row["sources_json"]) == strike["sources"]


def test_csv_identifies_events_by_id_uid_and_timestamp():
    row = csv_rows([make_entry()])[0]
    assert row["event_id_cnty"] == "CT12"
    assert row["uid"] == BASE_ENTRY["uid"]
    assert row["timestamp"] == "1795255200"  # 2026-11-21T10:00:00Z
    assert row["date_approximate"] == "false"


# --- GeoJSON ----------------------------------------------------------------------------------


def test_geojson_is_a_feature_collection_with_one_feature_per_seed_event(seed_entries):
    collection = json.loads(render("geojson", seed_entries, title="Seed events"))
    assert collection["type"] == "FeatureCollection"
    assert collection["title"] == "Seed events"
    assert len(collection["features"]) == 29
    for feature in collection["features"]:
        assert feature["type"] == "Feature"
        assert set(feature) == {"type", "id", "geometry", "properties"}
        geometry = feature["geometry"]
        if geometry is not None:
            assert geometry["type"] == "Point"
            longitude, latitude = geometry["coordinates"]
            assert -180 <= longitude <= 180 and -90 <= latitude <= 90


def test_geojson_writes_coordinates_longitude_first(seed_entries):
    supplies = seed_entry(seed_entries, "2016-08-fighting-cuts-aleppo-supplies")
    feature = json.loads(render("geojson", [supplies]))["features"][0]
    longitude, latitude = feature["geometry"]["coordinates"]
    assert longitude == pytest.approx(37.1, abs=0.1)
    assert latitude == pytest.approx(36.2, abs=0.1)


def test_geojson_keeps_events_without_coordinates_with_a_null_geometry(seed_entries):
    features = json.loads(render("geojson", seed_entries))["features"]
    placeless = [f for f in features if f["properties"]["location"] is None]
    assert len(placeless) == 4
    assert all(feature["geometry"] is None for feature in placeless)
    no_centroid = {**BASE_ENTRY["location"], "latitude": None, "longitude": None}
    feature = json.loads(render("geojson", [make_entry(location=no_centroid)]))["features"][0]
    assert feature["geometry"] is None
    assert feature["properties"]["location"]["slug"] == "aleppo-city"


def test_geojson_properties_are_the_entry_without_the_location_coordinates():
    entry = make_entry()
    feature = json.loads(render("geojson", [entry]))["features"][0]
    assert feature["id"] == entry["uid"]
    expected = copy.deepcopy(entry)
    del expected["location"]["latitude"], expected["location"]["longitude"]
    nested = {k: v for k, v in feature["properties"].items() if k not in dict(FLAT_PROPERTIES)}
    assert nested == expected


def test_geojson_has_flat_properties_beside_the_nested_ones_for_gis_tools():
    entry = make_entry(fatalities={"best": None, "low": 4, "high": 9})
    properties = json.loads(render("geojson", [entry]))["features"][0]["properties"]
    assert properties["date_earliest"] == entry["date"]["earliest"]
    assert properties["date_latest"] == entry["date"]["latest"]
    assert properties["date_precision"] == entry["date"]["precision"]
    assert (properties["fatalities_best"], properties["fatalities_low"]) == (None, 4)
    assert properties["type_slug"] == entry["type"]["slug"]
    assert properties["location_slug"] == entry["location"]["slug"]
    assert properties["date"] == entry["date"]  # The nested values stay.
    flat = json.loads(render("geojson", [make_entry(location=None)]))["features"][0]
    assert flat["properties"]["location_slug"] is None
    assert flat["properties"]["geo_precision"] is None


def test_an_empty_geojson_export_is_still_a_valid_collection():
    assert json.loads(render("geojson", [])) == {
        "type": "FeatureCollection",
        "title": "Chronology",
        "features": [],
    }


# --- TimelineJS -------------------------------------------------------------------------------


def slides(entries) -> list[dict]:
    return json.loads(render("timelinejs", entries))["events"]


def test_timelinejs_has_a_title_slide_and_one_slide_per_seed_event(seed_entries):
    timeline = json.loads(render("timelinejs", seed_entries, title="Syria <2016>"))
    assert timeline["title"] == {"text": {"headline": "Syria &lt;2016&gt;", "text": ""}}
    assert len(timeline["events"]) == 29
    for slide in timeline["events"]:
        assert isinstance(slide["start_date"]["year"], int)
        assert set(slide["text"]) == {"headline", "text"}
        assert "media" not in slide


def test_timelinejs_gives_a_day_precise_event_year_month_and_day_and_no_end_date():
    (slide,) = slides([make_entry()])
    assert slide["start_date"] == {"year": 2016, "month": 9, "day": 4}
    assert "end_date" not in slide
    assert slide["display_date"] == "4 Sep 2016"


def test_timelinejs_draws_a_month_precise_event_across_its_bounds():
    when = {"earliest": "2016-08-01", "latest": "2016-08-10", "precision": "month"}
    (slide,) = slides([make_entry(date={**when, "display": "early August 2016"})])
    assert slide["start_date"] == {"year": 2016, "month": 8, "day": 1}
    assert slide["end_date"] == {"year": 2016, "month": 8, "day": 10}
    assert slide["display_date"] == "early August 2016"


def test_timelinejs_draws_a_year_precise_event_across_its_year(seed_entries):
    onset = seed_entry(seed_entries, "2011-syrian-conflict-begins")
    (slide,) = slides([onset])
    earliest, latest = (date.fromisoformat(onset["date"][k]) for k in ("earliest", "latest"))
    assert slide["start_date"] == {"year": 2011, "month": earliest.month, "day": earliest.day}
    assert slide["end_date"] == {"year": latest.year, "month": latest.month, "day": latest.day}


def test_timelinejs_gives_ranges_their_first_and_last_possible_days(seed_entries):
    when = {"earliest": "2016-09-02", "latest": "2016-09-04", "precision": "days"}
    (slide,) = slides([make_entry(date={**when, "display": "2–4 Sep 2016"})])
    assert slide["start_date"] == {"year": 2016, "month": 9, "day": 2}
    assert slide["end_date"] == {"year": 2016, "month": 9, "day": 4}
    # Imprecise across a month's turn: never from the 1st of the first month.
    when = {"earliest": "2016-08-28", "latest": "2016-09-04", "precision": "month"}
    (slide,) = slides([make_entry(date={**when, "display": "late Aug–early Sep 2016"})])
    assert (slide["start_date"], slide["end_date"]) == (
        {"year": 2016, "month": 8, "day": 28},
        {"year": 2016, "month": 9, "day": 4},
    )
    supplies = seed_entry(seed_entries, "2016-08-fighting-cuts-aleppo-supplies")
    (slide,) = slides([supplies])
    assert slide["display_date"] == supplies["date"]["display"]


def test_timelinejs_escapes_every_text_it_writes():
    entry = make_entry(
        headline="<script>alert(1)</script> & more",
        summary='He said "<b>no</b>"',
        sources=[
            {
                "outlet": "A&B News",
                "excerpt": "<img src=x onerror=alert(1)>",
                "attributed_to": "",
                "url": "javascript:alert(1)",
            }
        ],
    )
    (slide,) = slides([entry])
    assert slide["text"]["headline"] == "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"
    body = slide["text"]["text"]
    assert "<script" not in body and "<img" not in body and "<b>" not in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body
    assert "A&amp;B News" in body
    assert "javascript:" not in body


def test_timelinejs_text_carries_the_summary_and_cited_excerpts_with_attribution_and_outlet():
    (slide,) = slides([make_entry()])
    body = slide["text"]["text"]
    assert "<p>Shelling hit the eastern districts.</p>" in body
    assert "“government forces shelled the town”" in body
    assert "a rebel commander, in Khazen (via Reuters), 2016-09-04" in body
    assert 'href="https://example.org/aleppo"' in body
    assert slide["group"] == "Explosions/Remote violence"


def test_timelinejs_unique_ids_are_the_uids_and_unique(seed_entries):
    ids = [slide["unique_id"] for slide in slides(seed_entries)]
    assert ids == [entry["uid"] for entry in seed_entries]
    assert len(set(ids)) == len(ids)
    (slide,) = slides([make_entry(uid=None, id=99)])
    assert slide["unique_id"] == "event-99"


def test_timelinejs_groups_a_top_level_type_under_its_own_name():
    (slide,) = slides([make_entry(type={"slug": "protests", "name": "Protests", "parent": None})])
    assert slide["group"] == "Protests"


# --- iCalendar --------------------------------------------------------------------------------


def test_ics_parses_with_one_vevent_per_seed_event(seed_entries):
    raw = render("ics", seed_entries, title="Seed events")
    calendar = icalendar.Calendar.from_ical(raw)
    assert calendar["VERSION"] == "2.0"
    assert str(calendar["X-WR-CALNAME"]) == "Seed events"
    events = calendar.walk("VEVENT")
    assert len(events) == 29
    uids = {str(event["UID"]) for event in events}
    assert uids == {f"{entry['uid']}@conflicttracker" for entry in seed_entries}


def test_ics_ends_a_one_day_event_on_the_next_day(seed_entries):
    recapture = seed_entry(seed_entries, "2016-09-04-government-recaptures-ramousah")
    (event,) = calendar_events([recapture])
    assert event.decoded("DTSTART") == date(2016, 9, 4)
    assert event.decoded("DTEND") == date(2016, 9, 5)
    assert b"DTEND;VALUE=DATE:20160905\r\n" in render("ics", [recapture])


def test_ics_spans_an_uncertain_event_over_all_its_possible_days():
    when = {"earliest": "2016-08-01", "latest": "2016-08-31", "precision": "month"}
    (event,) = calendar_events([make_entry(date={**when, "display": "August 2016"})])
    assert event.decoded("DTSTART") == date(2016, 8, 1)
    assert event.decoded("DTEND") == date(2016, 9, 1)
    assert "Date: August 2016 (known to the month)" in str(event["DESCRIPTION"])


def test_ics_marks_an_approximate_date_in_the_summary(seed_entries):
    deal = seed_entry(seed_entries, "2017-08-is-hezbollah-syrian-army-ceasefire-deal")
    (event,) = calendar_events([deal])
    assert str(event["SUMMARY"]) == deal["headline"] + " (approx. date)"
    assert f"Date: {deal['date']['display']} (approximate)" in str(event["DESCRIPTION"])


def test_ics_escapes_commas_semicolons_backslashes_and_newlines():
    headline = "Talks in Geneva, Lausanne; Vienna \\ Hangzhou\nresume"
    raw = render("ics", [make_entry(headline=headline)])
    unfolded = raw.replace(b"\r\n ", b"")
    assert b"SUMMARY:Talks in Geneva\\, Lausanne\\; Vienna \\\\ Hangzhou\\nresume\r\n" in unfolded
    (event,) = calendar_events([make_entry(headline=headline)])
    assert str(event["SUMMARY"]) == headline


def test_ics_folds_long_lines_at_75_octets_without_splitting_characters():
    headline = "اشتباكات عنيفة في حلب الشرقية " * 8 + "— Aleppo, 4 Sep"
    raw = render("ics", [make_entry(headline=headline, summary="x" * 400)])
    lines = raw.split(b"\r\n")
    assert lines[-1] == b""
    assert all(len(line) <= 75 for line in lines)
    assert any(line.startswith(b" ") for line in lines)
    for line in lines:
        line.decode("utf-8")  # a split character would not decode
    assert b"\n" not in raw.replace(b"\r\n", b"")
    (event,) = calendar_events([make_entry(headline=headline)])
    assert str(event["SUMMARY"]) == headline


def test_ics_carries_place_coordinates_categories_and_sources():
    (event,) = calendar_events([make_entry()])
    assert str(event["LOCATION"]) == "Aleppo, Aleppo Governorate, Syria"
    geo = event["GEO"]
    assert (geo.latitude, geo.longitude) == pytest.approx((36.2021, 37.1343))
    assert [str(c) for c in event["CATEGORIES"].cats] == [
        "Explosions/Remote violence",
        "Shelling/artillery/missile attack",
    ]
    description = str(event["DESCRIPTION"])
    assert description.startswith("Shelling hit the eastern districts.")
    assert "“government forces shelled the town” — a rebel commander, in Khazen" in description
    assert event.decoded("DTSTAMP").isoformat() == "2026-11-21T10:00:00+00:00"
    assert str(event["URL"]) == BASE_ENTRY["url"]


def test_ics_leaves_out_location_and_geo_for_an_event_without_a_place():
    (event,) = calendar_events([make_entry(location=None)])
    assert "LOCATION" not in event and "GEO" not in event


# --- Streaming --------------------------------------------------------------------------------


class CountingEntries:
    """10,000 synthetic entries handed out one at a time, counting how many were pulled."""

    def __init__(self, total: int = 10_000):
        self.total = total
        self.pulled = 0

    def __iter__(self):
        template = make_entry()
        for number in range(self.total):
            self.pulled += 1
            yield {**template, "id": number, "uid": f"synthetic-{number}"}


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_format_streams_its_entries_lazily_in_chunks(name):
    entries = CountingEntries()
    pulled_at_each_chunk = []
    size = 0
    for chunk in FORMATS[name].stream(iter(entries), title="Synthetic"):
        assert isinstance(chunk, bytes)
        pulled_at_each_chunk.append(entries.pulled)
        size += len(chunk)
    first_with_events = next(n for n in pulled_at_each_chunk if n > 0)
    assert first_with_events <= CHUNK_ROWS < 1_000
    steps = [b - a for a, b in itertools.pairwise(pulled_at_each_chunk)]
    assert max(steps) <= CHUNK_ROWS
    assert entries.pulled == 10_000
    assert len(pulled_at_each_chunk) >= 10_000 // CHUNK_ROWS


def test_a_streamed_export_of_many_entries_is_still_one_valid_document():
    entries = CountingEntries(total=2 * CHUNK_ROWS + 3)
    assert len(json.loads(render("geojson", entries))["features"]) == entries.total
    assert len(json.loads(render("timelinejs", entries))["events"]) == entries.total
    assert len(csv_rows(entries)) == entries.total
    assert len(calendar_events(entries)) == entries.total


# --- Renderers --------------------------------------------------------------------------------


class ExportView(APIView):
    """A bare view returning whatever the test puts in `payload`, rendered by negotiation."""

    authentication_classes = []
    permission_classes = []
    throttle_classes = []
    renderer_classes = [JSONRenderer, *EXPORT_RENDERERS]
    payload = None
    status_code = 200

    def get(self, request):
        return Response(self.payload, status=self.status_code)

    def get_export_title(self):
        return "Aleppo, September 2016"


def fetch(payload, *, status=200, query="", accept="*/*", renderers=None):
    factory = APIRequestFactory()
    attrs = {"payload": payload, "status_code": status}
    if renderers is not None:
        attrs["renderer_classes"] = renderers
    view = type("View", (ExportView,), attrs).as_view()
    response = view(factory.get(f"/export/{query}", HTTP_ACCEPT=accept))
    response.render()
    return response


@pytest.mark.parametrize(
    ("fmt", "renderer", "content_type"),
    [
        ("csv", CSVRenderer, "text/csv; charset=utf-8"),
        ("geojson", GeoJSONRenderer, "application/geo+json"),
        ("timelinejs", TimelineJSRenderer, "application/vnd.timelinejs+json"),
        ("ics", ICSRenderer, "text/calendar; charset=utf-8"),
    ],
)
def test_each_renderer_writes_an_envelope_of_entries_in_its_format(fmt, renderer, content_type):
    assert renderer.format == fmt
    response = fetch({"results": [make_entry()], "next": None}, query=f"?format={fmt}")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response.content == render(fmt, [make_entry()], title="Aleppo, September 2016")
    extension = FORMATS[fmt].filename_extension
    assert response["Content-Disposition"] == (
        f'inline; filename="aleppo-september-2016.{extension}"'
    )


def test_renderers_accept_a_plain_list_and_a_single_event_detail():
    listed = fetch([make_entry(), make_entry(id=13)], query="?format=geojson")
    assert len(json.loads(listed.content)["features"]) == 2
    detail = fetch(make_entry(related=[], status="published"), query="?format=csv")
    rows = list(csv.DictReader(io.StringIO(detail.content.decode())))
    assert [row["event_id_cnty"] for row in rows] == ["CT12"]


def test_the_envelope_title_names_the_export():
    response = fetch(
        {"results": [make_entry()], "title": "Islamic State, August 2017"}, query="?format=ics"
    )
    # icalendar does not know NAME / X-WR-CALNAME as TEXT and leaves them escaped.
    assert b"\r\nNAME:Islamic State\\, August 2017\r\n" in response.content
    assert b"\r\nX-WR-CALNAME:Islamic State\\, August 2017\r\n" in response.content


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_an_error_body_is_rendered_as_json_not_as_a_broken_export(fmt):
    errors = {"errors": {"start": ["'2016-13' is not a date: month 13 does not exist."]}}
    response = fetch(errors, status=400, query=f"?format={fmt}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == errors
    assert not response.has_header("Content-Disposition")


def test_a_not_found_body_is_rendered_as_json_too():
    response = fetch(
        {"detail": "No event matches the given query."}, status=404, query="?format=ics"
    )
    assert json.loads(response.content) == {"detail": "No event matches the given query."}


def test_accept_negotiation_never_hands_plain_json_clients_timelinejs():
    renderers = [TimelineJSRenderer, JSONRenderer]
    plain = fetch({"results": [make_entry()]}, accept="application/json", renderers=renderers)
    assert plain["Content-Type"] == "application/json"
    assert "results" in json.loads(plain.content)
    timeline = fetch(
        {"results": [make_entry()]}, accept="application/vnd.timelinejs+json", renderers=renderers
    )
    assert "events" in json.loads(timeline.content)
    for media_type in ("text/csv", "application/geo+json", "text/calendar"):
        response = fetch({"results": [make_entry()]}, accept=media_type)
        assert response["Content-Type"].startswith(media_type)


def test_csv_keeps_one_line_per_claim_when_an_excerpt_spans_lines():
    sources = [
        {"outlet": "Khazen", "excerpt": "first line\nsecond line", "attributed_to": "A"},
        {"outlet": "Enab Baladi", "excerpt": "other claim", "attributed_to": "B"},
    ]
    row = csv_rows([make_entry(sources=sources)])[0]
    assert row["source_excerpts"] == "[1] first line second line\n[2] other claim"
    assert row["source_attributions"] == "[1] A, in Khazen\n[2] B, in Enab Baladi"
    assert row["source"] == "Khazen; Enab Baladi"
    assert json.loads(row["sources_json"])[0]["excerpt"] == "first line\nsecond line"


# --- With the API core's chronology -----------------------------------------------------------


def test_the_chronology_walk_exports_the_seed_events_in_every_format(seeded):
    chronology = pytest.importorskip("events.chronology")
    published = Event.objects.published()

    def walked():
        return chronology.stream(
            chronology.ChronologyQuery(),
            events=published,
            batch_size=7,
            url_for=lambda pk: f"http://h/e/{pk}/",
        )

    assert len(csv_rows(walked())) == 29
    features = json.loads(render("geojson", walked()))["features"]
    assert sum(feature["geometry"] is None for feature in features) == 4
    assert len(json.loads(render("timelinejs", walked()))["events"]) == 29
    assert len(calendar_events(walked())) == 29
    # The chronology's entries and this module's builder agree, so both render alike.
    assert render("csv", chronology.entries_of(published.chronological())) == render(
        "csv", published_entries()
    )
