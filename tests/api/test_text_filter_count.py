"""A text filter's plan-choosing count runs once per request, whichever filters go with it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import EventFactory, EventSourceFactory, EventTypeFactory

TIMELINE = "/api/v1/timeline/"
COUNT = "SELECT count(*) FROM (SELECT 1 FROM events_event_search"


@pytest.fixture
def shelled(db):
    battle = EventTypeFactory(slug="battle")
    for number in range(3):
        event = EventFactory(status="published", type=battle, headline=f"Shelling {number}")
        EventSourceFactory(event=event)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the count is SQLite's")
@pytest.mark.parametrize(
    "query",
    [
        "q=shelling",
        "q=shelling&type=battle",
        "q=shelling&fatalities_min=0",
        "q=shelling&geo_precision=1",
    ],
)
def test_a_text_filter_counts_its_matches_once_per_request(api, shelled, query):
    # The bounded count chooses the text's plan: whether the plan is filled from its template
    # (every filter has slots) or built for this request (a filter without), once.
    with CaptureQueriesContext(connection) as queries:
        response = api.get(f"{TIMELINE}?{query}")
    assert response.status_code == 200, response.content
    counts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(COUNT)]
    assert len(counts) == 1, counts
