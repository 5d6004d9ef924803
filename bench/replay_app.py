"""Every case's limit: a bare WSGI app running the very SQL the project ran for that page."""

# Serve with:
#   DATABASE_URL=... REPLAY_FILE=q.json gunicorn --chdir bench -w 2 replay_app:application
# REPLAY_FILE holds {"<case>": [[sql, params], ...]}: the statements the project executed for
# one request of that case (recorded in-process by bench/tail.py through Django's
# execute_wrapper, the freshness query for the ETag included). GET /?case=<case> runs each
# statement with its parameters, fetches every row and answers them as one JSON array (orjson),
# with no framework, no filters, no entry building: what the page's SQL costs from Python on
# this machine and database, and nothing else. The project's page is reported as a ratio of it.

import json
import os
import re
import sqlite3
from urllib.parse import parse_qs

import orjson

# Django writes %s placeholders and %% for a literal percent; sqlite3 wants ?.
_PLACEHOLDER = re.compile(r"(?<!%)%s")
_connection = None
_cases: dict[str, list[tuple[str, list]]] = {}


def connect():
    url = os.environ["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        connection = sqlite3.connect(url.removeprefix("sqlite:///"), check_same_thread=False)
        # As the project's settings do: a memory map and a 64 MB page cache.
        connection.execute("PRAGMA mmap_size=1073741824")
        connection.execute("PRAGMA cache_size=-65536")
        return connection, True
    import psycopg

    # Client-side binding, as Django's psycopg backend does by default.
    connection = psycopg.connect(
        url.replace("postgres://", "postgresql://"),
        autocommit=True,
        cursor_factory=psycopg.ClientCursor,
    )
    return connection, False


def load() -> None:
    global _connection
    _connection = connect()
    sqlite = _connection[1]
    with open(os.environ["REPLAY_FILE"]) as handle:
        recorded = json.load(handle)
    for case, statements in recorded.items():
        _cases[case] = [
            (_PLACEHOLDER.sub("?", sql).replace("%%", "%") if sqlite else sql, params)
            for sql, params in statements
        ]


def application(environ, start_response):
    if _connection is None:
        load()
    case = parse_qs(environ.get("QUERY_STRING", "")).get("case", [""])[0]
    statements = _cases.get(case)
    if statements is None:
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"no such case"]
    connection = _connection[0]
    answers = [connection.execute(sql, params).fetchall() for sql, params in statements]
    body = orjson.dumps(answers, default=str)
    start_response(
        "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]
