"""The CSV export of every published event against the command line running the same SQL."""

# Reproduce (after bench/scale.py generated the data for that size, on each database):
#   .venv/bin/python bench/export_bench.py --events 100000 [--database sqlite|postgres|both]
#       [--jobs 2]
#
# Contenders, each writing every published event to a file, interleaved and repeated:
#   project   manage.py export_events --format csv --jobs 1 --output FILE (the path the API's
#             ?format=csv shares: events/formats/csv_sql.py, keyset chunks of one statement)
#   parallel  the same with --jobs N (--jobs, default 2): N forked workers write the chunks,
#             the command's process walks their ids and writes their text in order
#   same      the limit: the sqlite3 command line (-csv) running the project's statement over
#             every published event at once (csv_sql.select_sql, the published events in
#             place of a chunk's ids); on PostgreSQL, psql running COPY (that statement) TO
#             STDOUT WITH CSV
#   reference the sqlite3 command line running REFERENCE_SQL: each event with its type and
#             place, its actors and sources aggregated in SQL, the columns left for the command
#             line to quote (the statement an independent measurement ran)
#   entries   (--entries) the export built from the chronology's entries in Python
#             (csv_layout.csv_stream), the path csv_sql replaces: the same bytes
#   datasette (SQLite, unless --no-peer) Datasette 0.65 on the same file (bench/peers.py, its
#             own virtualenv), its streamed CSV of the flat events table
#             (/DB/events_event.csv?_stream=on&_size=max) fetched by curl: every event's own
#             columns, no type, place, actors or sources; its rows per second are of the rows
#             it streams, and its CPU is the server's (its processes' /proc counters)
# Rows per second from the wall clock, and on SQLite from the CPU time of the contender's
# processes too (user + system, a command's workers included: what another process on a busy
# machine does not change). On a machine shared with other work, the parallel contender's
# wall clock says how many cores were free as much as what it does.
# Ratios are against the limit of the same repetition's medians.

import argparse
import hashlib
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import load

BASE_DIR = Path(__file__).resolve().parent.parent
DATA = BASE_DIR / "bench" / ".data"
SECRET_KEY = "bench-only-secret-key-not-for-production-0123456789"
POSTGRES = "postgres://postgres@127.0.0.1:5432"

REFERENCE_SQL = """
SELECT 'CT' || e.id, e.date_earliest, substr(e.date_earliest, 1, 4), e.date_precision,
  coalesce(tp.name, t.name), CASE WHEN tp.id IS NULL THEN '' ELSE t.name END,
  (SELECT group_concat(l.role || ': ' || a.name, '; ') FROM events_eventactor l
     JOIN events_actor a ON a.id = l.actor_id WHERE l.event_id = e.id),
  p.name, p.latitude, p.longitude, p.geo_precision,
  (SELECT group_concat(r.outlet, '; ') FROM events_eventsource s
     JOIN events_article r ON r.id = s.article_id WHERE s.event_id = e.id),
  e.summary, e.fatalities_best, CAST(strftime('%s', e.updated) AS INTEGER), e.uid, e.headline,
  e.date_earliest, e.date_latest, e.date_precision, e.date_approximate, e.date_display,
  e.fatalities_low, e.fatalities_high, t.slug, p.slug, p.kind,
  (SELECT group_concat(s.excerpt, char(10)) FROM events_eventsource s WHERE s.event_id = e.id),
  (SELECT json_group_array(json_object('article', s.article_id, 'title', r.title,
       'outlet', r.outlet, 'original_agency', r.original_agency, 'url', r.url,
       'published', r.publication_date, 'excerpt', s.excerpt,
       'attributed_to', s.attributed_to, 'date_phrase', s.date_phrase))
     FROM events_eventsource s JOIN events_article r ON r.id = s.article_id
     WHERE s.event_id = e.id),
  e.updated
FROM events_event e
JOIN events_eventtype t ON t.id = e.type_id
LEFT JOIN events_eventtype tp ON tp.id = t.parent_id
LEFT JOIN events_location p ON p.id = e.location_id
WHERE e.status = 'published'
ORDER BY e.date_earliest, e.date_latest, e.id
"""


def database_url(database: str, events: int) -> str:
    if database == "sqlite":
        return f"sqlite:///{DATA}/events-{events}.sqlite3"
    return f"{POSTGRES}/ct_bench_{events}"


def project_env(url: str) -> dict:
    return {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": url,
        "SECRET_KEY": SECRET_KEY,
        "DJANGO_SETTINGS_MODULE": "conflicttracker.settings",
    }


def project_output(script: str, url: str) -> str:
    """What a Python script prints, run in a process of its own set up on the project's
    database at url (so the bench's process keeps no connection to it)."""
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env=project_env(url),
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def same_statement(url: str, vendor: str) -> str:
    """The project's statement over every published event (csv_sql.select_sql), in the order
    the chronological index gives: what the command line runs as the limit."""
    script = (
        "import django; django.setup()\n"
        "from events.formats.csv_sql import select_sql\n"
        f"print(select_sql({vendor!r}), end='')\n"
    )
    sql = project_output(script, url)
    # A chunk's ids, as one condition on every event: the index walk, no sort.
    return sql.replace("e.id IN ({ids})", "e.status = 'published'")


def run(
    command: list[str], out: Path, *, env: dict | None = None, server: int | None = None
) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process and its children) of a command writing out
    (its standard output, or the file named where the command says OUT); with server (a
    process id), the CPU seconds that server's processes used meanwhile instead."""
    served = load.process_tree_cpu(server) if server else 0.0
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    if "OUT" in command:
        command = [str(out) if part == "OUT" else part for part in command]
        subprocess.run(command, stdout=subprocess.DEVNULL, cwd=BASE_DIR, env=env, check=True)
    else:
        with out.open("wb") as handle:
            subprocess.run(command, stdout=handle, cwd=BASE_DIR, env=env, check=True)
    wall = time.perf_counter() - started
    if server:
        return wall, load.process_tree_cpu(server) - served
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def start_peer(database_file: Path):
    """Datasette serving the file (as bench/scale.py's peer); (server, port) or None."""
    sys.path.insert(0, str(BASE_DIR / "bench"))
    import peers
    from scale import free_port, wait_for

    python = peers.install()
    if python is None:
        return None
    metadata = DATA / "datasette-export.json"
    peers.write_metadata(database_file, {}, metadata)
    port = free_port()
    command, env = peers.serve_command(python, database_file, metadata, port)
    server = subprocess.Popen(command, env=env)
    if not wait_for(port):
        server.kill()
        print("Datasette did not start; the bench goes on without it.", file=sys.stderr)
        return None
    return server, port


def contenders(database: str, url: str, *, entries: bool, jobs: int) -> dict:
    """{name: (label, command, env)} for one database."""
    manage = [sys.executable, "manage.py", "export_events", "--format", "csv", "--output", "OUT"]
    found = {"project": ("export_events --format csv --jobs 1", [*manage, "--jobs", "1"])}
    found["project"] += (project_env(url),)
    parallel = [*manage, "--jobs", str(jobs)]
    found["parallel"] = (f"export_events --format csv --jobs {jobs}", parallel, project_env(url))
    # The command's start-up (Django, the settings, the first query): an export of no event.
    empty = [*manage, "--jobs", "1", "--start", "1900", "--end", "1900"]
    found["start-up"] = ("export_events of no event (its start-up)", empty, project_env(url))
    if database == "sqlite":
        path = url.removeprefix("sqlite:///")
        statement = same_statement(url, "sqlite")
        found["same"] = (
            "sqlite3 command line, the project's statement (the limit)",
            ["sqlite3", "-csv", path, statement],
            None,
        )
        found["reference"] = (
            "sqlite3 command line, REFERENCE_SQL",
            ["sqlite3", "-csv", path, REFERENCE_SQL],
            None,
        )
    else:
        statement = same_statement(url, "postgresql")
        found["same"] = (
            "psql COPY (the project's statement) TO STDOUT WITH CSV (the limit)",
            [
                "psql",
                url.replace("postgres://", "postgresql://"),
                "-q",
                "-c",
                f"COPY ({statement}) TO STDOUT WITH CSV",
            ],
            None,
        )
    if entries:
        script = (
            "import sys, django; django.setup()\n"
            "from django.http import QueryDict\n"
            "from events.chronology import parse, stream\n"
            "from events.formats import FORMATS\n"
            "from events.models import Event\n"
            "csv = FORMATS['csv']\n"
            "entries = csv.stored(stream(parse(QueryDict()), events=Event.objects.published()))\n"
            "for chunk in csv.stream(entries): sys.stdout.buffer.write(chunk)\n"
        )
        found["entries"] = (
            "the chronology's entries, csv_stream in Python",
            [sys.executable, "-c", script],
            project_env(url),
        )
    return found


def published(url: str) -> int:
    script = (
        "import django; django.setup()\n"
        "from events.models import Event\n"
        "print(Event.objects.published().count())\n"
    )
    return int(project_output(script, url))


def bench(database: str, events: int, repeat: int, *, entries: bool, jobs: int, peer: bool) -> None:
    url = database_url(database, events)
    if database == "sqlite" and not (DATA / f"events-{events}.sqlite3").exists():
        sys.exit(f"{url} is missing: run bench/scale.py --events {events} first")
    rows = published(url)
    found = contenders(database, url, entries=entries, jobs=jobs)
    counted = dict.fromkeys(found, rows)  # The rows each contender writes.
    served = (
        start_peer(DATA / f"events-{events}.sqlite3") if peer and database == "sqlite" else None
    )
    servers: dict[str, int] = {}
    if served:
        server, port = served
        table = f"http://127.0.0.1:{port}/events-{events}/events_event.csv?_stream=on&_size=max"
        found["datasette"] = (
            "Datasette's streamed CSV of the flat events table",
            ["curl", "--silent", "--fail", "--output", "OUT", table],
            None,
        )
        counted["datasette"] = events
        servers["datasette"] = server.pid
    try:
        _bench(database, events, repeat, url, found, counted, servers)
    finally:
        if served:
            served[0].terminate()
            served[0].wait(timeout=30)


def _bench(database, events, repeat, url, found, counted, servers) -> None:
    rows = counted["project"]
    wall: dict[str, list[float]] = {name: [] for name in found}
    cpu: dict[str, list[float]] = {name: [] for name in found}
    sizes: dict[str, int] = {}
    # The sequential and the parallel command must write the same bytes, every run.
    digests: dict[str, set[str]] = {}
    for repetition in range(repeat):
        names = list(found)
        names = names[repetition % len(names) :] + names[: repetition % len(names)]
        for name in names:
            _, command, env = found[name]
            out = DATA / f"export-{name}.csv"
            seconds, used = run(command, out, env=env, server=servers.get(name))
            wall[name].append(seconds)
            cpu[name].append(used)
            sizes[name] = out.stat().st_size
            if name in ("project", "parallel"):
                digests.setdefault(name, set()).add(hashlib.sha256(out.read_bytes()).hexdigest())
            out.unlink()
            print(f"  {database} {name}: {seconds:.1f} s, {used:.1f} s CPU", file=sys.stderr)
    if len(digests["project"] | digests["parallel"]) != 1:
        sys.exit("export_events --jobs 1 and --jobs N wrote different bytes")
    rate = {name: counted[name] / statistics.median(wall[name]) for name in found}
    cpu_rate = {name: counted[name] / statistics.median(cpu[name]) for name in found}
    # The export past its start-up, which a longer export spreads over more rows.
    warm = statistics.median(wall["project"]) - statistics.median(wall["start-up"])
    warm_cpu = statistics.median(cpu["project"]) - statistics.median(cpu["start-up"])
    found["warm"] = ("export_events past its start-up (the two above)", [], None)
    rate["warm"], cpu_rate["warm"] = rows / warm, rows / warm_cpu
    wall["warm"], cpu["warm"], sizes["warm"] = [warm], [warm_cpu], sizes["project"]
    print()
    print(
        f"## CSV of every published event ({rows:,} of {events:,} events) on {database}: "
        f"median of {repeat} interleaved runs ({datetime.now(UTC):%Y-%m-%d})"
    )
    print()
    with_cpu = database == "sqlite"
    # The target is set against REFERENCE_SQL's rows per CPU second (SQLite).
    print(
        "| contender | MB | seconds | rows/s | of the limit |"
        + (" rows per CPU s | of the limit (CPU) | of REFERENCE_SQL (CPU) |" if with_cpu else "")
    )
    print("|---|---:|---:|---:|---:|" + ("---:|---:|---:|" if with_cpu else ""))
    for name, (label, _, _) in found.items():
        if name == "start-up":
            line = f"| {label} | | {statistics.median(wall[name]):.1f} | | |"
            print(line + (" | | |" * with_cpu))
            continue
        line = (
            f"| {label} | {sizes[name] / 1e6:,.0f} | {statistics.median(wall[name]):.1f} "
            f"| {rate[name]:,.0f} | {rate[name] / rate['same']:.0%} |"
        )
        if with_cpu:
            line += f" {cpu_rate[name]:,.0f} | {cpu_rate[name] / cpu_rate['same']:.0%} |"
            line += f" {cpu_rate[name] / cpu_rate['reference']:.0%} |"
        print(line)
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--entries", action="store_true", help="also the export from entries")
    parser.add_argument("--jobs", type=int, default=2, help="the parallel contender's workers")
    parser.add_argument("--no-peer", action="store_true", help="without Datasette (SQLite)")
    args = parser.parse_args()
    os.chdir(BASE_DIR)
    for tool, package in (("sqlite3", "sqlite3"), ("psql", "postgresql-client"), ("curl", "curl")):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is missing: apt-get install {package} (Debian's package)")
    for database in ("sqlite", "postgres") if args.database == "both" else (args.database,):
        bench(
            database,
            args.events,
            args.repeat,
            entries=args.entries,
            jobs=args.jobs,
            peer=not args.no_peer,
        )
    print(
        f"Reproduce: .venv/bin/python bench/export_bench.py --events {args.events} "
        f"--database {args.database} --jobs {args.jobs}{' --entries' if args.entries else ''}"
    )


if __name__ == "__main__":
    main()
