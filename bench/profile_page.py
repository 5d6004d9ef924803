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
# byte-identical in both (--any-etag: the status and body only, for checkouts whose ETags
# read different markers). Prints the median CPU ms per request of each, and the median of the
# rounds' ratios (each round's two medians, taken minutes apart at most) with their range. Each
# worker calls Django's WSGI handler as gunicorn does (not the test client, whose responses
# outlive the request in reference cycles), and runs the collector as the deployed WSGI app does
# (conflicttracker.collector: the young threshold raised, the heap frozen after each case's
# warm-up).
# --limit (with --against): bench/limit_app.py, each case's hand-written limit (the same entries
# from plain SQL, orjson, no framework), takes its turn in a third worker, called as WSGI in
# process; the table adds its CPU ms and this checkout's share of it (limit ms / this ms, the
# median of the rounds' ratios): the share of the limit's requests per second one core gives.
# --mean: each round's mean CPU per request instead of its median. A median leaves out the
# requests that ran a collection (one in a few); the mean, which requests per second follow,
# counts them.
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
from wsgiref.util import setup_testing_defaults

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


def wsgi_get(application, path: str) -> tuple[int, dict[str, str], bytes]:
    """GET path from a WSGI app as a server would: status, headers, the body read and closed."""
    location, _, query = path.partition("?")
    # The rest of a server's keys as wsgiref's defaults give them (a body-less GET).
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": location, "QUERY_STRING": query}
    environ.update(HTTP_HOST="testserver", SERVER_NAME="testserver")
    setup_testing_defaults(environ)
    started: list = []
    answer = application(environ, lambda status, headers, *_: started.append((status, headers)))
    try:
        body = b"".join(answer)
    finally:
        if hasattr(answer, "close"):
            answer.close()
    status, headers = started[0]
    return int(status.split(" ", 1)[0]), dict(headers), body


def worker(project: str) -> None:
    """Serve timing commands on stdin, one JSON line each, with the project at `project`.

    Requests go through Django's WSGI handler as gunicorn calls it, not the test client: the
    test client keeps each response in a reference cycle (its json() holds the response), so
    every page would be left to the cycle collector, as no server leaves it."""
    _environment()
    sys.path.insert(0, project)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conflicttracker.settings")
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()

    from conflicttracker import collector

    _, older, oldest = gc.get_threshold()
    gc.set_threshold(collector.DEFAULT_YOUNG_THRESHOLD, older, oldest)
    print(json.dumps({"ready": project}), flush=True)
    for line in sys.stdin:
        command = json.loads(line)
        path, times = command["path"], []
        status, headers, body = wsgi_get(application, path)
        for _ in range(command["warmup"]):
            wsgi_get(application, path)
        collector.freeze()
        for _ in range(command["requests"]):
            began = time.process_time()
            wsgi_get(application, path)
            times.append((time.process_time() - began) * 1000)
        answer = {
            "status": status,
            "etag": headers.get("ETag"),
            "body": hashlib.sha256(body).hexdigest(),
            "times": times,
        }
        print(json.dumps(answer), flush=True)


def limit_worker() -> None:
    """Serve timing commands on stdin as worker() does, with bench/limit_app.py's WSGI app."""
    sys.path.insert(0, str(HERE.parent))
    sys.path.insert(0, str(HERE.parent.parent))
    import limit_app

    from conflicttracker import collector

    _, older, oldest = gc.get_threshold()
    gc.set_threshold(collector.DEFAULT_YOUNG_THRESHOLD, older, oldest)

    def get(path: str) -> tuple[int, bytes]:
        status, _, body = wsgi_get(limit_app.application, path)
        return status, body

    print(json.dumps({"ready": "limit"}), flush=True)
    for line in sys.stdin:
        command = json.loads(line)
        path, times = command["path"], []
        status, body = get(path)
        for _ in range(command["warmup"]):
            get(path)
        collector.freeze()
        for _ in range(command["requests"]):
            began = time.process_time()
            get(path)
            times.append((time.process_time() - began) * 1000)
        answer = {"status": status, "body": hashlib.sha256(body).hexdigest(), "times": times}
        print(json.dumps(answer), flush=True)


class Worker:
    def __init__(self, project: Path | None):
        """A worker serving the project at `project`, or the limit app for None."""
        self.project = project if project is not None else "limit"
        role = ["--worker", str(project)] if project is not None else ["--limit-worker"]
        self.process = subprocess.Popen(
            [sys.executable, str(HERE), *role],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=project or HERE.parent.parent,
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
    """The cases in this checkout and in args.against (and the limit app with args.limit),
    taking turns; medians and ratios."""
    ours, theirs = Worker(HERE.parent.parent), Worker(Path(args.against).resolve())
    limit = Worker(None) if args.limit else None
    sides = [side for side in (ours, theirs, limit) if side is not None]
    times: dict[tuple[str, str], list[list[float]]] = {}
    typical = statistics.fmean if args.mean else statistics.median
    try:
        for case in cases:
            mine, other = (
                side.time(case.path, warmup=args.warmup, requests=0) for side in (ours, theirs)
            )
            compared = ("status", "body") if args.any_etag else ("status", "etag", "body")
            same = all(mine[part] == other[part] for part in compared)
            print(f"{case.name}: {'same response' if same else 'RESPONSES DIFFER'}", flush=True)
            if not same:
                sys.exit(f"{case.path}: {mine} != {other}")
            if limit is not None and case.limit:
                limit.time(case.limit, warmup=args.warmup, requests=0)
        for number in range(args.rounds):
            # Each side takes each place in the order in turn.
            order = sides[number % len(sides) :] + sides[: number % len(sides)]
            for case in cases:
                for side in order:
                    path = case.path if side is not limit else case.limit
                    if not path:
                        continue
                    found = side.time(path, warmup=5, requests=args.requests)
                    times.setdefault((case.name, str(side.project)), []).append(found["times"])
    finally:
        for side in sides:
            side.close()
    kind = "mean" if args.mean else "median"
    print(f"\n{kind} CPU ms per request ({args.rounds} rounds of {args.requests}, interleaved);")
    print(f"this / that: the median of the rounds' ratios of {kind}s, and their range")
    if limit is not None:
        print("limit / this and limit / that: the same, each checkout's share of the limit")
    heads = f"| case | {args.against} | this checkout | this / that | range |"
    if limit is not None:
        heads += " limit | limit / that | limit / this | range |"
    print(heads)
    print("|---|" + "---:|" * (heads.count("|") - 3) + "---|")

    def ratios(these: list[list[float]], those: list[list[float]]) -> list[float]:
        return [typical(mine) / typical(other) for mine, other in zip(these, those, strict=True)]

    for case in cases:
        those, these = (
            times[(case.name, str(theirs.project))],
            times[(case.name, str(ours.project))],
        )
        that = typical([t for found in those for t in found])
        this = typical([t for found in these for t in found])
        found = ratios(these, those)
        row = (
            f"| {case.name} | {that:.2f} | {this:.2f} | {statistics.median(found):.2f} "
            f"| {min(found):.2f}–{max(found):.2f} |"
        )
        bare = times.get((case.name, "limit"))
        if bare:
            mine, theirs_ = ratios(bare, these), ratios(bare, those)
            row += (
                f" {typical([t for found in bare for t in found]):.2f} "
                f"| {statistics.median(theirs_):.2f} | {statistics.median(mine):.2f} "
                f"| {min(mine):.2f}–{max(mine):.2f} |"
            )
        elif limit is not None:
            row += " | | | |"
        print(row)


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
    parser.add_argument(
        "--mean",
        action="store_true",
        help="with --against: means instead of medians (collections included, see above)",
    )
    parser.add_argument(
        "--limit", action="store_true", help="with --against: time the limit app too (see above)"
    )
    parser.add_argument(
        "--any-etag",
        action="store_true",
        help="with --against: compare status and body only (checkouts whose ETags read "
        "different markers)",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--limit-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker)
        return
    if args.limit_worker:
        limit_worker()
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
