"""Where one page case's time goes, in-process: CPU per request, its SQL, and a CPU profile."""

# Reproduce (from the project root; the data as bench/scale.py makes it):
#   .venv/bin/python bench/profile_page.py --events 200000 --database sqlite --case "one actor"
# Django's test client, DEBUG off, the page cache off; after --warmup requests, --requests are
# timed in CPU time (other processes on the machine do not count), --requests more with the
# SQL timed through execute_wrapper, and --requests more under cProfile with a CPU-time timer
# (which slows Python calls far more than the C calls of the SQL: its Python shares are
# overstated). Do not run it beside bench/scale.py: both reset the bench editor's password.

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--case", default="one actor", help="a page case's name, its start")
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--top", type=int, default=40, help="profile rows printed")
    args = parser.parse_args()
    os.environ["RESPONSE_CACHE_SECONDS"] = "0"
    os.environ["API_ANON_RATE"] = "100000000/second"
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import scale

    scale.prepare(args.database, args.events)
    cases, _ = scale.pick_cases()
    case = next(case for case in cases if case.name.startswith(args.case))
    from django.db import connection
    from django.test import Client

    client = Client()
    for _ in range(args.warmup):
        assert client.get(case.path).status_code == 200
    began = time.process_time()
    for _ in range(args.requests):
        client.get(case.path)
    cpu = (time.process_time() - began) * 1000 / args.requests
    spent = [0.0]

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent[0] += time.perf_counter() - started

    with connection.execute_wrapper(timed):
        for _ in range(args.requests):
            client.get(case.path)
    profile = cProfile.Profile(time.process_time)
    profile.enable()
    for _ in range(args.requests):
        client.get(case.path)
    profile.disable()
    print(f"{case.name}: {case.path}")
    print(
        f"CPU per request {cpu:.2f} ms; SQL (execute and fetch, wall) "
        f"{spent[0] * 1000 / args.requests:.2f} ms per request"
    )
    stats = pstats.Stats(profile)
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top // 2)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
