"""API test fixtures: clients for anonymous and editor callers."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


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
def publisher_api(publisher) -> APIClient:
    client = APIClient()
    client.force_login(publisher)
    return client
