"""The public site in a real headless Chromium: list, map, filters, histogram, article highlights.

Screenshots go to test-artifacts/browser/ for a person to look at.
"""

from datetime import date

import pytest
from django.db.models import Q

from events.models import Article, Event, EventSource
from tests.browser.helpers import (
    WAIT,
    console_errors,
    entries,
    foreign_requests,
    screenshot,
    show_marker,
    visit,
    wait_for_map,
    wait_until,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def published_chronology() -> list[int]:
    return list(Event.objects.published().chronological().values_list("id", flat=True))


def test_the_chronology_shows_the_seed_events_a_marker_per_place_and_no_errors(browser, site):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    visit(browser, site.url + "/")
    assert entries(browser) == published_chronology()
    wait_for_map(browser)
    mapped = (
        Event.objects.published()
        .filter(location__latitude__isnull=False)
        .values_list("location_id", flat=True)
        .distinct()
    )
    # One marker per place, drawn or held in a cluster.
    markers = browser.execute_script("return Object.keys(document.getElementById('map').markers)")
    assert sorted(int(pk) for pk in markers) == sorted(set(mapped))
    assert browser.find_element(By.CSS_SELECTOR, ".bars a.bar")  # The histogram.
    screenshot(browser, "chronology-desktop", docs="chronology")
    screenshot(browser, "chronology-desktop-full", full_page=True)

    # List → map: pointing at an event lights up its place's marker.
    aleppo = Event.objects.published().filter(location__slug="aleppo-city").first()
    show_marker(browser, aleppo.location_id)
    card = browser.find_element(By.ID, f"event-{aleppo.pk}")
    marker_fill = (  # Its outline: the fill is its event type's colour.
        "return document.querySelector('#map path.event-marker[data-place=\"' + arguments[0]"
        " + '\"]').getAttribute('stroke')"
    )
    before = browser.execute_script(marker_fill, aleppo.location_id)
    ActionChains(browser).move_to_element(card).perform()
    assert browser.execute_script(marker_fill, aleppo.location_id) != before

    # Map → list: pointing at the marker lights up the events there.
    marker = browser.find_element(
        By.CSS_SELECTOR, f'#map path.event-marker[data-place="{aleppo.location_id}"]'
    )
    ActionChains(browser).move_to_element(marker).perform()
    wait_until(
        browser,
        "return document.getElementById('event-' + arguments[0]).classList"
        ".contains('is-highlighted')",
        aleppo.pk,
    )
    screenshot(browser, "chronology-map-linked")

    # Keyboard: the first Tab reaches the skip link.
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    assert "skip-link" in browser.execute_script("return document.activeElement.className")

    assert foreign_requests(browser, site.url) == []
    assert console_errors(browser) == []


def test_on_a_phone_the_page_fits_the_screen(browser, site):
    from selenium.webdriver.common.by import By

    # A phone's viewport (Chromium's windows cannot be made this narrow).
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True},
    )
    try:
        visit(browser, site.url + "/")
        wait_for_map(browser)
        assert browser.execute_script("return window.innerWidth") == 390
        assert browser.execute_script(
            "return document.documentElement.scrollWidth <= window.innerWidth"
        )
        # The filters fold away under their summary, which opens them.
        form = browser.find_element(By.CSS_SELECTOR, ".filter-form")
        assert not form.is_displayed()
        screenshot(browser, "chronology-phone")
        browser.find_element(By.CSS_SELECTOR, ".filters__toggle").click()
        assert form.is_displayed()
        screenshot(browser, "chronology-phone-filters")
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert console_errors(browser) == []


def test_a_filter_narrows_the_list_changes_the_address_and_back_undoes_it(browser, site):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    visit(browser, site.url + "/")
    everything = entries(browser)
    field = browser.find_element(By.ID, "f-actor")
    field.send_keys("Daesh")
    browser.find_element(By.CSS_SELECTOR, ".filter-form button[type=submit]").click()
    WebDriverWait(browser, WAIT).until(EC.url_contains("actor=Daesh"))
    wait_until(browser, "return document.readyState === 'complete'")
    assert browser.current_url == site.url + "/?actor=Daesh"  # Empty fields left out.
    narrowed = entries(browser)
    expected = list(
        Event.objects.published()
        .filter(actor_links__actor__slug="islamic-state")
        .distinct()
        .chronological()
        .values_list("id", flat=True)
    )
    assert narrowed == expected and len(narrowed) < len(everything)
    assert "Islamic State" in browser.find_element(By.CSS_SELECTOR, ".chips").text
    screenshot(browser, "filtered-by-alias")

    browser.back()
    WebDriverWait(browser, WAIT).until(EC.url_to_be(site.url + "/"))
    wait_until(browser, "return document.querySelectorAll('article.entry').length > 0")
    assert entries(browser) == everything
    assert console_errors(browser) == []


def test_choosing_a_histogram_bar_narrows_the_dates_to_it(browser, site):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    visit(browser, site.url + "/")
    assert "events per month" in browser.find_element(By.ID, "histogram-heading").text.lower()
    browser.find_element(By.CSS_SELECTOR, '.bars__item[data-start="2016-09"] a.bar').click()
    WebDriverWait(browser, WAIT).until(EC.url_contains("start=2016-09&end=2016-09"))
    wait_until(browser, "return document.readyState === 'complete'")
    in_september = Event.objects.published().overlapping(date(2016, 9, 1), date(2016, 9, 30))
    assert entries(browser) == list(in_september.chronological().values_list("id", flat=True))
    assert "events per day" in browser.find_element(By.ID, "histogram-heading").text.lower()
    screenshot(browser, "histogram-narrowed")
    assert console_errors(browser) == []


def test_an_article_page_highlights_its_excerpts_and_the_chosen_event(browser, site):
    from selenium.webdriver.common.by import By

    article = Article.objects.get(title="Syrian Forces Besiege Aleppo")
    cited = EventSource.objects.filter(Q(article=article) & Q(event__status=Event.Status.PUBLISHED))
    chosen = cited.order_by("event__date_earliest", "event_id").last().event_id
    visit(browser, f"{site.url}/articles/{article.pk}/#cite-{chosen}")
    marks = browser.find_elements(By.CSS_SELECTOR, ".report__text mark.cite")
    highlighted = " ".join(mark.text for mark in marks)
    for excerpt in cited.values_list("excerpt", flat=True):
        assert excerpt.split()[0] in highlighted
    current = browser.find_elements(By.CSS_SELECTOR, "mark.cite.is-current")
    assert current and all(str(chosen) in m.get_attribute("data-events").split() for m in current)
    assert "is-highlighted" in browser.find_element(By.ID, f"event-{chosen}").get_attribute("class")
    screenshot(browser, "article-highlights")
    assert console_errors(browser) == []
