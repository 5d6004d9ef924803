"""The shared page cache: anonymous JSON pages under their ETag, in local memory and in a real
Redis; never a stale page after a write, never an editor's page."""

import os
import socket

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.helpers import D, day, with_actor, with_source
from tests.factories import ActorFactory, EventFactory

pytestmark = pytest.mark.django_db

TIMELINE = "/api/v1/timeline/"
EVENTS = "/api/v1/events/"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_is_up() -> bool:
    host, port = "127.0.0.1", 6379
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(params=["locmem", "redis"])
def backend(request, settings):
    """Each test runs on the local-memory cache and on Redis (CI starts redis-server)."""
    if request.param == "redis":
        if not redis_is_up():
            if os.environ.get("CI", "").lower() == "true":
                pytest.fail("CI: no Redis on 127.0.0.1:6379 (.ci/run starts one)", pytrace=False)
            pytest.skip("no Redis on 127.0.0.1:6379")
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": REDIS_URL,
            }
        }
    settings.RESPONSE_CACHE_SECONDS = 300
    cache.clear()
    yield request.param
    cache.clear()


def queries_of(client, url: str, **headers):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **headers)
        if response.streaming:  # An export's queries run as its body is read.
            assert b"".join(response.streaming_content)
    assert response.status_code == 200, response.content[:300]
    return response, len(captured)


@pytest.mark.parametrize("url", [TIMELINE, f"{TIMELINE}?start=2016-09", EVENTS])
def test_a_repeated_anonymous_page_is_served_from_the_cache_for_one_query(backend, api, url):
    with_source(with_actor(day(D(2016, 9, 4)), ActorFactory()))
    first, computed = queries_of(api, url)
    again, cached = queries_of(api, url)
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert again["Content-Type"] == first["Content-Type"]
    # The freshness query (the ETag) and nothing else; a computed page reads its rows too.
    assert cached == 1
    assert computed >= 4


def test_the_redis_backend_holds_the_page(backend, api):
    if backend != "redis":
        pytest.skip("Redis only")
    import redis

    day(D(2016, 9, 4))
    api.get(TIMELINE)
    keys = redis.Redis.from_url(REDIS_URL).keys("*page:*")
    assert len(keys) == 1


def test_a_write_moves_the_etag_and_the_next_reader_sees_it(backend, api):
    event = with_source(day(D(2016, 9, 4), headline="First report"))
    first = api.get(TIMELINE)
    assert first.json()["results"][0]["headline"] == "First report"
    event.headline = "Corrected report"
    event.save()
    second = api.get(TIMELINE)
    assert second["ETag"] != first["ETag"]
    assert second.json()["results"][0]["headline"] == "Corrected report"
    # And the corrected page is what the cache now serves.
    _, cached = queries_of(api, TIMELINE)
    assert cached == 1


def test_a_renamed_actor_is_never_hidden_by_a_cached_page(backend, api):
    actor = ActorFactory(name="Old name")
    with_actor(day(D(2016, 9, 4)), actor)
    api.get(TIMELINE)
    actor.name = "New name"
    actor.save()
    assert api.get(TIMELINE).json()["results"][0]["actors"][0]["name"] == "New name"


def test_editors_neither_read_nor_fill_the_cache(backend, api, editor_api):
    day(D(2016, 9, 4))
    EventFactory(status="draft", date_earliest=D(2016, 9, 5), date_latest=D(2016, 9, 5))
    anonymous, _ = queries_of(api, EVENTS)
    editor, computed = queries_of(editor_api, EVENTS)
    assert computed > 1
    assert len(editor.json()["results"]) == 2
    assert len(anonymous.json()["results"]) == 1
    # An editor's page is not stored: a second editor read computes it again.
    _, again = queries_of(editor_api, EVENTS)
    assert again == computed


def test_pages_for_other_hosts_are_kept_apart(backend, api, settings):
    settings.ALLOWED_HOSTS = ["testserver", "mirror.example.org"]
    event = day(D(2016, 9, 4))
    here = api.get(TIMELINE).json()
    there = api.get(TIMELINE, HTTP_HOST="mirror.example.org").json()
    assert here["results"][0]["url"] == f"http://testserver/api/v1/events/{event.pk}/"
    assert there["results"][0]["url"] == f"http://mirror.example.org/api/v1/events/{event.pk}/"


def test_exports_are_not_cached(backend, api):
    day(D(2016, 9, 4))
    for url in (f"{TIMELINE}?format=csv", f"{TIMELINE}?format=geojson"):
        api.get(url)
        _, again = queries_of(api, url)
        assert again > 1


def test_a_zero_lifetime_turns_the_cache_off(backend, api, settings):
    settings.RESPONSE_CACHE_SECONDS = 0
    day(D(2016, 9, 4))
    _, first = queries_of(api, TIMELINE)
    _, again = queries_of(api, TIMELINE)
    assert again == first > 1
