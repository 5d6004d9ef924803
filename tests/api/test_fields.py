"""fields=: sparse fieldsets of the timeline, in JSON (the entry's fields) and CSV (its columns)."""

import csv
import io
from urllib.parse import parse_qs, urlparse

import pytest

from events.chronology.entries import FIELDS
from events.formats import CSV_COLUMN_NAMES
from tests.api.helpers import D, body, day, errors, walk, with_actor
from tests.factories import ActorFactory

pytestmark = pytest.mark.django_db

TIMELINE = "/api/v1/timeline/"


@pytest.fixture
def events(db):
    actor = ActorFactory()
    made = [with_actor(day(D(2016, 9, n), fatalities_best=n), actor) for n in range(1, 6)]
    return {"actor": actor, "events": made}


def test_json_entries_keep_only_the_fields_asked_for_and_always_the_id(api, events):
    results = api.get(f"{TIMELINE}?fields=headline,date").json()["results"]
    assert [list(entry) for entry in results] == [["id", "headline", "date"]] * 5
    full = api.get(TIMELINE).json()["results"]
    assert results == [{k: e[k] for k in ("id", "headline", "date")} for e in full]


def test_fields_come_in_the_entrys_order_whatever_the_order_asked(api, events):
    entry = api.get(f"{TIMELINE}?fields= fatalities , actors,id,actors").json()["results"][0]
    assert list(entry) == ["id", "actors", "fatalities"]


def test_every_top_level_field_can_be_asked_for(api, events):
    for name in FIELDS:
        entry = api.get(f"{TIMELINE}?fields={name}").json()["results"][0]
        assert set(entry) == {"id", name}


def test_csv_keeps_only_the_columns_asked_for_and_always_the_id_column(api, events):
    response = api.get(f"{TIMELINE}?format=csv&fields=fatalities,event_date,admin1")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(body(response).decode())))
    assert rows[0] == ["event_id_cnty", "event_date", "admin1", "fatalities"]
    assert rows[1] == [f"CT{events['events'][0].pk}", "2016-09-01", "", "1"]
    assert len(rows) == 6
    one = api.get("/api/v1/timeline.csv?fields=event_id_cnty")
    assert body(one).decode().splitlines()[:2] == ["event_id_cnty", f"CT{events['events'][0].pk}"]


def test_an_unknown_field_is_a_400_naming_fields_and_listing_the_valid_ones(api, events):
    message = " ".join(errors(api.get(f"{TIMELINE}?fields=headline,nope"))["fields"])
    assert "'nope'" in message and all(name in message for name in FIELDS)
    # A CSV column is not an entry field, and the other way round.
    assert "fields" in errors(api.get(f"{TIMELINE}?fields=event_date"))
    csv_message = " ".join(errors(api.get(f"{TIMELINE}?format=csv&fields=date"))["fields"])
    assert "'date'" in csv_message and all(name in csv_message for name in CSV_COLUMN_NAMES)
    assert "fields" in errors(api.get("/api/v1/timeline.csv?fields=headline,bogus"))


def test_formats_with_their_own_shape_refuse_fields(api, events):
    for fmt in ("geojson", "timelinejs", "ics", "acled", "ucdp"):
        assert "fields" in errors(api.get(f"{TIMELINE}?format={fmt}&fields=headline"))
    assert "fields" in errors(api.get("/api/v1/timeline.geojson?fields=headline"))


def test_the_events_list_takes_no_fields(api, events):
    assert "fields" in errors(api.get("/api/v1/events/?fields=headline"))


def test_cursor_pages_keep_the_same_fields(api, events):
    url = f"{TIMELINE}?fields=headline&page_size=2&actor={events['actor'].slug}"
    pages = walk(api, url)
    assert len(pages) == 5 and all(set(entry) == {"id", "headline"} for entry in pages)
    # The cursor alone (as a generated client sends it) carries the fields with the filters.
    first = api.get(url).json()
    cursor = parse_qs(urlparse(first["next"]).query)["cursor"][0]
    alone = api.get(f"{TIMELINE}?cursor={cursor}&page_size=2").json()["results"]
    assert [set(entry) for entry in alone] == [{"id", "headline"}] * 2
    # Fields are not a filter: a request may ask for others on the next page.
    other = api.get(f"{TIMELINE}?cursor={cursor}&page_size=2&fields=updated").json()["results"]
    assert [set(entry) for entry in other] == [{"id", "updated"}] * 2
    assert [e["id"] for e in other] == [e["id"] for e in alone]


def test_fields_change_the_etag(api, events):
    assert api.get(f"{TIMELINE}?fields=headline")["ETag"] != api.get(TIMELINE)["ETag"]


def test_an_empty_fields_is_every_field(api, events):
    assert list(api.get(f"{TIMELINE}?fields=").json()["results"][0]) == list(FIELDS)


def test_the_schema_documents_fields_on_the_timeline_and_its_csv_only(api, db):
    paths = api.get("/api/v1/schema/?format=json").json()["paths"]

    def names(path: str) -> set[str]:
        return {p["name"] for p in paths[path]["get"].get("parameters", [])}

    assert "fields" in names(TIMELINE) and "fields" in names("/api/v1/timeline.csv")
    assert "fields" not in names("/api/v1/timeline.geojson")
    assert "fields" not in names("/api/v1/events/")
