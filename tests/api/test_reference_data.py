"""Actors, places, event types and articles: details, published counts, chronology links."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.helpers import ids, walk

pytestmark = pytest.mark.django_db


def test_an_actor_is_found_by_any_alias_fragment_and_links_to_its_chronology(seeded, api):
    found = walk(api, "/api/v1/actors/?q=daesh")
    assert "islamic-state" in [actor["slug"] for actor in found]
    actor = next(actor for actor in found if actor["slug"] == "islamic-state")
    assert "ISIS" in actor["aliases"]
    assert actor["chronology"] == "http://testserver/api/v1/timeline/?actor=islamic-state"
    assert len(ids(api, actor["chronology"])) == actor["event_count"] == 9


def test_alias_search_folds_case_and_accents(seeded, api):
    assert [a["slug"] for a in walk(api, "/api/v1/actors/?q=HEZBOLLAH")] == ["hezbollah"]


def test_an_alliance_lists_its_members_and_a_member_its_alliances(seeded, api):
    coalition = api.get("/api/v1/actors/us-led-coalition/").json()
    assert "united-states-military" in [m["slug"] for m in coalition["members"]]
    military = api.get("/api/v1/actors/united-states-military/").json()
    assert "us-led-coalition" in [a["slug"] for a in military["alliances"]]


def test_a_place_counts_the_events_beneath_it_and_shows_its_ancestors_and_children(seeded, api):
    governorate = api.get("/api/v1/locations/aleppo-governorate/").json()
    assert governorate["ancestors"] == [{"slug": "syria", "name": "Syria", "kind": "country"}]
    assert "mount-simeon-district" in [child["slug"] for child in governorate["children"]]
    assert len(ids(api, governorate["chronology"])) == governorate["event_count"] > 0
    syria = api.get("/api/v1/locations/syria/").json()
    assert syria["event_count"] > governorate["event_count"]


def test_places_are_searchable_by_alias(seeded, api):
    assert "aleppo-governorate" in [p["slug"] for p in walk(api, "/api/v1/locations/?q=halab")]


def test_an_event_type_counts_its_sub_types_events(seeded, api):
    types = {t["slug"]: t for t in walk(api, "/api/v1/event-types/?page_size=500")}
    parent = types["strategic-developments"]
    children = [types[slug["slug"]] for slug in parent["subtypes"]]
    assert parent["event_count"] == sum(child["event_count"] for child in children) > 0
    assert len(ids(api, parent["chronology"])) == parent["event_count"]
    assert all(t["parent"] is None for t in walk(api, "/api/v1/event-types/?top_level=true"))


def test_an_article_shows_its_record_and_citing_events_but_not_its_full_text(seeded, api):
    article = walk(api, "/api/v1/articles/")[0]
    assert "text" not in article and len(article["sha256"]) == 64
    assert len(ids(api, article["chronology"])) == article["event_count"] > 0
    assert api.get(article["url"]).json()["title"] == article["title"]


def test_a_reference_list_costs_the_same_queries_for_any_page_size(seeded, api):
    for url in ("/api/v1/actors/", "/api/v1/locations/", "/api/v1/event-types/"):
        counts = set()
        for size in (2, 50):
            with CaptureQueriesContext(connection) as queries:
                assert api.get(f"{url}?page_size={size}").status_code == 200
            counts.add(len(queries))
        assert len(counts) == 1, url


def test_an_unknown_slug_is_a_404(api, db):
    assert api.get("/api/v1/actors/nobody/").status_code == 404
    assert api.get("/api/v1/locations/atlantis/").status_code == 404


@pytest.mark.parametrize(
    "path, key, filter_name",
    [
        ("actors", "slug", "actor"),
        ("locations", "slug", "location"),
        ("event-types", "slug", "type"),
        ("articles", "id", "article"),
    ],
)
def test_every_row_of_a_list_links_its_own_detail_and_chronology(
    seeded, api, path, key, filter_name
):
    """Each row's URLs are built from one reversal per page: each must still be that row's."""
    rows = walk(api, f"/api/v1/{path}/?page_size=1")
    assert len(rows) > 1  # Several pages, so that no URL comes from another request's rows.
    for row in rows:
        assert row["url"] == f"http://testserver/api/v1/{path}/{row[key]}/"
        assert api.get(row["url"]).json()[key] == row[key]
        assert row["chronology"] == f"http://testserver/api/v1/timeline/?{filter_name}={row[key]}"
