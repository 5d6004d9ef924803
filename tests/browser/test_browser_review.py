"""The ingestion review page in a real headless Chromium: an editor signs in, sees every
sentence's fate, drafts a skipped sentence with one click, and the draft appears beside it."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse

from events.ingest.pipeline import ingest_article
from events.models import Event, EventType, Location
from events.permissions import EDITOR_GROUP, EDITOR_PERMISSIONS
from tests.browser.helpers import ARTIFACTS
from tests.browser.test_browser_site import console_errors, visit, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = (
    "Warplanes struck Aleppo on Monday, a monitoring group said.\n"
    "Read more: Rebels Retake Hama\n"
    "Rebels have repeatedly captured villages near Aleppo."
)


def sign_in(browser, base: str, username: str, password: str) -> None:
    from selenium.webdriver.common.by import By

    browser.delete_all_cookies()
    visit(browser, base + reverse("admin:login"))
    browser.find_element(By.NAME, "username").send_keys(username)
    browser.find_element(By.NAME, "password").send_keys(password)
    browser.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    # The login page is itself 'complete' until the browser leaves it: wait for the redirect,
    # or the next visit can race the session cookie and land back on the login form.
    wait_until(browser, "return !location.pathname.includes('/login/')")


def test_an_editor_drafts_a_skipped_sentence_from_the_review_page(browser, live_server):
    from selenium.webdriver.common.by import By

    syria = Location.objects.create(name="Syria", slug="syria", kind="country")
    Location.objects.create(name="Aleppo", slug="aleppo", kind="city", parent=syria)
    for slug in ("air-drone-strike", "non-state-actor-overtakes-territory"):
        EventType.objects.create(slug=slug, name=slug)
    editor = User.objects.create_user("ed", password="pw-for-browser-tests", is_staff=True)
    # A transactional test starts from a flushed database: the editors' group is made again.
    group, _ = Group.objects.get_or_create(name=EDITOR_GROUP)
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="events", codename__in=EDITOR_PERMISSIONS)
    )
    editor.groups.add(group)
    article = ingest_article(
        text=TEXT, publication_date=datetime.date(2017, 4, 3), outlet="Wire", new_outlet=True
    ).article
    sign_in(browser, live_server.url, "ed", "pw-for-browser-tests")
    visit(browser, live_server.url + reverse("admin:events_article_proposals", args=[article.pk]))

    fates = browser.execute_script(
        "return Array.from(document.querySelectorAll('ol.sentences > li'),"
        " li => li.querySelector('.fate').textContent.trim())"
    )
    assert fates == ["proposed", "skipped", "skipped"]
    furniture = browser.find_element(By.ID, "sentence-1").text
    assert "page furniture: a related-links line" in furniture
    skipped = browser.find_element(By.ID, "sentence-2")
    assert "no date and none to inherit" in skipped.text
    browser.save_screenshot(str(ARTIFACTS / "review-before-drafting.png"))

    skipped.find_element(By.CSS_SELECTOR, "button").click()
    wait_until(browser, "return location.hash.startsWith('#proposal-')")
    drafted = Event.objects.get(type__slug="non-state-actor-overtakes-territory")
    assert browser.execute_script("return location.hash") == f"#proposal-{drafted.pk}"
    card = browser.find_element(By.ID, f"proposal-{drafted.pk}")
    assert "Rebels have repeatedly captured villages near Aleppo." in card.text
    row = browser.find_element(By.ID, "sentence-2")
    assert row.find_element(By.CSS_SELECTOR, ".fate").text.strip().lower() == "proposed"
    assert row.find_elements(By.CSS_SELECTOR, "button") == []
    browser.save_screenshot(str(ARTIFACTS / "review-after-drafting.png"))
    assert console_errors(browser) == []
