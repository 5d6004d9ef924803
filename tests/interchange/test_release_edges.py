"""Releases at the edges: rows waiting for review across releases, a misshapen row's id,
UCDP candidate file names, one event's layout options."""

import pytest
from rest_framework.test import APIClient

from events.interchange.importer import import_file
from events.models import Event, ExternalRecord
from tests.interchange.builders import acled_file, acled_rows, ucdp_file

pytestmark = pytest.mark.django_db

# ACLED's stamps of three releases of one row: the import, a correction, a later correction.
FIRST, LATER, LATEST = "1504137600", "1600000000", "1700000000"


def record(external_id: str) -> ExternalRecord:
    return ExternalRecord.objects.select_related("event").get(external_id=external_id)


@pytest.mark.parametrize(
    "order", [(LATEST, LATER), (LATER, LATEST)], ids=["newest-first", "newest-last"]
)
def test_an_older_row_never_replaces_the_newer_row_waiting_for_review(order):
    # A row older than the one already waiting (pending) on an edited event is skipped: the end
    # state does not depend on the import order, and a review never applies the older row.
    deaths = {LATER: "5", LATEST: "10"}
    import_file(acled_file({"timestamp": FIRST}), dataset="acled")
    event = record("SYR1").event
    event.summary = "Corrected by an editor"
    event.save()
    for stamp in order:
        import_file(acled_file({"timestamp": stamp, "fatalities": deaths[stamp]}), dataset="acled")
    waiting = record("SYR1").pending
    # Whatever the order, the newest row is the one that waits for the reviewer.
    assert (waiting["release"], waiting["row"]["fatalities"]) == (LATEST, "10")


@pytest.mark.parametrize(
    "order", [("20.1", "21.1"), ("21.1", "20.1")], ids=["in-order", "reversed"]
)
def test_a_newer_release_that_says_what_is_stored_leaves_no_older_row_waiting(order):
    # UCDP 20.1 changes a row of an edited event (it waits for review), 21.1 says again what is
    # stored: the record moves to 21.1 and the 20.1 row no longer waits, as when 21.1 comes first.
    files = {"20.1": ucdp_file({"best": "3", "high": "3"}), "21.1": ucdp_file({})}
    import_file(ucdp_file({}), dataset="ucdp", release="19.1")
    event = record("900001").event
    event.summary = "Corrected by an editor"
    event.save()
    for release in order:
        import_file(files[release], dataset="ucdp", release=release)
    stored = record("900001")
    assert stored.release == "21.1"
    # Importing the newest last ends with nothing waiting: so must any order.
    assert "row" not in (stored.pending or {})


def test_one_events_layout_export_refuses_a_bad_include_unmapped_as_the_lists_do(seeded):
    # /events/<id>/?format=ucdp&include_unmapped=maybe is a 400 naming the parameter, as for
    # /events/ and /timeline/, not a header-only CSV that silently drops the event.
    unmapped = Event.objects.filter(type__name="Public statement").first()
    client = APIClient()
    listed = client.get("/api/v1/events/", {"format": "ucdp", "include_unmapped": "maybe"})
    assert listed.status_code == 400
    one = client.get(
        f"/api/v1/events/{unmapped.pk}/", {"format": "ucdp", "include_unmapped": "maybe"}
    )
    assert one.status_code == 400
    assert one["Content-Type"] == "application/json"
    assert "include_unmapped" in one.json()["errors"]


def test_a_row_rejected_for_its_cell_count_is_not_listed_as_missing_from_the_file():
    # A row with one stray cell at its end is rejected with its id, and its record is not
    # reported as one the file "no longer holds", as if ACLED had deleted the event.
    import_file(acled_file(*acled_rows(3)), dataset="acled")
    lines = acled_file(*acled_rows(3)).split(b"\r\n")
    lines[2] += b",stray"  # SYR2, line 3
    report = import_file(b"\r\n".join(lines), dataset="acled")
    assert [(row.line, row.external_id) for row in report.rejected] == [(3, "SYR2")]
    # The file holds SYR2 (rejected, listed by line): it is not missing from it.
    assert (report.missing, report.missing_count) == ([], 0)


def test_ucdp_candidate_file_names_give_their_monthly_release_and_the_newest_wins():
    # UCDP's monthly candidate files GEDEvent_v26_0_8.csv and GEDEvent_v26_0_7.csv are releases
    # 26.0.8 and 26.0.7: the older month imported after the newer one is skipped.
    august = import_file(
        ucdp_file({"best": "3", "high": "3"}), dataset="ucdp", filename="GEDEvent_v26_0_8.csv"
    )
    assert august.release == "26.0.8"
    july = import_file(ucdp_file({}), dataset="ucdp", filename="GEDEvent_v26_0_7.csv")
    assert july.release == "26.0.7"
    assert [row.external_id for row in july.skipped] == ["900001"]
    assert record("900001").event.fatalities_best == 3
