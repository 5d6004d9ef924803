"""What the browser tests share: waiting, visiting, reading the page, and screenshots."""

import os
import shutil
import subprocess
from pathlib import Path

from django.conf import settings

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "browser"
# The screenshots the docs show, refreshed by UPDATE_DOCS_SCREENSHOTS=1 pytest tests/browser.
DOCS_SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"

WAIT = 15  # Seconds; a cold Chromium on a busy two-core machine is slow to paint.


def wait_until(driver, script: str, *args, timeout: float = WAIT):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(lambda d: d.execute_script(script, *args))


def visit(driver, url: str) -> None:
    driver.get_log("browser")  # Start each page with an empty console.
    driver.get(url)
    wait_until(driver, "return document.readyState === 'complete'")


def entries(driver) -> list[int]:
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('article.entry'), e => +e.dataset.event)"
    )


def console_errors(driver) -> list[dict]:
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def foreign_requests(driver, base: str) -> list[str]:
    loaded = driver.execute_script(
        "return performance.getEntriesByType('resource').map(r => r.name)"
    )
    return [url for url in loaded if not url.startswith(base)]


def screenshot(driver, name: str, *, full_page: bool = False, docs: str = "", element=None) -> None:
    """Save test-artifacts/browser/<name>.png (of one element if given); full_page stretches
    the window to the page. With UPDATE_DOCS_SCREENSHOTS set, a `docs` name also writes
    docs/screenshots/<docs>.png, made smaller by pngquant where it is installed."""
    size = driver.get_window_size()
    if full_page:
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(size["width"], min(height + 100, 9000))
    target = ARTIFACTS / f"{name}.png"
    if element is not None:
        element.screenshot(str(target))
    else:
        driver.save_screenshot(str(target))
    if docs and os.environ.get("UPDATE_DOCS_SCREENSHOTS"):
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        copy = DOCS_SCREENSHOTS / f"{docs}.png"
        shutil.copyfile(target, copy)
        if shutil.which("pngquant"):
            subprocess.run(
                ["pngquant", "--quality=70-95", "--force", "--output", str(copy), str(copy)],
                check=True,
            )
    if full_page:
        driver.set_window_size(size["width"], size["height"])


def wait_for_map(driver) -> None:
    # Markers, or clusters of them where places crowd.
    wait_until(
        driver,
        "return document.querySelectorAll('#map path.event-marker, #map .map-cluster').length > 0",
    )
    # The basemap (countries, the region's provinces, cities) arrives by further requests.
    wait_until(driver, "return document.getElementById('map').classList.contains('map--ready')")
    wait_until(driver, "return document.querySelectorAll('.leaflet-land-pane path').length > 100")


def show_marker(driver, place_id: int) -> None:
    """Zoom until the place's marker is out of its cluster."""
    driver.execute_script(
        "const map = document.getElementById('map');"
        "map.clusterGroup.zoomToShowLayer(map.markers[arguments[0]], () => {});",
        place_id,
    )
    marker = "#map path.event-marker[data-place=\"' + arguments[0] + '\"]"
    wait_until(driver, f"return !!document.querySelector('{marker}')", place_id)
