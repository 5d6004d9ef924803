"""fatalities_max, fatalities_known and country through the one FilterSet: pages, exports,
histogram."""

import csv
import io

import pytest

from tests.api.helpers import D, body, day, errors, ids

pytestmark = pytest.mark.django_db

TIMELINE = "/api/v1/timeline/"


@pytest.fixture
def tolls(db):
    return {
        "three": day(D(2016, 9, 1), fatalities_best=3).pk,
        "low_ten": day(D(2016, 9, 2), fatalities_low=10, fatalities_high=14).pk,
        "unknown": day(D(2016, 9, 3)).pk,
        "twenty": day(D(2016, 9, 4), fatalities_best=20).pk,
    }


def test_at_most_and_between(api, tolls):
    assert ids(api, f"{TIMELINE}?fatalities_max=10") == [tolls["three"], tolls["low_ten"]]
    between = ids(api, f"{TIMELINE}?fatalities_min=5&fatalities_max=15")
    assert between == [tolls["low_ten"]]
    assert ids(api, f"{TIMELINE}?fatalities_max=0") == []


def test_known_or_unknown(api, tolls):
    assert ids(api, f"{TIMELINE}?fatalities_known=false") == [tolls["unknown"]]
    known = ids(api, f"{TIMELINE}?fatalities_known=true")
    assert known == [tolls["three"], tolls["low_ten"], tolls["twenty"]]


def test_exports_and_the_histogram_honour_them(api, tolls):
    rows = list(
        csv.DictReader(
            io.StringIO(body(api.get(f"{TIMELINE}?format=csv&fatalities_max=10")).decode())
        )
    )
    assert len(rows) == 2
    histogram = api.get("/api/v1/timeline/histogram/?interval=month&fatalities_known=false").json()
    assert sum(bucket["count"] for bucket in histogram["buckets"]) == 1


@pytest.mark.parametrize(
    "query", ["fatalities_max=-1", "fatalities_max=ten", "fatalities_known=maybe"]
)
def test_bad_values_are_a_400_naming_the_parameter(api, db, query):
    assert query.split("=")[0] in errors(api.get(f"{TIMELINE}?{query}"))


def test_country_by_iso_code_alpha_3_or_alpha_2(seeded, api):
    syria = ids(api, f"{TIMELINE}?location=syria")
    assert syria and ids(api, f"{TIMELINE}?country=SYR") == syria
    assert ids(api, f"{TIMELINE}?country=sy") == syria
    assert "country" in errors(api.get(f"{TIMELINE}?country=XX"))
    title = api.get(f"{TIMELINE}?country=SYR&format=csv")["Content-Disposition"]
    assert "syria" in title.lower()


def test_count_true_adds_the_total_and_nothing_counts_by_default(api, tolls, monkeypatch):
    page = api.get(f"{TIMELINE}?page_size=1").json()
    assert "count" not in page
    counted = api.get(f"{TIMELINE}?page_size=1&count=true&fatalities_known=true").json()
    assert (counted["count"], counted["count_exact"]) == (3, True)
    assert len(counted["results"]) == 1
    events = api.get("/api/v1/events/?count=true").json()
    assert (events["count"], events["count_exact"]) == (4, True)
    monkeypatch.setattr("events.api.base.COUNT_CAP", 2)
    capped = api.get(f"{TIMELINE}?count=true").json()
    assert (capped["count"], capped["count_exact"]) == (2, False)
    assert "count" in errors(api.get(f"{TIMELINE}?count=maybe"))
