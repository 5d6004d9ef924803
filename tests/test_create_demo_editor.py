"""create_demo_editor: a working login for the demo, never a silent takeover of an account."""

import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from events.permissions import EDITOR_GROUP, PUBLISHER_GROUP

pytestmark = pytest.mark.django_db


def _create(*args: str) -> str:
    out = StringIO()
    call_command("create_demo_editor", *args, stdout=out)
    return out.getvalue()


def _printed_login(output: str) -> tuple[str, str]:
    found = re.search(r"username '([^']+)', password '([^']+)'", output)
    assert found, output
    return found[1], found[2]


def _can_log_in(username: str, password: str) -> bool:
    request = RequestFactory().post("/admin/login/")
    return authenticate(request, username=username, password=password) is not None


def test_it_creates_a_staff_editor_and_publisher_and_prints_a_working_login():
    username, password = _printed_login(_create())
    user = User.objects.get(username=username)
    assert user.is_staff and not user.is_superuser
    assert set(user.groups.values_list("name", flat=True)) == {EDITOR_GROUP, PUBLISHER_GROUP}
    assert _can_log_in(username, password)


def test_an_existing_account_is_refused_and_left_as_it_was():
    someone = User.objects.create_user("alice", password="alice-own-password-9")
    with pytest.raises(CommandError, match="'alice' exists already; it was not changed"):
        _create("--username", "alice")
    someone.refresh_from_db()
    assert not someone.is_staff and not someone.groups.exists()
    assert _can_log_in("alice", "alice-own-password-9")


def test_force_resets_an_existing_account_and_says_so():
    User.objects.create_user("editor", password="old-password-for-tests")
    output = _create("--force")
    assert "Reset the password of the existing account 'editor'" in output
    username, password = _printed_login(output)
    assert _can_log_in(username, password)
    assert not _can_log_in("editor", "old-password-for-tests")


def test_a_weak_password_is_refused_with_the_validators_messages():
    with pytest.raises(CommandError) as refused:
        _create("--password", "1")
    message = str(refused.value)
    assert "too short" in message and "too common" in message and "entirely numeric" in message
    assert not User.objects.filter(username="editor").exists()


def test_a_password_like_the_username_is_refused():
    with pytest.raises(CommandError, match="too similar to the username"):
        _create("--username", "newsroom-editor", "--password", "newsroom-editor")


@pytest.mark.parametrize("username", ["", "bad name!", "x" * 200, "a\x00b"])
def test_a_username_the_user_model_would_refuse_is_refused_naming_the_option(username):
    with pytest.raises(CommandError, match=r"^--username: "):
        _create("--username", username, "--password", "Zq9!long-pass-23")
    assert not User.objects.exists()


def test_make_demo_runs_it_again_with_force_and_gets_working_credentials():
    _create("--force")
    username, password = _printed_login(_create("--force"))
    assert _can_log_in(username, password)
