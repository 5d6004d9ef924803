"""Every test here reads with the page cache on (the page_cache fixture of tests/conftest.py)."""

import pytest


@pytest.fixture(autouse=True)
def _page_cache_on(page_cache):
    yield
