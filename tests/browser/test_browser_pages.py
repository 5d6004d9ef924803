"""The pages people look at, in a real headless Chromium: the map's names and clusters, the
histogram's brush, "show on map", the embed framed by another origin at 400 px, the admin list
at 1280 px, the API's index and the When box.

Screenshots go to test-artifacts/browser/; UPDATE_DOCS_SCREENSHOTS=1 refreshes docs/screenshots/.
"""

import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.auth.models import User

from events.ingest.pipeline import ingest_article
from events.models import Event
from tests.browser.helpers import (
    console_errors,
    entries,
    screenshot,
    visit,
    wait_for_map,
    wait_until,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SYRIA = (35.0, 38.5)


def zoom_to(driver, zoom: float, centre=SYRIA) -> None:
    driver.execute_script(
        "document.getElementById('map').mapInstance.setView(arguments[0], arguments[1],"
        " {animate: false});",
        list(centre),
        zoom,
    )
    wait_until(
        driver,
        "return Math.abs(document.getElementById('map').mapInstance.getZoom() - arguments[0])"
        " < 0.01",
        zoom,
    )


def shown_labels(driver, kind: str) -> list[str]:
    """The names of one kind of label that a reader can see inside the map."""
    return driver.execute_script(
        "const box = document.getElementById('map').getBoundingClientRect();"
        "return Array.from(document.querySelectorAll('#map ' + arguments[0]))"
        ".filter(el => { const r = el.getBoundingClientRect();"
        "  return getComputedStyle(el).display !== 'none' && r.width > 0 &&"
        "    r.left >= box.left && r.right <= box.right && r.top >= box.top &&"
        "    r.bottom <= box.bottom; })"
        ".map(el => el.textContent.trim());",
        kind,
    )


def test_the_map_names_places_as_it_zooms_in_and_clusters_crowded_ones(browser, site):
    from selenium.webdriver.common.by import By

    visit(browser, site.url + "/")
    wait_for_map(browser)
    zoom_to(browser, 3)
    assert shown_labels(browser, ".map-label--province span") == []
    assert shown_labels(browser, ".place-label") == []  # Event places: by hover only, here.
    # Crowded places merge into clusters that count their events; every place is in one or
    # drawn on its own.
    in_view = (
        "const map = document.getElementById('map');"
        "const view = map.mapInstance.getBounds();"
        "const shown = Object.values(map.markers).filter(m => view.contains(m.getLatLng()))"
        # A marker drawn on its own is on the map; one in a cluster has a visible parent.
        ".map(m => (m._map ? m : map.clusterGroup.getVisibleParent(m)));"
    )
    # Every place in view is drawn, on its own or in a cluster (once the clusters' own
    # animation has settled).
    wait_until(browser, in_view + "return shown.length > 0 && shown.every(Boolean);")
    clusters = browser.execute_script(
        in_view + "return [shown.filter(p => p.getChildCount).length,"
        " document.querySelectorAll('#map .map-cluster').length];"
    )
    assert clusters[0] >= 2 and clusters[1] >= 1

    zoom_to(browser, 7)
    provinces = shown_labels(browser, ".map-label--province span")
    assert "Aleppo" in provinces or "Hamah" in provinces, provinces
    assert "Damascus" in " ".join(shown_labels(browser, ".map-label--city span, .place-label"))
    assert shown_labels(browser, ".place-label")  # The events' places, beside their markers.
    browser.execute_script("document.querySelector('.mapbox').scrollIntoView()")
    screenshot(browser, "map-zoomed")
    zoom_to(browser, 6.5, (35.6, 37.8))
    mapbox = browser.find_element(By.CSS_SELECTOR, ".mapbox")
    screenshot(browser, "map-close", docs="map", element=mapbox)
    assert console_errors(browser) == []


def test_brushing_the_histogram_narrows_the_map_and_the_list_then_the_dates(browser, site):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    visit(browser, site.url + "/?start=2016-08&end=2016-09")
    wait_for_map(browser)
    before = entries(browser)
    bars = browser.find_elements(By.CSS_SELECTOR, ".bars__item")
    first, last = bars[5], bars[12]  # 6–13 Aug 2016.
    ActionChains(browser).move_to_element(first).click_and_hold().move_to_element(
        bars[8]
    ).move_to_element(last).perform()
    brushed = browser.execute_script(
        "return [document.querySelectorAll('.bars__item.is-brushed').length,"
        " document.querySelectorAll('.entry.is-out-of-range').length,"
        " document.getElementById('map').clusterGroup.getLayers().length,"
        " Object.keys(document.getElementById('map').markers).length]"
    )
    assert brushed[0] == 8
    assert 0 < brushed[1] < len(before)  # Events that cannot fall in the range step back.
    assert brushed[2] < brushed[3]  # The map keeps only the places with events in it.
    screenshot(browser, "histogram-brushing")
    ActionChains(browser).release().perform()
    wait_until(browser, "return location.search.includes('end=2016-08-13')")
    wait_until(browser, "return document.readyState === 'complete'")
    assert "start=2016-08-06" in browser.current_url
    in_range = Event.objects.published().overlapping(date(2016, 8, 6), date(2016, 8, 13))
    assert entries(browser) == list(in_range.chronological().values_list("id", flat=True))
    assert console_errors(browser) == []


def test_show_on_map_gives_a_far_place_its_surroundings_and_the_popup_clears_the_controls(
    browser, site
):
    from selenium.webdriver.common.by import By

    visit(browser, site.url + "/")
    wait_for_map(browser)
    moscow = Event.objects.published().filter(location__name="Moscow").first()
    button = browser.find_element(By.CSS_SELECTOR, f"#event-{moscow.pk} [data-show-on-map]")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()
    wait_until(browser, "return !!document.querySelector('#map .leaflet-popup')")
    zoom = browser.execute_script("return document.getElementById('map').mapInstance.getZoom()")
    assert 4 <= zoom <= 8  # Not a close-up of empty land.
    browser.execute_script("document.querySelector('.mapbox').scrollIntoView()")
    # Neighbouring capitals and countries give it a where.
    context = shown_labels(browser, ".map-label--city span, .map-label--country span")
    assert len(context) >= 3, context
    overlaps = browser.execute_script(
        "const popup = document.querySelector('#map .leaflet-popup').getBoundingClientRect();"
        "const hit = r => !(r.right <= popup.left || r.left >= popup.right ||"
        "  r.bottom <= popup.top || r.top >= popup.bottom);"
        "return Array.from(document.querySelectorAll('#map .leaflet-control'))"
        ".filter(c => hit(c.getBoundingClientRect())).map(c => c.className);"
    )
    assert overlaps == []
    # textContent: the popup may still be fading in, and Selenium's .text reads nothing then.
    popup = browser.find_element(By.CSS_SELECTOR, "#map .leaflet-popup")
    assert "Moscow" in popup.get_attribute("textContent")
    screenshot(browser, "show-on-map-moscow")
    assert console_errors(browser) == []


class _HostPage(BaseHTTPRequestHandler):
    """Another site's article with our embed in it."""

    embed_url = ""

    def do_GET(self):
        body = (
            "<!doctype html><html><head><title>A newsroom's article</title></head>"
            "<body><h1>Our coverage</h1>"
            f'<iframe id="embedded" src="{self.embed_url}" width="400" height="640"'
            ' title="Conflict Tracker"></iframe>'
            f'<iframe id="refused" src="{self.embed_url.split("/embed/")[0]}/"'
            ' width="400" height="100"></iframe></body></html>'
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def other_origin(site):
    """A page on 127.0.0.2 (another origin than the live server's localhost) framing the embed."""
    _HostPage.embed_url = site.url + "/embed/?actor=isis&map=1"
    server = ThreadingHTTPServer(("127.0.0.2", 0), _HostPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.2:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_the_embed_works_at_400_px_in_a_frame_on_another_origin(browser, site, other_origin):
    from selenium.webdriver.common.by import By

    assert not site.url.startswith("http://127.0.0.2")
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 420, "height": 800, "deviceScaleFactor": 1, "mobile": False},
    )
    try:
        visit(browser, other_origin)
        frame = browser.find_element(By.ID, "embedded")
        browser.switch_to.frame(frame)
        wait_until(browser, "return document.readyState === 'complete'")
        wait_for_map(browser)
        shown = browser.execute_script(
            "return Array.from(document.querySelectorAll('.embed-entry'), e => +e.dataset.event)"
        )
        expected = (
            Event.objects.published()
            .filter(actor_links__actor__slug="islamic-state")
            .distinct()
            .chronological()
        )
        assert shown == list(expected.values_list("id", flat=True)[:25])
        assert browser.execute_script("return window.innerWidth") == 400
        assert browser.execute_script(
            "return document.scrollingElement.scrollWidth <= document.scrollingElement.clientWidth"
        )
        back = browser.find_element(By.CSS_SELECTOR, ".embed-foot__full")
        assert back.get_attribute("href").startswith(site.url + "/?actor=isis")
        # Nothing in the embed broke the site's policy; the one refusal is the chronology's
        # own, framed beside it, which every page but the embed refuses (frame-ancestors).
        errors = console_errors(browser)
        refused = [
            e
            for e in errors
            if "frame-ancestors 'none'" in e["message"] and "/embed/" not in e["message"]
        ]
        assert refused
        assert [e for e in errors if e not in refused] == []
        browser.switch_to.default_content()
        screenshot(browser, "embed-400px-other-origin", docs="embed")
        # Any other page refuses to be framed (X-Frame-Options: DENY).
        browser.switch_to.frame(browser.find_element(By.ID, "refused"))
        assert browser.execute_script("return document.querySelectorAll('.entry').length") == 0
        browser.switch_to.default_content()
    finally:
        browser.switch_to.default_content()
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


@pytest.fixture
def signed_in(browser, site):
    """The browser signed in as a superuser (a transactional test's flush drops the groups
    that migrations create; the layout is the same for every editor)."""
    from selenium.webdriver.common.by import By

    User.objects.create_superuser("deskeditor", password="browser-tests-only")
    browser.delete_all_cookies()
    visit(browser, site.url + "/admin/login/")
    browser.find_element(By.ID, "id_username").send_keys("deskeditor")
    browser.find_element(By.ID, "id_password").send_keys("browser-tests-only")
    browser.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    wait_until(browser, "return !location.pathname.includes('/login/')")
    yield site
    browser.delete_all_cookies()


# A report for the proposals page: ingestion drafts its events for an editor to review.
REPORT = """Syrian army shells rebel-held eastern Aleppo as convoy waits

BEIRUT (Reuters) - Syrian government forces shelled rebel-held districts of eastern Aleppo on \
Sunday, killing at least 12 people, the Syrian Observatory for Human Rights said.

On Saturday, Islamic State fighters attacked a Syrian army checkpoint near Raqqa, the \
Observatory said. Turkish-backed rebels took control of Jarabulus on Friday after clashes with \
Islamic State.

An aid convoy for Aleppo has waited at the Turkish border since Thursday, a United Nations \
official said.
"""

NO_SIDEWAYS_SCROLL = (
    "const page = document.scrollingElement;"
    "const lists = Array.from(document.querySelectorAll('.results'));"
    "return [page.scrollWidth, page.clientWidth,"
    " lists.every(r => r.scrollWidth <= r.clientWidth)];"
)


def test_the_admin_fits_1280_px_without_sideways_scrolling(browser, signed_in):
    size = browser.get_window_size()
    browser.set_window_size(1280, 900)
    try:
        Event.objects.filter(pk__in=Event.objects.order_by("pk").values("pk")[:4]).update(
            status="review"
        )
        article = ingest_article(
            text=REPORT, publication_date=date(2016, 9, 5), outlet="Reuters", new_outlet=True
        ).article
        pages = {
            "admin-events": ("/admin/events/event/", "admin"),
            "admin-review-queue": ("/admin/events/eventforreview/", ""),
            "admin-event-form": (f"/admin/events/event/{Event.objects.first().pk}/change/", ""),
            "admin-ingest-form": ("/admin/events/article/ingest/", ""),
            "admin-proposals": (f"/admin/events/article/{article.pk}/proposals/", "review"),
        }
        for name, (path, docs) in pages.items():
            visit(browser, signed_in.url + path)
            width, client_width, lists_fit = browser.execute_script(NO_SIDEWAYS_SCROLL)
            assert width <= client_width and lists_fit, (path, width, client_width)
            screenshot(browser, name, docs=docs)
        # The list's header stays in view as the list scrolls.
        visit(browser, signed_in.url + "/admin/events/event/")
        browser.execute_script("window.scrollTo(0, 700)")
        top = browser.execute_script(
            "return document.querySelector('#result_list thead th').getBoundingClientRect().top"
        )
        assert abs(top) < 1
        assert console_errors(browser) == []
    finally:
        browser.set_window_size(size["width"], size["height"])


def test_the_when_box_fills_the_fields_it_will_store(browser, signed_in):
    from selenium.webdriver.common.by import By

    event = Event.objects.order_by("pk").first()
    visit(browser, f"{signed_in.url}/admin/events/event/{event.pk}/change/")
    before = browser.find_element(By.ID, "id_date_earliest").get_attribute("value")
    browser.find_element(By.ID, "id_when").send_keys("2016-08-01/2016-08-10")
    wait_until(browser, "return document.getElementById('id_date_latest').value === '2016-08-10'")
    values = {
        name: browser.find_element(By.ID, f"id_{name}").get_attribute("value")
        for name in ("date_earliest", "date_latest", "date_precision", "date_display")
    }
    assert values["date_earliest"] == "2016-08-01"
    assert values["date_display"] == "early August 2016"
    assert "Filled in below" in browser.find_element(By.ID, "when-preview").text
    screenshot(browser, "admin-when-filled")
    # Emptying the box puts back what the fields held.
    browser.find_element(By.ID, "id_when").clear()
    browser.find_element(By.ID, "id_when").send_keys(" ")
    wait_until(
        browser,
        "return document.getElementById('id_date_earliest').value === arguments[0]",
        before,
    )


def test_the_api_root_is_a_page_a_browser_can_follow(browser, site):
    from selenium.webdriver.common.by import By

    visit(browser, site.url + "/api/v1/")
    assert browser.find_element(By.TAG_NAME, "h1").text == "The Conflict Tracker API"
    links = {
        a.text: a.get_attribute("href")
        for a in browser.find_elements(By.CSS_SELECTOR, ".api-endpoint__name a")
    }
    assert links["timeline"] == site.url + "/api/v1/timeline/"
    screenshot(browser, "api-root")
    browser.find_element(By.LINK_TEXT, "timeline").click()
    wait_until(browser, "return document.body.innerText.includes('\"results\"')")
    assert console_errors(browser) == []
