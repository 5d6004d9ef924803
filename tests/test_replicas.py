"""Read replicas through the real router: anonymous GETs read the replica alias (a test mirror of
the primary), editors and writes the primary, and a request reads its own writes."""

import secrets

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.db import connections
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from conflicttracker.routing import ReplicaMiddleware, reading_replica
from events.models import Actor
from tests.api.helpers import D, day, with_actor, with_source
from tests.factories import ActorFactory, EventTypeFactory
from tests.test_deployment import _settings_under

# Committed for real (a transaction on the primary's connection is invisible to another).
pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])

TIMELINE = "/api/v1/timeline/"


@pytest.fixture
def replicated(settings):
    settings.REPLICAS = ["replica"]
    settings.DATABASE_ROUTERS = ["conflicttracker.routing.ReplicaRouter"]


class Reads:
    """The queries each alias ran inside the block."""

    def __enter__(self):
        self.primary = CaptureQueriesContext(connections["default"])
        self.replica = CaptureQueriesContext(connections["replica"])
        self.primary.__enter__()
        self.replica.__enter__()
        return self

    def __exit__(self, *exc):
        self.replica.__exit__(*exc)
        self.primary.__exit__(*exc)


def test_an_anonymous_page_is_read_from_the_replica_only(replicated, api):
    event = with_source(with_actor(day(D(2016, 9, 4)), ActorFactory()))
    with Reads() as reads:
        response = api.get(TIMELINE)
    assert response.status_code == 200
    assert [entry["id"] for entry in response.json()["results"]] == [event.pk]
    # The ETag's freshness query, the page's ids and rows, actors, sources: all on the replica.
    assert len(reads.replica) >= 4
    assert len(reads.primary) == 0


def test_an_editors_read_uses_the_primary(replicated, editor_api):
    day(D(2016, 9, 4))
    with Reads() as reads:
        response = editor_api.get("/api/v1/events/")
    assert response.status_code == 200
    assert len(reads.primary) > 0
    assert len(reads.replica) == 0


def test_a_write_and_its_answer_use_the_primary(replicated):
    # A superuser: the flush between transactional tests drops the groups' permissions.
    admin = User.objects.create_superuser("chief", password="pw-for-tests-only")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=admin).key}")
    EventTypeFactory(slug="shelling")
    with Reads() as reads:
        response = client.post(
            "/api/v1/events/",
            {
                "headline": "Government forces shell the town",
                "type": "shelling",
                "when": "on Sunday",
                "when_reference": "2016-09-06",
            },
            format="json",
        )
    assert response.status_code == 201, response.content
    assert response.json()["headline"] == "Government forces shell the town"
    assert len(reads.primary) > 0
    assert len(reads.replica) == 0


def test_after_a_write_the_same_request_reads_the_primary(replicated):
    def view(request):
        assert reading_replica() == "replica"
        with Reads() as before:
            assert Actor.objects.filter(slug="new-front").count() == 0
        ActorFactory(slug="new-front")
        with Reads() as after:
            assert Actor.objects.filter(slug="new-front").count() == 1
        assert (len(before.replica), len(before.primary)) == (1, 0)
        assert (len(after.replica), len(after.primary)) == (0, 1)
        return HttpResponse()

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    ReplicaMiddleware(view)(request)
    # Outside a request (commands, the shell), reads use the primary.
    assert reading_replica() is None


def test_a_signed_in_or_token_request_is_never_sent_to_a_replica(replicated, editor):
    seen = []

    def view(request):
        seen.append(reading_replica())
        return HttpResponse()

    middleware = ReplicaMiddleware(view)
    signed_in = RequestFactory().get("/")
    signed_in.user = editor
    token = RequestFactory().get("/", HTTP_AUTHORIZATION="Token abc")
    token.user = AnonymousUser()
    posted = RequestFactory().post("/")
    posted.user = AnonymousUser()
    for request in (signed_in, token, posted):
        middleware(request)
    assert seen == [None, None, None]


def test_database_replica_urls_become_aliases_and_turn_the_router_on(tmp_path):
    primary = f"sqlite:///{tmp_path}/primary.sqlite3"
    found = _settings_under(
        {
            "DEBUG": "true",
            "DATABASE_URL": primary,
            "DATABASE_REPLICA_URLS": f"{primary}, sqlite:///{tmp_path}/other.sqlite3",
            "SECRET_KEY": secrets.token_urlsafe(50),
        },
        "REPLICAS",
        "DATABASE_ROUTERS",
    )
    assert found["REPLICAS"] == ["replica_0", "replica_1"]
    assert found["DATABASE_ROUTERS"] == ["conflicttracker.routing.ReplicaRouter"]
    assert _settings_under({"DEBUG": "true"}, "DATABASE_ROUTERS")["DATABASE_ROUTERS"] == []
