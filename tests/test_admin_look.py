"""The editors' admin as it looks: compact list columns, badges, bounds, the ingest date picker,
and the stylesheet every admin page loads."""

import datetime
import re

import pytest
from django.urls import reverse

from tests.factories import EventActorFactory, EventFactory, EventSourceFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:events_event_changelist")


def row_of(page: str, headline: str) -> str:
    rows = re.findall(r"<tr>.*?</tr>", page, re.S)
    return next(row for row in rows if headline in row)


def test_the_list_shows_status_as_a_badge_and_the_first_actor_with_a_count(client, editor):
    client.force_login(editor)
    event = EventFactory(headline="Siege of eastern Aleppo", status="review")
    EventActorFactory(event=event, actor__name="Syrian army", role="side_a")
    EventActorFactory(event=event, actor__name="Rebel coalition", role="side_b")
    EventActorFactory(event=event, actor__name="Russia", role="supporter")
    EventSourceFactory(event=event)
    row = row_of(client.get(CHANGELIST).content.decode(), "Siege of eastern Aleppo")
    assert '<span class="status-badge status-badge--review">in review</span>' in row
    first = event.actor_links.order_by("id").first().actor.name
    shown = re.search(r'<span class="actors-short" title="([^"]+)">(.*?)</span>\s*</td>', row, re.S)
    assert shown.group(2).startswith(first)
    assert '<span class="actors-short__more">+2</span>' in shown.group(2)
    # Every actor and role is one hover away.
    for name, role in (("Syrian army", "side A"), ("Rebel coalition", "side B")):
        assert f"{name} ({role})" in shown.group(1)


def test_an_uncertain_date_in_the_list_says_its_bounds_and_a_plain_one_does_not(client, editor):
    client.force_login(editor)
    EventFactory(
        headline="Early in the month",
        date_earliest=datetime.date(2016, 8, 1),
        date_latest=datetime.date(2016, 8, 10),
        date_precision="month",
        date_display="",
    )
    EventFactory(
        headline="The whole month",
        date_earliest=datetime.date(2016, 9, 1),
        date_latest=datetime.date(2016, 9, 30),
        date_precision="month",
        date_display="",
    )
    page = client.get(CHANGELIST).content.decode()
    early = row_of(page, "Early in the month")
    assert "early August 2016" in early and "within 1–10 Aug 2016" in early
    assert "within" not in row_of(page, "The whole month")


def test_the_list_dates_updates_by_day_with_the_moment_in_its_title(client, editor):
    client.force_login(editor)
    EventFactory(headline="Recently edited")
    row = row_of(client.get(CHANGELIST).content.decode(), "Recently edited")
    cell = re.search(
        r'<td class="field-updated_on"><time datetime="([^"]+)" title="[^"]+">([^<]+)</time>', row
    )
    today = datetime.date.today()
    assert cell.group(2) == f"{today.day} {today:%b %Y}"
    # To the second, in UTC: no microseconds or offsets that other columns' text could echo.
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", cell.group(1))


def test_every_admin_page_loads_the_editors_stylesheet_and_no_sidebar(client, editor):
    client.force_login(editor)
    for url in (CHANGELIST, reverse("admin:events_article_ingest"), reverse("admin:index")):
        page = client.get(url).content.decode()
        assert "/static/events/admin/admin.css" in page, url
        assert 'id="nav-sidebar"' not in page, url
    ingest = client.get(reverse("admin:events_article_ingest")).content.decode()
    assert re.search(r'<input type="date" name="publication_date"[^>]*>', ingest)


def test_the_review_queue_has_the_same_compact_columns(client, editor):
    client.force_login(editor)
    EventFactory(headline="Waiting for a second look", status="review")
    page = client.get(reverse("admin:events_eventforreview_changelist")).content.decode()
    row = row_of(page, "Waiting for a second look")
    assert "status-badge--review" in row
    assert "field-actor_names" in row and "field-updated_on" in row
