"""Bad input is a 400 whose JSON body names the parameter: never a 500, never an empty 200."""

import pytest

from tests.api.helpers import body, errors

pytestmark = pytest.mark.django_db

CASES = [
    ("start=2016-13", "start", "month 13 is out of range"),
    ("end=2016-02-30", "end", "day 30 is out of range for February 2016"),
    ("start=2015-02-29", "start", "not a leap year"),
    ("start=next+week", "start", "is not a date of the form"),
    ("start=0000", "start", "year 0 is out of range"),
    ("start=2016-09-05&end=2016-09-04", "start", "is after end"),
    ("start=2016-10&end=2016-09", "start", "is after end"),
    ("date_mode=sometimes", "date_mode", "sometimes"),
    ("actor=nobody-at-all", "actor", "no actor has the slug, id, name or alias 'nobody-at-all'"),
    ("actor=isis&actor=nobody", "actor", "'nobody'"),
    ("actor_role=king", "actor_role", "king"),
    ("include_members=maybe", "include_members", "not a boolean"),
    ("location=atlantis", "location", "no place has the slug, id, name or alias 'atlantis'"),
    ("bbox=36,35,38", "bbox", "4 comma-separated numbers"),
    ("bbox=36,35,38,north", "bbox", "as numbers"),
    ("bbox=200,35,210,37", "bbox", "longitude 200.0 is outside -180..180"),
    ("bbox=36,91,38,95", "bbox", "latitude 91.0 is outside -90..90"),
    ("bbox=36,37,38,35", "bbox", "minlat 37.0 is above maxlat 35.0"),
    ("bbox=nan,35,38,37", "bbox", "finite"),
    ("near=36.2,37.15", "near", "3 comma-separated numbers"),
    ("near=95,37,10", "near", "latitude 95.0 is outside -90..90"),
    ("near=36.2,37.15,0", "near", "above 0"),
    ("near=36.2,37.15,-5", "near", "above 0"),
    ("type=weather", "type", "no event type has the slug or id 'weather'"),
    ("article=99999", "article", "no article has the id '99999'"),
    ("article=first", "article", "no article has the id 'first'"),
    ("precision=hour", "precision", "unknown precision 'hour'"),
    ("fatalities_min=-1", "fatalities_min", "greater than or equal to 0"),
    ("fatalities_min=many", "fatalities_min", "whole number"),
    ("updated_since=yesterday", "updated_since", "not an ISO 8601 date"),
    ("acter=isis", "acter", "unknown parameter 'acter'"),
    ("start=2016&start=2017", "start", "give start once"),
    ("format=xml", "format", "unknown format 'xml'"),
    ("page_size=100000", "page_size", "from 1 to 500"),
    ("cursor=abc", "cursor", "not a cursor of this endpoint"),
]


@pytest.mark.parametrize(("query", "parameter", "message"), CASES, ids=[c[0] for c in CASES])
def test_bad_timeline_input_is_a_400_naming_the_parameter(
    seeded_light, api, query, parameter, message
):
    found = errors(api.get(f"/api/v1/timeline/?{query}"))
    assert parameter in found, found
    assert message in " ".join(found[parameter])


@pytest.fixture
def seeded_light(db):
    """Enough reference data for the valid half of each query (isis resolves)."""
    from tests.factories import ActorAliasFactory, ActorFactory

    ActorAliasFactory(actor=ActorFactory(slug="islamic-state"), name="ISIS")


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/events/?start=2016-13",
        "/api/v1/timeline/histogram/?start=2016-13",
        "/api/v1/timeline/?start=2016-13&format=csv",
        "/api/v1/timeline/?start=2016-13&format=geojson",
        "/api/v1/timeline/?start=2016-13&format=timelinejs",
        "/api/v1/timeline/?start=2016-13&format=ics",
    ],
)
def test_every_endpoint_and_export_sharing_the_filters_answers_bad_input_in_json(api, db, url):
    response = api.get(url)
    assert response["Content-Type"] == "application/json"
    assert "start" in errors(response)
    assert not response.has_header("Content-Disposition")


def test_an_unknown_histogram_interval_is_a_400_naming_it(api, db):
    assert "interval" in errors(api.get("/api/v1/timeline/histogram/?interval=decade"))


def test_an_unknown_parameter_on_a_reference_list_is_a_400(api, db):
    assert "nmae" in errors(api.get("/api/v1/actors/?nmae=x"))
    assert "kind" in errors(api.get("/api/v1/actors/?kind=wizard"))


def test_a_bad_since_on_the_removed_feed_is_a_400(api, db):
    assert "since" in errors(api.get("/api/v1/events/removed/?since=last+tuesday"))


def test_a_non_numeric_event_id_is_a_404_not_a_500(api, db):
    assert api.get("/api/v1/events/abc/").status_code == 404


def test_an_empty_parameter_means_no_filter(api, db):
    response = api.get("/api/v1/timeline/?actor=&q=&start=")
    assert response.status_code == 200, body(response)
