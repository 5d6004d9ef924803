"""Production settings from the environment: the documented environment passes `check --deploy`,
no secret-key fallback, HTTPS and proxy settings, the CSP header, login lockout, rate limits."""

import json
import os
import re
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import override_settings
from rest_framework.throttling import AnonRateThrottle

DOCS = settings.BASE_DIR / "docs" / "deployment.md"


def documented_environment() -> dict[str, str]:
    """The production environment block of docs/deployment.md, as variables."""
    text = DOCS.read_text()
    block = re.search(r"<!-- production-environment.*?-->\n```sh\n(.*?)```", text, re.S)
    assert block, "docs/deployment.md lost its production environment block"
    lines = [line for line in block[1].splitlines() if line and not line.startswith("#")]
    return dict(line.split("=", 1) for line in lines)


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """manage.py in a fresh process with exactly this environment (and a PATH)."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={"PATH": os.environ.get("PATH", ""), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _settings_under(env: dict[str, str], *names: str) -> dict:
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}, default=str))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={
            "PATH": os.environ.get("PATH", ""),
            "DJANGO_SETTINGS_MODULE": "conflicttracker.settings",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


# --- The environment ------------------------------------------------------------------------


def test_the_documented_production_environment_passes_check_deploy_without_a_warning(tmp_path):
    env = documented_environment()
    env["SECRET_KEY"] = secrets.token_urlsafe(50)  # The document's is a placeholder.
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'deploy.sqlite3'}"
    env["DJANGO_SETTINGS_MODULE"] = "conflicttracker.settings"
    done = _run(env, "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout, done.stdout + done.stderr


def test_the_documented_environment_names_every_setting_it_documents():
    names = set(documented_environment())
    table = set(re.findall(r"^\| `([A-Z_]+)` \|", DOCS.read_text(), re.M))
    assert names == table


def test_without_debug_and_without_a_key_nothing_starts_and_the_message_says_why(tmp_path):
    env = {
        "DJANGO_SETTINGS_MODULE": "conflicttracker.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
    }
    done = _run(env, "check")
    assert done.returncode != 0
    assert "SECRET_KEY is not set. With DEBUG off (production)" in done.stderr
    # With DEBUG on, the development key (as make demo runs).
    assert _run({**env, "DEBUG": "true"}, "check").returncode == 0


def test_without_a_key_a_command_that_writes_data_does_not_start(tmp_path):
    env = {
        "DJANGO_SETTINGS_MODULE": "conflicttracker.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
    }
    done = _run(env, "migrate", "--plan")
    assert done.returncode != 0
    assert "SECRET_KEY is not set" in done.stderr


def test_without_a_key_the_schema_check_runs_and_finds_every_migration(tmp_path):
    env = {
        "DJANGO_SETTINGS_MODULE": "conflicttracker.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
    }
    done = _run(env, "makemigrations", "--check", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "No changes detected" in done.stdout


def test_https_and_proxy_settings_come_from_the_environment():
    env = documented_environment() | {"SECRET_KEY": secrets.token_urlsafe(50)}
    found = _settings_under(
        env,
        "SECURE_PROXY_SSL_HEADER",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SESSION_COOKIE_SECURE",
        "CSRF_TRUSTED_ORIGINS",
        "REST_FRAMEWORK",
        "AXES_FAILURE_LIMIT",
    )
    assert found["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert found["SECURE_SSL_REDIRECT"] is True and found["SECURE_HSTS_SECONDS"] == 31536000
    assert found["SESSION_COOKIE_SECURE"] is True
    assert found["CSRF_TRUSTED_ORIGINS"] == ["https://conflicts.example.org"]
    assert found["REST_FRAMEWORK"]["NUM_PROXIES"] == 1
    assert found["AXES_FAILURE_LIMIT"] == 5


def test_by_default_no_proxy_is_trusted():
    found = _settings_under({"DEBUG": "true"}, "REST_FRAMEWORK", "SECURE_PROXY_SSL_HEADER")
    assert found["REST_FRAMEWORK"]["NUM_PROXIES"] == 0
    assert found["SECURE_PROXY_SSL_HEADER"] is None


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("NUM_PROXIES", "one"),
        ("NUM_PROXIES", "-1"),
        ("SECURE_HSTS_SECONDS", "٣٦٠٠"),
        ("SECURE_SSL_REDIRECT", "sure"),
        ("SECURE_PROXY_SSL_HEADER", "https"),
        ("LOGIN_FAILURE_LIMIT", "0"),
    ],
)
def test_a_bad_value_stops_the_start_naming_the_variable(name, value):
    done = _run({"DEBUG": "true", "DJANGO_SETTINGS_MODULE": "conflicttracker.settings"}, "check")
    assert done.returncode == 0, done.stderr
    done = _run(
        {"DEBUG": "true", "DJANGO_SETTINGS_MODULE": "conflicttracker.settings", name: value},
        "check",
    )
    assert done.returncode != 0 and name in done.stderr.splitlines()[-1]


# --- Content-Security-Policy -----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/api/v1/timeline/", "/api/v1/docs/", "/admin/login/"])
def test_every_response_carries_the_policy(client, url):
    policy = client.get(url)["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


# --- Login lockout (django-axes) ---------------------------------------------------------------


def _login(client, password: str, *, address: str = "203.0.113.7"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "ed", "password": password},
        REMOTE_ADDR=address,
    )


@pytest.mark.django_db
@override_settings(AXES_FAILURE_LIMIT=3)
def test_after_the_limit_of_wrong_passwords_even_the_right_one_is_refused(client):
    User.objects.create_user("ed", password="the-right-password-1", is_staff=True)
    for _ in range(2):
        assert _login(client, "wrong").status_code == 200  # The form again, with its error.
    locked = _login(client, "wrong")
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    assert _login(client, "the-right-password-1").status_code == 429
    # Another address is not locked out: a lockout is no way to shut an editor out remotely.
    assert _login(client, "the-right-password-1", address="198.51.100.9").status_code == 302


@pytest.mark.django_db
@override_settings(AXES_FAILURE_LIMIT=3)
def test_a_rotating_forwarded_for_header_does_not_escape_the_lockout(client):
    User.objects.create_user("ed", password="the-right-password-1", is_staff=True)
    for n in range(3):
        client.post(
            "/admin/login/",
            {"username": "ed", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}",
        )
    response = client.post(
        "/admin/login/",
        {"username": "ed", "password": "the-right-password-1"},
        HTTP_X_FORWARDED_FOR="10.0.0.99",
    )
    assert response.status_code == 429


@pytest.mark.django_db
@override_settings(AXES_FAILURE_LIMIT=3)
def test_a_successful_login_clears_the_count(client):
    User.objects.create_user("ed", password="the-right-password-1", is_staff=True)
    for _ in range(2):
        _login(client, "wrong")
    assert _login(client, "the-right-password-1").status_code == 302
    client.logout()
    for _ in range(2):
        _login(client, "wrong")
    assert _login(client, "the-right-password-1").status_code == 302


@pytest.mark.django_db
@override_settings(AXES_FAILURE_LIMIT=3)
def test_a_login_without_a_request_is_not_counted_and_still_checks_the_password(client):
    User.objects.create_user("ed", password="the-right-password-1", is_staff=True)
    assert not client.login(username="ed", password="wrong")
    assert client.login(username="ed", password="the-right-password-1")


# --- Rate limits and the proxy count ----------------------------------------------------------


@pytest.fixture
def three_a_minute(monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})


@pytest.mark.django_db
def test_a_rotating_forwarded_for_header_does_not_escape_the_anonymous_throttle(
    client, three_a_minute
):
    statuses = [
        client.get("/api/v1/event-types/", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code
        for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]


@pytest.mark.django_db
def test_behind_one_proxy_the_address_it_saw_is_the_client(client, three_a_minute):
    rest_framework = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    with override_settings(REST_FRAMEWORK=rest_framework):
        # The proxy appends the address it saw: a client's own entries come before it.
        spoofed = [
            client.get(
                "/api/v1/event-types/", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, 192.0.2.1"
            ).status_code
            for n in range(4)
        ]
        other = client.get("/api/v1/event-types/", HTTP_X_FORWARDED_FOR="192.0.2.2")
    assert spoofed == [200, 200, 200, 429]
    assert other.status_code == 200


@pytest.mark.django_db
def test_the_public_pages_share_the_anonymous_budget_and_answer_a_429_page(client, three_a_minute):
    assert client.get("/api/v1/event-types/").status_code == 200
    assert client.get("/").status_code == 200
    assert client.get("/actors/nobody/").status_code == 404
    page = client.get("/")
    assert page.status_code == 429
    assert int(page["Retry-After"]) >= 1
    assert "Too many requests from your address" in page.content.decode()
    assert client.get("/api/v1/event-types/").status_code == 429


@pytest.mark.django_db
def test_signed_in_editors_are_not_throttled_on_the_pages(client, editor, three_a_minute):
    client.force_login(editor)
    assert {client.get("/").status_code for _ in range(5)} == {200}
