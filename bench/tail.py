"""The latency tail and every page against its own limit, under wrk, contenders interleaved."""

# Reproduce (from the project root; the first run for a size generates the data, as scale.py):
#   .venv/bin/python bench/tail.py --events 200000 --database sqlite
#
# Servers, each gunicorn with 2 sync workers on 127.0.0.1, all up at once:
#   frozen   the project, the collector frozen after warm-up (GC_FREEZE=true, the default)
#   thawed   the project with GC_FREEZE=false (Python's collector as it comes)
#   cached   the project with the shared response cache on (RESPONSE_CACHE_SECONDS=300):
#            every request after the first of a page is a hit
#   limit    bench/replay_app.py: the same SQL statements the project ran for that page
#            (recorded in-process here), fetched and dumped by orjson, no framework
#   actor    bench/limit_app.py, the hand-written actor page (nested entries, plain SQL)
# The project runs with RESPONSE_CACHE_SECONDS=0 but for `cached`, so the others compute
# every page. For each repetition, each case, the contenders take turns (the order rotating),
# wrk -c 4 for --seconds; the report gives each figure's median over the repetitions.

import argparse
import json
import os
import signal
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import scale
from load import wrk

BASE_DIR = scale.BASE_DIR
PROJECT = {
    "frozen": {"GC_FREEZE": "true", "RESPONSE_CACHE_SECONDS": "0"},
    "thawed": {"GC_FREEZE": "false", "RESPONSE_CACHE_SECONDS": "0"},
    "cached": {"GC_FREEZE": "true", "RESPONSE_CACHE_SECONDS": "300"},
}


def record(paths: dict[str, str]) -> dict[str, list]:
    """The SQL (with parameters) the project runs for one anonymous GET of each path."""
    from django.db import connection
    from django.test import Client

    client = Client()
    recorded = {}
    for name, path in paths.items():
        client.get(path)  # Warm: lazily built SQL and caches are built once per process.
        statements = []

        def keep(execute, sql, params, many, context, statements=statements):
            statements.append([sql, list(params or ())])
            return execute(sql, params, many, context)

        with connection.execute_wrapper(keep):
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        recorded[name] = statements
    return recorded


# (label, young threshold, frozen): Python as it comes, the workers' setting, a larger threshold.
COLLECTOR_MODES = (
    ("as Python comes (thawed)", 700, False),
    ("frozen after warm-up, the default young threshold", None, True),
    ("frozen after warm-up, young threshold 50000", 50_000, True),
)


def collector_pauses(paths: list[str], *, requests: int) -> list[dict]:
    """In this process, through Django's test client: the collector's pauses (CPU time, so
    that other processes on the machine do not count) over `requests` requests of the pages
    in turn, per COLLECTOR_MODES (conflicttracker.collector's freeze, as the workers run it)."""
    import gc

    from django.test import Client

    from conflicttracker.collector import DEFAULT_WARMUP_REQUESTS, DEFAULT_YOUNG_THRESHOLD, freeze

    client = Client()
    found = []
    for label, threshold, frozen in COLLECTOR_MODES:
        gc.unfreeze()
        gc.set_threshold(threshold or DEFAULT_YOUNG_THRESHOLD, 10, 10)
        if frozen:
            freeze()
            for number in range(DEFAULT_WARMUP_REQUESTS):
                client.get(paths[number % len(paths)])
            freeze()
        pauses: dict[int, list[float]] = {0: [], 1: [], 2: []}
        started = [0.0]

        def timed(phase, info, pauses=pauses, started=started):
            if phase == "start":
                started[0] = time.process_time()
            else:
                pauses[info["generation"]].append(time.process_time() - started[0])

        gc.callbacks.append(timed)
        began = time.process_time()
        try:
            for number in range(requests):
                client.get(paths[number % len(paths)])
        finally:
            gc.callbacks.remove(timed)
        elapsed = time.process_time() - began
        every = [pause for generation in pauses.values() for pause in generation]
        found.append(
            {
                "label": label,
                "threshold": threshold or DEFAULT_YOUNG_THRESHOLD,
                "counts": "/".join(str(len(pauses[generation])) for generation in (0, 1, 2)),
                "longest_ms": max(every, default=0) * 1000,
                "longest_full_ms": max(pauses[2], default=0) * 1000,
                "gc_ms_per_request": sum(every) * 1000 / requests,
                "ms_per_request": elapsed * 1000 / requests,
            }
        )
    gc.unfreeze()
    return found


def cpu_per_case(names: dict, replay: Path, *, batches: int = 5, size: int = 10) -> dict:
    """{case: (project ms, limit ms)}: CPU time per request in this process, the best of
    `batches` batches: the project through Django's test client, the limit by running the
    recorded SQL on its own connection and dumping the rows (bench/replay_app.py's work)."""
    import orjson
    import replay_app
    from django.test import Client

    os.environ["REPLAY_FILE"] = str(replay)
    replay_app.load()
    connection = replay_app._connection[0]
    client = Client()

    def best(run) -> float:
        for _ in range(3):
            run()
        fastest = float("inf")
        for _ in range(batches):
            began = time.process_time()
            for _ in range(size):
                run()
            fastest = min(fastest, (time.process_time() - began) * 1000 / size)
        return fastest

    found = {}
    for key, case in names.items():
        statements = replay_app._cases[key]
        found[key] = (
            best(lambda case=case: client.get(case.path)),
            best(
                lambda statements=statements: orjson.dumps(
                    [connection.execute(sql, params).fetchall() for sql, params in statements],
                    default=str,
                )
            ),
        )
    connection.close()
    return found


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def run(args) -> None:
    # The bench's in-process recording computes every page (no cache, no rate limit).
    os.environ["RESPONSE_CACHE_SECONDS"] = "0"
    os.environ["API_ANON_RATE"] = "100000000/second"
    url = scale.prepare(args.database, args.events)
    cases, _ = scale.pick_cases()
    pages = [case for case in cases if case.kind == "page"]
    actor_limit = next(case for case in cases if case.kind == "limit")
    names = {f"c{number}": case for number, case in enumerate(pages)}
    recorded = record({key: case.path for key, case in names.items()})
    replay = scale.DATA / f"replay-{args.database}-{args.events}.json"
    replay.write_text(json.dumps(recorded, default=str))
    pauses = collector_pauses([case.path for case in pages], requests=args.gc_requests)
    cpu = cpu_per_case(names, replay)
    if args.in_process:
        report_in_process(args, names, cpu, pauses)
        return
    from django.db import connections

    connections.close_all()

    servers, ports = {}, {}
    try:
        for name, extra in PROJECT.items():
            ports[name] = scale.free_port()
            servers[name] = scale.serve(
                "conflicttracker.wsgi:application", ports[name], url, BASE_DIR, extra
            )
        ports["limit"] = scale.free_port()
        servers["limit"] = scale.serve(
            "replay_app:application",
            ports["limit"],
            url,
            BASE_DIR / "bench",
            {"REPLAY_FILE": str(replay)},
        )
        ports["actor"] = scale.free_port()
        servers["actor"] = scale.serve(
            "limit_app:application", ports["actor"], url, BASE_DIR / "bench"
        )
        # Warm every worker past GC_WARMUP_REQUESTS (the freeze) and the lazily built caches.
        for key, case in names.items():
            for name in PROJECT:
                wrk(ports[name], case.path, seconds=1, connections=4)
            wrk(ports["limit"], f"/?case={key}", seconds=1, connections=4)
        wrk(ports["actor"], actor_limit.path, seconds=1, connections=4)

        results: dict[tuple[str, str], list[dict]] = {}
        order = [*PROJECT, "limit"]
        for repetition in range(args.repeat):
            turn = order[repetition % len(order) :] + order[: repetition % len(order)]
            for key, case in names.items():
                for name in turn:
                    path = f"/?case={key}" if name == "limit" else case.path
                    measured = wrk(
                        ports[name], path, seconds=args.seconds, connections=args.connections
                    )
                    results.setdefault((key, name), []).append(measured)
                    if name == "limit" and case.name.startswith("one actor"):
                        measured = wrk(
                            ports["actor"],
                            actor_limit.path,
                            seconds=args.seconds,
                            connections=args.connections,
                        )
                        results.setdefault((key, "actor"), []).append(measured)
                print(f"  repetition {repetition + 1}: {case.name}", file=sys.stderr)
    finally:
        for server in servers.values():
            server.send_signal(signal.SIGTERM)
        for server in servers.values():
            server.wait(timeout=30)
    report(args, names, results, pauses, cpu)


def report(args, names: dict, results: dict, pauses: list[dict], cpu: dict) -> None:
    def fig(key: str, name: str, what: str) -> float:
        return median([m[what] for m in results.get((key, name), [])])

    db = "SQLite" if args.database == "sqlite" else "PostgreSQL"
    print()
    print(
        f"## {args.events:,} events on {db}: wrk -c {args.connections}, {args.seconds:g} s per "
        f"run, median of {args.repeat} interleaved runs ({datetime.now(UTC):%Y-%m-%d})"
    )
    print()
    print(
        "| case | frozen p50 / p99 ms | req/s | thawed p50 / p99 ms | req/s "
        "| limit p50 / p99 ms | req/s | frozen / limit req/s | p99 / p50 frozen | cached req/s |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for key, case in names.items():
        row = [case.name]
        for name in ("frozen", "thawed", "limit"):
            row.append(f"{fig(key, name, 'p50'):.1f} / {fig(key, name, 'p99'):.1f}")
            row.append(f"{fig(key, name, 'rps'):,.0f}")
        row.append(f"{fig(key, 'frozen', 'rps') / fig(key, 'limit', 'rps'):.0%}")
        row.append(f"{fig(key, 'frozen', 'p99') / fig(key, 'frozen', 'p50'):.1f}x")
        row.append(f"{fig(key, 'cached', 'rps'):,.0f}")
        print("| " + " | ".join(row) + " |")
        if (key, "actor") in results:
            print(
                f"| {case.name}: hand-written limit (bench/limit_app.py) | | | | "
                f"| {fig(key, 'actor', 'p50'):.1f} / {fig(key, 'actor', 'p99'):.1f} "
                f"| {fig(key, 'actor', 'rps'):,.0f} "
                f"| {fig(key, 'frozen', 'rps') / fig(key, 'actor', 'rps'):.0%} | | |"
            )
    print()
    report_in_process(args, names, cpu, pauses)
    print(
        f"Reproduce: .venv/bin/python bench/tail.py --events {args.events} "
        f"--database {args.database} --seconds {args.seconds:g} --repeat {args.repeat} "
        f"--connections {args.connections} --gc-requests {args.gc_requests}"
    )


def report_in_process(args, names: dict, cpu: dict, pauses: list[dict]) -> None:
    print()
    print(
        f"CPU per request in-process ({args.events:,} events, {args.database}): the project "
        "through Django's test client, against the same SQL run and dumped without a framework:"
    )
    print()
    print("| case | project CPU ms | its SQL alone CPU ms | Python beyond the SQL ms | ratio |")
    print("|---|---:|---:|---:|---:|")
    for key, case in names.items():
        project, limit = cpu[key]
        print(
            f"| {case.name} | {project:.2f} | {limit:.2f} | {project - limit:.2f} "
            f"| {project / limit:.1f}x |"
        )
    print()
    print(
        f"The collector in-process, over {args.gc_requests} requests of the pages above in turn "
        "(Django's test client; CPU time):"
    )
    print()
    print(
        "| collector | young threshold | collections gen 0/1/2 | longest pause ms "
        "| longest full ms | collector ms per request | CPU ms per request |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for found in pauses:
        print(
            f"| {found['label']} | {found['threshold']:,} | {found['counts']} "
            f"| {found['longest_ms']:.1f} | {found['longest_full_ms']:.1f} "
            f"| {found['gc_ms_per_request']:.2f} | {found['ms_per_request']:.1f} |"
        )
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000, help="default 100000")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--seconds", type=float, default=5.0, help="per wrk run (5)")
    parser.add_argument("--repeat", type=int, default=3, help="interleaved repetitions (3)")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections (4)")
    parser.add_argument(
        "--in-process", action="store_true", help="only the in-process CPU and collector tables"
    )
    parser.add_argument(
        "--gc-requests", type=int, default=1000, help="in-process requests per collector mode"
    )
    run(parser.parse_args())


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
