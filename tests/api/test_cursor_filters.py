"""A cursor carries the filters of the query that made it: alone it continues that query;
with other filters it is a 400 naming cursor."""

import base64
import json
import urllib.parse

import pytest

from tests.api.helpers import errors, walk

pytestmark = pytest.mark.django_db

TIMELINE = "/api/v1/timeline/"


def cursor_of(url: str) -> str:
    return urllib.parse.parse_qs(urllib.parse.urlparse(url).query)["cursor"][0]


def test_a_cursor_alone_continues_the_filtered_query(seeded, api):
    query = "actor=islamic-state&page_size=2"
    expected = [entry["id"] for entry in walk(api, f"{TIMELINE}?{query}")]
    assert len(expected) > 4
    first = api.get(f"{TIMELINE}?{query}").json()
    seen = [entry["id"] for entry in first["results"]]
    cursor = cursor_of(first["next"])
    while cursor:
        # What a generated client sends: the cursor, and nothing else.
        page = api.get(f"{TIMELINE}?cursor={urllib.parse.quote(cursor)}&page_size=2").json()
        seen += [entry["id"] for entry in page["results"]]
        cursor = cursor_of(page["next"]) if page["next"] else None
    assert seen == expected


def test_a_cursor_with_the_same_filters_is_fine_and_with_others_a_400(seeded, api):
    first = api.get(f"{TIMELINE}?actor=islamic-state&page_size=2").json()
    cursor = urllib.parse.quote(cursor_of(first["next"]))
    same = api.get(f"{TIMELINE}?actor=islamic-state&cursor={cursor}")
    assert same.status_code == 200
    other = api.get(f"{TIMELINE}?actor=hezbollah&cursor={cursor}")
    assert "actor=islamic-state" in errors(other)["cursor"][0]
    more = api.get(f"{TIMELINE}?actor=islamic-state&type=battles&cursor={cursor}")
    assert "cursor" in errors(more)


def test_reference_lists_and_the_events_list_carry_filters_too(seeded, api):
    for url, key in (
        ("/api/v1/actors/?q=a&page_size=3", "slug"),
        ("/api/v1/events/?location=syria&page_size=3", "id"),
    ):
        expected = [row[key] for row in walk(api, url)]
        first = api.get(url).json()
        alone = f"{url.split('?')[0]}?cursor={urllib.parse.quote(cursor_of(first['next']))}"
        rows = [row[key] for row in api.get(alone).json()["results"]]
        assert rows and rows == expected[3 : 3 + len(rows)]


@pytest.mark.parametrize("query", ["actor=islamic-state&page_size=2", "page_size=2"])
def test_a_cursor_whose_id_no_column_holds_is_a_400_not_a_500(seeded, api, query):
    # The page's statement is compiled and kept by its first request; a crafted cursor then
    # reaches the kept statement, whose driver would refuse a number past 64 bits.
    first = api.get(f"{TIMELINE}?{query}").json()
    assert api.get(first["next"]).status_code == 200
    wrapped = unpacked(cursor_of(first["next"]))  # The filters, around the position.
    position = unpacked(wrapped["p"])
    position["k"][-1] = 2**70
    crafted = packed({**wrapped, "p": packed(position)})
    response = api.get(f"{TIMELINE}?{query}&cursor={urllib.parse.quote(crafted)}")
    assert response.status_code == 400
    assert "cursor" in errors(response)


def unpacked(cursor: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))


def packed(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")
