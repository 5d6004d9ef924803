"""The Content-Security-Policy holds in a real Chromium: the public pages, the admin and the API
docs work under it and break none of its rules (a `securitypolicyviolation` listener and the
console both stay quiet)."""

import pytest
from django.contrib.auth.models import User

from events.models import Actor, Article, Event, Location
from tests.browser.helpers import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WAIT = 20

# Runs in every document before its own scripts: records each violation the page reports.
LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(
    [e.violatedDirective, e.blockedURI, e.sourceFile, e.lineNumber, e.sample].join(' | '));
});
"""


@pytest.fixture(scope="module")
def watched(browser):
    """The module's Chromium, recording CSP violations in every page it opens."""
    script = browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": LISTENER})
    yield browser
    browser.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", script)


def _open(driver, url: str, ready: str = "return document.readyState === 'complete'") -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get_log("browser")  # Start with an empty console.
    driver.get(url)
    WebDriverWait(driver, WAIT).until(lambda d: d.execute_script(ready))


def _violations(driver) -> list[str]:
    reported = driver.execute_script("return window.__cspViolations || []")
    console = [
        entry["message"]
        for entry in driver.get_log("browser")
        if "Content Security Policy" in entry["message"] or "Refused to" in entry["message"]
    ]
    return reported + console


def _assert_clean(driver, url: str, ready: str | None = None) -> None:
    if ready:
        _open(driver, url, ready)
    else:
        _open(driver, url)
    found = _violations(driver)
    if found:
        name = url.split("//", 1)[-1].replace("/", "_").replace("?", "_")[:80]
        driver.save_screenshot(str(ARTIFACTS / f"csp-{name}.png"))
    assert found == [], (url, found)


def test_the_public_pages_break_no_rule_of_the_policy(watched, site):
    event = Event.objects.published().filter(location__latitude__isnull=False).first()
    article = Article.objects.filter(citations__event__status=Event.Status.PUBLISHED).first()
    # Markers, or clusters of them where places crowd.
    markers = (
        "return document.querySelectorAll('#map path.event-marker, #map .map-cluster').length > 0"
    )
    for url, ready in (
        ("/", markers),
        ("/?actor=isis&start=2017-08&end=2017-08", markers),
        ("/?start=2016-13", None),  # A 400 page.
        (f"/events/{event.pk}/", markers),
        (f"/articles/{article.pk}/", None),
        (f"/actors/{Actor.objects.get(slug='islamic-state').slug}/", markers),
        (f"/places/{Location.objects.get(slug='aleppo-city').slug}/", markers),
        ("/events/999999/", None),  # The 404 page.
        ("/embed/?actor=isis&map=1", markers),  # With its own frame-ancestors.
        ("/api/v1/", None),  # The API's index for browsers.
    ):
        _assert_clean(watched, site.url + url, ready)


def test_the_api_docs_render_the_schema_under_the_policy(watched, site):
    loaded = "return document.querySelectorAll('.opblock').length > 10"
    _assert_clean(watched, site.url + "/api/v1/docs/", loaded)
    title = watched.execute_script("return document.querySelector('.info .title').textContent")
    assert "Conflict Tracker API" in title


def test_the_admin_works_under_the_policy(watched, site):
    from selenium.webdriver.common.by import By

    User.objects.create_superuser("root", password="pw-for-tests-only-9")
    _assert_clean(watched, site.url + "/admin/login/")
    watched.find_element(By.ID, "id_username").send_keys("root")
    watched.find_element(By.ID, "id_password").send_keys("pw-for-tests-only-9")
    watched.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    event = Event.objects.first()
    actor = Actor.objects.get(slug="islamic-state")
    article = Article.objects.first()
    for url in (
        "/admin/",
        "/admin/events/event/",
        "/admin/events/event/?when=2016&actor=isis",
        f"/admin/events/event/{event.pk}/change/",
        "/admin/events/event/add/",
        f"/admin/events/event/{event.pk}/history/",
        "/admin/events/eventforreview/",
        f"/admin/events/actor/{actor.pk}/change/",
        "/admin/events/actor/add/",
        "/admin/events/location/",
        "/admin/events/article/",
        f"/admin/events/article/{article.pk}/proposals/",
        f"/admin/events/article/{article.pk}/history/",
        "/admin/events/externalrecord/import/",
    ):
        _assert_clean(watched, site.url + url)

    # The scripts the policy lets in still run: the "When" box resolves a phrase as one types.
    _open(watched, f"{site.url}/admin/events/event/{event.pk}/change/")
    watched.find_element(By.ID, "id_when").send_keys("early August 2016")
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(watched, WAIT).until(
        lambda d: "2016-08-10" in d.find_element(By.TAG_NAME, "body").text
    )
    assert _violations(watched) == []
