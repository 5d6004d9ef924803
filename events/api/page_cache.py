"""Whole chronology pages for anonymous readers, shared through the cache under their ETag."""

# A public chronology's readers mostly ask for the same few pages. The rendered body of an
# anonymous page is kept in the cache (settings.CACHES: this process's memory, or one Redis for
# every worker and machine with CACHE_URL) under its ETag, with the scheme and host its links
# are built from. The ETag names the data's version (events.api.caching.freshness: one query of
# index probes, run for every request, hit or miss), the full URL, the audience and the media
# type, so a write that changes what the page shows moves the tag and the old body is never
# found again: it expires unread after RESPONSE_CACHE_SECONDS. A hit costs that one query and
# a cache read instead of the page's five or six queries and its entry building.
# Editors and token clients are never served from it nor stored in it.

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from rest_framework.response import Response


def _key(view) -> str | None:
    """The page's cache key, or None when this request must not use the cache."""
    request = view.request
    seconds = settings.RESPONSE_CACHE_SECONDS
    tag = getattr(view, "etag", None)
    if not seconds or not tag or request.method not in ("GET", "HEAD"):
        return None
    if request.user.is_authenticated or request.auth is not None:
        return None
    # JSON only: the browsable API's HTML carries a per-visitor CSRF token.
    if getattr(request.accepted_renderer, "format", None) != "json":
        return None
    where = f"{request.scheme}://{request.get_host()}"
    return "page:" + hashlib.sha256(f"{tag}|{where}".encode()).hexdigest()[:40]


def cached_page(view, compute: Callable[[], Response]) -> HttpResponse:
    """The page from the cache when this anonymous request's ETag has one; else compute()'s
    response, stored once rendered (200s only)."""
    key = _key(view)
    if key is None:
        return compute()
    hit = cache.get(key)
    if hit is not None:
        content_type, body = hit
        return HttpResponse(body, content_type=content_type)
    response = compute()
    if response.status_code == 200:

        def store(rendered: Response) -> None:
            cache.set(
                key,
                (rendered["Content-Type"], rendered.content),
                settings.RESPONSE_CACHE_SECONDS,
            )

        response.add_post_render_callback(store)
    return response
