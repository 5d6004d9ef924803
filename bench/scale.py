"""Serve N synthetic events with gunicorn; measure pages, histogram, CSV export and admin."""

# Reproduce (from the project root, after `make test` or `make demo` made .venv):
#   .venv/bin/python bench/scale.py --events 1000000 --database sqlite
#   .venv/bin/python bench/scale.py --events 1000000 --database postgres
# or `make bench BENCH_ARGS="--events 100000 --database postgres"`.
#
# The first run for a size generates the data (manage.py generate_events, seed 0) into
# bench/.data/events-N.sqlite3 or the PostgreSQL database ct_bench_N and runs ANALYZE (VACUUM
# ANALYZE on PostgreSQL); later
# runs reuse it. Two servers run side by side on 127.0.0.1, each gunicorn with 2 sync workers:
# the project (DEBUG off) and bench/limit_app.py, a bare WSGI app answering the actor page
# with plain SQL and orjson, the limit our figures are reported against.

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import load

BASE_DIR = Path(__file__).resolve().parent.parent
DATA = BASE_DIR / "bench" / ".data"
POSTGRES = "postgres://postgres@127.0.0.1:5432"
EDITOR = "bench-editor"
SEARCH_WORD = "agreement"
# The servers and this script share it, so that the editor's session cookie made here is valid.
SECRET_KEY = "bench-only-secret-key-not-for-production-0123456789"

# Budgets from issue 6 (at 1,000,000 events on a 2-core machine).
PAGE_P50_MS = {"sqlite": 6.0, "postgres": 15.0}
PAGE_RPS_SQLITE = 300
HISTOGRAM_MS = 200.0
CSV_ROWS_PER_S = 50_000
ADMIN_MS = {"sqlite": 60.0, "postgres": 150.0}


@dataclass
class Case:
    name: str
    path: str | list[str]
    kind: str  # "page", "histogram", "admin", "limit"
    editor: bool = False
    result: dict = field(default_factory=dict)


def database_url(database: str, events: int) -> str:
    if database == "sqlite":
        return f"sqlite:///{DATA}/events-{events}.sqlite3"
    return f"{POSTGRES}/ct_bench_{events}"


def ensure_postgres_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{POSTGRES.replace('postgres://', 'postgresql://')}/postgres") as conn:
        conn.autocommit = True
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def prepare(database: str, events: int) -> str:
    """Migrate, generate the events when the database is new, ANALYZE; the database URL."""
    url = database_url(database, events)
    DATA.mkdir(parents=True, exist_ok=True)
    if database == "postgres":
        ensure_postgres_database(f"ct_bench_{events}")
    os.environ["DATABASE_URL"] = url
    os.environ["SECRET_KEY"] = SECRET_KEY
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conflicttracker.settings")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from events.models import Event

    call_command("migrate", verbosity=0)
    held = Event.objects.count()
    if held == 0:
        print(f"Generating {events:,} events into {url} (once; later runs reuse them) ...")
        call_command("generate_events", count=events, seed=0, batch_size=10_000)
    elif held != events:
        sys.exit(
            f"{url} holds {held:,} events, not {events:,}: delete that database to regenerate it."
        )
    with connection.cursor() as cursor:
        # PostgreSQL: VACUUM too, as autovacuum would soon after a bulk load. Until the
        # visibility map is set, every index-only scan also reads the table's pages.
        cursor.execute("VACUUM ANALYZE" if database == "postgres" else "ANALYZE")
    # Reset on a reused database, where the account exists from an earlier run.
    call_command(
        "create_demo_editor", username=EDITOR, password="loads-in-gunicorn-7Lq2wTz9", force=True
    )
    return url


def pick_cases() -> tuple[list[Case], dict]:
    """The cases, with parameters read from the data (the busiest actor, place, alliance)."""
    from django.db.models import Count
    from django.test import Client

    from events.chronology.paging import Keyset
    from events.models import SIDES, Actor, ActorMembership, Event, EventActor, Location
    from events.querysets import CHRONOLOGICAL

    busiest = EventActor.objects.values("actor_id").annotate(n=Count("id")).order_by("-n").first()
    actor = Actor.objects.get(pk=busiest["actor_id"])
    alliance_id = (
        ActorMembership.objects.values("alliance_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()["alliance_id"]
    )
    alliance = Actor.objects.get(pk=alliance_id)
    governorate = max(
        Location.objects.filter(kind="governorate"),
        key=lambda place: Event.objects.filter(location__path__startswith=place.path).count(),
    )
    places = Location.objects.filter(
        path__startswith=governorate.path, latitude__isnull=False, longitude__isnull=False
    ).values_list("latitude", "longitude")
    lats, lons = [p[0] for p in places], [p[1] for p in places]
    bbox = f"{min(lons):.3f},{min(lats):.3f},{max(lons):.3f},{max(lats):.3f}"
    keyset = Keyset(Event, CHRONOLOGICAL)
    # The 500th page, or the last full one of a smaller dataset.
    deep_page = min(500, Event.objects.published().count() // 100)
    row = (
        Event.objects.published()
        .order_by(*CHRONOLOGICAL)
        .values(*keyset.names)[(deep_page - 1) * 100 - 1 : (deep_page - 1) * 100]
        .get()
    )
    deep = keyset.encode(keyset.key(row))
    change = (
        EventActor.objects.values("event_id")
        .annotate(n=Count("id"))
        .filter(n__gte=2)
        .order_by("event_id")
        .first()["event_id"]
    )

    # The dyad: the busiest actor on one side and whoever most often faces it on the other.
    dyad = None
    for mine, theirs in (SIDES, SIDES[::-1]):
        dyad = dyad or (
            EventActor.objects.filter(
                role__in=theirs,
                event__actor_links__actor_id=actor.pk,
                event__actor_links__role__in=mine,
            )
            .exclude(actor_id=actor.pk)
            .values("actor_id")
            .annotate(n=Count("id"))
            .order_by("-n")
            .first()
        )
    opponent = Actor.objects.get(pk=dyad["actor_id"])

    def api(**params) -> str:
        return "/api/v1/timeline/?" + urlencode({"page_size": 100, **params})

    cases = [
        Case("whole chronology", api(), "page"),
        Case(
            f"one actor, 5 years ({actor.slug})",
            api(actor=actor.slug, start="2016", end="2020"),
            "page",
        ),
        Case(
            f"governorate subtree, a month ({governorate.slug})",
            api(location=governorate.slug, start="2018-06", end="2018-06"),
            "page",
        ),
        Case(f"bbox ({bbox})", api(bbox=bbox), "page"),
        Case(f"text search (q={SEARCH_WORD})", api(q=SEARCH_WORD), "page"),
        Case(
            f"alliance with members ({alliance.slug})",
            api(actor=alliance.slug, include_members="true"),
            "page",
        ),
        Case(f"deep page (the {deep_page}th, by cursor)", api(cursor=deep), "page"),
        Case("newest first (order=-chronological)", api(order="-chronological"), "page"),
        Case(
            f"dyad ({actor.slug} v. {opponent.slug})",
            api(actor_a=actor.slug, actor_b=opponent.slug),
            "page",
        ),
        Case("deadliest first (order=-fatalities)", api(order="-fatalities"), "page"),
        Case("latest changes first (order=-updated)", api(order="-updated"), "page"),
        Case(
            "limit: bare WSGI + SQL + orjson, actor page",
            "/?" + urlencode({"actor": actor.pk, "start": "2016-01-01", "end": "2020-12-31"}),
            "limit",
        ),
        Case(
            "histogram, monthly, everything (cold: a new end day each time)",
            [f"/api/v1/timeline/histogram/?end=2024-12-{day:02d}" for day in range(31, 0, -1)],
            "histogram",
        ),
        Case(
            "histogram, monthly, everything (repeated: cached by data version)",
            "/api/v1/timeline/histogram/",
            "histogram",
        ),
        # Summaries are aggregates as the histogram is: its budget; cold, as its first case.
        Case(
            "summary by admin1, everything (cold: a new end day each time)",
            [
                f"/api/v1/timeline/summary/?by=admin1&end=2024-12-{day:02d}"
                for day in range(31, 0, -1)
            ],
            "histogram",
        ),
        Case(
            "summary by actor, one year (cold: a new end day each time)",
            [
                f"/api/v1/timeline/summary/?by=actor&start=2018&end=2018-12-{day:02d}"
                for day in range(31, 0, -1)
            ],
            "histogram",
        ),
        Case("admin changelist", "/admin/events/event/", "admin", editor=True),
        Case("admin changelist, year", "/admin/events/event/?when=2018", "admin", editor=True),
        Case(
            "admin changelist, status+month",
            "/admin/events/event/?status__exact=review&when=2018-06",
            "admin",
            editor=True,
        ),
        Case(
            "admin changelist, actor",
            "/admin/events/event/?" + urlencode({"actor": actor.slug}),
            "admin",
            editor=True,
        ),
        Case(
            "admin changelist, place",
            "/admin/events/event/?" + urlencode({"place": governorate.slug}),
            "admin",
            editor=True,
        ),
        Case(
            "admin changelist, search",
            "/admin/events/event/?" + urlencode({"q": SEARCH_WORD}),
            "admin",
            editor=True,
        ),
        Case("admin change form", f"/admin/events/event/{change}/change/", "admin", editor=True),
    ]
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username=EDITOR))
    session = {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}
    return cases, session


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(
    app: str, port: int, url: str, chdir: Path, extra_env: dict | None = None
) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "false",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        # The anonymous rate limit stays on (its cost is part of a request) but never bites.
        "API_ANON_RATE": "100000000/second",
        "LOG_LEVEL": "ERROR",
        **(extra_env or {}),
    }
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "--chdir",
        str(chdir),
        "--workers",
        "2",
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "600",
        "--log-level",
        "warning",
        app,
    ]
    server = subprocess.Popen(command, env=env, cwd=chdir)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    sys.exit(f"{app} did not start on port {port}")


def worker_heap_kb(server: subprocess.Popen) -> int:
    """The largest anonymous resident memory (kB) among the gunicorn workers.

    Anonymous memory only: SQLite's memory map puts the database file's pages in VmRSS too,
    which says nothing about what a response holds.
    """
    largest = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{server.pid}$", text, re.M):
            found = re.search(r"^RssAnon:\s+(\d+)", text, re.M)
            largest = max(largest, int(found.group(1)) if found else 0)
    return largest


class HeapWatch(threading.Thread):
    """Samples the workers' anonymous memory every 50 ms and keeps the peak."""

    def __init__(self, server: subprocess.Popen):
        super().__init__(daemon=True)
        self.server, self.peak_kb, self.done = server, 0, threading.Event()

    def run(self):
        while not self.done.wait(0.05):
            self.peak_kb = max(self.peak_kb, worker_heap_kb(self.server))


def csv_export(port: int) -> dict:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    started = time.perf_counter()
    connection.request("GET", "/api/v1/timeline/?format=csv")
    response = connection.getresponse()
    if response.status != 200:
        raise load.BadResponse(f"CSV export answered {response.status}")
    lines = size = 0
    tail = b""
    while chunk := response.read(1 << 16):
        # Rows end in CRLF; a quoted cell may hold a bare LF (numbered excerpts).
        lines += (tail + chunk).count(b"\r\n")
        tail = chunk[-1:] if chunk.endswith(b"\r") else b""
        size += len(chunk)
    elapsed = time.perf_counter() - started
    connection.close()
    rows = lines - 1  # The header.
    return {"rows": rows, "seconds": elapsed, "rows_per_s": rows / elapsed, "mb": size / 1e6}


def run(args) -> None:
    url = prepare(args.database, args.events)
    cases, session = pick_cases()
    from django.db import connections

    connections.close_all()
    app_port, limit_port = free_port(), free_port()
    app = serve("conflicttracker.wsgi:application", app_port, url, BASE_DIR)
    limit = serve("limit_app:application", limit_port, url, BASE_DIR / "bench")
    try:
        for case in cases:
            port = limit_port if case.kind == "limit" else app_port
            headers = session if case.editor else None
            requests = args.requests if case.kind in ("page", "limit") else args.requests // 4
            if isinstance(case.path, list):
                requests = min(requests, len(case.path))
            measured = load.latency(port, case.path, requests=requests, headers=headers)
            case.result = {"p50": measured.p50_ms, "p95": measured.p95_ms}
            if case.kind in ("page", "limit"):
                case.result["rps"] = load.throughput(
                    port, case.path, connections=4, seconds=args.seconds, headers=headers
                )
            print(f"  measured {case.name}", file=sys.stderr)
        before = worker_heap_kb(app)
        watch = HeapWatch(app)
        watch.start()
        export = csv_export(app_port)
        watch.done.set()
        watch.join()
        after = watch.peak_kb
    finally:
        for server in (app, limit):
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    report(args, cases, export, before, after)


def report(args, cases: list[Case], export: dict, before: int, after: int) -> None:
    db = args.database
    limit = next(case for case in cases if case.kind == "limit").result
    actor = next(case for case in cases if case.name.startswith("one actor")).result
    print()
    print(
        f"## {args.events:,} events on {'SQLite' if db == 'sqlite' else 'PostgreSQL'} "
        f"(gunicorn, 2 sync workers; p50/p95 at 1 connection, req/s at 4 connections)"
    )
    print()
    print("| case | p50 ms | p95 ms | req/s @4 | budget | |")
    print("|---|---:|---:|---:|---|---|")
    for case in cases:
        r = case.result
        rps = f"{r['rps']:,.0f}" if "rps" in r else ""
        budget, met = budget_for(case, db, r)
        mark = "" if met is None else ("ok" if met else "MISSED")
        print(f"| {case.name} | {r['p50']:.1f} | {r['p95']:.1f} | {rps} | {budget} | {mark} |")
    met = export["rows_per_s"] >= CSV_ROWS_PER_S
    print(
        f"| CSV export, everything published: {export['rows']:,} rows, {export['mb']:.0f} MB "
        f"in {export['seconds']:.1f} s | | | {export['rows_per_s']:,.0f} rows/s "
        f"| ≥ {CSV_ROWS_PER_S:,} rows/s | {'ok' if met else 'MISSED'} |"
    )
    print()
    print(
        f"CSV export memory (anonymous RSS of the larger worker): {before / 1024:.0f} MB before, "
        f"{after / 1024:.0f} MB at the peak during the export."
    )
    print(
        f"Actor page against the limit: p50 {actor['p50']:.1f} ms vs {limit['p50']:.1f} ms "
        f"({actor['p50'] / limit['p50']:.1f}x the time); {actor['rps']:,.0f} vs "
        f"{limit['rps']:,.0f} req/s ({actor['rps'] / limit['rps']:.0%} of the limit)."
    )
    print()
    print(
        f"Reproduce: .venv/bin/python bench/scale.py --events {args.events} --database {db} "
        f"--requests {args.requests} --seconds {args.seconds:g}"
    )


def budget_for(case: Case, db: str, r: dict) -> tuple[str, bool | None]:
    if case.kind == "page":
        p50 = PAGE_P50_MS[db]
        if db == "sqlite":
            return (
                f"p50 ≤ {p50:g} ms, ≥ {PAGE_RPS_SQLITE} req/s",
                r["p50"] <= p50 and r["rps"] >= PAGE_RPS_SQLITE,
            )
        return f"p50 ≤ {p50:g} ms", r["p50"] <= p50
    if case.kind == "histogram":
        return f"≤ {HISTOGRAM_MS:g} ms", r["p50"] <= HISTOGRAM_MS
    if case.kind == "admin":
        return f"≤ {ADMIN_MS[db]:g} ms", r["p50"] <= ADMIN_MS[db]
    return "", None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000, help="default 100000")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--requests", type=int, default=200, help="requests per latency measurement (200)"
    )
    parser.add_argument(
        "--seconds", type=float, default=5.0, help="seconds per throughput measurement (5)"
    )
    run(parser.parse_args())


if __name__ == "__main__":
    main()
