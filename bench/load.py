"""A bounded HTTP load generator: latency at one connection, throughput at several."""

# Plain http.client, one new connection per request, as gunicorn's sync workers close every
# connection after its response. Throughput clients are processes, not threads, so that the
# generator's own Python does not serialise on one interpreter lock.

import http.client
import multiprocessing
import statistics
import time
from dataclasses import dataclass


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
