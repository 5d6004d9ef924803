"""Paging the public chronology through the keyset: next and previous links, filters kept."""

import re
from datetime import date, timedelta

import pytest

from events.models import Event
from tests.factories import EventFactory, EventTypeFactory

pytestmark = pytest.mark.django_db

ENTRY = re.compile(r'<article class="entry[^"]*" id="event-(\d+)"')


def listed(response) -> list[int]:
    return [int(pk) for pk in ENTRY.findall(response.content.decode())]


@pytest.fixture
def many_events(db) -> list[int]:
    """120 published events over 120 days, and a draft among them."""
    kind = EventTypeFactory()
    start = date(2020, 1, 1)
    Event.objects.bulk_create(
        Event(
            headline=f"Clash {n}",
            type=kind,
            date_earliest=start + timedelta(days=n),
            date_latest=start + timedelta(days=n),
            date_precision="day",
            status="published",
        )
        for n in range(120)
    )
    EventFactory(date_earliest=start, status=Event.Status.DRAFT)
    return list(Event.objects.published().chronological().values_list("id", flat=True))


def link(html: str, rel: str) -> str | None:
    found = re.search(rf'rel="{rel}" href="([^"]+)"', html)
    return found.group(1).replace("&amp;", "&") if found else None


def test_paging_walks_the_keyset_forwards_and_back_without_gaps_or_repeats(client, many_events):
    first = client.get("/")
    assert listed(first) == many_events[:50]
    assert link(first.content.decode(), "prev") is None
    second = client.get("/" + link(first.content.decode(), "next"))
    assert listed(second) == many_events[50:100]
    third = client.get("/" + link(second.content.decode(), "next"))
    assert listed(third) == many_events[100:]
    assert link(third.content.decode(), "next") is None
    back = client.get("/" + link(third.content.decode(), "prev"))
    assert listed(back) == many_events[50:100]


def test_paging_keeps_the_filters(client, many_events):
    first = client.get("/?start=2020-01-10")
    following = link(first.content.decode(), "next")
    assert following.startswith("?start=2020-01-10&cursor=")
    assert listed(client.get("/" + following))[0] == many_events[59]
