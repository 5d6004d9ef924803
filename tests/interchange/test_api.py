"""?format=acled and ?format=ucdp on the API's chronology endpoints."""

import pytest
from rest_framework.test import APIClient

from events.interchange import acled, ucdp
from events.interchange.importer import import_file
from tests.interchange.builders import ACLED_CURRENT, UCDP_SAMPLE, acled_file, read_csv

pytestmark = pytest.mark.django_db


def test_the_timeline_exports_acleds_layout_with_the_filters_applied(seeded):
    import_file(ACLED_CURRENT, dataset="acled")
    response = APIClient().get("/api/v1/timeline/", {"format": "acled", "actor": "isis"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = read_csv(b"".join(response.streaming_content))
    assert list(rows[0]) == acled.COLUMNS
    ours = [row["event_id_cnty"] for row in rows if not row["event_id_cnty"].startswith("CT")]
    assert ours == ["SYR1001", "SYR1008"]


def test_events_export_the_ged_layout_and_drafts_only_to_editors(editor):
    import_file(UCDP_SAMPLE, dataset="ucdp", status="review")
    import_file(acled_file({}), dataset="acled")
    public = read_csv(b"".join(APIClient().get("/api/v1/events/?format=ucdp").streaming_content))
    assert [(row["side_a"], row["date_start"]) for row in public] == [
        ("Military Forces of Syria (2000-)", "2017-08-30")
    ]
    client = APIClient()
    client.force_login(editor)
    response = client.get(
        "/api/v1/events/", {"format": "ucdp", "start": "2016-01", "end": "2016-01"}
    )
    rows = read_csv(b"".join(response.streaming_content))
    assert list(rows[0]) == ucdp.COLUMNS
    assert {row["id"] for row in rows} >= {"214797", "215275"}
    assert all(row["date_start"] <= "2016-01-31" for row in rows)


def test_one_event_renders_in_the_layout_too(seeded):
    import_file(ACLED_CURRENT, dataset="acled")
    from events.models import ExternalRecord

    pk = ExternalRecord.objects.get(external_id="SYR1002").event_id
    response = APIClient().get(f"/api/v1/events/{pk}/", {"format": "acled"})
    assert response.status_code == 200
    [row] = read_csv(response.content)
    assert (row["event_id_cnty"], row["civilian_targeting"]) == ("SYR1002", "Civilian targeting")


def test_a_bad_filter_is_a_json_400_not_a_broken_csv():
    response = APIClient().get("/api/v1/timeline/", {"format": "ucdp", "start": "2016-13"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "start" in response.json()["errors"]
