"""The public chronology page: the seed events, filters shared with the API, paging, bad input."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Event
from tests.factories import (
    ActorFactory,
    ArticleFactory,
    EventActorFactory,
    EventFactory,
    EventSourceFactory,
    EventTypeFactory,
    LocationFactory,
)

pytestmark = pytest.mark.django_db

ENTRY = re.compile(r'<article class="entry[^"]*" id="event-(\d+)"')


def listed(response) -> list[int]:
    return [int(pk) for pk in ENTRY.findall(response.content.decode())]


def api_ids(client, query: str) -> list[int]:
    response = client.get(f"/api/v1/timeline/?page_size=500&{query}")
    assert response.status_code == 200
    return [row["id"] for row in response.json()["results"]]


def text(response) -> str:
    """The page's visible text, roughly: tags dropped, whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_front_page_lists_every_published_seed_event_in_chronological_order(client, seeded):
    response = client.get("/")
    assert response.status_code == 200
    expected = list(Event.objects.published().chronological().values_list("id", flat=True))
    assert len(expected) == 29
    assert listed(response) == expected
    assert "29 events" in text(response)


def test_drafts_are_neither_listed_nor_reachable(client, seeded):
    draft = EventFactory(headline="Unverified rumour of a massacre", status=Event.Status.DRAFT)
    assert draft.pk not in listed(client.get("/"))
    assert "Unverified rumour" not in client.get("/").content.decode()
    assert client.get(f"/events/{draft.pk}/").status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "actor=Daesh",
        "actor=hezbollah&actor=us-led-coalition",
        "location=aleppo-governorate",
        "type=air-drone-strike",
        "type=diplomacy",
        "start=2016-08&end=2016-09-03",
        "q=convoy",
        "actor=islamic-state&start=2017&q=strikes",
    ],
)
def test_the_page_filters_exactly_as_the_api_does(client, seeded, query):
    page = client.get(f"/?{query}")
    assert page.status_code == 200
    assert listed(page) == api_ids(client, query)
    assert 0 < len(listed(page)) < 29


def test_an_alias_finds_the_actor_and_the_chip_names_the_actor(client, seeded):
    response = client.get("/?actor=daesh")
    assert response.status_code == 200
    assert re.search(r"Actor:</span>\s*Islamic State", response.content.decode())


def test_a_filter_chip_links_to_the_page_without_that_filter(client, seeded):
    html = client.get("/?actor=hezbollah&q=convoy").content.decode()
    removal = re.search(r'href="([^"]+)" aria-label="Remove the filter Text: convoy"', html)
    assert removal and removal.group(1) == "?actor=hezbollah"


def test_empty_form_fields_are_dropped_from_the_address_by_a_redirect(client, seeded):
    response = client.get("/?q=&actor=Daesh&location=&type=&start=&end=")
    assert response.status_code == 302
    assert response["Location"] == "/?actor=Daesh"


def test_a_month_precision_event_sits_under_its_month_and_an_approximate_one_says_so(
    client, seeded
):
    page = text(client.get("/?start=2016-02&end=2016-02"))
    assert "February 2016 Day not known" in page
    approximate = text(client.get("/?start=2016-08-22&end=2016-08-28"))
    assert "c. 25 Aug 2016 · approximate · within 22–28 Aug 2016" in approximate


def test_contradicting_claims_link_to_each_other(client, seeded):
    html = client.get("/").content.decode()
    townsend = Event.objects.get(headline__startswith="Claim: IS convoy turned back")
    commander = Event.objects.get(headline__startswith="Claim: halted IS convoy heads north")
    card = html[html.index(f'id="event-{townsend.pk}"') :]
    card = card[: card.index("</article>")]
    assert "Sources disagree" in card
    assert f'href="#event-{commander.pk}"' in card


def test_every_source_excerpt_links_to_its_article_with_attribution(client, seeded):
    html = client.get("/?q=Townsend").content.decode()
    assert "According to U.S. Army Lieutenant General Stephen Townsend" in html
    assert re.search(r'href="/articles/\d+/#cite-\d+">Khazen via Reuters, 31 Aug 2017', html)


def test_each_histogram_bar_links_to_its_own_dates_keeping_the_other_filters(client, seeded):
    html = client.get("/?actor=islamic-state&start=2016-08&end=2016-09").content.decode()
    assert "Events per day" in html
    bars = re.findall(r'<a class="bar" href="([^"]+)"', html)
    assert "?actor=islamic-state&amp;start=2016-09-04&amp;end=2016-09-04" in bars
    one_day = "actor=islamic-state&start=2016-09-04&end=2016-09-04"
    assert listed(client.get(f"/?{one_day}")) == api_ids(client, one_day)


def test_the_map_data_names_each_place_with_coordinates_once(client, seeded):
    response = client.get("/")
    points = response.context["listing"].points
    events = [entry for entry in response.context["listing"].entries]
    mapped = {e["location"]["id"] for e in events if e["location"] and e["location"]["latitude"]}
    assert sorted(point["id"] for point in points) == sorted(mapped)
    assert 'id="map-points"' in response.content.decode()


def test_the_downloads_are_the_api_exports_of_the_same_filters(client, seeded):
    html = client.get("/actors/hezbollah/?start=2017").content.decode()
    link = re.search(r'href="(/api/v1/timeline/\?[^"]*format=csv)"', html).group(1)
    export = client.get(link.replace("&amp;", "&"))
    assert export.status_code == 200
    assert export["Content-Type"].startswith("text/csv")


# --- Bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "label", "name"),
    [
        ("start=rubbish", "From", "start"),
        ("end=2016-13", "To", "end"),
        ("start=2017&end=2016", "From", "start"),
        ("actor=Nobody+At+All", "Actor", "actor"),
        ("location=atlantis", "Place", "location"),
        ("type=nonsense", "Event type", "type"),
        ("fatalities_min=many", "Fatalities at least", "fatalities_min"),
        ("cursor=not-a-cursor", "Page", "cursor"),
    ],
)
def test_bad_filter_input_is_a_400_page_naming_the_field(client, seeded, query, label, name):
    response = client.get(f"/?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(rf"<strong>{label}</strong> <code>{name}</code>: \S", html)
    assert 'role="alert"' in html
    assert not listed(response)


def test_an_unknown_actor_suggests_close_names(client, seeded):
    html = client.get("/?actor=Hezbolla").content.decode()
    assert "Did you mean" in html
    assert 'href="?actor=hezbollah"' in html


def test_the_bad_field_is_marked_invalid_and_keeps_what_was_typed(client, seeded):
    html = client.get("/?start=2016-02-30").content.decode()
    field = re.search(r'<input id="f-start"[^>]*>', html).group(0)
    assert 'value="2016-02-30"' in field
    assert 'aria-invalid="true"' in field
    assert "day 30 is out of range for February 2016" in html


def test_unknown_parameters_are_ignored_rather_than_an_error(client, seeded):
    response = client.get("/?utm_source=newsletter")
    assert response.status_code == 200
    assert len(listed(response)) == 29


# --- Cost -----------------------------------------------------------------------------------


def _more_events(count: int) -> None:
    """Published events each with a place, two actors, a source and a link to the previous."""
    kind = EventTypeFactory()
    article = ArticleFactory()
    previous = None
    for n in range(count):
        event = EventFactory(
            type=kind,
            location=LocationFactory(),
            date_earliest=date(2016, 9, 1) + timedelta(days=n % 20),
            status=Event.Status.PUBLISHED,
        )
        EventActorFactory(event=event, actor=ActorFactory())
        EventActorFactory(event=event, actor=ActorFactory(), role="side_b")
        EventSourceFactory(event=event, article=article)
        if previous is not None:
            event.relations_out.create(to_event=previous, kind="contradicts")
        previous = event


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


# The page, its actors, sources and places' ancestors, the typed links, the histogram's extent
# and counts, and the event types of the form (no filter, so no lookups).
FRONT_PAGE_QUERIES = 8


def test_the_front_page_costs_a_fixed_number_of_queries_however_many_events(client, seeded):
    assert _queries(client, "/") == FRONT_PAGE_QUERIES
    _more_events(40)
    assert Event.objects.published().count() == 69
    assert _queries(client, "/") == FRONT_PAGE_QUERIES


def test_a_filtered_page_adds_only_the_lookups_of_its_filters(client, seeded):
    before = _queries(client, "/?actor=islamic-state&location=syria&type=battles")
    _more_events(30)
    assert _queries(client, "/?actor=islamic-state&location=syria&type=battles") == before


def test_the_page_title_says_what_is_filtered_for_bookmarks(client, seeded):
    html = client.get("/?actor=daesh&start=2017-08").content.decode()
    assert "<title>Islamic State, from August 2017 · Chronology" in html
