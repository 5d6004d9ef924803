"""location (repeatable), geo_precision, outlet and the dyad (actor_a, actor_b) through the one
FilterSet: pages, exports, histogram, the public pages and export_events."""

import csv
import io
import json
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import ActorMembership, Location
from tests.api.helpers import D, body, day, errors, ids, with_actor, with_source
from tests.factories import ActorFactory, ArticleFactory, LocationFactory
from tests.fuzzing import HOSTILE

pytestmark = pytest.mark.django_db

TIMELINE = "/api/v1/timeline/"
P = Location.GeoPrecision


@pytest.fixture
def places(db):
    syria = LocationFactory(slug="syria", name="Syria", kind="country", geo_precision=P.COUNTRY)
    aleppo = LocationFactory(
        slug="aleppo", name="Aleppo", kind="governorate", parent=syria, geo_precision=P.GOVERNORATE
    )
    town = LocationFactory(slug="al-bab", name="Al-Bab", parent=aleppo, geo_precision=P.EXACT)
    idlib = LocationFactory(
        slug="idlib", name="Idlib", kind="governorate", parent=syria, geo_precision=P.NEAR
    )
    homs = LocationFactory(slug="homs", name="Homs", parent=syria, geo_precision=None)
    reuters = ArticleFactory(outlet="Reuters")
    khazen = ArticleFactory(outlet="Khazen")
    return {
        "town": with_source(day(D(2016, 9, 1), location=town), article=reuters).pk,
        "aleppo": day(D(2016, 9, 2), location=aleppo).pk,
        "idlib": with_source(
            with_source(day(D(2016, 9, 3), location=idlib), article=khazen), article=reuters
        ).pk,
        "homs": with_source(day(D(2016, 9, 4), location=homs), article=khazen).pk,
        "nowhere": day(D(2016, 9, 5), location=None).pk,
    }


@pytest.fixture
def dyads(db):
    army, rebels, isis = (ActorFactory(slug=slug) for slug in ("army", "rebels", "isis"))
    coalition = ActorFactory(slug="coalition", kind="alliance")
    ActorMembership.objects.create(alliance=coalition, member=rebels)

    def event(on: int, *links):
        made = day(D(2016, 10, on))
        for actor, role in links:
            with_actor(made, actor, role)
        return made.pk

    return {
        "sides": event(1, (army, "side_a"), (rebels, "side_b")),
        "turned": event(2, (rebels, "perpetrator"), (army, "target")),
        "associated": event(3, (army, "associated_b"), (rebels, "associated_a"), (isis, "side_a")),
        "same_side": event(4, (army, "side_a"), (rebels, "associated_a")),
        "mediated": event(5, (army, "side_a"), (rebels, "mediator"), (isis, "side_b")),
        "coalition": event(6, (army, "side_b"), (coalition, "side_a")),
    }


def test_several_places_match_any_of_them_and_what_lies_beneath(api, places):
    assert ids(api, f"{TIMELINE}?location=aleppo") == [places["town"], places["aleppo"]]
    both = ids(api, f"{TIMELINE}?location=aleppo&location=idlib")
    assert both == [places["town"], places["aleppo"], places["idlib"]]
    assert ids(api, f"{TIMELINE}?location=al-bab&location=Homs") == [places["town"], places["homs"]]
    # A blank value is absent, as a single blank one always was.
    assert ids(api, f"{TIMELINE}?location=idlib&location=") == [places["idlib"]]
    error = errors(api.get(f"{TIMELINE}?location=aleppo&location=nowhere"))["location"]
    assert error == ["no place has the slug, id, name or alias 'nowhere'"]


def test_geo_precision_by_number_or_name(api, places):
    assert ids(api, f"{TIMELINE}?geo_precision=1") == [places["town"]]
    assert ids(api, f"{TIMELINE}?geo_precision=exact&geo_precision=near") == [
        places["town"],
        places["idlib"],
    ]
    assert ids(api, f"{TIMELINE}?geo_precision=4&location=syria") == [places["aleppo"]]
    # Events without a place, or at a place of unknown precision, never match.
    assert ids(api, f"{TIMELINE}?geo_precision=6") == []


def test_outlet_case_insensitive_and_repeatable(api, places):
    assert ids(api, f"{TIMELINE}?outlet=reuters") == [places["town"], places["idlib"]]
    assert ids(api, f"{TIMELINE}?outlet=Khazen") == [places["idlib"], places["homs"]]
    both = ids(api, f"{TIMELINE}?outlet=Khazen&outlet=REUTERS")
    assert both == [places["town"], places["idlib"], places["homs"]]


def test_a_dyad_is_one_actor_against_the_other_on_opposing_sides(api, dyads):
    facing = [dyads["sides"], dyads["turned"], dyads["associated"]]
    assert ids(api, f"{TIMELINE}?actor_a=army&actor_b=rebels") == facing
    assert ids(api, f"{TIMELINE}?actor_a=rebels&actor_b=army") == facing
    # army associated with side B against isis on side A; isis on side B against army on A.
    assert ids(api, f"{TIMELINE}?actor_a=army&actor_b=isis") == [
        dyads["associated"],
        dyads["mediated"],
    ]
    # An alliance's members count only when asked, as for actor.
    assert ids(api, f"{TIMELINE}?actor_a=army&actor_b=coalition") == [dyads["coalition"]]
    with_members = ids(api, f"{TIMELINE}?actor_a=army&actor_b=coalition&include_members=true")
    assert with_members == [*facing, dyads["coalition"]]
    # Repeated: any of the actors on that side; with the dates and other filters.
    assert ids(api, f"{TIMELINE}?actor_a=army&actor_b=isis&actor_b=rebels") == [
        *facing,
        dyads["mediated"],
    ]
    assert ids(api, f"{TIMELINE}?actor_a=army&actor_b=rebels&start=2016-10-02&end=2016-10-02") == [
        dyads["turned"]
    ]
    assert ids(api, f"{TIMELINE}?actor_a=army&actor_b=rebels&actor=isis") == [dyads["associated"]]


def test_exports_the_histogram_the_site_and_the_command_honour_them(api, client, places, dyads):
    rows = list(
        csv.DictReader(
            io.StringIO(
                body(api.get(f"{TIMELINE}?format=csv&location=aleppo&location=idlib")).decode()
            )
        )
    )
    assert len(rows) == 3
    geojson = json.loads(body(api.get(f"{TIMELINE}?format=geojson&geo_precision=near")))
    assert [feature["properties"]["id"] for feature in geojson["features"]] == [places["idlib"]]
    calendar = body(api.get(f"{TIMELINE}?format=ics&outlet=khazen")).decode()
    assert calendar.count("BEGIN:VEVENT") == 2
    histogram = api.get(f"{TIMELINE}histogram/?interval=month&actor_a=army&actor_b=rebels").json()
    assert sum(bucket["count"] for bucket in histogram["buckets"]) == 3
    title = api.get(f"{TIMELINE}?format=csv&actor_a=army&actor_b=isis")["Content-Disposition"]
    assert "-v.-" in title  # The two sides in the file's name.
    titled = api.get(f"{TIMELINE}?format=csv&location=aleppo&location=idlib&outlet=reuters")
    assert "aleppo-idlib-reported-by-reuters.csv" in titled["Content-Disposition"]
    page = client.get("/?location=aleppo&location=idlib").content.decode()
    assert "Aleppo" in page and "Idlib" in page
    out = io.StringIO()
    call_command(
        "export_events", "--format=csv", "--location=aleppo", "--location=idlib", stdout=out
    )
    assert len(list(csv.DictReader(io.StringIO(out.getvalue())))) == 3
    out = io.StringIO()
    call_command("export_events", "--format=csv", "--actor-a=army", "--actor-b=isis", stdout=out)
    assert len(list(csv.DictReader(io.StringIO(out.getvalue())))) == 2


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("geo_precision=0", "geo_precision"),
        ("geo_precision=8", "geo_precision"),
        ("geo_precision=²", "geo_precision"),
        ("geo_precision=exactly", "geo_precision"),
        ("outlet=Nobody", "outlet"),
        ("actor_a=army", "actor_b"),
        ("actor_b=army", "actor_a"),
        ("actor_a=nobody&actor_b=army", "actor_a"),
        ("location=aleppo&location=", None),
    ],
)
def test_bad_values_are_a_400_naming_the_parameter(api, places, dyads, query, named):
    if named is None:
        assert api.get(f"{TIMELINE}?{query}").status_code == 200
    else:
        assert named in errors(api.get(f"{TIMELINE}?{query}"))


@pytest.mark.parametrize("name", ["location", "geo_precision", "outlet", "actor_a", "actor_b"])
def test_hostile_values_are_never_a_500(api, places, dyads, name):
    other = {"actor_a": "&actor_b=army", "actor_b": "&actor_a=army"}.get(name, "")
    for value in HOSTILE:
        response = api.generic("GET", TIMELINE, QUERY_STRING=urlencode({name: value}) + other)
        assert response.status_code in (200, 400), (name, value, response.status_code)
        if response.status_code == 400:
            assert name in json.dumps(response.json()), (name, value)


def test_a_page_costs_the_same_queries_as_with_the_filters_it_resembles(
    api, places, dyads, settings
):
    settings.RESPONSE_CACHE_SECONDS = 0  # Computed pages, not the page cache's hits.
    api.get(TIMELINE)  # Warm the per-process caches.

    def cost(query: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api.get(f"{TIMELINE}?{query}").status_code == 200
        return len(captured)

    # Parsing resolves one name per value, as actor, type and article do; the page itself
    # reads the same number of statements whatever the filter and however many rows match.
    assert cost("geo_precision=1") == cost("precision=day")
    assert cost("geo_precision=1&geo_precision=2&geo_precision=4") == cost("precision=day")
    assert cost("outlet=reuters") == cost("location=homs")
    assert cost("location=aleppo&location=idlib") == cost("outlet=reuters&outlet=khazen")
    assert cost("location=syria") == cost("location=homs")
    # A dyad: two names resolved, then the page, whether one, two or three events match.
    dyad = cost("actor_a=army&actor_b=coalition")
    assert dyad == cost("actor_a=army&actor_b=isis") == cost("actor_a=army&actor_b=rebels")
