"""One import at a time per database: a second waits for the first to finish."""

# An import reads the names it knows (actors, places, types, stub articles) and the records it
# holds once, when it starts, and plans each chunk against them: two imports planning at once
# would both create a name or an event the other is creating, and the one that commits second
# would stop on a unique key. Imports are long bulk writes that one writer serves best anyway
# (SQLite has one), so the second waits for the first and then starts from what it wrote.

import fcntl
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

# PostgreSQL's advisory lock key: a fixed number of this lock's own (64-bit, signed).
_KEY = int.from_bytes(hashlib.blake2b(b"conflicttracker import", digest_size=8).digest(), "big")
_KEY -= 2**63


class ImportRunning(Exception):
    """Another import holds the lock and the caller would not wait for it."""


@contextmanager
def one_import_at_a_time(*, wait: bool = True) -> Iterator[None]:
    """Held for the whole import: PostgreSQL's session advisory lock, or on SQLite a lock on a
    file beside the database (released by the system if the process dies). wait=False (a web
    request) raises ImportRunning at once instead of waiting for another import to end."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            if wait:
                cursor.execute("SELECT pg_advisory_lock(%s)", [_KEY])
            else:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [_KEY])
                if not cursor.fetchone()[0]:
                    raise ImportRunning
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [_KEY])
        return
    path = _lock_path()
    if path is None:
        yield  # An in-memory database: one process, no other importer can see it.
        return
    # Read-only is enough to lock: the file made by one user (the command line) can be locked
    # by another (the web server's) that may not write it.
    descriptor = os.open(path, os.O_RDONLY | os.O_CREAT, 0o666)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ImportRunning from None
        yield
    finally:
        os.close(descriptor)  # Closing releases the lock.


def _lock_path() -> Path | None:
    name = str(connection.settings_dict["NAME"])
    if not name or name == ":memory:" or "mode=memory" in name:
        return None
    if name.startswith("file:"):
        name = name[len("file:") :].split("?", 1)[0]
    return Path(f"{name}-import.lock")
