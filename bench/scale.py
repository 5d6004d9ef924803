"""Serve N synthetic events; every case under wrk against its own limit and Datasette."""

# Reproduce (from the project root, after `make test` or `make demo` made .venv):
#   .venv/bin/python bench/scale.py --events 1000000 --database sqlite
#   .venv/bin/python bench/scale.py --events 1000000 --database postgres
# or `make bench BENCH_ARGS="--events 100000 --database postgres"`. Needs wrk (Debian's
# package: apt-get install wrk); says so when it is missing. BENCH_PORTS=9700-9999 keeps the
# servers' ports in that range.
#
# The first run for a size generates the data (manage.py generate_events, seed 0) into
# bench/.data/events-N.sqlite3 or the PostgreSQL database ct_bench_N and runs ANALYZE (VACUUM
# ANALYZE on PostgreSQL); later runs reuse it. The contenders, side by side on 127.0.0.1:
#   project    gunicorn, 2 sync workers, DEBUG off, the page cache off: every page computed
#   cached     the same with the page cache on (every request after the first a hit)
#   limit      bench/limit_app.py under the same gunicorn: each page case's filter in plain
#              SQL, the same nested entries, orjson; no framework
#   datasette  (SQLite only) Datasette 0.65 on the same file, 2 uvicorn workers, a canned query
#              per page case (bench/peers.py installs it into its own virtualenv)
# Each page and reference case runs wrk -c 4 for --seconds on each contender in turn, the
# order rotating, --repeat times; each figure is the median. Before that, the bench checks that
# the limit and Datasette answer the project's page (the same events in order, and for the
# limit the same entries). The histogram and admin cases are timed sequentially (bench/load.py),
# and the CSV export once.

import argparse
import base64
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import load
import peers
from scale_report import print_report

BASE_DIR = Path(__file__).resolve().parent.parent
DATA = BASE_DIR / "bench" / ".data"
POSTGRES = "postgres://postgres@127.0.0.1:5432"
EDITOR = "bench-editor"
SEARCH_WORD = "agreement"
# The servers and this script share it, so that the editor's session cookie made here is valid.
SECRET_KEY = "bench-only-secret-key-not-for-production-0123456789"


@dataclass
class Case:
    name: str
    path: str | list[str]
    kind: str  # "page", "reference", "histogram", "admin", "limit"
    editor: bool = False
    result: dict = field(default_factory=dict)
    # A page case's own limit (bench/limit_app.py's query string) and Datasette's canned
    # query (its condition on the events e), when the case has them.
    limit: str = ""
    peer: str = ""


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
    cases += reference_cases(actor, governorate)
    attach_limits(
        cases,
        actor=actor,
        governorate=governorate,
        bbox=bbox,
        alliance_ids=sorted(Actor.objects.with_members([alliance.pk])),
        deep=[row[name] for name in keyset.names],
    )
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username=EDITOR))
    session = {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}
    return cases, session


def reference_cases(actor, governorate) -> list[Case]:
    """The reference lists and one detail of each, with their event counts."""
    from django.db.models import Count

    from events.models import EventSource, EventType

    busiest_type = (
        EventType.objects.annotate(n=Count("events")).order_by("-n").values_list("slug", flat=True)
    )[0]
    cited = (
        EventSource.objects.values("article_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()["article_id"]
    )
    return [
        Case("actors", "/api/v1/actors/", "reference"),
        Case(f"actor ({actor.slug})", f"/api/v1/actors/{actor.slug}/", "reference"),
        Case("locations", "/api/v1/locations/", "reference"),
        Case(
            f"location ({governorate.slug})", f"/api/v1/locations/{governorate.slug}/", "reference"
        ),
        Case("event types", "/api/v1/event-types/", "reference"),
        Case(f"event type ({busiest_type})", f"/api/v1/event-types/{busiest_type}/", "reference"),
        Case("articles", "/api/v1/articles/", "reference"),
        Case(f"article ({cited})", f"/api/v1/articles/{cited}/", "reference"),
    ]


def attach_limits(cases: list[Case], *, actor, governorate, bbox, alliance_ids, deep) -> None:
    """Each timeline page case's limit (bench/limit_app.py) and Datasette canned query, by the
    case's name. Both answer the same page as the case's URL: the bench checks it."""
    actor_period = ("2016-01-01", "2020-12-31")
    month = ("2018-06-01", "2018-06-30")
    min_lon, min_lat, max_lon, max_lat = bbox.split(",")
    alliance = ",".join(str(pk) for pk in alliance_ids)
    after = ",".join(str(value) for value in deep)

    def overlap(period: tuple[str, str], prefix: str = "e.") -> str:
        return f"{prefix}date_earliest <= '{period[1]}' AND {prefix}date_latest >= '{period[0]}'"

    found = {
        "whole chronology": ("", ""),
        "one actor": (
            urlencode({"actors": actor.pk, "start": actor_period[0], "end": actor_period[1]}),
            f"AND {overlap(actor_period)} AND e.id IN (SELECT event_id FROM events_eventactor "
            f"WHERE actor_id = {actor.pk} AND {overlap(actor_period, '')})",
        ),
        "governorate subtree": (
            urlencode({"path": governorate.path, "start": month[0], "end": month[1]}),
            f"AND {overlap(month)} AND e.location_id IN (SELECT id FROM events_location "
            f"WHERE path LIKE '{governorate.path}%')",
        ),
        "bbox": (
            urlencode({"bbox": bbox}),
            "AND e.location_id IN (SELECT id FROM events_location WHERE latitude BETWEEN "
            f"{min_lat} AND {max_lat} AND longitude BETWEEN {min_lon} AND {max_lon})",
        ),
        "text search": (
            urlencode({"q": SEARCH_WORD}),
            "AND e.id IN (SELECT rowid FROM events_event_search WHERE events_event_search "
            f"MATCH '\"{SEARCH_WORD}\"*')",
        ),
        "alliance with members": (
            urlencode({"actors": alliance}),
            f"AND e.id IN (SELECT event_id FROM events_eventactor WHERE actor_id IN ({alliance}))",
        ),
        "deep page": (
            urlencode({"after": base64.urlsafe_b64encode(after.encode()).decode()}),
            "AND (e.date_earliest, e.date_latest, e.id) > ('{}', '{}', {})".format(*deep),
        ),
    }
    # The parameters each limit answers for: a case named alike with other parameters (an
    # order, a dyad) is another page, with no limit here.
    asks = {
        "whole chronology": set(),
        "one actor": {"actor", "start", "end"},
        "governorate subtree": {"location", "start", "end"},
        "bbox": {"bbox"},
        "text search": {"q"},
        "alliance with members": {"actor", "include_members"},
        "deep page": {"cursor"},
    }
    for case in cases:
        if case.kind != "page" or not isinstance(case.path, str):
            continue
        given = set(parse_qs(urlsplit(case.path).query)) - {"page_size"}
        for prefix, (limit, peer) in found.items():
            if case.name.startswith(prefix) and given == asks[prefix]:
                case.limit, case.peer = "/?" + limit, peer or " "


_TAKEN: set[int] = set()


def free_port() -> int:
    """A free port on 127.0.0.1: from BENCH_PORTS ("9700-9999") when set, else any."""
    low, _, high = os.environ.get("BENCH_PORTS", "0-0").partition("-")
    for port in [*range(int(low), int(high) + 1), 0] if int(low) else [0]:
        if port in _TAKEN:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            _TAKEN.add(probe.getsockname()[1])
            return probe.getsockname()[1]
    raise RuntimeError("no free port")


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


CONTENDERS = ("project", "cached", "limit", "datasette")
# The project computes every page (its page cache off); "cached" serves the same pages from
# the shared page cache (every request after the first a hit), reported apart.
UNCACHED = {"RESPONSE_CACHE_SECONDS": "0"}
CACHED = {"RESPONSE_CACHE_SECONDS": "300"}


def start_peer(args, cases: list[Case]) -> tuple[subprocess.Popen | None, int, Path | None]:
    """Datasette on the same SQLite file with a canned query per page case, if it installs."""
    if args.database != "sqlite" or args.no_peer:
        return None, 0, None
    python = peers.install()
    if python is None:
        return None, 0, None
    database = DATA / f"events-{args.events}.sqlite3"
    metadata = DATA / f"datasette-{args.events}.json"
    queries = {f"case{n}": case.peer for n, case in enumerate(cases) if case.peer}
    peers.write_metadata(database, queries, metadata)
    port = free_port()
    command, env = peers.serve_command(python, database, metadata, port)
    server = subprocess.Popen(command, env=env)
    if not wait_for(port):
        server.kill()
        print("Datasette did not start; the bench goes on without it.")
        return None, 0, None
    return server, port, database


def wait_for(port: int, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def targets_of(case: Case) -> dict[str, tuple[int, str]]:
    """{contender: (port, path)} for one measured case."""
    return case.result.setdefault("targets", {})


def same_page(cases: list[Case]) -> None:
    """Each page case's limit and peer answer the project's page: the same events in order,
    and for the limit the same entries (links aside). Mismatches are reported, not hidden."""
    import json

    for case in cases:
        targets = targets_of(case)
        if "project" not in targets or case.kind != "page":
            continue
        mine = json.loads(load.checked_fetch(*targets["project"]))["results"]
        verdicts = []
        for name in ("limit", "datasette"):
            if name not in targets:
                continue
            theirs = json.loads(load.checked_fetch(*targets[name]))
            theirs = theirs["results"] if isinstance(theirs, dict) else [r["entry"] for r in theirs]
            if [e["id"] for e in mine] != [e["id"] for e in theirs]:
                verdicts.append(f"{name}: OTHER EVENTS")
                continue
            differ = {
                key
                for a, b in zip(mine, theirs, strict=True)
                for key in a
                if key != "url" and a[key] != b.get(key)
            }
            verdicts.append(f"{name}: same" if not differ else f"{name}: {','.join(differ)} differ")
        case.result["same"] = "; ".join(verdicts)


def measure(args, cases: list[Case], servers: list[subprocess.Popen]) -> dict:
    """wrk -c N for --seconds on every contender of every case, contenders in turn (the order
    rotating each repetition), --repeat times: {(case index, contender): [figures]}.

    After each run the bench waits until every server has finished the requests wrk left
    running (load.settle), so no contender is measured on cores the previous one still holds.
    """
    found: dict[tuple[int, str], list[dict]] = {}
    pids = [server.pid for server in servers]
    measured = [(n, case) for n, case in enumerate(cases) if targets_of(case)]
    for _, case in measured:  # Warm every worker and lazily built cache.
        for port, path in targets_of(case).values():
            load.wrk(port, path, seconds=1, connections=args.connections)
            load.settle(pids)
    for repetition in range(args.repeat):
        for n, case in measured:
            names = list(targets_of(case))
            turn = names[repetition % len(names) :] + names[: repetition % len(names)]
            for name in turn:
                port, path = targets_of(case)[name]
                figures = load.wrk(port, path, seconds=args.seconds, connections=args.connections)
                if not figures["rps"]:
                    # No answer within the run: one request, timed alone.
                    started = time.perf_counter()
                    load.checked_fetch(port, path)
                    took = (time.perf_counter() - started) * 1000
                    figures = {"p50": took, "p99": took, "rps": 1000 / took}
                figures["settle"] = load.settle(pids)
                found.setdefault((n, name), []).append(figures)
        print(f"  repetition {repetition + 1} of {args.repeat} done", file=sys.stderr)
    return found


def run(args) -> None:
    load.require_wrk()
    url = prepare(args.database, args.events)
    cases, session = pick_cases()
    if args.cases:
        cases = [case for case in cases if any(case.name.startswith(n) for n in args.cases)]
        if not cases:
            sys.exit(f"--case: no case's name starts with {' or '.join(args.cases)}")
    from django.db import connections

    connections.close_all()
    app_port, cached_port, limit_port = free_port(), free_port(), free_port()
    app = serve("conflicttracker.wsgi:application", app_port, url, BASE_DIR, UNCACHED)
    cached = serve("conflicttracker.wsgi:application", cached_port, url, BASE_DIR, CACHED)
    limit = serve("limit_app:application", limit_port, url, BASE_DIR / "bench")
    peer, peer_port, peer_file = start_peer(args, cases)
    servers = [server for server in (app, cached, limit, peer) if server is not None]
    try:
        for n, case in enumerate(cases):
            if case.kind in ("page", "reference"):
                targets = targets_of(case)
                targets["project"] = (app_port, case.path)
                if case.kind == "page":
                    targets["cached"] = (cached_port, case.path)
                if case.limit:
                    targets["limit"] = (limit_port, case.limit)
                if peer and case.peer:
                    targets["datasette"] = (peer_port, peers.path_of(peer_file, f"case{n}"))
        # The sequential cases first: the editor's session is fresh, and a long wrk run
        # cannot outlive it.
        for case in cases:
            if case.kind in ("histogram", "admin"):
                headers = session if case.editor else None
                requests = args.requests // 4
                if isinstance(case.path, list):
                    requests = min(requests, len(case.path))
                measured = load.latency(app_port, case.path, requests=requests, headers=headers)
                case.result = {"p50": measured.p50_ms, "p95": measured.p95_ms}
                print(f"  measured {case.name}", file=sys.stderr)
        same_page(cases)
        figures = measure(args, cases, servers)
        for n, case in enumerate(cases):
            for name in CONTENDERS:
                runs = figures.get((n, name))
                if runs:
                    case.result[name] = {
                        what: statistics.median(run[what] for run in runs)
                        for what in ("p50", "p99", "rps")
                    }
                    case.result[name]["settle"] = max(run["settle"] for run in runs)
        export = before = after = None
        if not args.no_export:
            before = worker_heap_kb(app)
            watch = HeapWatch(app)
            watch.start()
            export = csv_export(app_port)
            watch.done.set()
            watch.join()
            after = watch.peak_kb
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
        for server in servers:
            server.wait(timeout=30)
    print_report(args, cases, export, before, after, with_peer=peer is not None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000, help="default 100000")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--requests", type=int, default=200, help="requests per admin/histogram figure, x4 (200)"
    )
    parser.add_argument("--seconds", type=float, default=5.0, help="per wrk run (5)")
    parser.add_argument("--repeat", type=int, default=3, help="interleaved repetitions (3)")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections (4)")
    parser.add_argument("--no-peer", action="store_true", help="without Datasette")
    parser.add_argument("--no-export", action="store_true", help="without the CSV export")
    parser.add_argument(
        "--case",
        action="append",
        dest="cases",
        metavar="NAME",
        help="only the cases whose name starts with NAME (repeatable; default: every case)",
    )
    run(parser.parse_args())


if __name__ == "__main__":
    main()
