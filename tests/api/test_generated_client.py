"""A Python client generated from the schema by openapi-python-client, used unchanged against
a live server: every format through its typed call, every paged list walked to its end."""

import csv
import importlib
import io
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from rest_framework.throttling import AnonRateThrottle

pytestmark = pytest.mark.django_db(transaction=True)

GENERATOR = Path(sys.executable).parent / "openapi-python-client"


@pytest.fixture
def client_package(live_server, tmp_path, monkeypatch):
    """The client generated from the live schema, imported as ct_client, and a Client."""
    from django.conf import settings

    from events.seeding import load_seeds

    load_seeds(settings.BASE_DIR / "fixtures", base_dir=settings.BASE_DIR)
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "1000000/minute"})
    schema = tmp_path / "schema.json"
    with urllib.request.urlopen(f"{live_server.url}/api/v1/schema/?format=json") as response:
        schema.write_bytes(response.read())
    arguments = ["generate", "--path", str(schema), "--meta", "none", "--output-path"]
    generated = subprocess.run(
        [str(GENERATOR), *arguments, str(tmp_path / "ct_client")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [m for m in sys.modules if m == "ct_client" or m.startswith("ct_client.")]:
        del sys.modules[name]
    package = importlib.import_module("ct_client")
    return package, package.Client(base_url=live_server.url, raise_on_unexpected_status=True)


def call(package, module: str, client, **params):
    api = importlib.import_module(f"ct_client.api.{module}")
    return api.sync(client=client, **params)


def cursor_of(next_url: str | None) -> str | None:
    if not next_url:
        return None
    return urllib.parse.parse_qs(urllib.parse.urlparse(next_url).query)["cursor"][0]


def walk(package, module: str, client, **params) -> list:
    rows, cursor = [], None
    while True:
        types = importlib.import_module("ct_client.types")
        page = call(package, module, client, page_size=7, cursor=cursor or types.UNSET)
        assert not isinstance(page, importlib.import_module("ct_client.models").Error), page
        rows += page.results
        cursor = cursor_of(page.next_)
        if cursor is None:
            return rows


def test_the_generated_client_reads_every_format_and_walks_every_list(client_package):
    package, client = client_package
    entries = walk(package, "timeline.timeline_retrieve", client)
    assert len(entries) >= 20
    assert all(entry.date.earliest <= entry.date.latest for entry in entries)

    table = call(package, "timeline.timeline_csv", client)
    rows = list(csv.DictReader(io.StringIO(table)))
    assert [row["uid"] for row in rows] == [str(entry.uid) for entry in entries]
    for fmt in ("acled", "ucdp"):
        assert call(package, f"timeline.timeline_{fmt}", client).count("\n") > 5
    calendar = call(package, "timeline.timeline_ics", client)
    assert calendar.startswith("BEGIN:VCALENDAR") and calendar.count("BEGIN:VEVENT") == len(rows)
    collection = call(package, "timeline.timeline_geojson", client)
    assert len(collection.features) == len(entries)
    timeline = call(package, "timeline.timeline_timelinejs", client)
    assert len(timeline.events) == len(entries)
    assert all(slide.start_date.day >= 1 for slide in timeline.events)

    events = walk(package, "events.events_list", client)
    assert [event.id for event in events] == [entry.id for entry in entries]
    one = call(package, "events.events_retrieve", client, id=entries[0].id)
    assert one.headline == entries[0].headline
    assert call(package, "timeline.timeline_histogram_retrieve", client).buckets
    by = importlib.import_module("ct_client.models").TimelineSummaryRetrieveBy
    summary = call(package, "timeline.timeline_summary_retrieve", client, by=by.ADMIN1)
    assert summary.events == len(entries) and summary.groups[0].count >= 1
    for module in (
        "actors.actors_list",
        "locations.locations_list",
        "event_types.event_types_list",
        "articles.articles_list",
        "events.events_removed_list",
    ):
        assert isinstance(walk(package, module, client), list), module
    place = walk(package, "locations.locations_list", client)[0]
    assert call(package, "locations.locations_retrieve", client, slug=place.slug).slug == place.slug
