"""Shared fixtures: editors with and without the publish permission, API clients, the loaded
seeds (per test or once per module), a fresh anonymous throttle per test, the page cache
on demand and two published events to edit."""

import datetime

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.db import transaction
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from events.permissions import EDITOR_GROUP, PUBLISHER_GROUP
from events.seeding import load_seeds
from tests.factories import EventFactory, EventSourceFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2's deliberate slowness buys nothing in tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """The anonymous throttle (API and pages) counts in the cache: each test starts clean."""
    cache.clear()
    yield
    cache.clear()


def _staff(username: str, *groups: str) -> User:
    user = User.objects.create_user(username=username, password="pw-for-tests-only", is_staff=True)
    user.groups.add(*Group.objects.filter(name__in=groups))
    return user


@pytest.fixture
def editor(db) -> User:
    """A member of the Editor group: curates, sends for review, cannot publish."""
    return _staff("ed", EDITOR_GROUP)


@pytest.fixture
def second_editor(db) -> User:
    """Another member of the Editor group, for two people editing one record."""
    return _staff("ed2", EDITOR_GROUP)


@pytest.fixture
def publisher(db) -> User:
    """An editor who may also publish and retract."""
    return _staff("pub", EDITOR_GROUP, PUBLISHER_GROUP)


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def editor_api(editor) -> APIClient:
    """An editor authenticated by token, as scripts are."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=editor).key}")
    return client


@pytest.fixture
def seeded(db):
    """The curated seed data, loaded as `make demo` loads it."""
    return load_seeds(settings.BASE_DIR / "fixtures", base_dir=settings.BASE_DIR)


@pytest.fixture(scope="module")
def module_seeds(django_db_setup, django_db_blocker):
    """Seeds inside a transaction that spans the module; each test's own transaction nests in
    it (a savepoint), so a test's writes roll back to the seeds and the module's to nothing."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            report = load_seeds(settings.BASE_DIR / "fixtures", base_dir=settings.BASE_DIR)
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield report
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def page_cache(settings):
    """The page cache on, in local memory, emptied before and after."""
    settings.RESPONSE_CACHE_SECONDS = 300
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def two_published(db):
    """Two published events, each with a source: one to edit late, one to edit meanwhile."""
    late = EventFactory(status="published", headline="Old headline")
    other = EventFactory(
        status="published",
        headline="Other event",
        date_earliest=datetime.date(2015, 1, 1),
        date_latest=datetime.date(2015, 1, 1),
    )
    for event in (late, other):
        EventSourceFactory(event=event)
    return late, other
