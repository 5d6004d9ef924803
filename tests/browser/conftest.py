"""A real headless Chromium (Debian's chromium + chromedriver) driven by Selenium, one per module.

Without a browser these tests skip with a loud message; with REQUIRE_BROWSER=1 (CI sets it) a
missing browser is an error instead, so that CI can never pass them by skipping.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

from events.seeding import load_seeds
from tests.browser.helpers import ARTIFACTS

CHROMIUM = os.environ.get("CHROMIUM_BINARY") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = (
    os.environ.get("CHROMEDRIVER") or shutil.which("chromedriver") or "/usr/bin/chromedriver"
)
# The flags the project's tests run Chromium with: no sandbox (containers run as root), and
# nothing that reaches for the network (the machines have none beyond package registries).
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--window-size=1400,1000",
)
_skipped: list[str] = []


def browser_required() -> bool:
    return os.environ.get("REQUIRE_BROWSER", "").strip().lower() in {"1", "true", "yes", "on"}


def _missing() -> str | None:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "the selenium package is not installed (pip install -r requirements-dev.txt)"
    for name, path in (("chromium", CHROMIUM), ("chromedriver", CHROMEDRIVER)):
        if not (Path(path).is_file() and os.access(path, os.X_OK)):
            return (
                f"{name} not found at {path} (apt-get install chromium chromium-driver, "
                "or set CHROMIUM_BINARY / CHROMEDRIVER)"
            )
    return None


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """One Chromium for the module, with a fresh profile, its console log kept."""
    missing = _missing()
    if missing:
        if browser_required():
            pytest.fail(f"REQUIRE_BROWSER is set but {missing}", pytrace=False)
        _skipped.append(missing)
        pytest.skip(f"BROWSER TESTS SKIPPED: {missing}")
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


@pytest.fixture
def site(live_server):
    """The live server with the seed data (live_server's database is flushed after each test)."""
    load_seeds(settings.BASE_DIR / "fixtures", base_dir=settings.BASE_DIR)
    return live_server


def pytest_terminal_summary(terminalreporter):
    if _skipped:
        terminalreporter.write_sep("!", "BROWSER TESTS DID NOT RUN", yellow=True, bold=True)
        terminalreporter.write_line(f"  {_skipped[0]}")
        terminalreporter.write_line("  CI sets REQUIRE_BROWSER=1, where this is an error.")
