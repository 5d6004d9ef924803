"""HTTP behaviour: conditional GET, negotiation, throttling, the schema and docs, a real server."""

import csv
import io
import json
import urllib.error
import urllib.request

import icalendar
import pytest
from django.core.management import call_command
from rest_framework.throttling import AnonRateThrottle

from tests.api.helpers import D, body, day, walk, with_source

pytestmark = pytest.mark.django_db

TIMELINE = "/api/v1/timeline/"


# -- conditional GET -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [TIMELINE, "/api/v1/timeline/histogram/", "/api/v1/events/", "/api/v1/actors/"],
)
def test_a_repeated_get_with_the_etag_is_a_304_without_a_body(api, db, url):
    day(D(2016, 9, 4))
    first = api.get(url)
    assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]
    again = api.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]


def test_an_event_detail_answers_conditional_gets_too(api, db):
    event = day(D(2016, 9, 4))
    first = api.get(f"/api/v1/events/{event.pk}/")
    assert api.get(first.wsgi_request.path, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_a_change_to_an_event_changes_the_etag(api, db):
    event = with_source(day(D(2016, 9, 4)))
    first = api.get(TIMELINE)
    event.headline = "Corrected headline"
    event.save()
    second = api.get(TIMELINE, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200
    assert second.json()["results"][0]["headline"] == "Corrected headline"
    assert second["ETag"] != first["ETag"]


def test_a_deletion_or_a_renamed_actor_changes_the_etag(api, db):
    from tests.api.helpers import with_actor
    from tests.factories import ActorFactory

    actor = ActorFactory(name="Old name")
    kept = with_actor(day(D(2016, 9, 4)), actor)
    gone = day(D(2016, 9, 5))
    tags = [api.get(TIMELINE)["ETag"]]
    gone.delete()
    tags.append(api.get(TIMELINE)["ETag"])
    actor.name = "New name"
    actor.save()
    tags.append(api.get(TIMELINE)["ETag"])
    assert len(set(tags)) == 3
    assert api.get(TIMELINE).json()["results"][0]["actors"][0]["name"] == "New name"
    assert kept.pk


def test_if_modified_since_alone_gets_the_page_and_the_etag_a_304(api, db):
    """Last-Modified is in whole seconds: a date cannot tell a change in the same second apart,
    so only the ETag answers "not modified"."""
    day(D(2016, 9, 4))
    first = api.get(TIMELINE)
    assert first["Last-Modified"]
    again = api.get(TIMELINE, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 200 and again.json() == first.json()
    both = api.get(
        TIMELINE, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"], HTTP_IF_NONE_MATCH=first["ETag"]
    )
    assert both.status_code == 304


def test_different_urls_formats_and_audiences_get_different_etags(api, editor_api, db):
    day(D(2016, 9, 4))
    tags = {
        api.get(TIMELINE)["ETag"],
        api.get(f"{TIMELINE}?page_size=5")["ETag"],
        api.get(TIMELINE, HTTP_ACCEPT="text/csv")["ETag"],
        editor_api.get(TIMELINE)["ETag"],
    }
    assert len(tags) == 4


# -- negotiation -------------------------------------------------------------------------------


def test_accept_text_csv_streams_the_whole_filtered_set_as_a_download(api, db):
    for n in range(1, 4):
        day(D(2016, 9, n))
    response = api.get(f"{TIMELINE}?page_size=1", HTTP_ACCEPT="text/csv")
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert "filename=" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(body(response).decode())))
    assert len(rows) == 3


def test_the_aleppo_governorate_in_september_2016_as_timelinejs(seeded, api):
    query = "location=aleppo-governorate&start=2016-09&end=2016-09"
    response = api.get(f"{TIMELINE}?{query}&format=timelinejs")
    assert response.status_code == 200
    timeline = json.loads(body(response))
    expected = walk(api, f"{TIMELINE}?{query}")
    assert len(timeline["events"]) == len(expected) > 0
    assert timeline["title"]["text"]["headline"] == "Aleppo Governorate, September 2016"
    assert all("year" in slide["start_date"] for slide in timeline["events"])


def test_an_ics_export_parses_with_a_real_icalendar_parser(seeded, api):
    response = api.get(f"{TIMELINE}?actor=isis&start=2017-08&end=2017-08&format=ics")
    calendar = icalendar.Calendar.from_ical(body(response))
    assert len(calendar.walk("VEVENT")) == len(walk(api, f"{TIMELINE}?actor=isis&start=2017-08"
                                                          "&end=2017-08"))  # fmt: skip


def test_a_geojson_export_is_a_feature_collection(seeded, api):
    collection = json.loads(body(api.get(f"{TIMELINE}?format=geojson")))
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == 29


def test_an_event_detail_is_exported_by_the_same_renderers(seeded, api):
    pk = walk(api, TIMELINE)[0]["id"]
    rows = list(
        csv.DictReader(io.StringIO(body(api.get(f"/api/v1/events/{pk}/?format=csv")).decode()))
    )
    assert len(rows) == 1


# -- throttling --------------------------------------------------------------------------------


def test_anonymous_traffic_is_throttled_at_the_configured_rate(api, db, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    statuses = [api.get(TIMELINE).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_editors_are_not_throttled_as_anonymous_clients(editor_api, db, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "1/minute"})
    assert {editor_api.get(TIMELINE).status_code for _ in range(3)} == {200}


def test_the_anonymous_rate_comes_from_api_anon_rate(monkeypatch):
    import importlib

    import conflicttracker.settings as settings_module

    monkeypatch.setenv("API_ANON_RATE", "7/hour")
    try:
        reloaded = importlib.reload(settings_module)
        assert reloaded.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anon"] == "7/hour"
    finally:
        monkeypatch.delenv("API_ANON_RATE")
        importlib.reload(settings_module)


# -- schema and docs ----------------------------------------------------------------------------


def test_the_openapi_schema_generates_without_a_single_warning(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text()
    for path in ("/api/v1/timeline/", "/api/v1/timeline/histogram/", "/api/v1/events/removed/"):
        assert f"{path}:" in text


def test_the_docs_page_loads_its_assets_from_this_server_not_a_cdn(api, db):
    page = api.get("/api/v1/docs/").content.decode()
    assert "cdn" not in page.lower()
    assets = [part.split('"')[0] for part in page.split('src="')[1:]]
    # Its own set-up script comes from the docs URL itself (no inline script, for the CSP).
    setup = [src for src in assets if src.startswith("/api/v1/docs/?")]
    assert len(setup) == 1 and all(src.startswith("/static/") for src in assets if src not in setup)
    script = api.get(setup[0].replace("&amp;", "&"))
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/v1/schema/" in script.content.decode()
    assert api.get("/api/v1/schema/").status_code == 200


def test_the_api_root_lists_every_entry_point(api, db):
    root = api.get("/api/v1/").json()
    assert {"timeline", "histogram", "removed", "events", "actors", "locations"} <= set(root)
    assert {"event-types", "articles", "schema", "docs"} <= set(root)


# -- a real HTTP server ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_real_server_serves_pages_conditional_gets_and_streamed_exports(live_server):
    for n in range(1, 6):
        day(D(2016, 9, n))
    url = f"{live_server.url}{TIMELINE}?page_size=2"
    with urllib.request.urlopen(url) as response:
        page = json.loads(response.read())
        tag = response.headers["ETag"]
    assert len(page["results"]) == 2 and page["next"].startswith(live_server.url)
    with urllib.request.urlopen(page["next"]) as response:
        assert len(json.loads(response.read())["results"]) == 2
    request = urllib.request.Request(url, headers={"If-None-Match": tag})
    with pytest.raises(urllib.error.HTTPError) as not_modified:
        urllib.request.urlopen(request)
    assert not_modified.value.code == 304
    request = urllib.request.Request(f"{live_server.url}{TIMELINE}", headers={"Accept": "text/csv"})
    with urllib.request.urlopen(request) as response:
        assert response.headers["Content-Type"].startswith("text/csv")
        assert len(response.read().decode().strip().splitlines()) == 6
    with pytest.raises(urllib.error.HTTPError) as bad:
        urllib.request.urlopen(f"{live_server.url}{TIMELINE}?start=2016-13")
    assert bad.value.code == 400
    assert json.loads(bad.value.read())["errors"]["start"]
