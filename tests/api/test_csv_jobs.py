"""export_events --jobs: the CSV written by worker processes is the sequential export's bytes,
and a worker's failure is an error that leaves no half-written file."""

import io
import json
import os
import sqlite3
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from tests.api.test_csv_sql import queries, varied  # noqa: F401 (a fixture)

# The workers open the database themselves: it must hold committed rows in a place another
# process can open (a file copy of SQLite's in-memory test database; PostgreSQL's own).
pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(settings.BASE_DIR)
# Three events per chunk: every filter's export spans several chunks, and more chunks than
# the workers hold in flight.
CHUNK = "3"

EXPORT = """
import json, sys, django
django.setup()
from django.core.management import call_command
out, chunk, runs = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
for name, args in runs:
    for jobs in ("1", "2"):
        call_command("export_events", "--format", "csv", "--jobs", jobs, "--chunk-size", chunk,
                     "--output", f"{out}/{name}-{jobs}.csv", *args)
"""

# A worker that fails on its third chunk, by raising or by dying; the rest of the script is
# the command's, with an earlier export in the file.
FAILING = """
import os, signal, sys, django
django.setup()
from django.core.management import CommandError, call_command
from events.formats import csv_sql
how, out = sys.argv[1], sys.argv[2]
written = csv_sql._chunk_lines
done = []
def failing(writer, vendor, ids):
    done.append(ids)
    if len(done) == 3:
        if how == "dies":
            os.kill(os.getpid(), signal.SIGKILL)
        raise RuntimeError("the third chunk cannot be written")
    return written(writer, vendor, ids)
csv_sql._chunk_lines = failing
try:
    call_command("export_events", "--format", "csv", "--jobs", "2", "--chunk-size", "3",
                 "--output", out)
except CommandError as exc:
    print(exc)
    sys.exit(1)
"""


def database_url(folder: Path) -> str:
    """A URL of the test database for another process: PostgreSQL's, or a file copy of
    SQLite's in folder (written now, with what the test committed)."""
    found = connection.settings_dict
    if connection.vendor == "sqlite":
        path = folder / "db.sqlite3"
        copy = sqlite3.connect(path)
        connection.ensure_connection()
        connection.connection.backup(copy)
        copy.close()
        return f"sqlite:///{path}"
    user = urllib.parse.quote(found["USER"] or "")
    password = f":{urllib.parse.quote(found['PASSWORD'])}" if found["PASSWORD"] else ""
    where = f"{found['HOST'] or 'localhost'}:{found['PORT'] or 5432}"
    return f"postgres://{user}{password}@{where}/{found['NAME']}"


def run_script(script: str, *args: str, url: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "conflicttracker.settings",
        "PYTHONPATH": str(ROOT),
    }
    # A hang is a failure too: the timeout ends it.
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def as_args(values: dict) -> list[str]:
    args = []
    for name, value in values.items():
        for one in value if isinstance(value, list) else [value]:
            args += [f"--{name}", one]
    return args


@pytest.fixture
def url(varied, tmp_path_factory):  # noqa: F811 (the fixture imported above)
    return database_url(tmp_path_factory.mktemp("database"))


def test_two_workers_write_the_sequential_exports_bytes_for_every_filter(varied, url, tmp_path):  # noqa: F811
    runs = [[name, as_args(values)] for name, values in queries(varied).items()]
    runs.append(["every status", ["--all-statuses"]])
    done = run_script(EXPORT, str(tmp_path), CHUNK, json.dumps(runs), url=url)
    assert done.returncode == 0, done.stderr[-4000:]
    wrong = []
    for name, _ in runs:
        one, two = (tmp_path / f"{name}-{jobs}.csv" for jobs in (1, 2))
        if one.read_bytes() != two.read_bytes():
            wrong.append(name)
    assert not wrong, f"--jobs 2 differs from --jobs 1 for: {', '.join(wrong)}"
    # The whole export spans many chunks, with the rows that SQL leaves to Python among them.
    everything = (tmp_path / "everything-1.csv").read_bytes()
    assert everything.count(b"\r\nCT") > 4 * int(CHUNK) * 2
    assert b'"Front, ""Al-Nusra""\nBrigade' in everything


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("raises", "a worker failed on the chunk of 3 events from id "),
        ("dies", "a worker process died"),
    ],
)
def test_a_failing_worker_is_an_error_and_the_file_is_left_as_it_was(url, tmp_path, how, message):
    out = tmp_path / "export.csv"
    out.write_bytes(b"an earlier export\r\n")
    done = run_script(FAILING, how, str(out), url=url)
    assert done.returncode == 1, done.stderr[-4000:]
    assert f"Export failed, {out} was left as it was: {message}" in done.stdout
    assert out.read_bytes() == b"an earlier export\r\n"
    assert [path.name for path in tmp_path.iterdir()] == ["export.csv"]


@pytest.mark.django_db(transaction=False)
def test_workers_are_refused_inside_a_transaction_and_the_default_stays_in_process(seeded):
    with pytest.raises(CommandError, match="cannot run 2 worker processes: a transaction is open"):
        call_command("export_events", "--format", "csv", "--jobs", "2", stdout=io.StringIO())
    out = io.StringIO()
    call_command("export_events", "--format", "csv", stdout=out)
    assert out.getvalue().count("\r\nCT") > 0


def test_the_workers_the_export_chooses_are_its_cores_at_most_four(monkeypatch):
    from events.formats import csv_sql

    for cores, chosen in ((1, 1), (2, 2), (64, csv_sql.MAX_AUTO_JOBS)):
        monkeypatch.setattr(csv_sql.os, "sched_getaffinity", lambda _pid, n=cores: set(range(n)))
        assert csv_sql.auto_jobs() == chosen
