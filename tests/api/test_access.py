"""Anonymous clients see published events only, on every path; editors see every status."""

import pytest

from events.models import Event, EventRelation
from tests.api.helpers import D, body, day, ids, walk, with_actor, with_source
from tests.factories import (
    ActorFactory,
    ArticleFactory,
    EventFactory,
    EventTypeFactory,
    LocationFactory,
)

pytestmark = pytest.mark.django_db

SECRET = "Unconfirmed massacre in Secretville"


@pytest.fixture
def mixed(db) -> dict:
    """One published event, and three unpublished ones that share an actor, place, type and
    article of their own; the published event links to the draft."""
    actor = ActorFactory(slug="secret-actor", name="Secret Actor")
    place = LocationFactory(slug="secretville", name="Secretville")
    kind = EventTypeFactory(slug="secret-type")
    article = ArticleFactory(title="Secret report")
    hidden = {}
    for status in ("draft", "review", "retracted"):
        event = EventFactory(
            headline=f"{SECRET} ({status})",
            status=status,
            location=place,
            type=kind,
            date_earliest=D(2016, 9, 4),
            date_latest=D(2016, 9, 4),
        )
        with_source(with_actor(event, actor), article=article)
        hidden[status] = event
    public = with_actor(day(D(2016, 9, 4), headline="Shelling of the old town"), ActorFactory())
    EventRelation.objects.create(from_event=public, to_event=hidden["draft"], kind="contradicts")
    EventRelation.objects.create(from_event=hidden["review"], to_event=public, kind="follows")
    return {"public": public, "hidden": hidden, "actor": actor, "article": article}


def test_lists_show_anonymous_clients_only_published_events(api, mixed):
    assert ids(api, "/api/v1/timeline/") == [mixed["public"].pk]
    assert ids(api, "/api/v1/events/") == [mixed["public"].pk]


@pytest.mark.parametrize("status", ["draft", "review", "retracted"])
def test_an_unpublished_event_is_a_404_for_anonymous_clients_in_every_format(api, mixed, status):
    pk = mixed["hidden"][status].pk
    for suffix in ("", "?format=csv", "?format=geojson", "?format=timelinejs", "?format=ics"):
        response = api.get(f"/api/v1/events/{pk}/{suffix}")
        assert response.status_code == 404, suffix
        assert SECRET.encode() not in body(response)


def test_exports_never_carry_unpublished_events(api, mixed):
    for endpoint in ("timeline", "events"):
        for fmt in ("csv", "geojson", "timelinejs", "ics"):
            response = api.get(f"/api/v1/{endpoint}/?format={fmt}")
            assert response.status_code == 200
            content = body(response)
            assert b"Shelling of the old town" in content
            assert b"Secretville" not in content, (endpoint, fmt)


def test_the_histogram_counts_published_events_only(api, mixed):
    counts = api.get("/api/v1/timeline/histogram/?interval=day").json()
    assert counts["events"] == 1
    assert counts["buckets"] == [
        {"start": "2016-09-04", "end": "2016-09-04", "count": 1, "imprecise": 0}
    ]


def test_filtering_by_an_actor_seen_only_in_unpublished_events_finds_nothing(api, mixed):
    for query in ("actor=secret-actor", "location=secretville", "type=secret-type"):
        assert walk(api, f"/api/v1/timeline/?{query}") == [], query
        assert walk(api, f"/api/v1/events/?{query}") == [], query
    assert walk(api, f"/api/v1/timeline/?article={mixed['article'].pk}") == []
    assert walk(api, "/api/v1/timeline/?q=massacre") == []


def test_counts_on_reference_data_include_published_events_only(api, mixed):
    assert api.get("/api/v1/actors/secret-actor/").json()["event_count"] == 0
    assert api.get("/api/v1/locations/secretville/").json()["event_count"] == 0
    assert api.get("/api/v1/event-types/secret-type/").json()["event_count"] == 0
    assert api.get(f"/api/v1/articles/{mixed['article'].pk}/").json()["event_count"] == 0


def test_related_links_to_unpublished_events_are_left_out_for_anonymous_clients(api, mixed):
    event = api.get(f"/api/v1/events/{mixed['public'].pk}/").json()
    assert event["related"] == []
    assert "status" not in event and "history" not in event and "history_url" not in event


def test_editors_see_every_status_in_events_with_status_and_history(editor_api, mixed):
    listed = walk(editor_api, "/api/v1/events/")
    assert {entry["status"] for entry in listed} == {"published", "draft", "review", "retracted"}
    detail = editor_api.get(f"/api/v1/events/{mixed['public'].pk}/").json()
    assert {(link["id"], link["direction"]) for link in detail["related"]} == {
        (mixed["hidden"]["draft"].pk, "outgoing"),
        (mixed["hidden"]["review"].pk, "incoming"),
    }
    assert detail["history_url"].endswith(f"/admin/events/event/{mixed['public'].pk}/history/")
    assert detail["history"][0]["change"] == "+"


def test_the_timeline_is_published_only_even_for_editors(editor_api, mixed):
    assert ids(editor_api, "/api/v1/timeline/") == [mixed["public"].pk]


def test_a_signed_in_user_without_the_view_permission_sees_only_published_events(mixed, db):
    from django.contrib.auth.models import User
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(User.objects.create_user("reader", password="pw-for-tests-only"))
    assert ids(client, "/api/v1/events/") == [mixed["public"].pk]
    assert client.get(f"/api/v1/events/{mixed['hidden']['draft'].pk}/").status_code == 404


def test_the_removed_feed_never_names_an_event_the_public_never_saw(api, mixed):
    mixed["hidden"]["draft"].delete()
    Event.objects.filter(pk=mixed["hidden"]["review"].pk).delete()
    assert walk(api, "/api/v1/events/removed/") == []


def test_a_possible_duplicate_flag_is_shown_to_editors_only(api, editor_api, mixed):
    other = day(D(2016, 9, 5))
    EventRelation.objects.create(
        from_event=mixed["public"], to_event=other, kind="possible_duplicate"
    )
    public = api.get(f"/api/v1/events/{mixed['public'].pk}/").json()
    assert public["related"] == []
    editors = editor_api.get(f"/api/v1/events/{mixed['public'].pk}/").json()
    assert "possible_duplicate" in [link["kind"] for link in editors["related"]]
