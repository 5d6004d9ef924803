"""CORS for the public read API and Cache-Control on every API response, by audience."""

import pytest

from tests.api.helpers import D, day

pytestmark = pytest.mark.django_db

ORIGIN = "https://dashboard.example.org"
TIMELINE = "/api/v1/timeline/"


def test_any_origin_may_read_and_see_the_etag(api, db):
    day(D(2016, 9, 4))
    response = api.get(TIMELINE, HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    exposed = {h.strip().lower() for h in response["Access-Control-Expose-Headers"].split(",")}
    assert {"etag", "last-modified", "content-disposition", "x-events-left-out"} <= exposed
    assert "Access-Control-Allow-Credentials" not in response


def test_a_preflight_allows_conditional_reads_but_no_writes(api, db):
    read = api.options(
        TIMELINE,
        HTTP_ORIGIN=ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )
    assert read.status_code == 200
    assert "if-none-match" in read["Access-Control-Allow-Headers"]
    methods = {m.strip() for m in read["Access-Control-Allow-Methods"].split(",")}
    assert "GET" in methods and not methods & {"POST", "PUT", "PATCH", "DELETE"}


def test_configured_origins_narrow_cors(api, db, settings):
    settings.CORS_ALLOW_ALL_ORIGINS = False
    settings.CORS_ALLOWED_ORIGINS = [ORIGIN]
    allowed = api.get(TIMELINE, HTTP_ORIGIN=ORIGIN)
    assert allowed["Access-Control-Allow-Origin"] == ORIGIN
    other = api.get(TIMELINE, HTTP_ORIGIN="https://elsewhere.example.com")
    assert "Access-Control-Allow-Origin" not in other


def test_pages_outside_the_api_get_no_cors_headers(api, db):
    response = api.get("/", HTTP_ORIGIN=ORIGIN)
    assert "Access-Control-Allow-Origin" not in response


@pytest.mark.parametrize(
    "url",
    [
        TIMELINE,
        f"{TIMELINE}?format=csv",
        "/api/v1/timeline/histogram/",
        "/api/v1/timeline/summary/?by=type",
        "/api/v1/timeline/summary/?by=type&format=csv",
        "/api/v1/events/",
        "/api/v1/actors/",
        "/api/v1/schema/",
        "/api/v1/",
    ],
)
def test_anonymous_reads_are_public_for_a_short_while_and_revalidate(api, db, url):
    response = api.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=60, must-revalidate"
    vary = {v.strip() for v in response["Vary"].split(",")}
    assert {"Authorization", "Cookie"} <= vary
    assert ("Accept" in vary) == ("format=" not in url)


def test_a_304_keeps_the_same_cache_control(api, db):
    first = api.get(TIMELINE)
    again = api.get(TIMELINE, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again["Cache-Control"] == first["Cache-Control"]


@pytest.mark.parametrize("url", [TIMELINE, "/api/v1/events/", "/api/v1/actors/"])
def test_editors_responses_are_never_stored(editor_api, publisher_api, db, url):
    for client in (editor_api, publisher_api):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"


def test_errors_and_writes_are_not_stored(api, editor_api, db):
    assert api.get(f"{TIMELINE}?start=nonsense")["Cache-Control"] == "no-store"
    assert api.get("/api/v1/events/999999/")["Cache-Control"] == "no-store"
    created = editor_api.post("/api/v1/events/", {}, format="json")
    assert created.status_code == 400 and created["Cache-Control"] == "no-store"
