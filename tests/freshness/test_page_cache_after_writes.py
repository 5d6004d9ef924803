"""With the page cache on, the next anonymous read after each kind of write shows it, and a
client holding the old ETag gets the new page (200), never a 304."""

import datetime
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from events.interchange.places import merge_place
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

URLS = ("/api/v1/timeline/", "/api/v1/events/")
CHANGELIST = reverse("admin:events_event_changelist")


@pytest.fixture
def world():
    country = LocationFactory(name="Oldland", kind="country")
    town = LocationFactory(name="Oldtown", parent=country)
    parent_type = EventTypeFactory(name="Old parent type")
    kind = EventTypeFactory(name="Old type", parent=parent_type)
    actor, article = ActorFactory(name="Old actor"), ArticleFactory(outlet="Old outlet")
    event = EventFactory(status="published", headline="Old headline", location=town, type=kind)
    EventActorFactory(event=event, actor=actor)
    EventSourceFactory(event=event, article=article)
    other = EventFactory(
        status="published",
        headline="Other event",
        date_earliest=datetime.date(2015, 1, 1),
        date_latest=datetime.date(2015, 1, 1),
    )
    EventSourceFactory(event=other, article=article)
    return {
        "country": country,
        "town": town,
        "type": kind,
        "parent_type": parent_type,
        "actor": actor,
        "article": article,
        "event": event,
        "other": other,
    }


def _read(url):
    """An anonymous reader: (ETag, the entry of world's event or None)."""
    response = APIClient().get(url)
    assert response.status_code == 200
    found = [e for e in response.json()["results"] if e["headline"] != "Other event"]
    return response["ETag"], (found[0] if found else None)


def _primed():
    return {url: _read(url) for url in URLS}


def _assert_fresh(before, check):
    for url, (tag, _) in before.items():
        new_tag, entry = _read(url)
        assert check(entry), (url, entry)
        assert new_tag != tag, f"{url}: the ETag did not move"
        again = APIClient().get(url, HTTP_IF_NONE_MATCH=tag)
        assert again.status_code == 200, f"{url}: 304 to a client holding the old ETag"


def test_parent_place_rename(world):
    before = _primed()
    world["country"].name = "Newland"
    world["country"].save()
    _assert_fresh(before, lambda e: "Newland" in str(e["location"]))


def test_parent_type_rename(world):
    before = _primed()
    world["parent_type"].name = "New parent type"
    world["parent_type"].save()
    _assert_fresh(before, lambda e: e["type"]["parent"]["name"] == "New parent type")


def test_article_outlet_edit(world):
    before = _primed()
    world["article"].outlet = "New outlet"
    world["article"].save()
    _assert_fresh(before, lambda e: e["sources"][0]["outlet"] == "New outlet")


def test_place_merge(world):
    into = LocationFactory(name="Mergedtown", parent=world["country"])
    before = _primed()
    merge_place(world["town"], into)
    _assert_fresh(before, lambda e: e["location"]["name"] == "Mergedtown")


def test_admin_retract_action(world, client, publisher):
    client.force_login(publisher)
    before = _primed()
    client.post(CHANGELIST, {"action": "retract", "_selected_action": [world["event"].pk]})
    assert Event.objects.get(pk=world["event"].pk).status == "retracted"
    _assert_fresh(before, lambda e: e is None)


def test_admin_delete(world, client, publisher, django_user_model):
    publisher.is_superuser = True
    publisher.save()
    client.force_login(publisher)
    before = _primed()
    url = reverse("admin:events_event_delete", args=[world["event"].pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    _assert_fresh(before, lambda e: e is None)


def test_api_patch(world, editor_api):
    before = _primed()
    pk = world["event"].pk
    r = editor_api.patch(
        f"/api/v1/events/{pk}/", {"headline": "New headline"}, format="json", HTTP_IF_MATCH="*"
    )
    assert r.status_code == 200, r.content
    _assert_fresh(before, lambda e: e["headline"] == "New headline")


def test_an_edit_whose_timestamp_is_older_than_the_newest_is_still_seen(world):
    """Two writers (two workers on PostgreSQL, or two app servers whose clocks differ by a
    little): the edit of `event` took its `updated` time just before the edit of `other`, but
    committed just after it, once a reader had cached the page under `other`'s edit. Simulated
    here by saving `event` with its clock a moment behind the newest `updated`."""
    taken = timezone.now()
    world["other"].headline = "Other event"
    world["other"].save()  # The second writer commits first, its `updated` after `taken`.
    before = _primed()
    event = world["event"]
    event.headline = "Late-committed headline"
    with mock.patch("django.utils.timezone.now", return_value=taken):
        event.save()
    _assert_fresh(before, lambda e: e["headline"] == "Late-committed headline")
