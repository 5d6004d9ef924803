"""Reference lists and details at a few thousand places and events: counts for the shown rows
only, a fixed number of queries, and exact counts of a place's subtree."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Event, Location
from events.synthetic import generate

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated(db):
    # About 3,100 places in four levels and 1,000 events (85% published): the counting that
    # ran a subtree match per published event for every place before the LIMIT took minutes.
    generate(1_000, seed=3)
    return Location.objects.count()


def queries_for(api, url: str) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as queries:
        response = api.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(queries), response.json()


def expected_count(place: Location) -> int:
    return Event.objects.published().in_location(place).count()


def test_a_page_of_places_counts_each_shown_places_subtree(generated, api):
    assert generated > 3_000
    n_small, _ = queries_for(api, "/api/v1/locations/?page_size=1")
    n_large, large = queries_for(api, "/api/v1/locations/?page_size=100")
    assert n_small == n_large <= 5
    for row in large["results"][:20]:
        assert row["event_count"] == expected_count(Location.objects.get(slug=row["slug"]))
    countries = queries_for(api, "/api/v1/locations/?kind=country")[1]["results"]
    total = sum(country["event_count"] for country in countries)
    assert total == Event.objects.published().filter(location__isnull=False).count() > 500


def test_a_places_detail_counts_its_subtree_in_a_fixed_number_of_queries(generated, api):
    governorate = Location.objects.filter(kind="governorate", slug__startswith="syn-").first()
    district = Location.objects.filter(kind="district").first()
    counts = set()
    for place in (governorate, district):
        n, detail = queries_for(api, f"/api/v1/locations/{place.slug}/")
        counts.add(n)
        assert detail["event_count"] == expected_count(place) > 0
    assert len(counts) == 1 and counts.pop() <= 7


def test_a_count_reads_the_subtree_through_the_path_index_not_every_event(generated):
    """The place count's plan (SQLite): a range of the path index, then each place's events by
    location; never a pass over events by status."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's query plan")
    ids = list(Location.objects.values_list("id", flat=True)[:10])
    counted = Location.objects.filter(pk__in=ids).annotate(
        n=Location.objects.published_event_count()
    )
    sql, params = counted.values_list("pk", "n").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " | ".join(row[-1] for row in cursor.fetchall())
    assert "events_location_path" in plan and "(path>? AND path<?)" in plan, plan
    assert "events_event_fresh_idx" not in plan and "SCAN" not in plan, plan
