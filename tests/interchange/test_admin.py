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


def shown(client, record: ExternalRecord) -> dict:
    """The review page of a record, and the decision its form posts, as a reviewer sees them."""
    page = client.get(reverse("admin:events_externalrecord_change", args=[record.pk]))
    html = page.content.decode()
    form = html[html.index('id="review-form"') :]
    token = re.search(rf'name="seen-{record.pk}" value="([^"]*)"', form).group(1)
    return {"html": html, "index": 0, "_selected_action": [record.pk], f"seen-{record.pk}": token}


def decide(client, decision: dict, action: str):
    """Post a decision the review page offers, as its buttons do; the messages shown after."""
    posted = {key: value for key, value in decision.items() if key != "html"}
    response = client.post(RECORDS, {**posted, "action": action}, follow=True)
    return [str(message) for message in response.context["messages"]]


def test_applying_a_newer_row_in_the_admin_replaces_the_editors_change(client, editor):
    record = conflict(client, editor)
    decide(client, shown(client, record), "apply_newer_rows")
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
    decide(client, shown(client, record), "apply_newer_rows")
    records = EventActor.history.filter(event_id=event.pk)
    assert sorted(records.values_list("history_type", "actor__name", "history_user")) == [
        ("+", "Hezbollah", editor.pk),
        ("+", "Military Forces of Syria (2000-)", editor.pk),
        ("-", "Islamic State", editor.pk),
        ("-", "Military Forces of Syria (2000-)", editor.pk),
    ]


def test_keeping_the_editors_version_in_the_admin_sets_the_newer_row_aside_on_the_record(
    client, editor
):
    record = conflict(client, editor)
    said = decide(client, shown(client, record), "keep_editors_versions")
    assert said == ["1 newer rows set aside (kept on their records); the events stay as edited."]
    record.refresh_from_db()
    # The stored row and its release stay; the row set aside is kept, with who and when.
    assert (record.event.fatalities_best, record.release, record.row["fatalities"]) == (
        4,
        "1504137600",
        "3",
    )
    [dismissed] = record.pending["dismissed"]
    assert (dismissed["release"], dismissed["row"]["fatalities"], dismissed["by"]) == (
        "1700000000",
        "5",
        "ed",
    )
    assert "row" not in record.pending and dismissed["at"]
    assert client.get(RECORDS, {"conflict": "yes"}).context["cl"].result_count == 0
    assert client.get(RECORDS, {"conflict": "no"}).context["cl"].result_count == 1
    page = client.get(reverse("admin:events_externalrecord_change", args=[record.pk]))
    html = page.content.decode()
    assert "Newer rows set aside" in html and "fatalities &#x27;5&#x27;" in html
    assert 'id="review-form"' not in html


def test_applying_a_newer_row_keeps_an_edit_made_after_the_conflict_was_shown(client, editor):
    record = conflict(client, editor)  # The editor changed the fatalities; a newer row waits.
    decision = shown(client, record)
    assert "(fatalities)" in decision["html"]
    # Meanwhile someone else corrects the headline, which the conflict page never showed.
    event = Event.objects.get()
    event.headline = "Corrected headline: clashes at the Sukhna checkpoint"
    event.save()
    said = decide(client, decision, "apply_newer_rows")
    assert len(said) == 1 and "ACLED SYR1: nothing done" in said[0]
    assert "Corrected headline: clashes at the Sukhna checkpoint" in said[0]
    event.refresh_from_db()
    record.refresh_from_db()
    assert event.headline == "Corrected headline: clashes at the Sukhna checkpoint"
    assert (event.fatalities_best, record.pending["release"]) == (4, "1700000000")
    # Looking again, the reviewer applies what they now see.
    decide(client, shown(client, record), "apply_newer_rows")
    event.refresh_from_db()
    assert event.fatalities_best == 5


def test_keeping_the_editors_version_never_sets_aside_a_row_the_reviewer_did_not_see(
    client, editor
):
    from events.interchange.importer import import_file

    record = conflict(client, editor)  # The newer row says 5 killed; the reviewer reads it.
    decision = shown(client, record)
    assert "1700000000" in decision["html"]
    # Before they decide, a later release arrives: 9 killed.
    later = acled_file({"fatalities": "9", "timestamp": "1800000000"})
    import_file(later, dataset="acled")
    said = decide(client, decision, "keep_editors_versions")
    assert len(said) == 1 and "ACLED SYR1: nothing done" in said[0]
    record.refresh_from_db()
    assert (record.pending["release"], record.pending["row"]["fatalities"]) == ("1800000000", "9")
    # Looking again, they keep the editor's version over the row they now see.
    decide(client, shown(client, record), "keep_editors_versions")
    record.refresh_from_db()
    assert [row["release"] for row in record.pending["dismissed"]] == ["1800000000"]
    # The same file again: the row is reported as dismissed earlier, neither unchanged nor lost.
    again = import_file(later, dataset="acled")
    assert (again.unchanged, again.conflicts, again.updated) == (0, [], 0)
    assert [outcome.external_id for outcome in again.dismissed] == ["SYR1"]
    assert "1 dismissed earlier" in again.lines()[1]
    assert "dismissed earlier by ed" in again.lines()[3]
    assert Event.objects.get().fatalities_best == 4


def test_a_decision_that_does_not_carry_what_the_reviewer_saw_changes_nothing(client, editor):
    record = conflict(client, editor)
    for action in ("apply_newer_rows", "keep_editors_versions"):
        decision = {"index": 0, "_selected_action": [record.pk], f"seen-{record.pk}": ""}
        said = decide(client, decision, action)
        assert len(said) == 1 and "ACLED SYR1: nothing done" in said[0]
    record.refresh_from_db()
    assert (record.event.fatalities_best, record.pending["release"]) == (4, "1700000000")


def test_the_record_list_carries_what_it_shows_to_its_actions(client, editor):
    record = conflict(client, editor)
    listed = client.get(RECORDS).content.decode()
    token = re.search(rf'name="seen-{record.pk}" value="([^"]*)"', listed).group(1)
    decision = {"index": 0, "_selected_action": [record.pk], f"seen-{record.pk}": token}
    decide(client, decision, "apply_newer_rows")
    record.refresh_from_db()
    assert (record.pending, record.event.fatalities_best) == (None, 5)


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
