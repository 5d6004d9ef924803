"""While a bulk load has the full-text index set aside, a search is told so plainly (503)."""

import pytest
from django.db import connection
from rest_framework.test import APIClient

from events import search, triggers

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def index_set_aside(two_published):
    triggers.uninstall_feature(search, connection)
    yield
    triggers.install_feature(search, connection)


@pytest.mark.parametrize("fmt", ["json", "csv", "geojson"])
def test_an_api_search_is_a_503_that_says_why(index_set_aside, fmt):
    response = APIClient().get("/api/v1/timeline/", {"q": "headline", "format": fmt})
    body = b"".join(response) if response.streaming else response.content
    assert response.status_code == 503, body[:300]
    assert response["Retry-After"] == str(search.REBUILDING_RETRY)
    assert "being rebuilt" in body.decode()


def test_the_rest_of_the_api_answers_meanwhile(index_set_aside):
    response = APIClient().get("/api/v1/timeline/")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 2


def test_a_search_on_the_site_is_a_503_page_that_says_why(index_set_aside, client):
    response = client.get("/", {"q": "headline"})
    assert response.status_code == 503
    assert response["Retry-After"] == str(search.REBUILDING_RETRY)
    assert "being rebuilt" in response.content.decode()
    assert client.get("/").status_code == 200


def test_the_index_is_back_when_the_load_ends(two_published):
    with triggers.set_aside():
        assert APIClient().get("/api/v1/timeline/", {"q": "headline"}).status_code == 503
    response = APIClient().get("/api/v1/timeline/", {"q": "headline"})
    assert response.status_code == 200
