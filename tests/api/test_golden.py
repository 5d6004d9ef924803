"""Golden JSON for the seed data: the public shape of the API, change by change reviewable.

Volatile values (database ids, timestamps) are normalised; run with UPDATE_GOLDEN=1 to rewrite
the files after an intended change, and review the diff.
"""

import json
import os
import re
from pathlib import Path

import pytest

from events.models import Event
from events.seeding import seed_uid
from tests.api.helpers import walk

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).parent / "golden"
_EVENT_URL = re.compile(r"http://testserver/api/v1/events/(\d+)/")


def _normalise(data, uids: dict[int, str]):
    """Event ids become "event:<uid>", other ids "<id>", timestamps "<time>"."""
    if isinstance(data, dict):
        out = {}
        for key, value in data.items():
            if key in ("updated", "removed_at", "date") and isinstance(value, str) and "T" in value:
                out[key] = "<time>"
            elif key == "id" and isinstance(value, int):
                out[key] = (
                    f"event:{uids[value]}" if value in uids and "headline" in data else "<id>"
                )
            elif key == "article" and isinstance(value, int):
                out[key] = "<id>"
            else:
                out[key] = _normalise(value, uids)
        return out
    if isinstance(data, list):
        return [_normalise(item, uids) for item in data]
    if isinstance(data, str):
        return _EVENT_URL.sub(lambda m: f"<api>/events/event:{uids.get(int(m[1]), '?')}/", data)
    return data


def _check(name: str, data) -> None:
    uids = {pk: str(uid) for pk, uid in Event.objects.values_list("id", "uid")}
    actual = _normalise(data, uids)
    path = GOLDEN / f"{name}.json"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(actual, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert actual == expected, f"{path.name} differs; UPDATE_GOLDEN=1 rewrites it"


def test_the_seed_timeline_matches_its_golden_file(seeded, api):
    _check("timeline", walk(api, "/api/v1/timeline/?page_size=500"))


def test_the_islamic_state_in_august_2017_matches_its_golden_file(seeded, api):
    _check(
        "timeline_isis_2017-08",
        api.get("/api/v1/timeline/?actor=isis&start=2017-08&end=2017-08").json(),
    )


def test_the_seed_histogram_matches_its_golden_file(seeded, api):
    _check(
        "histogram_month", api.get("/api/v1/timeline/histogram/?interval=month&start=2016").json()
    )


def test_a_seed_event_with_related_events_matches_its_golden_file(seeded, api):
    key = "2017-08-31-convoy-turned-back-townsend-claim"
    pk = Event.objects.get(uid=seed_uid(key)).pk
    _check("event_detail", api.get(f"/api/v1/events/{pk}/").json())
