"""A served page is freed when the server lets go of it, not left to the cycle collector."""

import gc
import weakref
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from tests.api.helpers import D, day, with_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def connections_kept():
    """As Django's test client does: a request's start and end must not close the test's
    connection (its transaction holds the test's rows)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def served(path: str):
    """The response of Django's WSGI handler, read and closed as a server does."""
    location, _, query = path.partition("?")
    # The rest of a server's keys as wsgiref's defaults give them (a body-less GET).
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": location, "QUERY_STRING": query}
    environ.update(HTTP_HOST="testserver", SERVER_NAME="testserver")
    setup_testing_defaults(environ)
    statuses = []
    response = WSGIHandler()(environ, lambda status, headers: statuses.append(status))
    b"".join(response)
    response.close()
    assert statuses == ["200 OK"]
    return response


# The chronology's pages (entries are plain dicts). The reference lists' serialized data holds
# its serializer, which holds the data: DRF's own cycle, small beside a page of entries.
@pytest.mark.parametrize("path", ["/api/v1/timeline/", "/api/v1/events/"])
def test_a_page_is_freed_as_soon_as_the_server_drops_its_response(
    db, settings, connections_kept, path
):
    settings.RESPONSE_CACHE_SECONDS = 0  # Every page computed: a DRF response, with its view.
    with_source(day(D(2016, 9, 4)))
    served(path)  # Whatever is built once per process is built now.
    gc.collect()
    gc.disable()
    try:
        response = served(path)
        assert response.data["results"]
        gone = weakref.ref(response)
        del response
        # No reference cycle holds it (the view, the renderer context, the paginator's page):
        # reference counting alone has freed it, with its entries.
        assert gone() is None
    finally:
        gc.enable()


def test_the_event_path_follows_the_script_prefix_and_its_cache_is_bounded():
    """Keyed by the request's script prefix (SCRIPT_NAME, which a trusted forwarder may set):
    each prefix gets its own path, and distinct prefixes never grow the process without end."""
    from django.urls import reverse, set_script_prefix

    from events.api.links import _path_before_id

    try:
        set_script_prefix("/one/")
        assert (
            _path_before_id("api:event-detail", None, "/one/")
            == reverse("api:event-detail", args=[0])[:-2]
        )
        set_script_prefix("/two/")
        assert _path_before_id("api:event-detail", None, "/two/").startswith("/two/")
    finally:
        set_script_prefix("/")
    assert _path_before_id.cache_parameters()["maxsize"] is not None
