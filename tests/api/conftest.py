"""API test fixtures: a publisher signed in by session (anonymous and token clients are in
tests/conftest.py)."""

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def publisher_api(publisher) -> APIClient:
    client = APIClient()
    client.force_login(publisher)
    return client
