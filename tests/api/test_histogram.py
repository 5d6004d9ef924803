"""The histogram: an event is counted in a bucket only when it certainly falls in it."""

import pytest

from events.chronology.histogram import HISTOGRAM_RULE, bucket_start, next_bucket
from tests.api.helpers import D, day, errors, month_of, published, with_actor
from tests.factories import ActorFactory

pytestmark = pytest.mark.django_db

HISTOGRAM = "/api/v1/timeline/histogram/"


def _buckets(api, query: str) -> dict[str, tuple[int, int]]:
    data = api.get(f"{HISTOGRAM}?{query}").json()
    return {b["start"]: (b["count"], b["imprecise"]) for b in data["buckets"]}


def test_a_month_precise_event_counts_in_its_month_but_only_as_imprecise_in_its_weeks(api, db):
    month_of(2016, 2)
    day(D(2016, 2, 11))
    assert _buckets(api, "interval=month") == {"2016-02-01": (2, 0)}
    weeks = _buckets(api, "interval=week")
    # February 2016 touches the ISO weeks starting 1, 8, 15, 22 and 29 February.
    assert weeks == {
        "2016-02-01": (0, 1),
        "2016-02-08": (1, 1),
        "2016-02-15": (0, 1),
        "2016-02-22": (0, 1),
        "2016-02-29": (0, 1),
    }


def test_an_event_is_never_put_on_a_guessed_day(api, db):
    published(date_earliest=D(2016, 9, 1), date_latest=D(2016, 9, 3), date_precision="days")
    days = _buckets(api, "interval=day")
    assert days == {"2016-09-01": (0, 1), "2016-09-02": (0, 1), "2016-09-03": (0, 1)}


def test_imprecise_events_spread_only_over_the_requested_range(api, db):
    published(date_earliest=D(2016, 1, 1), date_latest=D(2016, 12, 31), date_precision="year")
    day(D(2016, 9, 4))
    assert _buckets(api, "interval=month&start=2016-08&end=2016-09") == {
        "2016-08-01": (0, 1),
        "2016-09-01": (1, 1),
    }
    assert _buckets(api, "interval=year") == {"2016-01-01": (2, 0)}


def test_the_totals_say_how_many_events_were_precise_and_imprecise(api, db):
    month_of(2016, 2)
    day(D(2016, 2, 11))
    data = api.get(f"{HISTOGRAM}?interval=week").json()
    assert (data["events"], data["precise_events"], data["imprecise_events"]) == (2, 1, 1)
    assert sum(b["count"] for b in data["buckets"]) == data["precise_events"]
    assert data["rule"] == HISTOGRAM_RULE and data["interval"] == "week"


def test_the_histogram_takes_the_timelines_filters(api, db):
    actor = ActorFactory()
    with_actor(day(D(2016, 9, 4)), actor)
    day(D(2016, 9, 5))
    assert _buckets(api, f"interval=day&actor={actor.slug}") == {"2016-09-04": (1, 0)}


def test_month_is_the_default_interval(api, db):
    day(D(2016, 9, 4))
    assert api.get(HISTOGRAM).json()["interval"] == "month"


def test_the_openapi_description_explains_the_counting_rule(api, db):
    schema = api.get("/api/v1/schema/?format=json").json()
    description = schema["paths"]["/api/v1/timeline/histogram/"]["get"]["description"]
    assert "imprecise" in description and "never placed on a guessed day" in description


@pytest.mark.parametrize(
    ("interval", "day_", "start", "after"),
    [
        ("day", D(2016, 2, 29), D(2016, 2, 29), D(2016, 3, 1)),
        ("week", D(2016, 9, 4), D(2016, 8, 29), D(2016, 9, 5)),
        ("month", D(2016, 1, 31), D(2016, 1, 1), D(2016, 2, 1)),
        ("year", D(2016, 12, 31), D(2016, 1, 1), D(2017, 1, 1)),
    ],
)
def test_buckets_start_on_the_first_day_of_their_unit(interval, day_, start, after):
    assert bucket_start(day_, interval) == start
    assert next_bucket(start, interval) == after


def test_an_unknown_interval_is_a_400(api, db):
    assert "interval" in errors(api.get(f"{HISTOGRAM}?interval=fortnight"))


def test_a_repeated_histogram_is_served_from_the_cache_until_the_data_changes(
    api, django_assert_max_num_queries
):
    day(D(2016, 2, 11))
    assert _buckets(api, "interval=month") == {"2016-02-01": (1, 0)}
    with django_assert_max_num_queries(1):  # The freshness probe only: no recount.
        assert _buckets(api, "interval=month") == {"2016-02-01": (1, 0)}
    day(D(2016, 2, 12))
    assert _buckets(api, "interval=month") == {"2016-02-01": (2, 0)}
