"""The page cache after imports, applied conflicts, history reverts and seed loads."""

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from rest_framework.test import APIClient

from events.interchange.importer import import_file
from events.interchange.importer.review import apply_pending
from events.models import Event, ExternalRecord
from events.seeding import load_seeds
from tests.interchange.builders import acled_file

pytestmark = pytest.mark.django_db

URLS = ("/api/v1/timeline/", "/api/v1/events/")


def _read(url):
    response = APIClient().get(url)
    assert response.status_code == 200
    return response["ETag"], response.json()["results"]


def _primed():
    return {url: _read(url) for url in URLS}


def _assert_fresh(before, check):
    for url, (tag, _) in before.items():
        new_tag, results = _read(url)
        assert check(results), (url, results[:1])
        assert new_tag != tag, f"{url}: the ETag did not move"
        assert APIClient().get(url, HTTP_IF_NONE_MATCH=tag).status_code == 200


def _summaries(results):
    return {entry["summary"] for entry in results}


def test_an_import_update():
    import_file(acled_file({"notes": "First notes.", "timestamp": "1504137600"}), dataset="acled")
    before = _primed()
    report = import_file(
        acled_file({"notes": "Second notes.", "timestamp": "1504224000"}), dataset="acled"
    )
    assert report.updated == 1
    _assert_fresh(before, lambda results: _summaries(results) == {"Second notes."})


def test_an_import_create():
    import_file(acled_file({"notes": "First notes."}), dataset="acled")
    before = _primed()
    import_file(acled_file({"event_id_cnty": "SYR2", "notes": "A new row."}), dataset="acled")
    _assert_fresh(before, lambda results: "A new row." in _summaries(results))


def test_applying_a_conflict():
    import_file(acled_file({"notes": "First notes.", "timestamp": "1504137600"}), dataset="acled")
    event = Event.objects.get()
    event.summary = "An editor's summary."
    event.save()
    import_file(acled_file({"notes": "Newer notes.", "timestamp": "1504224000"}), dataset="acled")
    record = ExternalRecord.objects.select_related("event").get()
    assert record.pending and "row" in record.pending
    before = _primed()
    apply_pending([record])
    _assert_fresh(before, lambda results: _summaries(results) == {"Newer notes."})


def test_a_history_revert(client, editor):
    import_file(acled_file({"notes": "First notes."}), dataset="acled")
    event = Event.objects.get()
    event.headline = "A later, wrong headline"
    event.save()
    first = event.history.earliest("history_date")
    before = _primed()
    client.force_login(editor)
    url = reverse("admin:events_event_simple_history", args=[event.pk, first.history_id])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data["type"] = event.type_id
    data["location"] = event.location_id
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    headline = Event.objects.get().headline
    assert headline != "A later, wrong headline"
    _assert_fresh(before, lambda results: {e["headline"] for e in results} == {headline})


def test_load_seeds_update(tmp_path):
    base = django_settings.BASE_DIR
    load_seeds(base / "fixtures", base_dir=base)
    event = Event.objects.published().order_by("id").first()
    original = event.headline
    event.headline = "An editor's headline"
    event.save()
    before = _primed()
    load_seeds(base / "fixtures", base_dir=base, update=True)
    assert Event.objects.get(pk=event.pk).headline == original
    _assert_fresh(
        before, lambda results: "An editor's headline" not in {e["headline"] for e in results}
    )
