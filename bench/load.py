"""HTTP load: wrk's latency and throughput at several connections; a plain Python generator."""

# Plain http.client, one new connection per request, as gunicorn's sync workers close every
# connection after its response. Throughput clients are processes, not threads, so that the
# generator's own Python does not serialise on one interpreter lock.

import http.client
import multiprocessing
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Latency:
    p50_ms: float
    p95_ms: float


class BadResponse(RuntimeError):
    pass


def fetch(port: int, path: str, headers: dict | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def checked_fetch(port: int, path: str, headers: dict | None = None) -> bytes:
    status, body = fetch(port, path, headers)
    if status != 200:
        raise BadResponse(f"GET {path} answered {status}: {body[:300]!r}")
    return body


def latency(
    port: int, path: str | list[str], *, requests: int, headers: dict | None = None
) -> Latency:
    """Sequential requests on one connection at a time, after a short warm-up.

    A list of paths is taken in turn, each once (no warm-up): for what a cache would hide."""
    paths = path if isinstance(path, list) else None
    for _ in range(0 if paths else min(10, requests)):
        checked_fetch(port, path, headers)
    timings = []
    for number in range(requests):
        started = time.perf_counter()
        checked_fetch(port, paths[number % len(paths)] if paths else path, headers)
        timings.append(time.perf_counter() - started)
    timings.sort()
    return Latency(
        p50_ms=statistics.median(timings) * 1000,
        p95_ms=timings[min(len(timings) - 1, int(len(timings) * 0.95))] * 1000,
    )


def _client(port: int, path: str, headers: dict | None, deadline: float, counts) -> None:
    done = failed = 0
    while time.perf_counter() < deadline:
        status, _ = fetch(port, path, headers)
        if status == 200:
            done += 1
        else:
            failed += 1
    counts.put((done, failed))


def throughput(
    port: int, path: str, *, connections: int, seconds: float, headers: dict | None = None
) -> float:
    """Requests per second completed by `connections` clients hammering for `seconds`."""
    counts = multiprocessing.Queue()
    started = time.perf_counter()
    deadline = started + seconds
    clients = [
        multiprocessing.Process(target=_client, args=(port, path, headers, deadline, counts))
        for _ in range(connections)
    ]
    for client in clients:
        client.start()
    results = [counts.get() for _ in clients]
    for client in clients:
        client.join()
    elapsed = time.perf_counter() - started
    failed = sum(f for _, f in results)
    if failed:
        raise BadResponse(f"GET {path}: {failed} non-200 answers under load")
    return sum(d for d, _ in results) / elapsed


# --- wrk ----------------------------------------------------------------------------------------

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}
WRK_MISSING = (
    "wrk is needed to drive the load: install it with `sudo apt-get install wrk` (Debian, "
    "Ubuntu), `brew install wrk` (macOS) or from https://github.com/wg/wrk, then run again."
)


def require_wrk() -> None:
    """Exit with how to install wrk when it is not on PATH."""
    if shutil.which("wrk") is None:
        sys.exit(WRK_MISSING)


def wrk(
    port: int, path: str, *, seconds: float, connections: int, headers: dict | None = None
) -> dict:
    """p50 and p99 (ms) and req/s from one wrk run; an error on any non-2xx answer.

    Every request on a new connection (Connection: close), as gunicorn's sync workers close
    theirs anyway: a server that keeps connections alive gains nothing over one that cannot.
    """
    command = ["wrk", "--latency", "-t", str(min(2, connections)), "-c", str(connections)]
    for name, value in {"Connection": "close", **(headers or {})}.items():
        command += ["-H", f"{name}: {value}"]
    command += ["-d", f"{seconds:g}s", "--timeout", "30s", f"http://127.0.0.1:{port}{path}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in out:
        raise BadResponse(f"wrk {path}: errors\n{out}")

    def percentile(label: str) -> float:
        found = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        return float(found.group(1)) * UNITS[found.group(2)]

    rps = float(re.search(r"^Requests/sec:\s+([\d.]+)", out, re.M).group(1))
    return {"p50": percentile("50"), "p99": percentile("99"), "rps": rps}


def process_tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) the process and its live descendants have used (/proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rpartition(")")[2].split()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue  # Gone in between.
        total += int(fields[11]) + int(fields[12])  # utime, stime
        pending += [int(child) for child in children]
    return total / ticks


def settle(pids: list[int], *, window: float = 0.2, quiet: float = 0.02, most: float = 60) -> float:
    """Wait until these servers finish what the last run left them, and say how long that took.

    A server can keep computing after wrk closed its connections (Datasette runs a query that
    takes a second or more to its end in a thread): the next contender would be measured on
    the cores it still holds. Done once their processes use less than `quiet` CPU seconds in
    `window` seconds, or after `most` seconds.
    """
    started = time.perf_counter()
    used = sum(process_tree_cpu(pid) for pid in pids)
    while time.perf_counter() - started < most:
        time.sleep(window)
        now = sum(process_tree_cpu(pid) for pid in pids)
        if now - used < quiet:
            break
        used = now
    return time.perf_counter() - started
