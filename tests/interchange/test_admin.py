"""The admin's dataset import: upload, a row-by-row dry-run preview, then the import."""

import re

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from events.models import Actor, Event, EventActor, ExternalRecord
from tests.interchange.builders import acled_file

pytestmark = pytest.mark.django_db

IMPORT = reverse("admin:events_externalrecord_import")
RECORDS = reverse("admin:events_externalrecord_changelist")


def upload(client, data: bytes, **fields):
    form = {
        "upload": SimpleUploadedFile("syria.csv", data, content_type="text/csv"),
        "dataset": "acled",
        "status": "published",
        **fields,
    }
    return client.post(IMPORT, form)


def token_of(page: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', page).group(1)


FILE = acled_file(
    {"event_id_cnty": "SYR1", "actor2": "Brand New Brigade"},
    {"event_id_cnty": "SYR2", "event_date": "someday"},
    {"event_id_cnty": "SYR3"},
)


def test_the_record_list_offers_the_import_form(client, publisher):
    client.force_login(publisher)
    assert IMPORT in client.get(RECORDS).content.decode()
    form = client.get(IMPORT).content.decode()
    assert 'type="file" name="upload"' in form and 'value="Preview"' in form


def test_the_preview_shows_each_rows_fate_and_writes_nothing(client, publisher):
    client.force_login(publisher)
    response = upload(client, FILE)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing has been written yet" in page
    line2 = re.search(r'<tr id="line-2">(.*?)</tr>', page, re.S).group(1)
    assert "created" in line2 and "Armed clash in Sukhna" in line2
    line3 = re.search(r'<tr id="line-3">(.*?)</tr>', page, re.S).group(1)
    assert "rejected" in line3 and "event_date: &#x27;someday&#x27; is not a date" in line3
    assert (
        "events: 2 would be created, 0 updated, 0 unchanged, 0 older rows skipped, "
        "0 conflicts for review, 1 rows rejected"
    ) in page
    assert not Event.objects.exists()
    assert not Actor.objects.filter(name="Brand New Brigade").exists()


def test_confirming_the_preview_imports_the_same_file(client, publisher):
    client.force_login(publisher)
    token = token_of(upload(client, FILE).content.decode())
    response = client.post(IMPORT, {"token": token}, follow=True)
    assert response.redirect_chain[-1][0] == RECORDS
    assert sorted(ExternalRecord.objects.values_list("external_id", flat=True)) == ["SYR1", "SYR3"]
    history = Event.objects.get(external_records__external_id="SYR1").history.get()
    assert history.history_user == publisher
    page = response.content.decode().lower()
    assert "events: 2 were created" in page
    assert "line 3: rejected: event_date" in page
    # The token is spent: a second confirmation imports nothing.
    again = client.post(IMPORT, {"token": token}, follow=True)
    assert "no longer available" in again.content.decode()


def test_a_second_upload_previews_updates_and_unchanged_rows(client, publisher):
    client.force_login(publisher)
    client.post(IMPORT, {"token": token_of(upload(client, FILE).content.decode())})
    newer = acled_file(
        {"event_id_cnty": "SYR1", "actor2": "Brand New Brigade", "fatalities": "40"},
        {"event_id_cnty": "SYR3"},
    )
    page = upload(client, newer).content.decode()
    assert "events: 0 would be created, 1 updated, 1 unchanged, 0 older rows skipped" in page
    assert "updated" in re.search(r'<tr id="line-2">(.*?)</tr>', page, re.S).group(1)


def test_publishing_by_import_needs_the_publish_permission(client, editor):
    client.force_login(editor)
    page = upload(client, FILE).content.decode()
    assert "Importing published events needs the publish permission." in page
    page = upload(client, FILE, status="review").content.decode()
    client.post(IMPORT, {"token": token_of(page)})
    assert set(Event.objects.values_list("status", flat=True)) == {"review"}


def test_all_or_nothing_offers_no_import_when_a_row_is_rejected(client, publisher):
    client.force_login(publisher)
    page = upload(client, FILE, atomic="on").content.decode()
    assert "would write nothing" in page
    assert 'name="token"' not in page


def test_an_unreadable_file_is_a_form_error(client, publisher):
    client.force_login(publisher)
    page = upload(client, b"PK\x03\x04 a workbook").content.decode()
    assert "save the sheet as CSV" in page


def test_staff_who_may_not_add_events_cannot_import(client):
    viewer = User.objects.create_user("viewer", password="pw-for-tests-only", is_staff=True)
    client.force_login(viewer)
    assert client.get(IMPORT).status_code == 403


def conflict(client, user) -> ExternalRecord:
    """An imported event an editor changed, and a newer row for it."""
    from events.interchange.importer import import_file

    import_file(acled_file({"fatalities": "3"}), dataset="acled")
    event = Event.objects.get()
    event.fatalities_best = 4
    event.save()
    import_file(acled_file({"fatalities": "5", "timestamp": "1700000000"}), dataset="acled")
    client.force_login(user)
    return ExternalRecord.objects.get()


def test_a_conflict_is_listed_and_shows_both_versions_of_the_row(client, editor):
    record = conflict(client, editor)
    listed = client.get(RECORDS, {"conflict": "yes"}).content.decode()
    assert f'href="/admin/events/externalrecord/{record.pk}/change/' in listed
    assert "a newer row waits for review" in listed
    assert client.get(RECORDS, {"conflict": "no"}).context["cl"].result_count == 0
    page = client.get(reverse("admin:events_externalrecord_change", args=[record.pk]))
    html = page.content.decode()
    assert "stored row (1504137600)" in html and "newer row (1700000000, line 2 of a file)" in html
    changed = re.search(
        r'<tr class="changed"[^>]*><td>fatalities</td><td>(.*?)</td><td>(.*?)</td>', html
    )
    assert changed.groups() == ("3", "5")
    assert "An editor changed" in html and "(fatalities)" in html


def test_applying_a_newer_row_in_the_admin_replaces_the_editors_change(client, editor):
    record = conflict(client, editor)
    client.post(
        RECORDS, {"action": "apply_newer_rows", "index": 0, "_selected_action": [record.pk]}
    )
    record.refresh_from_db()
    assert (record.pending, record.event.fatalities_best, record.release) == (None, 5, "1700000000")
    assert record.event.history.first().history_user == editor


def test_applying_a_newer_row_that_changes_the_actors_records_the_links_under_the_editor(
    client, editor
):
    from events.interchange.importer import import_file

    import_file(acled_file({}), dataset="acled")
    event = Event.objects.get()
    event.fatalities_best = 4
    event.save()
    import_file(acled_file({"actor2": "Hezbollah", "timestamp": "1700000000"}), dataset="acled")
    client.force_login(editor)
    record = ExternalRecord.objects.get()
    client.post(
        RECORDS, {"action": "apply_newer_rows", "index": 0, "_selected_action": [record.pk]}
    )
    records = EventActor.history.filter(event_id=event.pk)
    assert sorted(records.values_list("history_type", "actor__name", "history_user")) == [
        ("+", "Hezbollah", editor.pk),
        ("+", "Military Forces of Syria (2000-)", editor.pk),
        ("-", "Islamic State", editor.pk),
        ("-", "Military Forces of Syria (2000-)", editor.pk),
    ]


def test_keeping_the_editors_version_in_the_admin_sets_the_newer_row_aside(client, editor):
    record = conflict(client, editor)
    client.post(
        RECORDS, {"action": "keep_editors_versions", "index": 0, "_selected_action": [record.pk]}
    )
    record.refresh_from_db()
    assert (record.pending, record.event.fatalities_best, record.release) == (None, 4, "1700000000")


def test_staff_who_may_only_view_events_see_conflicts_but_cannot_resolve_them(client):
    from django.contrib.auth.models import Permission

    viewer = User.objects.create_user("viewer", password="pw-for-tests-only", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_event"))
    record = conflict(client, viewer)
    assert "apply_newer_rows" not in client.get(RECORDS).content.decode()
    client.post(
        RECORDS, {"action": "apply_newer_rows", "index": 0, "_selected_action": [record.pk]}
    )
    record.refresh_from_db()
    assert record.pending is not None and record.event.fatalities_best == 4
