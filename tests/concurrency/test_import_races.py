"""Dataset imports racing editors and each other on PostgreSQL: an editor's change is never
overwritten unseen (the import reports a conflict, or the editor gets a 412), and two imports
never make two of one thing."""

import threading
from functools import partial

import pytest

from events.interchange.importer import import_file
from events.interchange.importer import storing as import_storing
from events.interchange.importer.planning import Planner
from events.models import Actor, Event, ExternalRecord
from tests.concurrency.helpers import TIMEOUT, Gate, api_for, etag, in_thread, patch, settle
from tests.interchange.builders import acled_file

pytestmark = pytest.mark.django_db(transaction=True)
ROUNDS = 4


def _row(number: int, **changes) -> dict:
    return {
        "event_id_cnty": f"SYR{number}",
        "actor1": f"Brigade {number}",
        "actor2": f"Battalion {number}",
        "location": f"Village {number}",
        "admin2": f"District {number}",
        "latitude": f"{33 + number / 1000:.4f}",
        "longitude": f"{36 + number / 1000:.4f}",
        "timestamp": "1504137600",
        **changes,
    }


def _import(data: bytes):
    return import_file(data, dataset="acled", filename="acled.csv", status="draft")


def _race_an_update(editor, monkeypatch, number: int, change: dict) -> tuple[str, object]:
    """Import a row, then import a newer one of it while an editor changes its event between
    the import's planning and its writing. What went wrong ("" if nothing), and the report."""
    first = _import(acled_file(_row(number)))
    assert first.created == 1 and not first.stopped, first.stopped
    pk = ExternalRecord.objects.get(external_id=f"SYR{number}").event_id
    api = api_for(editor)
    tag = etag(api, pk)
    gate = Gate()
    # The newer row is planned against the event as the editor has not changed it yet.
    monkeypatch.setattr(Planner, "still_as_planned", gate.wrap(Planner.still_as_planned))
    newer = acled_file(_row(number, fatalities="5", timestamp="1504224000"))
    importing = in_thread(lambda: _import(newer))
    gate.wait()
    edited = patch(api, pk, change, tag)
    gate.open()
    report = importing.result()
    monkeypatch.undo()
    event = Event.objects.get(pk=pk)
    if edited.status_code == 412:
        return "", report  # The editor was told; nothing of theirs was written.
    if edited.status_code != 200:
        return f"the edit answered {edited.status_code}", report
    for name, value in change.items():
        if getattr(event, name) != value:
            return (
                f"{name} {value!r} became {getattr(event, name)!r}: import updated "
                f"{report.updated}, conflicts {len(report.conflicts)}",
                report,
            )
    return "", report


@pytest.mark.parametrize(
    "change",
    [{"fatalities_best": 9}, {"date_display": "Wednesday 30 August 2017 (local time)"}],
    ids=["fatalities", "date_display"],
)
def test_an_edit_made_while_a_newer_row_is_imported_is_never_overwritten_unseen(
    editor, monkeypatch, change
):
    outcomes = [
        _race_an_update(editor, monkeypatch, number, change)[0] for number in range(1, ROUNDS + 1)
    ]
    failures = [outcome for outcome in outcomes if outcome]
    assert not failures, f"{len(failures)} of {ROUNDS} rounds: {failures}"


def _both_at_once(one: bytes, other: bytes) -> list:
    """Two imports started at the same moment, each in its own thread and connection: their
    reports. (Imports take turns: the second waits for the first, then reads what it wrote.)"""
    barrier = threading.Barrier(2, timeout=TIMEOUT)

    def run(data: bytes):
        barrier.wait()
        return _import(data)

    first, second = in_thread(partial(run, one)), in_thread(partial(run, other))
    return [first.result(), second.result()]


def test_two_imports_of_one_new_file_at_once_make_each_event_once():
    failures = []
    for round_number in range(ROUNDS):
        rows = [_row(100 * round_number + n) for n in range(1, 4)]
        data = acled_file(*rows)
        reports = _both_at_once(data, data)
        ids = [row["event_id_cnty"] for row in rows]
        events = Event.objects.filter(external_records__external_id__in=ids).count()
        actors = Actor.objects.filter(name=rows[0]["actor1"]).count()
        stopped = [report.stopped for report in reports if report.stopped]
        if events != 3 or actors != 1:
            failures.append(f"{events} events and {actors} actors for 3 rows")
        elif stopped:
            failures.append(f"one import stopped instead of finding the rows: {stopped[0][:160]}")
    assert not failures, f"{len(failures)} of {ROUNDS} rounds: {failures}"


def test_two_imports_naming_one_new_actor_at_once_make_it_once():
    failures = []
    for round_number in range(ROUNDS):
        name = f"Shared Brigade {round_number}"
        one = acled_file(_row(200 + 2 * round_number, actor1=name))
        other = acled_file(_row(201 + 2 * round_number, actor1=name))
        reports = _both_at_once(one, other)
        stopped = [report.stopped for report in reports if report.stopped]
        actors = Actor.objects.filter(name=name).count()
        if actors != 1 or stopped:
            failures.append(f"{actors} actors named {name!r}; stopped: {stopped}")
    assert not failures, f"{len(failures)} of {ROUNDS} rounds: {failures}"


@pytest.mark.parametrize(
    "change",
    [{"date_display": "Wednesday 30 August 2017 (local time)"}, {"date_approximate": True}],
    ids=["date_display", "date_approximate"],
)
def test_without_a_race_an_edited_date_text_or_hedge_is_also_overwritten_by_a_newer_row(
    editor, change
):
    """The same loss, one step after another: no race is needed."""
    assert _import(acled_file(_row(900))).created == 1
    pk = ExternalRecord.objects.get(external_id="SYR900").event_id
    api = api_for(editor)
    assert patch(api, pk, change, etag(api, pk)).status_code == 200
    report = _import(acled_file(_row(900, fatalities="5", timestamp="1504224000")))
    event = Event.objects.get(pk=pk)
    kept = all(getattr(event, name) == value for name, value in change.items())
    assert kept or (report.updated, len(report.conflicts)) == (0, 1), (
        f"updated {report.updated}: {[getattr(event, name) for name in change]}"
    )


def _edit_during_write(editor, monkeypatch, number: int) -> str:
    assert _import(acled_file(_row(number))).created == 1
    pk = ExternalRecord.objects.get(external_id=f"SYR{number}").event_id
    api = api_for(editor)
    tag = etag(api, pk)
    gate = Gate()
    # The import has locked the event and is writing the newer row.
    monkeypatch.setattr(import_storing, "delete_where", gate.wrap(import_storing.delete_where))
    newer = acled_file(_row(number, fatalities="5", timestamp="1504224000"))
    importing = in_thread(partial(_import, newer))
    gate.wait()
    editing = in_thread(partial(patch, api, pk, {"fatalities_best": 9}, tag))
    settle()
    gate.open()
    report, edited = importing.result(), editing.result()
    monkeypatch.undo()
    best = Event.objects.get(pk=pk).fatalities_best
    if (edited.status_code, report.updated, best) != (412, 1, 5):
        return f"edit {edited.status_code}, import updated {report.updated}, best {best}"
    return ""


def test_an_edit_sent_while_the_import_writes_the_event_is_refused_with_a_412(editor, monkeypatch):
    outcomes = [_edit_during_write(editor, monkeypatch, 500 + n) for n in range(ROUNDS)]
    failures = [outcome for outcome in outcomes if outcome]
    assert not failures, f"{len(failures)} of {ROUNDS} rounds: {failures}"
