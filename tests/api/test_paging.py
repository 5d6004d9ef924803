"""Keyset paging: stable through ties, deep pages as cheap as the first, queries pinned."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.chronology.paging import MAX_PAGE_SIZE
from events.models import Event
from tests.api.helpers import D, day, errors, ids, walk
from tests.factories import EventTypeFactory

pytestmark = pytest.mark.django_db

TIMELINE = "/api/v1/timeline/"


@pytest.fixture
def crowded_day(db) -> list[int]:
    """250 published events on one date: a tie that offset paging gets wrong."""
    kind = EventTypeFactory()
    Event.objects.bulk_create(
        Event(
            headline=f"Shelling {n}",
            type=kind,
            date_earliest=D(2016, 9, 4),
            date_latest=D(2016, 9, 4),
            date_precision="day",
            status="published",
        )
        for n in range(250)
    )
    return list(
        Event.objects.published()
        .order_by("date_earliest", "date_latest", "id")
        .values_list("id", flat=True)
    )


def test_pages_of_seven_through_250_events_on_one_date_skip_and_repeat_nothing(api, crowded_day):
    paged = ids(api, f"{TIMELINE}?page_size=7")
    assert paged == crowded_day
    assert len(set(paged)) == 250


def test_walking_back_through_previous_links_gives_the_same_events_in_reverse(api, crowded_day):
    url, last = f"{TIMELINE}?page_size=7", None
    while url:
        last = api.get(url).json()
        url = last["next"]
    backwards = [entry["id"] for entry in reversed(last["results"])]
    url = last["previous"]
    while url:
        page = api.get(url).json()
        assert len(page["results"]) == 7
        backwards += [entry["id"] for entry in reversed(page["results"])]
        url = page["previous"]
    assert backwards == list(reversed(crowded_day))


def test_the_first_page_has_no_previous_link_and_the_last_no_next_link(api, crowded_day):
    first = api.get(f"{TIMELINE}?page_size=100").json()
    assert first["previous"] is None and first["next"]
    second = api.get(first["next"]).json()
    third = api.get(second["next"]).json()
    assert len(third["results"]) == 50 and third["next"] is None
    assert api.get(second["previous"]).json()["results"] == first["results"]


def test_an_event_added_before_the_cursor_while_paging_shifts_nothing(api, crowded_day):
    first = api.get(f"{TIMELINE}?page_size=10").json()
    day(D(2016, 9, 4), type=EventTypeFactory())  # Sorts after the crowd: its id is larger.
    day(D(2016, 9, 3), type=EventTypeFactory())  # Sorts before every page.
    second = api.get(first["next"]).json()
    assert [e["id"] for e in first["results"] + second["results"]] == crowded_day[:20]


def test_a_deep_page_costs_the_same_queries_as_the_first_and_uses_no_offset_or_count(
    api, crowded_day
):
    with CaptureQueriesContext(connection) as first_page:
        response = api.get(f"{TIMELINE}?page_size=7").json()
    for _ in range(30):
        response = api.get(response["next"]).json()
    with CaptureQueriesContext(connection) as deep_page:
        deep = api.get(response["next"]).json()
    assert [e["id"] for e in deep["results"]] == crowded_day[31 * 7 : 32 * 7]
    assert len(deep_page) == len(first_page)
    for query in deep_page.captured_queries:
        assert "OFFSET" not in query["sql"].upper()
        assert "COUNT(" not in query["sql"].upper()


def test_the_number_of_queries_does_not_grow_with_the_page_size(seeded, api):
    # Freshness (ETag), the events, their actors, their sources, their places' ancestors.
    for size in (10, 29, MAX_PAGE_SIZE):
        with CaptureQueriesContext(connection) as queries:
            response = api.get(f"{TIMELINE}?page_size={size}")
        assert any(e["location"] and e["location"]["ancestors"] for e in response.json()["results"])
        assert len(queries) == 5, (size, [q["sql"][:80] for q in queries.captured_queries])


def test_an_export_of_the_whole_set_walks_it_in_batches_with_a_fixed_cost_per_batch(
    api, crowded_day
):
    with CaptureQueriesContext(connection) as queries:
        response = api.get(f"{TIMELINE}?format=csv")
        lines = b"".join(response.streaming_content).decode().strip().splitlines()
    assert response.streaming
    assert len(lines) == 251  # Header and one row per event.
    # One batch of 250 (no places, so no ancestor query), then the freshness query.
    assert len(queries) <= 1 + 3 + 1


@pytest.mark.parametrize("size", ["0", "501", "-3", "ten", "2.5"])
def test_a_page_size_outside_one_to_the_maximum_is_a_400(api, db, size):
    assert "page_size" in errors(api.get(f"{TIMELINE}?page_size={size}"))


@pytest.mark.parametrize(
    "cursor", ["garbage", "eyJrIjpbMV0sImIiOmZhbHNlfQ", "eyJrIjpbIngiLCJ5IiwieiJdLCJiIjpmYWxzZX0"]
)
def test_a_cursor_this_api_did_not_hand_out_is_a_400(api, db, cursor):
    assert "cursor" in errors(api.get(f"{TIMELINE}?cursor={cursor}"))


def test_a_cursor_from_another_endpoint_is_a_400_not_a_500(seeded, api):
    actors = api.get("/api/v1/actors/?page_size=2").json()
    cursor = actors["next"].split("cursor=")[1].split("&")[0]
    assert "cursor" in errors(api.get(f"{TIMELINE}?cursor={cursor}"))


def test_the_reference_lists_page_by_keyset_too(seeded, api):
    names = [actor["name"] for actor in walk(api, "/api/v1/actors/?page_size=5")]
    assert len(names) == 32
    assert names == sorted(names, key=str.casefold) or len(set(names)) == 32
    articles = walk(api, "/api/v1/articles/?page_size=1")
    assert [a["publication_date"] for a in articles] == sorted(
        (a["publication_date"] for a in articles), reverse=True
    )
    assert len({a["id"] for a in articles}) == 2
