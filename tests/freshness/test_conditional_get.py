"""Conditional GETs: only the ETag answers 304; a date alone never hides a change."""

import datetime
from unittest import mock

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db
URLS = ("/api/v1/timeline/", "/api/v1/events/")


@pytest.mark.parametrize("url", URLS)
def test_if_modified_since_alone_is_not_answered_304_after_a_late_stamped_edit(two_published, url):
    """A client (or shared cache) that revalidates with Last-Modified only: the edit stamped
    behind the newest `updated` (a writer that committed after a later-stamped one, or a clock
    behind) changes the page, but Last-Modified does not move, so the client gets a 304."""
    late, other = two_published
    taken = timezone.now()
    other.headline = "Other event, edited"
    other.save()
    first = APIClient().get(url)
    assert first.status_code == 200
    late.headline = "Late-committed headline"
    with mock.patch("django.utils.timezone.now", return_value=taken):
        late.save()
    fresh = APIClient().get(url)
    assert "Late-committed headline" in {e["headline"] for e in fresh.json()["results"]}
    again = APIClient().get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 200, "304 to a client holding the page without the edit"


@pytest.mark.parametrize("url", URLS)
def test_if_modified_since_alone_is_not_answered_304_after_an_edit_in_the_same_second(
    two_published, url
):
    """Not only late stamps: Last-Modified is an HTTP date, whole seconds, so an edit in the
    second a client last read (clocks in order, one writer) is also hidden from a client that
    revalidates by date alone."""
    late, other = two_published
    second = timezone.now().replace(microsecond=0) + datetime.timedelta(seconds=5)
    other.headline = "Other event, edited"
    with mock.patch("django.utils.timezone.now", return_value=second.replace(microsecond=100)):
        other.save()
    first = APIClient().get(url)
    late.headline = "Edited in the same second"
    with mock.patch("django.utils.timezone.now", return_value=second.replace(microsecond=900)):
        late.save()
    fresh = APIClient().get(url)
    assert "Edited in the same second" in {e["headline"] for e in fresh.json()["results"]}
    again = APIClient().get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 200, "304 to a client holding the page without the edit"
