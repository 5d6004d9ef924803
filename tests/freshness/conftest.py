"""Every test here reads with the page cache on, in local memory, emptied before and after."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.RESPONSE_CACHE_SECONDS = 300
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    yield
    cache.clear()
