"""The public pages' look: strict-CSP-ready markup, honest date labels, the histogram's axis,
the embed and its snippet, the API's index for browsers, the favicon."""

import json
import re
from datetime import date
from html.parser import HTMLParser

import pytest

from events.models import Article, Event, Location


class _Inline(HTMLParser):
    """What a strict Content-Security-Policy would block: inline scripts, style attributes,
    event-handler attributes, javascript: URLs, <style> elements."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and "src" not in attrs and attrs.get("type") != "application/json":
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style> element")
        for name, value in attrs.items():
            if name == "style":
                self.found.append(f"style attribute on <{tag}>")
            if name.startswith("on"):
                self.found.append(f"{name} on <{tag}>")
            if (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"javascript: URL in {name}")


def inline_code(page: str) -> list[str]:
    reader = _Inline()
    reader.feed(page)
    return reader.found


def public_pages() -> list[str]:
    event = Event.objects.published().order_by("pk").first()
    article = Article.objects.filter(citations__event__status="published").order_by("pk").first()
    return [
        "/",
        "/?start=2016-08&end=2016-09",
        "/?actor=nobody-at-all",  # The 400 page.
        f"/events/{event.pk}/",
        f"/articles/{article.pk}/",
        "/actors/islamic-state/",
        "/places/syria/",
        "/embed/?actor=isis",
        "/embed/?actor=isis&map=1",
        "/events/999999/",  # The 404 page.
    ]


def test_no_public_page_carries_inline_script_style_or_handlers(client, seeded):
    for url in public_pages():
        page = client.get(url, HTTP_ACCEPT="text/html").content.decode()
        assert inline_code(page) == [], url
    api = client.get("/api/v1/", HTTP_ACCEPT="text/html").content.decode()
    assert inline_code(api) == []


def test_the_inline_code_check_finds_what_it_looks_for():
    page = (
        '<script>alert(1)</script><p style="color:red" onclick="x()">'
        '<a href="javascript:void(0)">a</a><script type="application/json">{}</script>'
    )
    assert inline_code(page) == [
        "inline <script>",
        "style attribute on <p>",
        "onclick on <p>",
        "javascript: URL in href",
    ]


# --- Honest dates --------------------------------------------------------------------------------


def test_a_year_only_events_breadcrumb_names_its_year_not_january(client, seeded):
    event = Event.objects.published().filter(date_precision="year").order_by("pk").first()
    page = client.get(f"/events/{event.pk}/").content.decode()
    crumbs = re.search(r'<nav class="crumbs".*?</nav>', page, re.S).group(0)
    year = event.date_earliest.year
    assert f"?start={year}&amp;end={event.date_latest.year}" in crumbs
    assert f">{year}<" in crumbs
    assert "January" not in crumbs


def test_an_early_month_says_its_bounds_wherever_it_is_shown(client, seeded):
    event = Event.objects.published().order_by("pk").first()
    Event.objects.filter(pk=event.pk).update(
        date_earliest="2016-08-01",
        date_latest="2016-08-10",
        date_precision="month",
        date_approximate=False,
        date_display="",
    )
    page = client.get("/?start=2016-08&end=2016-08").content.decode()
    assert "early August 2016" in page
    assert "within 1–10 Aug 2016" in page
    points = json.loads(re.search(r'id="map-points"[^>]*>(.*?)</script>', page, re.S).group(1))
    dates = [e["date"] for point in points for e in point["events"] if e["id"] == event.pk]
    if event.location and event.location.latitude is not None:
        assert dates == ["early August 2016 (within 1–10 Aug 2016)"]
    embed = client.get("/embed/?start=2016-08&end=2016-08").content.decode()
    assert "within 1–10 Aug 2016" in embed


# --- Histogram ----------------------------------------------------------------------------------


def test_the_histogram_has_an_axis_a_legend_and_a_brush_address(client, seeded):
    page = client.get("/").content.decode()
    chart = re.search(r'<section class="histogram".*?</section>', page, re.S).group(0)
    top = int(re.search(r'chart__tick--top">(\d+)<', chart).group(1))
    assert re.search(r'chart__tick--zero">0<', chart)
    assert "dated within the month" in chart and "may fall in it" in chart
    url = re.search(r'data-url="([^"]+)"', chart).group(1)
    assert "start=__start__" in url and "end=__end__" in url
    heights = [
        float(h)
        for h in re.findall(
            r'<rect class="bar__(?:certain|possible)"[^>]*height="([\d.]+)%"', chart
        )
    ]
    tallest = max(
        int(c) + int(p) for c, p in re.findall(r'data-certain="(\d+)" data-possible="(\d+)"', chart)
    )
    assert heights and max(heights) <= 100
    assert tallest <= top  # The axis holds the tallest bar.


# --- Embed --------------------------------------------------------------------------------------


def test_the_embed_may_be_framed_by_any_site_and_no_other_page_may(client, seeded):
    embed = client.get("/embed/?actor=isis")
    assert embed.status_code == 200
    assert "X-Frame-Options" not in embed.headers
    policy = dict(
        part.strip().split(" ", 1) for part in embed.headers["Content-Security-Policy"].split(";")
    )
    assert policy["frame-ancestors"] == "*"
    assert policy["script-src"] == "'self'"  # The rest of the site's policy holds.
    assert policy["default-src"] == "'self'"
    for url in ("/", "/actors/islamic-state/", "/api/v1/", "/admin/login/"):
        response = client.get(url)
        assert response.headers.get("X-Frame-Options") == "DENY", url
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"], url


def test_the_embed_shows_the_filtered_events_and_links_back_to_the_full_view(client, seeded):
    page = client.get("/embed/?actor=isis&start=2016&end=2016").content.decode()
    expected = (
        Event.objects.published()
        .filter(actor_links__actor__slug="islamic-state")
        .overlapping(date(2016, 1, 1), date(2016, 12, 31))
        .distinct()
    )
    shown = [int(pk) for pk in re.findall(r'class="embed-entry[^"]*" id="event-(\d+)"', page)]
    assert sorted(shown) == sorted(expected.values_list("pk", flat=True))
    assert 'href="http://testserver/?actor=isis&amp;start=2016&amp;end=2016"' in page
    assert 'target="_blank"' in page
    assert 'id="map"' not in page  # The map is asked for with map=1.
    assert 'id="map"' in client.get("/embed/?actor=isis&map=1").content.decode()


def test_an_embed_with_a_bad_filter_says_so(client, seeded):
    response = client.get("/embed/?start=2016-13")
    assert response.status_code == 400
    assert "could not be applied" in response.content.decode()


def test_every_chronology_page_offers_the_embed_snippet_with_its_filters(client, seeded):
    page = client.get("/?q=convoy").content.decode()
    assert '&lt;iframe src="http://testserver/embed/?q=convoy"' in page
    actor = client.get("/actors/islamic-state/").content.decode()
    assert "http://testserver/embed/?actor=islamic-state" in actor  # Its fixed filter too.


# --- API root, favicon ----------------------------------------------------------------------------


def test_the_api_root_answers_a_browser_with_an_index_and_json_clients_as_before(client, db):
    browser = client.get(
        "/api/v1/", HTTP_ACCEPT="text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    )
    assert browser.status_code == 200
    assert browser.headers["Content-Type"].startswith("text/html")
    page = browser.content.decode()
    for name in ("timeline", "histogram", "events", "removed", "actors", "locations", "articles"):
        assert f">{name}</a>" in page, name
    assert 'href="http://testserver/api/v1/docs/"' in page
    assert 'href="http://testserver/api/v1/schema/"' in page
    for accept in ("application/json", "*/*", None):
        headers = {"HTTP_ACCEPT": accept} if accept else {}
        answer = client.get("/api/v1/", **headers)
        assert answer.headers["Content-Type"] == "application/json"
        assert set(answer.json()) >= {"events", "timeline", "histogram", "docs", "schema"}
        assert "Accept" in answer.headers["Vary"]


def test_the_favicon_is_served_where_browsers_look_for_it(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    icon = client.get(response.headers["Location"])
    assert icon.status_code == 200
    assert b"".join(icon.streaming_content)[:4] == b"\x00\x00\x01\x00"  # An ICO file.


@pytest.mark.parametrize("path", ["region-admin1.geojson", "places-110m.geojson"])
def test_the_basemap_layers_are_served_locally(client, db, path):
    response = client.get(f"/static/vendor/naturalearth/{path}")
    assert response.status_code == 200
    data = json.loads(b"".join(response.streaming_content))
    assert data["type"] == "FeatureCollection" and data["features"]


def test_map_points_carry_their_dates_and_types_for_the_brush_and_the_legend(client, seeded):
    page = client.get("/").content.decode()
    points = json.loads(re.search(r'id="map-points"[^>]*>(.*?)</script>', page, re.S).group(1))
    place = Location.objects.get(pk=points[0]["id"])
    assert points[0]["name"] == place.name and points[0]["kind"] == place.kind
    for point in points:
        for event in point["events"]:
            assert event["earliest"] <= event["latest"]
            assert event["family"] and event["family_name"]
    legend = re.search(r'<ul class="map-key".*?</ul>', page, re.S).group(0)
    families = {event["family_name"] for point in points for event in point["events"]}
    for name in families:
        assert name in legend
    assert "Several places" in legend  # The chronology has many places: they may cluster.
