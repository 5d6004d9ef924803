"""Where page cases' time goes, in-process: CPU per request, SQL, a profile; or two checkouts."""

# Reproduce (from the project root; the data as bench/scale.py makes it):
#   .venv/bin/python bench/profile_page.py --events 200000 --database sqlite --case "one actor"
#   .venv/bin/python bench/profile_page.py --events 100000 --case filtered --against /tmp/base
# Django's test client, DEBUG off, the page cache off; after --warmup requests, --requests are
# timed in CPU time (other processes on the machine do not count), --requests more with the
# SQL timed through execute_wrapper, and --requests more under cProfile with a CPU-time timer
# (which slows Python calls far more than the C calls of the SQL: its Python shares are
# overstated). Do not run it beside bench/scale.py: both reset the bench editor's password.
#
# --against DIR: another checkout of the project (e.g. `git archive <commit> | tar -x -C DIR`)
# serves the same cases from the same database. Each checkout runs in a worker process of its
# own; they take turns, case by case, --rounds times, so that a noisy minute on a shared
# machine falls on both. Before timing, each case's response (status, ETag, body) must be
# byte-identical in both. Prints the median CPU ms per request of each, and the median of the
# rounds' ratios (each round's two medians, taken minutes apart at most) with their range. Each
# worker runs the collector as the deployed WSGI app does (conflicttracker.collector: the young
# threshold raised, the heap frozen after each case's warm-up).
# --case may be given several times; "filtered" stands for the actor, alliance, governorate,
# box and text cases, "all" for every page case.

import argparse
import cProfile
import gc
import hashlib
import json
import os
import pstats
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve()
FILTERED = ("one actor", "alliance", "governorate", "bbox", "text")


def _environment() -> None:
    os.environ["RESPONSE_CACHE_SECONDS"] = "0"
    os.environ["API_ANON_RATE"] = "100000000/second"
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")


def _selected(names: list[str], cases: list) -> list:
    wanted: list[str] = []
    for name in names or ["one actor"]:
        if name == "filtered":
            wanted += FILTERED
        elif name == "all":
            wanted += [case.name for case in cases if case.kind == "page"]
        else:
            wanted.append(name)
    return [next(case for case in cases if case.name.startswith(name)) for name in wanted]


def profile(args, cases) -> None:
    from django.db import connection
    from django.test import Client

    client = Client()
    for case in cases:
        for _ in range(args.warmup):
            assert client.get(case.path).status_code == 200
        began = time.process_time()
        for _ in range(args.requests):
            client.get(case.path)
        cpu = (time.process_time() - began) * 1000 / args.requests
        spent = [0.0]

        def timed(execute, sql, params, many, context, spent=spent):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                spent[0] += time.perf_counter() - started

        with connection.execute_wrapper(timed):
            for _ in range(args.requests):
                client.get(case.path)
        found = cProfile.Profile(time.process_time)
        found.enable()
        for _ in range(args.requests):
            client.get(case.path)
        found.disable()
        print(f"{case.name}: {case.path}")
        print(
            f"CPU per request {cpu:.2f} ms; SQL (execute and fetch, wall) "
            f"{spent[0] * 1000 / args.requests:.2f} ms per request"
        )
        stats = pstats.Stats(found)
        stats.sort_stats("cumulative").print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top // 2)


def worker(project: str) -> None:
    """Serve timing commands on stdin, one JSON line each, with the project at `project`."""
    _environment()
    sys.path.insert(0, project)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conflicttracker.settings")
    import django

    django.setup()
    from django.test import Client

    from conflicttracker import collector

    _, older, oldest = gc.get_threshold()
    gc.set_threshold(collector.DEFAULT_YOUNG_THRESHOLD, older, oldest)
    client = Client()
    print(json.dumps({"ready": project}), flush=True)
    for line in sys.stdin:
        command = json.loads(line)
        path, times = command["path"], []
        response = client.get(path)
        for _ in range(command["warmup"]):
            client.get(path)
        collector.freeze()
        for _ in range(command["requests"]):
            began = time.process_time()
            client.get(path)
            times.append((time.process_time() - began) * 1000)
        answer = {
            "status": response.status_code,
            "etag": response.get("ETag"),
            "body": hashlib.sha256(response.content).hexdigest(),
            "times": times,
        }
        print(json.dumps(answer), flush=True)


class Worker:
    def __init__(self, project: Path):
        self.project = project
        self.process = subprocess.Popen(
            [sys.executable, str(HERE), "--worker", str(project)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=project,
        )
        assert "ready" in json.loads(self.process.stdout.readline())

    def time(self, path: str, *, warmup: int, requests: int) -> dict:
        command = {"path": path, "warmup": warmup, "requests": requests}
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait()


def compare(args, cases) -> None:
    """The cases in this checkout and in args.against, taking turns; medians and ratios."""
    ours, theirs = Worker(HERE.parent.parent), Worker(Path(args.against).resolve())
    times: dict[tuple[str, str], list[list[float]]] = {}
    try:
        for case in cases:
            mine, other = (
                side.time(case.path, warmup=args.warmup, requests=0) for side in (ours, theirs)
            )
            same = all(mine[part] == other[part] for part in ("status", "etag", "body"))
            print(f"{case.name}: {'same response' if same else 'RESPONSES DIFFER'}", flush=True)
            if not same:
                sys.exit(f"{case.path}: {mine} != {other}")
        for number in range(args.rounds):
            order = (ours, theirs) if number % 2 == 0 else (theirs, ours)
            for case in cases:
                for side in order:
                    found = side.time(case.path, warmup=5, requests=args.requests)
                    times.setdefault((case.name, str(side.project)), []).append(found["times"])
    finally:
        ours.close()
        theirs.close()
    print(f"\nmedian CPU ms per request ({args.rounds} rounds of {args.requests}, interleaved);")
    print("this / that: the median of the rounds' ratios of medians, and their range")
    print(f"| case | {args.against} | this checkout | this / that | range |")
    print("|---|---:|---:|---:|---|")
    for case in cases:
        those, these = (
            times[(case.name, str(theirs.project))],
            times[(case.name, str(ours.project))],
        )
        that = statistics.median(t for found in those for t in found)
        this = statistics.median(t for found in these for t in found)
        ratios = [
            statistics.median(mine) / statistics.median(other)
            for mine, other in zip(these, those, strict=True)
        ]
        print(
            f"| {case.name} | {that:.2f} | {this:.2f} | {statistics.median(ratios):.2f} "
            f"| {min(ratios):.2f}–{max(ratios):.2f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--case", action="append", default=[], help='a case name\'s start, "filtered" or "all"'
    )
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--top", type=int, default=40, help="profile rows printed")
    parser.add_argument("--against", help="another checkout to compare with (see above)")
    parser.add_argument("--rounds", type=int, default=5, help="with --against: turns each")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker)
        return
    _environment()
    sys.path.insert(0, str(HERE.parent))
    import scale

    scale.prepare(args.database, args.events)
    cases = _selected(args.case, scale.pick_cases()[0])
    if args.against:
        compare(args, cases)
    else:
        profile(args, cases)


if __name__ == "__main__":
    main()
