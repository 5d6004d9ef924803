"""The newest release wins, in any import order; an editor's change is never overwritten."""

import csv
import io

import pytest

from events.interchange import ucdp
from events.interchange.importer import WAITS, apply_pending, dismiss_pending, import_file
from events.interchange.importer import storing as import_storing
from events.models import Event, ExternalRecord
from tests.interchange.builders import (
    ACLED_DEFAULTS,
    UCDP_SAMPLE,
    acled_file,
    exported,
    file_rows,
)

pytestmark = pytest.mark.django_db


def record(external_id: str) -> ExternalRecord:
    return ExternalRecord.objects.select_related("event").get(external_id=external_id)


def sample_release(changes: dict[str, dict], *, keep: set[str] | None = None) -> bytes:
    """The UCDP sample as another release would give it: some rows changed, some gone."""
    rows = file_rows(UCDP_SAMPLE, ucdp)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        if keep is None or row["id"] in keep:
            writer.writerow({**row, **changes.get(row["id"], {})})
    return buffer.getvalue().encode("utf-8")


# Release 20.1 corrects two rows of 19.1: deaths, and a place and a side.
NEWER = {
    "214797": {"best": "6", "high": "7", "deaths_a": "4"},
    "215275": {
        "where_coordinates": "Harasta town",
        "latitude": "33.558611",
        "longitude": "36.365",
        "geom_wkt": "POINT (36.365 33.558611)",
        "side_b": "Jaysh al-Islam",
    },
}


def state() -> dict:
    """What the events and their records hold, by dataset id: what any import order must
    end in."""
    found = {}
    for rec in ExternalRecord.objects.select_related("event__location", "event__type"):
        event = rec.event
        found[rec.external_id] = (
            rec.release,
            rec.row,
            rec.pending,
            event.headline,
            event.date_earliest,
            event.date_latest,
            event.type.name,
            (event.location.name, event.location.latitude) if event.location else None,
            (event.fatalities_low, event.fatalities_best, event.fatalities_high),
            sorted(event.actor_links.values_list("actor__name", "role", "kind")),
            sorted(event.sources.values_list("article__text", "excerpt", "attributed_to")),
        )
    return found


def test_a_newer_release_updates_the_rows_it_changed_and_says_so():
    import_file(UCDP_SAMPLE, dataset="ucdp", release="19.1")
    report = import_file(sample_release(NEWER), dataset="ucdp", release="20.1")
    assert (report.created, report.updated, report.unchanged) == (0, 2, 398)
    assert record("214797").event.fatalities_best == 6
    assert record("214797").release == "20.1"
    assert record("216176").release == "20.1"  # Unchanged rows are of this release too.
    assert exported("ucdp")["214797"]["deaths_a"] == "4"


def test_an_older_release_is_skipped_row_by_row_and_reported():
    import_file(sample_release(NEWER), dataset="ucdp", release="20.1")
    before = state()
    report = import_file(UCDP_SAMPLE, dataset="ucdp", release="19.1")
    assert report.updated == 0
    assert [(row.external_id, row.reason) for row in report.skipped] == [
        (
            "214797",
            "UCDP GED 214797: this row (19.1) is older than the stored one (20.1); "
            "the stored one is kept",
        ),
        (
            "215275",
            "UCDP GED 215275: this row (19.1) is older than the stored one (20.1); "
            "the stored one is kept",
        ),
    ]
    assert report.lines()[3].startswith("line 2: skipped: UCDP GED 214797: this row (19.1)")
    assert state() == before


def test_importing_releases_in_any_order_ends_as_importing_the_newest_last():
    # 19.1 has every row; 20.1 changes two and drops forty; 21.1 changes one again.
    keep = {row["id"] for row in file_rows(UCDP_SAMPLE, ucdp)[40:]} | set(NEWER)
    releases = {
        "19.1": sample_release({}),
        "20.1": sample_release(NEWER, keep=keep),
        "21.1": sample_release({**NEWER, "214797": {"best": "8", "high": "8"}}, keep=keep),
    }
    orders = [("19.1", "20.1", "21.1"), ("21.1", "19.1", "20.1"), ("20.1", "21.1", "19.1")]
    states, exports = [], []
    for order in orders:
        for release in order:
            assert import_file(releases[release], dataset="ucdp", release=release).rejected == []
        states.append(state())
        exports.append(exported("ucdp"))
        Event.objects.all().delete()
    assert states[0] == states[1] == states[2]
    assert exports[0] == exports[1] == exports[2]
    assert exports[0]["214797"]["best"] == "8"
    assert exports[0]["215275"]["where_coordinates"] == "Harasta town"


def test_a_newer_acled_row_is_known_by_its_timestamp_and_an_older_one_skipped():
    row = {"event_id_cnty": "SYR1", "timestamp": "1600000000", "fatalities": "3"}
    import_file(acled_file(row), dataset="acled")
    newer = import_file(
        acled_file({**row, "timestamp": "1600000500", "fatalities": "5"}), dataset="acled"
    )
    assert newer.updated == 1 and record("SYR1").event.fatalities_best == 5
    older = import_file(acled_file({**row, "fatalities": "4"}), dataset="acled")
    assert (older.updated, len(older.skipped)) == (0, 1)
    assert record("SYR1").event.fatalities_best == 5
    assert record("SYR1").release == "1600000500"


def test_a_file_without_a_release_is_older_than_any_release():
    import_file(UCDP_SAMPLE, dataset="ucdp", release="19.1")
    report = import_file(sample_release(NEWER), dataset="ucdp")
    assert (report.updated, len(report.skipped), report.unchanged) == (0, 2, 398)
    assert "this row (no release) is older than the stored one (19.1)" in report.skipped[0].reason


def edit(external_id: str, **fields) -> Event:
    event = record(external_id).event
    for name, value in fields.items():
        setattr(event, name, value)
    event.save()
    return event


def test_a_newer_row_for_an_event_an_editor_changed_is_a_conflict_not_applied():
    import_file(UCDP_SAMPLE, dataset="ucdp", release="19.1")
    edited = edit(
        "214797", headline="Shelling of Teir Maaleh", fatalities_best=5, fatalities_high=5
    )
    report = import_file(
        sample_release(NEWER), dataset="ucdp", release="20.1", filename="ged201.csv"
    )
    assert (report.updated, len(report.conflicts)) == (1, 1)
    [conflict] = report.conflicts
    assert (conflict.line, conflict.external_id, conflict.event_id) == (2, "214797", edited.pk)
    assert conflict.edited == ["headline", "fatalities"]
    assert conflict.differences == [
        ("deaths_a", "2", "4"),
        ("best", "4", "6"),
        ("high", "4", "7"),
    ]
    lines = report.lines()
    assert (
        f"line 2: conflict: UCDP GED 214797 → event {edited.pk} was changed by an editor "
        "(headline, fatalities); the newer row (20.1) waits for review"
    ) in lines
    assert "    best: '4' → '6'" in lines
    # The editor's version stands; the newer row waits on the record, both kept.
    kept = record("214797")
    assert (kept.event.headline, kept.event.fatalities_best) == ("Shelling of Teir Maaleh", 5)
    assert (kept.release, kept.row["best"]) == ("19.1", "4")
    assert kept.pending["release"] == "20.1" and kept.pending["row"]["best"] == "6"
    assert (kept.pending["line"], kept.pending["file"]) == (2, "ged201.csv")
    # Importing the same file again reports it again: it is never skipped silently.
    again = import_file(sample_release(NEWER), dataset="ucdp", release="20.1")
    assert [c.external_id for c in again.conflicts] == ["214797"]


def test_an_editors_change_stands_when_the_row_did_not_change():
    import_file(UCDP_SAMPLE, dataset="ucdp", release="19.1")
    edit("214797", fatalities_best=5, fatalities_high=5)
    report = import_file(UCDP_SAMPLE, dataset="ucdp", release="19.1")
    assert (report.unchanged, report.conflicts) == (400, [])
    assert record("214797").event.fatalities_best == 5


def test_applying_the_newer_row_replaces_the_editors_change_with_history(publisher):
    import_file(UCDP_SAMPLE, dataset="ucdp", release="19.1")
    edit("214797", fatalities_best=5, fatalities_high=5)
    import_file(sample_release(NEWER), dataset="ucdp", release="20.1")
    [applied] = apply_pending(ExternalRecord.objects.filter(pending__isnull=False), user=publisher)
    assert (applied.updated, applied.conflicts, applied.rejected) == (1, [], [])
    kept = record("214797")
    assert (kept.event.fatalities_best, kept.release, kept.pending) == (6, "20.1", None)
    assert kept.event.history.first().history_user == publisher
    assert exported("ucdp")["214797"]["best"] == "6"


def test_keeping_the_editors_version_sets_the_newer_row_aside_on_the_record(publisher):
    import_file(UCDP_SAMPLE, dataset="ucdp", release="19.1")
    edit("214797", fatalities_best=5, fatalities_high=5)
    import_file(sample_release(NEWER), dataset="ucdp", release="20.1")
    assert dismiss_pending(ExternalRecord.objects.filter(WAITS), user=publisher) == 1
    kept = record("214797")
    # The stored row and its release stand; the newer row is kept beside them, not lost.
    assert (kept.event.fatalities_best, kept.release, kept.row["best"]) == (5, "19.1", "4")
    [dismissed] = kept.pending["dismissed"]
    assert (dismissed["release"], dismissed["row"]["best"], dismissed["by"]) == (
        "20.1",
        "6",
        publisher.username,
    )
    again = import_file(sample_release(NEWER), dataset="ucdp", release="20.1")
    assert (again.conflicts, again.updated, len(again.dismissed)) == ([], 0, 1)
    assert again.unchanged == 399
    assert exported("ucdp")["214797"]["best"] == "5"  # The editor's version.


def test_rows_set_aside_stay_on_the_record_through_later_conflicts_and_updates(publisher):
    import_file(UCDP_SAMPLE, dataset="ucdp", release="19.1")
    edit("214797", fatalities_best=5, fatalities_high=5)
    import_file(sample_release(NEWER), dataset="ucdp", release="20.1")
    dismiss_pending(ExternalRecord.objects.filter(WAITS), user=publisher)
    later = sample_release({"214797": {"best": "8", "high": "9"}})
    report = import_file(later, dataset="ucdp", release="21.1")
    assert [c.external_id for c in report.conflicts] == ["214797"]
    kept = record("214797")
    assert (kept.pending["row"]["best"], kept.pending["dismissed"][0]["row"]["best"]) == ("8", "6")
    apply_pending(ExternalRecord.objects.filter(WAITS).select_related("event"), user=publisher)
    kept = record("214797")
    assert (kept.event.fatalities_best, kept.release) == (8, "21.1")
    assert [row["release"] for row in kept.pending["dismissed"]] == ["20.1"]
    assert set(kept.pending) == {"dismissed"}  # Nothing waits any more.


def test_applying_leaves_an_event_saved_after_its_record_was_read(publisher):
    import_file(UCDP_SAMPLE, dataset="ucdp", release="19.1")
    edit("214797", fatalities_best=5, fatalities_high=5)
    import_file(sample_release(NEWER), dataset="ucdp", release="20.1")
    records = list(ExternalRecord.objects.filter(WAITS).select_related("event"))
    edit("214797", headline="Shelling of Teir Maaleh, corrected")
    [report] = apply_pending(records, user=publisher)
    assert (report.updated, [outcome.external_id for outcome in report.rejected]) == (0, ["214797"])
    assert "changed since the review" in report.rejected[0].reason
    kept = record("214797")
    assert (kept.event.headline, kept.event.fatalities_best) == (
        "Shelling of Teir Maaleh, corrected",
        5,
    )
    assert kept.pending["release"] == "20.1"


def test_an_edited_event_exports_its_changed_fields_and_the_rest_of_its_row():
    import_file(
        acled_file({"notes": "Clashes near Sukhna. ", "source": "SANA; SANA"}), dataset="acled"
    )
    event = edit("SYR1", fatalities_best=9)
    row = exported("acled")["SYR1"]
    # The changed field is the editor's; ACLED's timestamp says when the row last changed.
    assert row["fatalities"] == "9"
    assert row["timestamp"] == str(int(event.updated.timestamp()))
    # Everything else is the row as ACLED gave it, down to the trailing space.
    unchanged = {name: value for name, value in ACLED_DEFAULTS.items()}
    unchanged.update(notes="Clashes near Sukhna. ", source="SANA; SANA")
    for column, value in unchanged.items():
        if column not in ("fatalities", "timestamp"):
            assert row[column] == value, column


def test_an_event_moved_to_another_place_exports_that_places_columns():
    import_file(UCDP_SAMPLE, dataset="ucdp", release="19.1")
    elsewhere = record("215275").event.location
    event = edit("214797", location=elsewhere)
    row = exported("ucdp")["214797"]
    assert (row["where_coordinates"], row["adm_1"], row["adm_2"]) == (
        "Duma town",
        "Rif Dimashq Governorate",
        "Duma district",
    )
    assert (row["latitude"], row["priogrid_gid"]) == ("33.572264", "178273")
    # The row's other columns stay as UCDP gave them.
    assert (row["best"], row["dyad_name"]) == ("4", "Government of Syria - Syrian insurgents")
    assert event.location == elsewhere


def test_an_edit_between_planning_and_writing_a_chunk_is_not_overwritten(monkeypatch, editor):
    """An editor's save that lands after a chunk is planned and before it is written (another
    connection on PostgreSQL, where the planner's reads take no lock) is not overwritten: the
    newer row waits on the record as a conflict for review."""
    import_file(acled_file({"timestamp": "1504137600"}), dataset="acled")
    original = import_storing.ChunkWriter.write_chunk

    def edit_then_write(self, plans, **kwargs):
        event = Event.objects.get(pk=record("SYR1").event.pk)
        event.headline = "Edited by an editor meanwhile"
        event._history_user = editor
        event.save()
        return original(self, plans, **kwargs)

    monkeypatch.setattr(import_storing.ChunkWriter, "write_chunk", edit_then_write)
    report = import_file(
        acled_file({"timestamp": "1504137700", "notes": "Newer notes from ACLED."}),
        dataset="acled",
    )
    assert (report.updated, len(report.conflicts)) == (0, 1)
    assert record("SYR1").pending["edited"] == ["headline"]
    assert record("SYR1").event.headline == "Edited by an editor meanwhile"


def test_an_event_deleted_between_planning_and_writing_is_reported_not_a_stop(monkeypatch):
    import_file(acled_file({"timestamp": "1504137600"}), dataset="acled")
    original = import_storing.ChunkWriter.write_chunk

    def delete_then_write(self, plans, **kwargs):
        Event.objects.filter(pk=record("SYR1").event_id).delete()
        return original(self, plans, **kwargs)

    monkeypatch.setattr(import_storing.ChunkWriter, "write_chunk", delete_then_write)
    report = import_file(
        acled_file({"timestamp": "1504137700", "notes": "Newer notes from ACLED."}),
        dataset="acled",
    )
    assert not report.stopped and report.updated == 0
    assert "deleted while the import ran" in report.rejected[0].reason
