"""A write that commits after a later one, while a reader caches the page between them: the
next read shows it (a new ETag, never the cached page, never a 304 to the old tag)."""

import datetime
import threading

import pytest
from django.core.cache import cache
from django.db import transaction
from rest_framework.test import APIClient

from events.models import Event
from tests.concurrency.helpers import TIMEOUT, in_thread
from tests.factories import EventFactory, EventSourceFactory

pytestmark = pytest.mark.django_db(transaction=True)
URLS = ("/api/v1/timeline/", "/api/v1/events/")


@pytest.fixture
def page_cache(settings):
    settings.RESPONSE_CACHE_SECONDS = 300
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    yield
    cache.clear()


def _read(url: str) -> tuple[str, set[str]]:
    response = APIClient().get(url)
    assert response.status_code == 200, response.content
    return response["ETag"], {entry["headline"] for entry in response.json()["results"]}


def test_a_write_committing_after_a_later_stamped_one_is_seen(page_cache):
    late = EventFactory(status="published", headline="Old headline")
    other = EventFactory(
        status="published",
        headline="Other event",
        date_earliest=datetime.date(2015, 1, 1),
        date_latest=datetime.date(2015, 1, 1),
    )
    for event in (late, other):
        EventSourceFactory(event=event)  # A published event keeps a source.
    written, go = threading.Event(), threading.Event()

    def slow_writer():
        # Stamped (its `updated` time and its history id) first, committed last.
        with transaction.atomic():
            event = Event.objects.get(pk=late.pk)
            event.headline = "Late-committed headline"
            event.save()
            written.set()
            assert go.wait(TIMEOUT), "never let go"

    writing = in_thread(slow_writer)
    while not written.wait(0.05):
        if not writing.running():
            writing.result()  # Raises what stopped it.
            pytest.fail("the slow writer ended without writing")
    other.headline = "Other event, edited"
    other.save()  # Stamped after the slow writer, committed before it.
    before = {url: _read(url) for url in URLS}
    for _tag, headlines in before.values():
        assert "Old headline" in headlines  # The slow write is not committed yet.
    go.set()
    writing.result()
    for url, (tag, _) in before.items():
        new_tag, headlines = _read(url)
        assert "Late-committed headline" in headlines, (url, headlines)
        assert new_tag != tag, f"{url}: the ETag did not move"
        again = APIClient().get(url, HTTP_IF_NONE_MATCH=tag)
        assert again.status_code == 200, f"{url}: 304 to a client holding the old ETag"
