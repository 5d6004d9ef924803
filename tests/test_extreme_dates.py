"""Whatever the database holds, every page and export renders: an event whose bounds reach the
ends of the calendar (0001-01-01 … 9999-12-31), written with raw SQL past all validation."""

import datetime
import html
import re

import icalendar
import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from events.chronology.histogram import INTERVALS, MAX_BUCKETS
from events.formats import FORMATS
from events.models import Event, EventActor
from tests.api.helpers import errors
from tests.factories import (
    ActorFactory,
    EventActorFactory,
    EventFactory,
    EventSourceFactory,
    LocationFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date
FIRST, LAST = D(1, 1, 1), D(9999, 12, 31)

# (earliest, latest, precision, approximate): the calendar's ends, alone and together.
BOUNDS = {
    "whole-calendar": (FIRST, LAST, "year", False),
    "last-day": (LAST, LAST, "day", False),
    "first-day-approximate": (FIRST, FIRST, "day", True),
    "last-week-approximate": (D(9999, 12, 27), LAST, "week", True),
    "first-month": (FIRST, D(1, 1, 31), "month", False),
    "last-days": (D(9999, 12, 30), LAST, "days", True),
}


def _write_raw(event: Event, earliest: D, latest: D, precision: str, approximate: bool) -> None:
    """The bounds as an UPDATE straight to the tables, as a bulk load or a bad import could."""
    table, links = Event._meta.db_table, EventActor._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET date_earliest = %s, date_latest = %s, date_precision = %s, "
            "date_approximate = %s, date_display = '' WHERE id = %s",
            [earliest, latest, precision, approximate, event.pk],
        )
        cursor.execute(
            f"UPDATE {links} SET date_earliest = %s, date_latest = %s WHERE event_id = %s",
            [earliest, latest, event.pk],
        )


@pytest.fixture(params=list(BOUNDS), ids=list(BOUNDS))
def extreme(request, db) -> Event:
    place = LocationFactory(slug="somewhere")
    actor = ActorFactory(slug="some-group")
    # An ordinary published event beside it, so that every page has something ordinary too.
    for day in (D(2016, 9, 4), D(2017, 8, 1)):
        ordinary = EventFactory(
            status=Event.Status.PUBLISHED, date_earliest=day, date_latest=day, location=place
        )
        EventActorFactory(event=ordinary, actor=actor)
    event = EventFactory(status=Event.Status.PUBLISHED, location=place, fatalities_best=3)
    EventActorFactory(event=event, actor=actor)
    source = EventSourceFactory(event=event)
    _write_raw(event, *BOUNDS[request.param])
    event.refresh_from_db()
    event.article = source.article
    return event


def _ok(response) -> bytes:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200, (response.status_code, content[:300])
    return content


def test_the_public_pages_render(client, extreme):
    # Each bar of the histogram strip links to its own period, which renders too.
    followed = 0
    for url in (
        "/",
        "/?start=0001&end=0001",
        "/?start=9999&end=9999",
        "/?start=0001-01&end=0001-01",
        "/?start=9999-12&end=9999-12",
    ):
        page = _ok(client.get(url)).decode()
        bars = re.findall(r'<a class="bar[^"]*" href="([^"]+)"', page)
        followed += len(bars)
        for bar in {*bars[:2], *bars[-2:]}:  # The strip's ends reach the calendar's.
            _ok(client.get(html.unescape(bar)))
    assert followed
    for url in (
        "/",
        "/?start=2016",
        "/?end=2016",
        f"/events/{extreme.pk}/",
        f"/articles/{extreme.article.pk}/",
        "/actors/some-group/",
        "/places/somewhere/",
        "/?start=9999",
        "/?start=0001&end=0001",
    ):
        _ok(client.get(url))


@pytest.mark.parametrize("interval", INTERVALS)
def test_the_histogram_counts_it_in_every_interval(extreme, interval):
    api = APIClient()
    for query in ("&start=2016&end=2017", "&start=9999", "&end=0001", "&start=9998&end=9999"):
        data = _ok(api.get(f"/api/v1/timeline/histogram/?interval={interval}{query}"))
        assert b'"buckets"' in data
    for query in ("", "&start=0001&end=9999"):
        response = api.get(f"/api/v1/timeline/histogram/?interval={interval}{query}")
        if interval in ("month", "year") or extreme.date_span_days < MAX_BUCKETS:
            assert response.status_code == 200
        else:  # Millions of day or week buckets: a 400 that says how to narrow it.
            assert "give start and end" in errors(response)["interval"][0]


def test_every_summary_counts_it(extreme):
    api = APIClient()
    for by in ("actor", "location", "admin1", "type", "month"):
        for query in (
            "",
            "&start=2016&end=2017",
            "&start=9999",
            "&end=0001",
            "&start=0001&end=9999",
        ):
            _ok(api.get(f"/api/v1/timeline/summary/?by={by}{query}"))
    months = api.get("/api/v1/timeline/summary/?by=month&start=9998&end=9999").json()["groups"]
    assert all(group["key"][:4] in ("9998", "9999") for group in months)


def test_every_export_format_streams_to_its_end(extreme):
    api = APIClient()
    for fmt in FORMATS:
        for path in ("/api/v1/timeline/", "/api/v1/events/", f"/api/v1/events/{extreme.pk}/"):
            content = _ok(api.get(f"{path}?format={fmt}"))
            if fmt == "ics":
                assert content.endswith(b"END:VCALENDAR\r\n")
                _assert_spans_its_bounds(content, extreme)


def _assert_spans_its_bounds(content: bytes, event: Event) -> None:
    """The VEVENT covers every day from the earliest to the latest (no DTEND after 9999)."""
    calendar = icalendar.Calendar.from_ical(content)
    (vevent,) = [v for v in calendar.walk("VEVENT") if str(v["UID"]).startswith(str(event.uid))]
    start = vevent.decoded("DTSTART")
    if "DTEND" in vevent:
        last = vevent.decoded("DTEND") - datetime.timedelta(days=1)
    else:
        last = start + (vevent.decoded("DURATION") - datetime.timedelta(days=1))
    assert (start, last) == (event.date_earliest, event.date_latest)


def test_the_json_api_serves_it(extreme):
    api = APIClient()
    found = _ok(api.get(f"/api/v1/events/{extreme.pk}/"))
    assert extreme.date_latest.isoformat().encode() in found
    _ok(api.get("/api/v1/timeline/"))
    _ok(api.get("/api/v1/timeline/?start=9999-12&end=9999-12"))


def test_the_admin_list_and_change_form_render(client, extreme):
    client.force_login(User.objects.create_superuser("root", password="pw-for-tests-only"))
    for url in (
        reverse("admin:events_event_changelist"),
        reverse("admin:events_event_changelist") + "?when=9999",
        reverse("admin:events_event_changelist") + "?when=0001-01",
        reverse("admin:events_event_change", args=[extreme.pk]),
        reverse("admin:events_event_history", args=[extreme.pk]),
    ):
        _ok(client.get(url))
