"""Content negotiation as real clients do it: ?format= wins over Accept, Accept alone picks
among the formats, and a 406 names what the endpoint can answer, in the API's error shape."""

import json

import pytest

from events.formats import FORMATS
from tests.api.helpers import D, body, day

pytestmark = pytest.mark.django_db

TIMELINE = "/api/v1/timeline/"
MEDIA_TYPES = {
    "csv": "text/csv",
    "geojson": "application/geo+json",
    "timelinejs": "application/vnd.timelinejs+json",
    "ics": "text/calendar",
    "acled": "text/csv",
    "ucdp": "text/csv",
}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("accept", ["application/json", "*/*", "application/json, */*;q=0.1"])
def test_an_explicit_format_wins_over_the_accept_header(api, db, fmt, accept):
    day(D(2016, 9, 4))
    response = api.get(f"{TIMELINE}?format={fmt}", HTTP_ACCEPT=accept)
    assert response.status_code == 200, body(response)[:300]
    assert response["Content-Type"].split(";")[0] == MEDIA_TYPES[fmt]
    assert body(response)
    event = api.get(f"/api/v1/events/?format={fmt}", HTTP_ACCEPT=accept)
    assert event.status_code == 200
    assert event["Content-Type"].split(";")[0] == MEDIA_TYPES[fmt]


def test_timelinejs_by_url_with_the_header_timelinejs_sends(api, db):
    day(D(2016, 9, 4), headline="Shelling of the old city")
    response = api.get(
        f"{TIMELINE}?format=timelinejs",
        HTTP_ACCEPT="application/json, text/javascript, */*; q=0.01",
    )
    assert response.status_code == 200
    data = json.loads(body(response))
    assert data["events"][0]["text"]["headline"] == "Shelling of the old city"


def test_accept_alone_picks_the_format(api, db):
    day(D(2016, 9, 4))
    assert api.get(TIMELINE, HTTP_ACCEPT="text/calendar")["Content-Type"].startswith(
        "text/calendar"
    )
    assert api.get(TIMELINE, HTTP_ACCEPT="application/geo+json")["Content-Type"] == (
        "application/geo+json"
    )
    assert api.get(TIMELINE, HTTP_ACCEPT="application/json")["Content-Type"] == "application/json"
    assert api.get(TIMELINE, HTTP_ACCEPT="*/*")["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    "url", [TIMELINE, "/api/v1/actors/", "/api/v1/timeline/histogram/", "/api/v1/events/"]
)
def test_nothing_acceptable_is_a_406_in_the_error_shape(api, db, url):
    response = api.get(url, HTTP_ACCEPT="application/pdf")
    assert response.status_code == 406
    assert response["Content-Type"] == "application/json"
    message = response.json()["errors"]["Accept"][0]
    assert "application/json" in message


def test_an_unknown_format_is_still_a_400_naming_format(api, db):
    response = api.get(f"{TIMELINE}?format=pdf", HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert "format" in response.json()["errors"]


def test_other_errors_keep_detail_and_carry_the_error_shape(api, db):
    response = api.get("/api/v1/events/999999/")
    assert response.status_code == 404
    data = response.json()
    assert data["detail"] and data["errors"]["detail"] == [data["detail"]]
