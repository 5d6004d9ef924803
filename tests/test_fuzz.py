"""Fuzzing in CI: hostile values in every parameter of every API operation (read from the OpenAPI
schema), of the public pages and of the admin lists, anonymous and as an editor: no request may
answer 5xx. First a sweep puts each of the CORE values into each parameter in turn, then
hypothesis combines any values in any parameters, a few hundred requests per surface.
bench/fuzz.py runs the same at volume against a real server."""

import pytest
from django.contrib import admin
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.throttling import AnonRateThrottle

from events.chronology.query import ChronologyFilterSet
from tests.fuzzing import (
    CORE,
    admin_endpoints,
    api_endpoints,
    page_endpoints,
    requests,
    sweep,
    vocabulary_from_database,
)

pytestmark = pytest.mark.django_db

# Derandomized: the same requests on every run (bench/fuzz.py explores at random, at volume).
FUZZ = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


@pytest.fixture(autouse=True)
def _unthrottled(monkeypatch):
    """Hundreds of anonymous requests a minute: the throttle would answer most of them."""
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": None})


@pytest.fixture(params=["anonymous", "editor"])
def client_as(request, module_seeds, publisher) -> Client:
    client = Client()  # Raises what a view raises: a 500 fails with its traceback.
    if request.param == "editor":
        client.force_login(publisher)
    return client


@pytest.fixture
def vocabulary(module_seeds) -> dict:
    return vocabulary_from_database()


def _send(client: Client, request) -> None:
    try:
        headers = {"If-Match": request.if_match} if request.if_match is not None else {}
        response = client.generic(
            request.method,
            request.url,
            data=request.body or b"",
            content_type=request.content_type,
            headers=headers,
        )
        if response.streaming:
            b"".join(response.streaming_content)  # An export fails while it streams, if at all.
    except Exception as exc:  # What would have been a 500, with the request that caused it.
        raise AssertionError(f"{request} raised {exc!r}") from exc
    assert response.status_code < 500, (request, response.status_code)


@pytest.fixture(scope="module")
def api() -> list:
    return api_endpoints(SchemaGenerator().get_schema(request=None, public=True))


def test_each_core_value_in_each_api_parameter_is_no_server_error(client_as, api, vocabulary):
    for request in sweep(api, vocabulary, CORE):
        _send(client_as, request)


def test_each_core_value_in_each_page_parameter_is_no_server_error(client_as, vocabulary):
    for request in sweep(page_endpoints(list(ChronologyFilterSet.base_filters)), vocabulary, CORE):
        _send(client_as, request)


def test_each_core_value_in_each_admin_list_parameter_is_no_server_error(
    module_seeds, publisher, vocabulary
):
    client = Client()
    client.force_login(publisher)
    for request in sweep(admin_endpoints(admin.site), vocabulary, CORE):
        _send(client, request)


@FUZZ
@given(data=st.data())
def test_no_api_request_answers_a_server_error(client_as, api, vocabulary, data):
    _send(client_as, data.draw(requests(api, vocabulary)))


@FUZZ
@given(data=st.data())
def test_no_page_request_answers_a_server_error(client_as, vocabulary, data):
    endpoints = page_endpoints(list(ChronologyFilterSet.base_filters))
    _send(client_as, data.draw(requests(endpoints, vocabulary)))


@settings(FUZZ, max_examples=80)  # Admin pages are the slowest to render.
@given(data=st.data())
def test_no_admin_list_request_answers_a_server_error(module_seeds, publisher, vocabulary, data):
    client = Client()
    client.force_login(publisher)
    _send(client, data.draw(requests(admin_endpoints(admin.site), vocabulary)))
