"""The page cache and ETags beside open write transactions: a draft edit tells the public
nothing while it is open, and a write that commits after a later one is seen."""

import threading

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from rest_framework.test import APIClient

from events.models import Event
from tests.concurrency.helpers import TIMEOUT, in_thread
from tests.factories import EventFactory, EventSourceFactory

pytestmark = pytest.mark.django_db(transaction=True)
URLS = ("/api/v1/timeline/", "/api/v1/events/")


def _read(url: str) -> tuple[str, set[str]]:
    response = APIClient().get(url)
    assert response.status_code == 200, response.content
    return response["ETag"], {entry["headline"] for entry in response.json()["results"]}


def test_a_write_committing_after_a_later_stamped_one_is_seen(page_cache, two_published):
    late, other = two_published
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


def _tags() -> dict[str, str]:
    tags = {}
    for url in URLS:
        response = APIClient().get(url)
        assert response.status_code == 200, response.content
        tags[url] = response["ETag"]
    return tags


def _held_open(write):
    """Run write() in a transaction of its own connection, held open until released."""
    written, go = threading.Event(), threading.Event()

    def writer():
        with transaction.atomic():
            write()
            written.set()
            assert go.wait(TIMEOUT), "never let go"

    handle = in_thread(writer)
    while not written.wait(0.05):
        if not handle.running():
            handle.result()
            pytest.fail("the writer ended without writing")
    # Any other transaction that commits meanwhile (a login, a session, another database on
    # the server): the open writer's id is now below the snapshots' xmax, so they list it.
    User.objects.create(username=f"bystander-{threading.get_ident()}-{len(User.objects.all())}")
    return handle, go


def _published_and_draft():
    published = EventFactory(status="published", headline="Published event")
    EventSourceFactory(event=published)
    draft = EventFactory(status="draft", headline="A draft")
    return published, draft


def test_the_public_etag_does_not_move_while_a_draft_edit_is_open(page_cache):
    """An editor's draft edit must tell the public nothing: the public ETag before, during and
    after it is one. With the open transaction's id in the token, the public tag changes while
    the draft write is open and comes back once it commits: a draft write is observable."""
    _, draft = _published_and_draft()
    before = _tags()

    def edit_draft():
        event = Event.objects.get(pk=draft.pk)
        event.headline = "Draft headline, edited"
        event.save()

    handle, go = _held_open(edit_draft)
    try:
        during = _tags()
    finally:
        go.set()
        handle.result()
    after = _tags()
    assert after == before  # Committed draft edit: the public tag is back where it was.
    assert during == before, "the public ETag moved while a draft edit was open"


def test_a_client_holding_the_tag_gets_304_while_an_unrelated_write_is_open(page_cache):
    """Any write transaction open anywhere on the server (here a draft edit) turns the public's
    revalidations into full 200s and page-cache misses for as long as it is open."""
    _, draft = _published_and_draft()
    before = _tags()

    def edit_draft():
        Event.objects.get(pk=draft.pk).save()

    handle, go = _held_open(edit_draft)
    try:
        statuses = {
            url: APIClient().get(url, HTTP_IF_NONE_MATCH=tag).status_code
            for url, tag in before.items()
        }
    finally:
        go.set()
        handle.result()
    assert statuses == {url: 304 for url in URLS}
