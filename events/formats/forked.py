"""Ordered work in forked worker processes, each opening database connections of its own."""

# Why fork: the parent has Django set up; a forked worker starts with it as it is (the
# settings, a test database's name, the formats' registry) in milliseconds, where 'spawn' or
# 'forkserver' would import and set up Django again in each worker: 0.9 s of CPU per worker
# measured, a sixth of a 100,000-event CSV export. What fork must not carry is a connection: a
# SQLite handle used or closed on both sides of a fork corrupts its locks, and a PostgreSQL
# session closed by a child ends the parent's too. So the parent closes every connection
# before the pool forks its workers (all at once, on the first task, before the pool's own
# thread starts), refuses to fork when one cannot be closed (a transaction open, an in-memory
# SQLite database, which other processes could not read anyway), and each worker opens its
# own connection on its first query and closes it as it exits.

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.util import Finalize
from typing import TypeVar

from django.db import connections

T = TypeVar("T")
R = TypeVar("R")

# Tasks queued or running per worker: enough that a worker never waits for the parent, few
# enough that memory stays flat (each holds one task's result until the parent takes it).
IN_FLIGHT_PER_JOB = 2


class WorkerError(RuntimeError):
    """A worker failed or died: what it was doing, and why (the worker's traceback chained)."""


def fork_refusal() -> str | None:
    """Why this process cannot fork workers that open their own connections, or None."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return "this platform cannot fork worker processes"
    for connection in connections.all(initialized_only=True):
        if connection.in_atomic_block:
            return "a transaction is open (worker processes could not read its writes)"
        if connection.vendor == "sqlite" and connection.is_in_memory_db():
            return "the SQLite database is in memory (worker processes could not open it)"
    return None


def ordered_map(
    task: Callable[[T], R],
    items: Iterable[T],
    *,
    jobs: int,
    start: Callable[[], None] | None = None,
    describe: Callable[[T], str] = repr,
) -> Iterator[R]:
    """task(item) for each item, run in `jobs` forked worker processes, yielded in the items'
    order; at most IN_FLIGHT_PER_JOB × jobs items are taken from `items` ahead of the one
    yielded. start() runs once in each worker before its first task. task must be a
    module-level function (it is pickled by name), items and results picklable.

    WorkerError when a task raises (its traceback chained) or a worker dies; the tasks not
    yet started are cancelled and the workers stopped before it is raised."""
    refusal = fork_refusal()
    if refusal:
        raise WorkerError(f"cannot run {jobs} worker processes: {refusal}")
    connections.close_all()
    fork = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(jobs, mp_context=fork, initializer=_started, initargs=(start,))
    try:
        # The first task forks every worker, while the parent holds no connection: the walk
        # behind `items` opens the parent's again.
        pool.submit(_ready).result()
        pending: deque[tuple[T, Future]] = deque()
        for item in items:
            if len(pending) >= IN_FLIGHT_PER_JOB * jobs:
                yield _result(*pending.popleft(), describe)
            pending.append((item, pool.submit(task, item)))
        while pending:
            yield _result(*pending.popleft(), describe)
    except BrokenProcessPool as exc:  # From submit(), once a worker has died.
        raise WorkerError(f"a worker process died (killed, or out of memory?): {exc}") from exc
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _result(item, future: Future, describe: Callable) -> object:
    try:
        return future.result()
    except BrokenProcessPool as exc:
        raise WorkerError(
            f"a worker process died (killed, or out of memory?) before {describe(item)} was done"
        ) from exc
    except Exception as exc:
        failure = f"{type(exc).__name__}: {exc}"
        raise WorkerError(f"a worker failed on {describe(item)}: {failure}") from exc


def _started(start: Callable[[], None] | None) -> None:
    # Run by multiprocessing as a worker exits normally: a PostgreSQL session ended cleanly.
    Finalize(None, connections.close_all, exitpriority=10)
    if start is not None:
        start()


def _ready() -> None:
    """A task that does nothing: submitting it forks the pool's workers."""
