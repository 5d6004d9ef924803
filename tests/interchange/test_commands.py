"""The import_events and export_events commands: thin layers with clear errors."""

import io
import os
import stat

import pytest
from django.core.management import CommandError, call_command

from events.models import Event, ExternalRecord
from tests.interchange.builders import (
    ACLED_CURRENT,
    UCDP_SAMPLE,
    acled_file,
    acled_rows,
    read_csv,
)

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_import_events_imports_and_reports(seeded):
    output = run("import_events", str(ACLED_CURRENT), "--format", "acled")
    assert "events: 8 were created, 0 updated, 0 unchanged, 0 older rows skipped" in output
    assert output.rstrip().endswith("Imported.")
    assert ExternalRecord.objects.count() == 8


def test_import_events_dry_run_writes_nothing():
    output = run("import_events", str(UCDP_SAMPLE), "--format", "ucdp", "--dry-run")
    assert "events: 400 would be created" in output
    assert "dry run: nothing was written" in output
    assert not Event.objects.exists()


def test_rejected_rows_are_listed_and_the_exit_code_says_so(tmp_path):
    path = tmp_path / "acled.csv"
    path.write_bytes(
        acled_file({"event_id_cnty": "SYR1"}, {"event_id_cnty": "SYR2", "event_date": "soon"})
    )
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_events", str(path), "--format", "acled", stdout=out)
    assert raised.value.returncode == 3
    assert "line 3: rejected: event_date: 'soon' is not a date" in out.getvalue()
    assert ExternalRecord.objects.get().external_id == "SYR1"


def test_atomic_writes_nothing_when_a_row_is_rejected(tmp_path):
    path = tmp_path / "acled.csv"
    path.write_bytes(
        acled_file({"event_id_cnty": "SYR1"}, {"event_id_cnty": "SYR2", "latitude": "99"})
    )
    with pytest.raises(CommandError):
        call_command(
            "import_events", str(path), "--format", "acled", "--atomic", stdout=io.StringIO()
        )
    assert not Event.objects.exists()


def test_an_unreadable_file_is_an_error_naming_it(tmp_path):
    with pytest.raises(CommandError, match=r"Nothing imported from .*missing\.csv: cannot read"):
        call_command("import_events", str(tmp_path / "missing.csv"), "--format", "ucdp")


def test_export_events_filters_by_the_apis_parameters(seeded):
    run("import_events", str(ACLED_CURRENT), "--format", "acled")
    rows = read_csv(
        run("export_events", "--format", "acled", "--actor", "isis", "--start", "2017").encode()
    )
    assert [row["event_id_cnty"] for row in rows if not row["event_id_cnty"].startswith("CT")] == [
        "SYR1001",
        "SYR1008",
    ]
    assert all(row["event_date"] >= "2017" for row in rows)


def test_export_events_takes_repeated_filters_and_dashed_names(seeded):
    run("import_events", str(ACLED_CURRENT), "--format", "acled")
    args = ["export_events", "--format", "acled", "--type", "riots", "--type", "protests"]
    rows = read_csv(run(*args, "--date-mode", "within").encode())
    assert sorted(row["location"] for row in rows) == ["Maan", "Tell Abiad"]


def test_export_events_says_how_many_events_a_layout_leaves_out(seeded):
    run("import_events", str(ACLED_CURRENT), "--format", "acled")
    # Riots and protests have no UCDP type of violence: left out, and said so.
    out, err = io.StringIO(), io.StringIO()
    args = ["export_events", "--format", "ucdp", "--type", "riots", "--type", "protests"]
    call_command(*args, stdout=out, stderr=err)
    assert read_csv(out.getvalue().encode()) == []
    assert err.getvalue().startswith("2 events left out: the ucdp layout has no type for them")
    rows = read_csv(run(*args, "--include-unmapped").encode())
    assert sorted(row["where_coordinates"] for row in rows) == ["Maan", "Tell Abiad"]
    # ACLED's ids belong to ACLED's layout: in UCDP's, an event has our integer id.
    assert all(int(row["id"]) > 10**9 and row["type_of_violence"] == "" for row in rows)


def test_export_events_writes_a_file(seeded, tmp_path):
    run("import_events", str(ACLED_CURRENT), "--format", "acled")
    target = tmp_path / "out.csv"
    assert (
        run("export_events", "--format", "acled", "--output", str(target), "--q", "Tell Abiad")
        == ""
    )
    assert [row["event_id_cnty"] for row in read_csv(target.read_bytes())] == ["SYR1006"]


def test_export_events_output_has_a_new_files_mode_or_the_earlier_one(tmp_path, monkeypatch):
    """A new file gets 0666 less the umask, as open() gives it; an existing one keeps its mode.
    The process's umask is not set on the way: another thread's file would get 0666 meanwhile."""
    new, old = tmp_path / "new.csv", tmp_path / "old.csv"
    old.write_bytes(b"earlier")
    old.chmod(0o604)
    set_umask = os.umask
    earlier = set_umask(0o027)
    try:
        with monkeypatch.context() as patched:
            patched.setattr(os, "umask", lambda mask: pytest.fail("the umask was set"))
            for target in (new, old):
                run("export_events", "--format", "acled", "--output", str(target))
    finally:
        set_umask(earlier)
    assert stat.S_IMODE(new.stat().st_mode) == 0o640
    assert stat.S_IMODE(old.stat().st_mode) == 0o604
    assert old.read_bytes() == new.read_bytes() != b"earlier"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["new.csv", "old.csv"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--start", "2016-13"], "--start: "),
        (["--actor", "nobody-at-all"], "--actor: no actor has the slug, id, name or alias"),
    ],
)
def test_export_events_names_a_bad_filter(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("export_events", "--format", "acled", *args, stdout=io.StringIO())


def test_export_events_leaves_drafts_out_unless_asked(tmp_path):
    path = tmp_path / "acled.csv"
    path.write_bytes(acled_file({}))
    call_command(
        "import_events", str(path), "--format", "acled", "--status", "draft", stdout=io.StringIO()
    )
    assert read_csv(run("export_events", "--format", "acled").encode()) == []
    assert len(read_csv(run("export_events", "--format", "acled", "--all-statuses").encode())) == 1


def test_import_events_takes_its_format_as_a_keyword_of_call_command():
    out = io.StringIO()
    call_command("import_events", str(UCDP_SAMPLE), format="ucdp", release="19.1", stdout=out)
    assert "events: 400 were created" in out.getvalue()
    assert set(ExternalRecord.objects.values_list("release", flat=True)) == {"19.1"}


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_goes_to_a_terminals_stderr_and_nowhere_else():
    err = Terminal()
    call_command("import_events", str(UCDP_SAMPLE), format="ucdp", stdout=io.StringIO(), stderr=err)
    assert "[##############################] 100% 400 of about 400 rows" in err.getvalue()
    quiet = io.StringIO()
    call_command(
        "import_events", str(UCDP_SAMPLE), format="ucdp", stdout=io.StringIO(), stderr=quiet
    )
    assert quiet.getvalue() == ""
    asked = Terminal()
    call_command(
        "import_events",
        str(UCDP_SAMPLE),
        format="ucdp",
        quiet=True,
        stdout=io.StringIO(),
        stderr=asked,
    )
    assert asked.getvalue() == "", "--quiet: no bar even on a terminal"


def test_a_failure_mid_file_exits_4_naming_the_lines_committed(tmp_path, allow_stop):
    from tests.interchange.test_importer import refuse_events_with_summary

    refuse_events_with_summary("refused")
    path = tmp_path / "acled.csv"
    data = acled_file(*acled_rows(11000), {"event_id_cnty": "SYR99999", "notes": "refused"})
    path.write_bytes(data)
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_events", str(path), format="acled", stdout=out)
    assert raised.value.returncode == 4
    assert str(raised.value).startswith("Stopped at lines 10002–11002 (disk is full")
    assert "Lines committed before it: 2–10001;" in str(raised.value)
    assert ExternalRecord.objects.count() == 10000


def test_conflicts_for_review_exit_5(tmp_path):
    path = tmp_path / "acled.csv"
    path.write_bytes(acled_file({"fatalities": "3"}))
    call_command("import_events", str(path), format="acled", stdout=io.StringIO())
    event = Event.objects.get()
    event.fatalities_best = 4
    event.save()
    path.write_bytes(acled_file({"fatalities": "5", "timestamp": "1700000000"}))
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_events", str(path), format="acled", stdout=out)
    assert raised.value.returncode == 5
    assert "1 newer rows meet events editors changed" in str(raised.value)
    assert "line 2: conflict: ACLED SYR1" in out.getvalue()
    assert Event.objects.get().fatalities_best == 4
