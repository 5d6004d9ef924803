"""The real TimelineJS 3.9 (vendored from npm) on a page of another origin, given the API's
URL: it loads the chronology and draws every event inside its bounds, in order."""

import functools
import http.server
import json
import threading
import urllib.parse
import urllib.request
from datetime import date
from pathlib import Path

import pytest

from events.models import Event
from tests.api.helpers import published
from tests.browser.helpers import console_errors, screenshot, visit, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VENDOR = Path(__file__).parent / "vendor" / "timelinejs-3.9.11"
PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>TimelineJS</title>
<link rel="stylesheet" href="timeline.css"><script src="timeline.js"></script></head>
<body><div id="timeline" style="width: 1300px; height: 650px"></div>
<script>
  window.timelineState = "loading";
  const api = new URLSearchParams(location.search).get("api");
  window.timeline = new TL.Timeline("timeline", api);
  timeline.on("loaded", () => { window.timelineState = "loaded"; });
</script></body></html>
"""
# Each marker as TimelineJS drew it, with the days it had to lie within (local midnights, as
# TimelineJS reads {year, month, day}), and the position its scale gives those days.
MARKERS = """
const nav = window.timeline._timenav, scale = nav.timescale;
return nav._markers.map(m => {
  const d = m.data;
  return {
    uid: d.unique_id,
    start: m.getTime(),
    end: d.end_date ? d.end_date.getTime() : m.getTime(),
    left: parseFloat(m._el.container.style.left),
    scaleLeft: scale.getPosition(m.getTime()),
  };
});
"""
BOUNDS = """
const [y1, m1, d1, y2, m2, d2] = arguments;
const scale = window.timeline._timenav.timescale;
const earliest = new Date(y1, m1 - 1, d1).getTime(), after = new Date(y2, m2 - 1, d2 + 1).getTime();
return [earliest, after, scale.getPosition(earliest), scale.getPosition(after)];
"""


@pytest.fixture
def other_origin(tmp_path):
    """The vendored library and a page that embeds it, served from another port (origin)."""
    for name in ("timeline.js", "timeline.css"):
        (tmp_path / name).write_bytes((VENDOR / name).read_bytes())
    (tmp_path / "index.html").write_text(PAGE)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def imprecise_events() -> None:
    """The dates TimelineJS drew wrong: within months, across a month's turn, within a year."""
    month = Event.Precision.MONTH
    published(
        headline="Siege tightens (late August to early September)",
        date_earliest=date(2016, 8, 28),
        date_latest=date(2016, 9, 4),
        date_precision=month,
    )
    published(
        headline="Campaign from February to 3 September",
        date_earliest=date(2016, 2, 1),
        date_latest=date(2016, 9, 3),
        date_precision=month,
    )
    published(
        headline="Sometime in 2015",
        date_earliest=date(2015, 1, 1),
        date_latest=date(2015, 12, 31),
        date_precision=Event.Precision.YEAR,
    )
    published(headline="On 2 August 2016", date_earliest=date(2016, 8, 2))


def test_timelinejs_loads_the_api_url_and_draws_each_event_within_its_bounds(
    browser, site, other_origin
):
    imprecise_events()
    api_url = f"{site.url}/api/v1/timeline/?start=2015-01-01&end=2016-12-31&format=timelinejs"
    with urllib.request.urlopen(
        f"{site.url}/api/v1/timeline/?start=2015-01-01&end=2016-12-31&page_size=500"
    ) as r:
        chronology = json.load(r)["results"]
    assert len(chronology) >= 5
    bounds = {
        str(entry["uid"]): (
            date.fromisoformat(entry["date"]["earliest"]),
            date.fromisoformat(entry["date"]["latest"]),
        )
        for entry in chronology
    }

    visit(browser, f"{other_origin}/index.html?api={urllib.parse.quote(api_url, safe='')}")
    wait_until(browser, "return window.timelineState === 'loaded'")
    # The library's own fonts and icons (a CDN, files not vendored) may fail to load; nothing
    # else may: no script error, no failed or refused request to the API.
    errors = console_errors(browser)
    assert not [e for e in errors if e["source"] != "network" or site.url in e["message"]]
    screenshot(browser, "timelinejs-from-the-api")

    markers = browser.execute_script(MARKERS)
    assert {marker["uid"] for marker in markers} == set(bounds)
    for marker in markers:
        earliest, latest = bounds[marker["uid"]]
        first, after, first_x, after_x = browser.execute_script(
            BOUNDS,
            earliest.year,
            earliest.month,
            earliest.day,
            latest.year,
            latest.month,
            latest.day,
        )
        # Drawn from its earliest possible day, ending no later than its latest.
        assert marker["start"] == first, marker
        assert first <= marker["end"] < after, marker
        assert abs(marker["left"] - first_x) < 1.5 and marker["left"] < after_x, marker
    # In the chronology's order: TimelineJS sorts by start; ours is earliest day first.
    drawn = [m["uid"] for m in sorted(markers, key=lambda m: (m["left"], m["end"]))]
    ours = [str(entry["uid"]) for entry in chronology]
    assert [bounds[uid][0] for uid in drawn] == [bounds[uid][0] for uid in ours]
