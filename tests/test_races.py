"""Real races: concurrent writers against gunicorn on SQLite and on PostgreSQL.

Each database gets a fresh copy, migrated for this module, and a gunicorn with four worker
processes (each with its own connection), driven over HTTP only. A race is made meaningful by
letting every writer read the event's ETag first and then releasing all writes at once from a
barrier: exactly one must win, every other must get a 412, and nothing may be lost.
"""

import http.cookiejar
import json
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import pytest
from django.conf import settings

from tests.browser_form import submitted

ROOT = Path(settings.BASE_DIR)
PASSWORD = "race-password-for-tests"
EXCERPT = "Government forces shelled the town on Sunday"
ARTICLE_TEXT = f"Report. {EXCERPT}, rebels said. Two people died."
WORKERS = 4

SETUP = f"""
import json
from django.contrib.auth.models import Group, User
from rest_framework.authtoken.models import Token
from events.models import Article, EventType
from events.permissions import EDITOR_GROUP, PUBLISHER_GROUP
tokens = {{}}
for name, groups in (("ed", [EDITOR_GROUP]), ("ed2", [EDITOR_GROUP]),
                     ("pub", [EDITOR_GROUP, PUBLISHER_GROUP])):
    user = User.objects.create_user(name, password={PASSWORD!r}, is_staff=True)
    user.groups.add(*Group.objects.filter(name__in=groups))
    tokens[name] = Token.objects.create(user=user).key
article = Article.objects.create(title="Report", outlet="Wire", publication_date="2016-09-06",
                                 text={ARTICLE_TEXT!r})
EventType.objects.create(name="Shelling", slug="shelling")
print(json.dumps({{"tokens": tokens, "article": article.pk}}))
"""


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # A 302 is an answer to look at, not to follow.


class Server:
    """A running gunicorn over its own database, and clients for its editors."""

    def __init__(self, base: str, tokens: dict[str, str], article: int, vendor: str):
        self.base, self.tokens, self.article, self.vendor = base, tokens, article, vendor

    def api(self, method: str, path: str, body=None, *, user: str | None, **headers) -> Answer:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if user:
            request.add_header("Authorization", f"Token {self.tokens[user]}")
        for name, value in headers.items():
            request.add_header(name.replace("_", "-"), value)
        return _send(urllib.request.build_opener(_NoRedirects), request)

    def browser(self, username: str) -> "Browser":
        browser = Browser(self.base)
        browser.log_in(username)
        return browser

    # -- the steps of the scenarios --------------------------------------------------------------

    def create_event(self, *, status: str = "draft") -> int:
        created = self.api(
            "POST",
            "/api/v1/events/",
            {
                "headline": "Shelling of the town",
                "summary": "As reported.",
                "type": "shelling",
                "when": "2016-09-04",
                "sources": [{"article": self.article, "excerpt": EXCERPT}],
            },
            user="ed",
        )
        assert created.status == 201, created.body
        pk = created.json()["id"]
        steps = {"draft": [], "review": ["review"], "published": ["review", "published"]}
        for to_status in steps[status]:
            moved = self.transition(pk, to_status, user="pub", if_match="*")
            assert moved.status == 200, moved.body
        return pk

    def etag(self, pk: int, *, user: str = "ed") -> str:
        answer = self.api("GET", f"/api/v1/events/{pk}/", user=user)
        assert answer.status == 200, answer.body
        return answer.headers["ETag"]

    def event(self, pk: int) -> dict:
        return self.api("GET", f"/api/v1/events/{pk}/", user="ed").json()

    def patch(self, pk: int, changes: dict, *, user: str = "ed", if_match: str) -> Answer:
        return self.api("PATCH", f"/api/v1/events/{pk}/", changes, user=user, If_Match=if_match)

    def transition(self, pk: int, status: str, *, user: str, if_match: str) -> Answer:
        return self.api(
            "POST",
            f"/api/v1/events/{pk}/transition/",
            {"status": status},
            user=user,
            If_Match=if_match,
        )


class Browser:
    """An editor in the admin: a session cookie, forms read from pages and posted back."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirects
        )

    def get(self, path: str) -> Answer:
        return _send(self.opener, urllib.request.Request(self.base + path))

    def post(self, path: str, form: dict[str, str]) -> Answer:
        data = urllib.parse.urlencode(form).encode()
        return _send(self.opener, urllib.request.Request(self.base + path, data=data))

    def log_in(self, username: str) -> None:
        page = self.get("/admin/login/")
        form = submitted(page.body.decode(), "login-form")
        form.update(username=username, password=PASSWORD)
        answer = self.post("/admin/login/", form)
        assert answer.status == 302, answer.body[:500]

    def open_event(self, pk: int) -> dict[str, str]:
        page = self.get(f"/admin/events/event/{pk}/change/")
        assert page.status == 200
        return submitted(page.body.decode(), "event_form")

    def save_event(self, pk: int, form: dict[str, str]) -> Answer:
        return self.post(f"/admin/events/event/{pk}/change/", {**form, "_continue": "Save"})


def _send(opener, request) -> Answer:
    try:
        with opener.open(request, timeout=60) as response:
            return Answer(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as exc:
        return Answer(exc.code, dict(exc.headers), exc.read())


def all_at_once(*calls):
    """Run the calls in threads released together by a barrier; their answers, in order."""
    barrier = threading.Barrier(len(calls))
    answers: list = [None] * len(calls)

    def run(position, call):
        barrier.wait()
        answers[position] = call()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


# -- the servers ---------------------------------------------------------------------------------


def _postgres_server_url() -> str:
    """The PostgreSQL server the suite uses (its maintenance database), or the CI default."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = os.environ.get("RACE_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path="/postgres"))


def _postgres_database(name: str):
    import psycopg

    server = _postgres_server_url()
    try:
        admin = psycopg.connect(server, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"no PostgreSQL server at {server} for the race tests: {exc}")
    admin.execute(f'CREATE DATABASE "{name}"')
    url = urllib.parse.urlunsplit(urllib.parse.urlsplit(server)._replace(path=f"/{name}"))

    def drop():
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()

    return url, drop


def _run(command: list[str], env: dict) -> str:
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        pytest.fail(f"{' '.join(command[1:3])} failed:\n{done.stderr[-4000:]}")
    return done.stdout


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(request, tmp_path_factory):
    vendor = request.param
    name = f"ct_race_{os.getpid()}_{secrets.token_hex(3)}"
    folder = tmp_path_factory.mktemp(f"race_{vendor}")
    if vendor == "sqlite":
        url, drop = f"sqlite:///{folder / 'race.sqlite3'}", None
    else:
        url, drop = _postgres_database(name)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1",
        "API_ANON_RATE": "100000/minute",
        "DJANGO_SETTINGS_MODULE": "conflicttracker.settings",
    }
    python = sys.executable
    manage = [python, str(ROOT / "manage.py")]
    gunicorn = None
    try:
        _run([*manage, "migrate", "--noinput"], env)
        setup = json.loads(_run([*manage, "shell", "-c", SETUP], env).strip().splitlines()[-1])
        log = folder / "gunicorn.log"
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        gunicorn = subprocess.Popen(
            [
                python, "-m", "gunicorn", "conflicttracker.wsgi:application",
                "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS), "--timeout", "60",
            ],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log.open("wb"),
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        ready = Server(base, setup["tokens"], setup["article"], vendor)
        for _ in range(100):
            try:
                if ready.api("GET", "/api/v1/", user=None).status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        else:
            pytest.fail(f"gunicorn did not start: {log.read_text()[-4000:]}")
        yield ready
    finally:
        if gunicorn is not None:
            gunicorn.terminate()
            gunicorn.wait(timeout=30)
        if drop is not None:
            drop()


# -- API races -----------------------------------------------------------------------------------


def _one_winner(answers) -> tuple[int, list[int]]:
    statuses = [answer.status for answer in answers]
    assert sorted(statuses) == [200] + [412] * (len(statuses) - 1), statuses
    winner = statuses.index(200)
    return winner, [i for i in range(len(statuses)) if i != winner]


def test_two_patches_of_different_fields_one_wins_the_other_retries_and_both_stay(server):
    pk = server.create_event()
    tag = server.etag(pk)
    changes = [{"headline": "Headline by ed"}, {"summary": "Summary by ed2"}]
    answers = all_at_once(
        lambda: server.patch(pk, changes[0], user="ed", if_match=tag),
        lambda: server.patch(pk, changes[1], user="ed2", if_match=tag),
    )
    winner, (loser,) = _one_winner(answers)
    refused = answers[loser].json()
    # The 412 shows the winner's change and the ETag to retry against.
    assert refused["current"][next(iter(changes[winner]))] == next(iter(changes[winner].values()))
    retried = server.patch(pk, changes[loser], user="ed", if_match=answers[loser].headers["ETag"])
    assert retried.status == 200
    event = server.event(pk)
    assert (event["headline"], event["summary"]) == ("Headline by ed", "Summary by ed2")


def test_two_patches_of_the_same_field_the_loser_sees_the_winners_value(server):
    pk = server.create_event()
    tag = server.etag(pk)
    values = ["Headline by ed", "Headline by ed2"]
    answers = all_at_once(
        *(
            lambda value=value: server.patch(pk, {"headline": value}, if_match=tag)
            for value in values
        )
    )
    winner, (loser,) = _one_winner(answers)
    assert answers[loser].json()["current"]["headline"] == values[winner]
    assert server.event(pk)["headline"] == values[winner]


def test_an_edit_racing_a_retraction_never_undoes_it(server):
    pk = server.create_event(status="published")
    since = datetime.now(UTC).isoformat()
    tag = server.etag(pk)
    edit, retract = all_at_once(
        lambda: server.patch(pk, {"headline": "Edited meanwhile"}, if_match=tag),
        lambda: server.transition(pk, "retracted", user="pub", if_match=tag),
    )
    _one_winner([edit, retract])
    if retract.status == 412:
        # The edit won; the publisher sees it and retracts the current version.
        again = server.transition(pk, "retracted", user="pub", if_match=retract.headers["ETag"])
        assert again.status == 200
    else:
        # The retraction won; the stale edit changed nothing, and a forced one keeps the status.
        assert server.event(pk)["headline"] == "Shelling of the town"
        forced = server.patch(pk, {"headline": "Edited after"}, if_match="*")
        assert forced.status == 200 and forced.json()["status"] == "retracted"
    event = server.event(pk)
    assert event["status"] == "retracted"
    removed = server.api(
        "GET", f"/api/v1/events/removed/?since={urllib.parse.quote(since)}", user=None
    ).json()["results"]
    assert [(row["id"], row["reason"]) for row in removed] == [(pk, "retracted")]
    assert server.api("GET", f"/api/v1/events/{pk}/", user=None).status == 404


def test_a_burst_of_writers_gives_exactly_one_winner_a_round_and_loses_nothing(server):
    """Rounds of four writers from the same ETag: three edits and a status change."""
    pk = server.create_event()
    expected = server.event(pk)
    winners = Counter()
    for round_number in range(8):
        tag = server.etag(pk)
        to_status = "review" if expected["status"] == "draft" else "draft"
        writes = {
            "headline": partial(server.patch, pk, {"headline": f"Headline {round_number}"}),
            "summary": partial(
                server.patch, pk, {"summary": f"Summary {round_number}"}, user="ed2"
            ),
            "fatalities": partial(server.patch, pk, {"fatalities_best": round_number}),
            "status": partial(server.transition, pk, to_status, user="pub"),
        }
        answers = all_at_once(*(partial(write, if_match=tag) for write in writes.values()))
        winner, _losers = _one_winner(answers)
        name = list(writes)[winner]
        winners[name] += 1
        if name == "headline":
            expected["headline"] = f"Headline {round_number}"
        elif name == "summary":
            expected["summary"] = f"Summary {round_number}"
        elif name == "fatalities":
            expected["fatalities"]["best"] = round_number
        else:
            expected["status"] = to_status
        event = server.event(pk)
        for key in ("headline", "summary", "fatalities", "status"):
            assert event[key] == expected[key], (round_number, name, key)
        # One write a round: created at version 1, so round n leaves version n + 2.
        assert server.etag(pk).startswith(f'"{pk}-v{round_number + 2}-')
    assert sum(winners.values()) == 8
    print(f"\n{server.vendor}: 8 rounds of 4 writers, winners {dict(winners)}")


def test_writers_that_overwrite_whatever_is_there_still_lose_no_field(server):
    """If-Match: * from four writers at once, each on its own field: all four stay."""
    pk = server.create_event()
    changes = [
        {"headline": "Headline by one"},
        {"summary": "Summary by two"},
        {"fatalities_best": 4},
        {"date_display": "Sunday 4 Sep 2016"},
    ]
    answers = all_at_once(
        *(lambda change=change: server.patch(pk, change, if_match="*") for change in changes)
    )
    assert [answer.status for answer in answers] == [200] * 4
    event = server.event(pk)
    assert event["headline"] == "Headline by one"
    assert event["summary"] == "Summary by two"
    assert event["fatalities"]["best"] == 4
    assert event["date"]["display"] == "Sunday 4 Sep 2016"
    # Four saves, four versions: each one read the row as the previous left it.
    assert server.etag(pk).startswith(f'"{pk}-v5-')


# -- admin races ---------------------------------------------------------------------------------


def test_two_stale_admin_forms_the_second_save_is_refused_and_the_first_headline_kept(server):
    pk = server.create_event()
    ed, ed2 = server.browser("ed"), server.browser("ed2")
    first, second = ed.open_event(pk), ed2.open_event(pk)
    saved = ed.save_event(pk, {**first, "headline": "Headline by ed"})
    assert saved.status == 302
    refused = ed2.save_event(pk, {**second, "headline": "Headline by ed2"})
    assert refused.status == 200
    page = refused.body.decode()
    assert "Someone saved this event after you opened this form" in page
    assert "“Shelling of the town” → “Headline by ed”" in page
    assert server.event(pk)["headline"] == "Headline by ed"
    # Saving the shown form again is a decision made knowing ed's change: it goes through.
    assert ed2.save_event(pk, submitted(page, "event_form")).status == 302
    assert server.event(pk)["headline"] == "Headline by ed2"


def test_two_admin_forms_saved_at_once_exactly_one_goes_through(server):
    pk = server.create_event()
    ed, ed2 = server.browser("ed"), server.browser("ed2")
    first, second = ed.open_event(pk), ed2.open_event(pk)
    answers = all_at_once(
        lambda: ed.save_event(pk, {**first, "headline": "Headline by ed"}),
        lambda: ed2.save_event(pk, {**second, "summary": "Summary by ed2"}),
    )
    assert sorted(answer.status for answer in answers) == [200, 302]
    refused = next(answer for answer in answers if answer.status == 200)
    assert "Someone saved this event after you opened this form" in refused.body.decode()
    event = server.event(pk)
    won_by_ed = answers[0].status == 302
    assert event["headline"] == ("Headline by ed" if won_by_ed else "Shelling of the town")
    assert event["summary"] == ("As reported." if won_by_ed else "Summary by ed2")
