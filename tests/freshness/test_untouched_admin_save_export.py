"""An imported event opened in the admin and saved untouched is still its row on export,
and is not taken for an editor's change by the next import."""

import pytest
from django.urls import reverse

from events.interchange import acled, signature, ucdp
from events.interchange.importer import import_file
from events.models import Event, ExternalRecord
from tests.browser_form import submitted
from tests.interchange.builders import (
    ACLED_EDGES,
    UCDP_EDGES,
    UCDP_SAMPLE,
    exported,
    file_rows,
)

pytestmark = pytest.mark.django_db


def _save_untouched(client, event):
    url = reverse("admin:events_event_change", args=[event.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = submitted(page.content.decode(), "event_form")
    data["_save"] = "Save"
    response = client.post(url, data)
    assert response.status_code == 302, response.content[:2000]


@pytest.mark.parametrize(
    ("dataset", "path", "release", "layout", "key"),
    [
        ("acled", ACLED_EDGES, None, acled, "event_id_cnty"),
        ("ucdp", UCDP_EDGES, "23.1", ucdp, "id"),
        ("ucdp", UCDP_SAMPLE, "19.1", ucdp, "id"),
    ],
)
def test_an_untouched_admin_save_changes_neither_the_export_nor_the_signature(
    client, publisher, dataset, path, release, layout, key
):
    import_file(path, dataset=dataset, release=release)
    client.force_login(publisher)
    records = list(ExternalRecord.objects.filter(dataset=dataset).order_by("id")[:40])
    for record in records:
        _save_untouched(client, Event.objects.get(pk=record.event_id))
    now = signature.current([record.event_id for record in records])
    looks_edited = {
        record.external_id: sorted(signature.changed_groups(record.snapshot, now[record.event_id]))
        for record in records
        if signature.changed_groups(record.snapshot, now[record.event_id])
    }
    assert looks_edited == {}
    rows = {row[key]: row for row in file_rows(path, layout)}
    out = exported(dataset)
    differs = {
        (record.external_id, column): (
            rows[record.external_id][column],
            out[record.external_id][column],
        )
        for record in records
        for column in layout.COLUMNS
        if column in rows[record.external_id]
        and rows[record.external_id][column] != out[record.external_id][column]
    }
    assert differs == {}


@pytest.mark.parametrize(
    ("dataset", "path", "release"),
    [("acled", ACLED_EDGES, None), ("ucdp", UCDP_EDGES, "23.1")],
)
def test_an_admin_headline_edit_is_the_only_group_that_looks_edited(
    client, publisher, dataset, path, release
):
    import_file(path, dataset=dataset, release=release)
    client.force_login(publisher)
    records = list(ExternalRecord.objects.filter(dataset=dataset).order_by("id"))
    for record in records:
        url = reverse("admin:events_event_change", args=[record.event_id])
        data = submitted(client.get(url).content.decode(), "event_form")
        data["headline"] = "An editor's headline"
        data["_save"] = "Save"
        response = client.post(url, data)
        assert response.status_code == 302, response.content[:2000]
    now = signature.current([record.event_id for record in records])
    edited = {
        record.external_id: sorted(signature.changed_groups(record.snapshot, now[record.event_id]))
        for record in records
    }
    assert {groups for groups in map(tuple, edited.values())} == {("headline",)}, edited
