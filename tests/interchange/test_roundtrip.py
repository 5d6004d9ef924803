"""Import → export gives back every cell of every row of each supported file, exactly."""

from datetime import datetime

import pytest
from django.db import transaction

from events.interchange import acled, ucdp
from events.interchange.importer import import_file
from events.models import Event, ExternalRecord
from tests.interchange.builders import (
    ACLED_2020,
    ACLED_CURRENT,
    ACLED_EDGES,
    ACLED_OLD,
    UCDP_EDGES,
    UCDP_SAMPLE,
    export_bytes,
    exported,
    file_rows,
)

pytestmark = pytest.mark.django_db

# What the older ACLED layouts write differently from today's, as ACLED's codebooks give it:
# the old event types (before sub_event_type existed) and their dates.
OLD_TYPES = {
    "Battle-No change of territory": ("Battles", "Armed clash"),
    "Remote violence": ("Explosions/Remote violence", ""),
    "Strategic development": ("Strategic developments", ""),
}
OLD_DATES = ("%d-%b-%y", "%d %B %Y")
# Gleditsch & Ward's numbers of the governments in the UCDP sample, as GED writes gwnoa.
GOVERNMENTS = {"Government of Syria": "652", "Government of Iraq": "645"}


def compare(rows: list[dict], out: dict[str, dict], key, columns: list[str]) -> int:
    """Assert that every cell of every row comes back; how many cells were compared. Columns
    of the layout that a file lacks must come back empty or derived, never invented ids."""
    compared = 0
    # Events of ours (the seeds, the other dataset's rows) have ids of ours: CT + id in
    # ACLED's layout, 1,000,000,000 + id in UCDP's.
    out = {
        ident: row
        for ident, row in out.items()
        if not ident.startswith("CT") and not (ident.isdigit() and int(ident) >= 10**9)
    }
    assert sorted(out) == sorted(key(row) for row in rows)
    for row in rows:
        back = out[key(row)]
        assert list(back) == columns
        for column, value in row.items():
            if column in columns:
                assert back[column] == value, (key(row), column)
                compared += 1
    return compared


@pytest.mark.parametrize(
    ("path", "release"), [(UCDP_SAMPLE, "19.1"), (UCDP_EDGES, "23.1")], ids=["sample", "edges"]
)
def test_every_cell_of_every_ucdp_row_comes_back(path, release):
    report = import_file(path, dataset="ucdp", release=release)
    assert (report.rejected, report.created) == ([], report.rows)
    rows = file_rows(path, ucdp)
    out = exported("ucdp")
    compared = compare(rows, out, lambda row: row["id"], ucdp.COLUMNS)
    assert compared == len(rows) * len(rows[0])
    # The GED columns the Syria file lacks are not invented (relid, where_description, …);
    # gwnoa is what GED writes for a government's side: its Gleditsch–Ward number.
    for row in rows:
        back = out[row["id"]]
        for column in ucdp.COLUMNS:
            if column == "gwnoa":
                assert back[column] == GOVERNMENTS.get(row["side_a"], "")
            elif column not in row:
                assert back[column] == "", (row["id"], column)


def test_the_ucdp_edge_cases_keep_repeated_and_reordered_sources_and_trailing_spaces():
    import_file(UCDP_EDGES, dataset="ucdp", release="23.1")
    out = exported("ucdp")
    assert out["900101"]["number_of_sources"] == "2"
    assert out["900101"]["source_office"] == "SOHR;SOHR"
    assert out["900102"]["source_office"] == "Step News;AFP;Step News"
    assert out["900102"]["where_description"] == "Douma "
    assert out["900104"]["geom_wkt"] == "POINT (38 35)"
    # The event cites each source once; the row keeps the list as UCDP gave it.
    event = ExternalRecord.objects.get(external_id="900101").event
    assert event.sources.count() == 1


@pytest.mark.parametrize("path", [ACLED_CURRENT, ACLED_EDGES], ids=["current", "edges"])
def test_every_cell_of_every_acled_row_comes_back(seeded, path):
    report = import_file(path, dataset="acled")
    assert (report.rejected, report.created) == ([], report.rows)
    rows = file_rows(path, acled)
    compared = compare(rows, exported("acled"), lambda row: row["event_id_cnty"], acled.COLUMNS)
    assert compared == len(rows) * len(acled.COLUMNS)


def test_the_acled_edge_cases_keep_their_dates_codes_sources_and_spaces(seeded):
    import_file(ACLED_EDGES, dataset="acled")
    out = exported("acled")
    week, month = out["SYR9001"], out["SYR9002"]
    assert (week["event_date"], week["time_precision"]) == ("2022-09-25", "2")
    assert (month["event_date"], month["time_precision"]) == ("2022-09-25", "3")
    assert (week["inter1"], week["interaction"]) == ("State forces", "State forces-Rebel group")
    assert week["source"] == "SOHR; SOHR" and week["notes"].endswith("(Ariha). ")
    assert month["source"] == "Step News Agency; SANA; Step News Agency"
    assert out["SYR9003"]["latitude"] == "36.1800"
    assert (out["SYR9006"]["inter1"], out["SYR9007"]["inter1"]) == ("1", "8")


@pytest.mark.parametrize(
    "path", [ACLED_2020, ACLED_OLD], ids=["2019-2022 layout", "before 2019 layout"]
)
def test_every_cell_of_an_older_acled_layout_comes_back_in_todays(seeded, path):
    import_file(path, dataset="acled")
    rows = file_rows(path, acled)
    out = exported("acled")
    compared = 0
    for row in rows:
        ident = row.get("event_id_cnty") or f"{row['iso3']}{row['event_id_no_cnty']}"
        back = out[ident]
        expected = dict(row, event_id_cnty=ident)
        day = row["event_date"]
        for pattern in OLD_DATES:
            try:
                expected["event_date"] = datetime.strptime(day, pattern).date().isoformat()
            except ValueError:
                continue
        if "sub_event_type" not in row:
            expected["event_type"], expected["sub_event_type"] = OLD_TYPES[row["event_type"]]
        for column, value in expected.items():
            if column in acled.COLUMNS:
                assert back[column] == value, (ident, column)
                compared += 1
    assert compared >= len(rows) * 20


@pytest.mark.parametrize(
    ("path", "dataset", "release"),
    [(UCDP_SAMPLE, "ucdp", "19.1"), (ACLED_EDGES, "acled", ""), (ACLED_OLD, "acled", "")],
    ids=["ucdp", "acled", "acled old layout"],
)
def test_an_export_imported_again_is_found_unchanged_and_exports_the_same(path, dataset, release):
    import_file(path, dataset=dataset, release=release)
    first = export_bytes(dataset)
    before = list(Event.objects.order_by("id").values())
    report = import_file(first, dataset=dataset, release=release)
    assert (report.created, report.updated, report.rejected) == (0, 0, [])
    assert report.unchanged == report.rows
    assert list(Event.objects.order_by("id").values()) == before
    assert export_bytes(dataset) == first


def test_an_export_imported_into_an_empty_database_exports_the_same():
    with transaction.atomic():
        import_file(UCDP_SAMPLE, dataset="ucdp", release="19.1")
        first = export_bytes("ucdp")
        transaction.set_rollback(True)
    assert not Event.objects.exists()
    report = import_file(first, dataset="ucdp", release="19.1")
    assert (report.created, report.rejected) == (400, [])
    assert export_bytes("ucdp") == first


@pytest.mark.parametrize("order", ["ucdp first", "acled first"])
def test_two_datasets_describing_the_same_places_do_not_rewrite_each_others_rows(order):
    imports = [
        lambda: import_file(UCDP_SAMPLE, dataset="ucdp", release="19.1"),
        lambda: import_file(ACLED_EDGES, dataset="acled"),
        lambda: import_file(ACLED_CURRENT, dataset="acled"),
    ]
    for run in imports if order == "ucdp first" else reversed(imports):
        assert run().rejected == []
    ucdp_rows = file_rows(UCDP_SAMPLE, ucdp)
    compare(ucdp_rows, exported("ucdp"), lambda row: row["id"], ucdp.COLUMNS)
    acled_rows = file_rows(ACLED_EDGES, acled) + file_rows(ACLED_CURRENT, acled)
    out = exported("acled")
    compare(acled_rows, out, lambda row: row["event_id_cnty"], acled.COLUMNS)
