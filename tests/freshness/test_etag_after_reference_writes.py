"""ETags of anonymous reads after place deletion, alias changes and an ingestion merge: the old
tag is answered 200 with the new content."""

import pytest
from rest_framework.test import APIClient

from events.models import ActorAlias, Event, EventSource
from tests.factories import ActorFactory, EventFactory, EventSourceFactory, LocationFactory
from tests.ingest.test_admin import decide, gazetteer_rows, proposal  # noqa: F401

pytestmark = pytest.mark.django_db


def _fresh_after(url, write, check):
    first = APIClient().get(url)
    assert first.status_code == 200
    write()
    again = APIClient().get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200, f"{url}: 304 after the write"
    assert check(again.json()), again.json()


def test_deleting_a_place_clears_an_actors_country():
    place = LocationFactory(kind="country")
    actor = ActorFactory(country=place)
    _fresh_after(f"/api/v1/actors/{actor.slug}/", place.delete, lambda a: a["country"] is None)


def test_an_actors_new_alias():
    actor = ActorFactory()
    _fresh_after(
        f"/api/v1/actors/{actor.slug}/",
        lambda: ActorAlias.objects.create(actor=actor, name="Brand new alias"),
        lambda a: "Brand new alias" in str(a["aliases"]),
    )


def test_an_ingestion_merge_into_a_published_event(client, editor, gazetteer_rows):  # noqa: F811
    existing = EventFactory(
        headline="Government forces shell Aleppo", location=gazetteer_rows, status="published"
    )
    EventSourceFactory(event=existing)
    event = proposal()
    client.force_login(editor)
    _fresh_after(
        "/api/v1/timeline/",
        lambda: decide(client, event, "merge", into=str(existing.pk)),
        lambda page: (
            len(page["results"][0]["sources"])
            == EventSource.objects.filter(event=existing).count()
            == 2
        ),
    )
    assert not Event.objects.filter(pk=event.pk).exists()
