"""Fuzz a real server: hostile values in every parameter of the API, pages and admin; count 5xx."""

# Reproduce (from the project root, after `make test` or `make demo` made .venv):
#   .venv/bin/python bench/fuzz.py --database sqlite
#   .venv/bin/python bench/fuzz.py --database postgres
#
# A fresh database (a temporary SQLite file, or the PostgreSQL database ct_hardening_fuzz on
# 127.0.0.1, created for the run and dropped after it) gets the migrations, the seeds and an
# editor with a token. gunicorn (2 sync workers, DEBUG off, the anonymous throttle lifted)
# serves it. The requests are those of tests/fuzzing.py: first every HOSTILE value in every
# parameter of every endpoint (the API from its OpenAPI schema, the public pages, the admin
# lists and object pages), each sent anonymous and as the editor (the admin as the editor
# only), then --random hypothesis combinations, half and half. Every body is read to its end,
# so an export that breaks while it streams counts too. It prints the counts by status class,
# each 5xx request with the server's traceback, and exits 1 if there was any.

import argparse
import http.client
import http.cookiejar
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
POSTGRES = "postgres://postgres@127.0.0.1:5432"
FUZZ_DATABASE = "ct_hardening_fuzz"
EDITOR = "fuzz-editor"


def _postgres(*statements: str) -> None:
    import psycopg

    with psycopg.connect(f"{POSTGRES.replace('postgres://', 'postgresql://')}/postgres") as c:
        c.autocommit = True
        for statement in statements:
            c.execute(statement)


def drop_postgres_database() -> None:
    _postgres(f'DROP DATABASE IF EXISTS "{FUZZ_DATABASE}" WITH (FORCE)')


def prepare(database: str, workdir: Path) -> dict[str, str]:
    """A fresh database with the seeds; the environment the server runs in."""
    if database == "sqlite":
        url = f"sqlite:///{workdir / 'fuzz.sqlite3'}"
    else:
        drop_postgres_database()
        _postgres(f'CREATE DATABASE "{FUZZ_DATABASE}"')
        url = f"{POSTGRES}/{FUZZ_DATABASE}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "conflicttracker.settings",
        "DATABASE_URL": url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        # Lifted: the throttle would answer most anonymous requests with a 429.
        "API_ANON_RATE": "100000000/second",
        "LOGIN_FAILURE_LIMIT": "1000",
        "LOG_LEVEL": "ERROR",
    }
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    for command in (["migrate", "-v0"], ["load_seeds"]):
        subprocess.run([*manage, *command], env=env, check=True, stdout=subprocess.DEVNULL)
    return env


def serve(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "--chdir",
        str(BASE_DIR),
        "--workers",
        "2",
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "120",
        "conflicttracker.wsgi",
    ]
    server = subprocess.Popen(command, env=env, stderr=log.open("w"), stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit(f"gunicorn did not start on port {port}; see {log}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """urllib, without following redirects; as the editor, a session cookie and a token."""

    def __init__(self, base: str, *, token: str | None = None, jar=None):
        self.base, self.token = base, token
        handlers = [_NoRedirect()]
        if jar is not None:
            handlers.append(urllib.request.HTTPCookieProcessor(jar))
        self.opener = urllib.request.build_opener(*handlers)

    def send(self, request) -> int:
        """The status; 0 when no full answer came (a dropped connection, a broken stream)."""
        headers = {"Content-Type": request.content_type} if request.content_type else {}
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        if request.if_match is not None:
            headers["If-Match"] = request.if_match
        outgoing = urllib.request.Request(
            self.base + request.url, data=request.body, headers=headers, method=request.method
        )
        try:
            with self.opener.open(outgoing, timeout=120) as response:
                response.read()
                return response.status
        except urllib.error.HTTPError as error:
            error.read()
            return error.code
        except (http.client.HTTPException, OSError):
            return 0


def editor_clients(base: str, env: dict[str, str]) -> Client:
    """The editor (Editor and Publisher groups), signed in through the admin's login form for
    the pages and admin, with a token for the API's writes."""
    password = secrets.token_urlsafe(16)
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    subprocess.run(
        # "--password=…" in one word: a generated password may start with "-".
        [*manage, "create_demo_editor", "--force", "--username", EDITOR, f"--password={password}"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    created = subprocess.run(
        [*manage, "drf_create_token", EDITOR], env=env, check=True, capture_output=True, text=True
    )
    token = re.search(r"([0-9a-f]{40})", created.stdout)[1]
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(f"{base}/admin/login/").read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
    body = urllib.parse.urlencode(
        {"username": EDITOR, "password": password, "csrfmiddlewaretoken": csrf, "next": "/admin/"}
    ).encode()
    opener.open(urllib.request.Request(f"{base}/admin/login/", data=body)).read()
    assert any(cookie.name == "sessionid" for cookie in jar), "the editor could not sign in"
    return Client(base, token=token, jar=jar)


def build_requests(base: str, env: dict[str, str], random_count: int, seed: int) -> list:
    """(audience, request) pairs: the sweep of every HOSTILE value, then random ones."""
    os.environ.update({key: env[key] for key in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")})
    os.environ.update({key: env[key] for key in ("SECRET_KEY", "DEBUG")})
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.contrib import admin
    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as hypothesis_seed
    from hypothesis import strategies as st

    from events.chronology.query import ChronologyFilterSet
    from tests.fuzzing import (
        HOSTILE,
        admin_endpoints,
        api_endpoints,
        page_endpoints,
        requests,
        sweep,
        vocabulary_from_database,
    )

    with urllib.request.urlopen(f"{base}/api/v1/schema/?format=json") as response:
        schema = json.loads(response.read())
    vocabulary = vocabulary_from_database()
    public = api_endpoints(schema) + page_endpoints(list(ChronologyFilterSet.base_filters))
    editors_only = admin_endpoints(admin.site)
    pairs = [
        (audience, request)
        for request in sweep(public, vocabulary, HOSTILE)
        for audience in ("anonymous", "editor")
    ]
    pairs += [("editor", request) for request in sweep(editors_only, vocabulary, HOSTILE)]

    drawn: list = []

    @hypothesis_seed(seed)
    @settings(
        max_examples=random_count,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def draw(data):
        drawn.append(data.draw(requests(public + editors_only, vocabulary)))

    draw()
    pairs += [("editor" if n % 2 else "anonymous", request) for n, request in enumerate(drawn)]
    return pairs


def _surface(url: str) -> str:
    return "api" if url.startswith("/api/") else "admin" if url.startswith("/admin/") else "page"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--random", type=int, default=3000, help="hypothesis requests (3000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--clients", type=int, default=4, help="concurrent requests (4)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="ct-fuzz-") as work:
        workdir = Path(work)
        env = prepare(args.database, workdir)
        log = workdir / "server.log"
        server = serve(env, args.port, log)
        base = f"http://127.0.0.1:{args.port}"
        try:
            clients = {"anonymous": Client(base), "editor": editor_clients(base, env)}
            pairs = build_requests(base, env, args.random, args.seed)
            started = time.perf_counter()
            with ThreadPoolExecutor(args.clients) as pool:
                statuses = list(
                    pool.map(lambda pair: clients[pair[0]].send(pair[1]), pairs, chunksize=50)
                )
            elapsed = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(timeout=30)
            if args.database == "postgres":
                drop_postgres_database()
        errors = log.read_text()

    classes = Counter("none" if s == 0 else f"{s // 100}xx" for s in statuses)
    audiences = Counter(audience for audience, _ in pairs)
    by_surface = Counter(
        (_surface(request.url), audience, "none" if s == 0 else f"{s // 100}xx")
        for (audience, request), s in zip(pairs, statuses, strict=True)
    )
    failed = [(pair, s) for pair, s in zip(pairs, statuses, strict=True) if s == 0 or s >= 500]
    print(
        f"fuzz ({args.database}): {len(pairs):,} requests "
        f"(anonymous {audiences['anonymous']:,}, editor {audiences['editor']:,}) "
        f"in {elapsed:.0f} s against gunicorn, 2 workers"
    )
    print(
        "  "
        + " · ".join(f"{name} {classes[name]:,}" for name in ("2xx", "3xx", "4xx", "5xx", "none"))
    )
    for surface in ("api", "page", "admin"):
        for audience in ("anonymous", "editor"):
            counts = {k[2]: n for k, n in by_surface.items() if k[:2] == (surface, audience)}
            if counts:
                shown = " · ".join(f"{name} {counts[name]:,}" for name in sorted(counts))
                print(f"    {surface:5} {audience:9} {sum(counts.values()):>6,}: {shown}")
    print(f"  5xx or no answer: {len(failed)}")
    for (audience, request), status in failed[:30]:
        print(f"  {status or 'no answer'} {audience} {request.method} {request.url[:200]}")
    if failed:
        print("Server log (tracebacks):")
        print(errors[-20000:])
    print(
        f"Reproduce: .venv/bin/python bench/fuzz.py --database {args.database} "
        f"--random {args.random} --seed {args.seed}"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
