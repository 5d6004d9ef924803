"""ACLED and UCDP exports after editors' edits: unchanged events are their rows, cell for cell;
an edited event's changed columns come from the event, the rest from the row."""

import pytest

from events.interchange import acled, ucdp
from events.interchange.importer import import_file
from events.models import ExternalRecord
from tests.interchange.builders import ACLED_CURRENT, UCDP_SAMPLE, exported, file_rows

pytestmark = pytest.mark.django_db

EVENTS = "/api/v1/events/"


def _patch(client, dataset, external_id, data):
    pk = ExternalRecord.objects.get(dataset=dataset, external_id=external_id).event_id
    response = client.patch(f"{EVENTS}{pk}/", data, format="json", HTTP_IF_MATCH="*")
    assert response.status_code == 200, response.content
    return response.json()


def _differences(rows, out, key, columns, skip=()):
    return {
        (row[key], column): (row.get(column, ""), out[row[key]][column])
        for row in rows
        if row[key] not in skip
        for column in columns
        if column in row and row[column] != out[row[key]][column]
    }


@pytest.mark.parametrize(
    ("dataset", "path", "release", "layout", "key"),
    [
        ("acled", ACLED_CURRENT, "", acled, "event_id_cnty"),
        ("ucdp", UCDP_SAMPLE, "19.1", ucdp, "id"),
    ],
)
def test_headline_and_date_wording_edits_leave_every_row_as_the_dataset_gave_it(
    editor_api, dataset, path, release, layout, key
):
    import_file(path, dataset=dataset, release=release or None)
    rows = file_rows(path, layout)
    first, second = rows[0][key], rows[1][key]
    _patch(editor_api, dataset, first, {"headline": "A headline an editor wrote"})
    event = _patch(editor_api, dataset, second, {"date_display": "on or about that day"})
    assert event["date"]["display"] == "on or about that day"
    out = exported(dataset)
    # Neither a headline nor a date's wording is a column of the layout: every cell of every
    # row comes back, the edited events' included.
    assert _differences(rows, out, key, layout.COLUMNS) == {}


def test_an_acled_actor_edit_derives_the_actor_columns_and_keeps_the_rest(editor_api):
    import_file(ACLED_CURRENT, dataset="acled")
    rows = file_rows(ACLED_CURRENT, acled)
    target = rows[0]["event_id_cnty"]
    pk = ExternalRecord.objects.get(dataset="acled", external_id=target).event_id
    current = editor_api.get(f"{EVENTS}{pk}/").json()
    actors = [{"actor": a["slug"], "role": a["role"]} for a in current["actors"]][:1]
    _patch(editor_api, "acled", target, {"actors": actors})
    out = exported("acled")
    # Unchanged events: every cell as given.
    assert _differences(rows, out, "event_id_cnty", acled.COLUMNS, skip={target}) == {}
    # The edited one: columns of no edited group still come from the row.
    row, back = rows[0], out[target]
    kept = [c for c, groups in acled.LAYOUT if groups is None or not (groups & {"actors"})]
    assert {c: back[c] for c in kept if c in row and c != "timestamp"} == {
        c: row[c] for c in kept if c in row and c != "timestamp"
    }
    assert back["actor2"] == ""


@pytest.mark.parametrize(
    ("dataset", "path", "release", "layout", "key", "date_columns"),
    [
        (
            "acled",
            ACLED_CURRENT,
            "",
            acled,
            "event_id_cnty",
            {"event_date", "year", "time_precision", "timestamp"},
        ),
        ("ucdp", UCDP_SAMPLE, "19.1", ucdp, "id", {"year", "date_prec", "date_start", "date_end"}),
    ],
)
def test_a_date_edit_derives_the_date_columns_and_keeps_the_rest(
    editor_api, dataset, path, release, layout, key, date_columns
):
    import_file(path, dataset=dataset, release=release or None)
    rows = file_rows(path, layout)
    target = rows[0][key]
    _patch(editor_api, dataset, target, {"when": "2011-03"})
    out = exported(dataset)
    assert _differences(rows, out, key, layout.COLUMNS, skip={target}) == {}
    back, row = out[target], rows[0]
    changed = {c for c in layout.COLUMNS if c in row and row[c] != back[c]}
    assert changed <= date_columns, changed
    assert back["year"] == "2011"
