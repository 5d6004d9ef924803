"""One import at a time per database: a second waits for the first to finish."""

# An import reads the names it knows (actors, places, types, stub articles) and the records it
# holds once, when it starts, and plans each chunk against them: two imports planning at once
# would both create a name or an event the other is creating, and the one that commits second
# would stop on a unique key. Imports are long bulk writes that one writer serves best anyway
# (SQLite has one), so the second waits for the first and then starts from what it wrote.

import fcntl
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

# PostgreSQL's advisory lock key: a fixed number of this lock's own (64-bit, signed).
_KEY = int.from_bytes(hashlib.blake2b(b"conflicttracker import", digest_size=8).digest(), "big")
_KEY -= 2**63


@contextmanager
def one_import_at_a_time() -> Iterator[None]:
    """Held for the whole import: PostgreSQL's session advisory lock, or on SQLite a lock on a
    file beside the database (released by the system if the process dies)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [_KEY])
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
    with open(path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _lock_path() -> Path | None:
    name = str(connection.settings_dict["NAME"])
    if not name or name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        return None
    return Path(f"{name}-import.lock")
