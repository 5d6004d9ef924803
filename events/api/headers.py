"""Cache-Control and Vary on every API response: shared caches may keep the public's reads
for a short while, and nothing an editor or a signed-in user sees is stored anywhere."""

from django.conf import settings
from django.utils.cache import patch_vary_headers

API_PREFIX = "/api/"
# What a shared cache or browser may reuse without asking: successful reads, and 304s that
# confirm them. Errors (a 400 for a typo, a 429) are never kept.
CACHEABLE_STATUSES = frozenset({200, 203, 204, 206, 300, 301, 304, 308})


def private_request(request) -> bool:
    """Whether the response may hold what only this caller sees (drafts, their own data)."""
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return signed_in or "HTTP_AUTHORIZATION" in request.META


def cache_control(request, response) -> str:
    if request.method not in ("GET", "HEAD") or response.status_code not in CACHEABLE_STATUSES:
        return "no-store"
    if private_request(request):
        return "private, no-store"
    max_age = settings.API_CACHE_MAX_AGE
    return f"public, max-age={max_age}, must-revalidate"


class ApiCacheHeadersMiddleware:
    """Sets Cache-Control on /api/ responses that set none, and Vary on what changes them.

    Responses differ by audience (a session cookie or a token sees drafts): Vary names
    Authorization and Cookie. Accept chooses the format unless ?format= names it, so Vary
    names Accept only then (a shared cache keeps one copy of a ?format= URL for every client).
    DRF authenticates in the view and writes the user back onto the request, so token users
    count as signed in here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX):
            return response
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = cache_control(request, response)
        patch_vary_headers(response, ["Accept", "Authorization", "Cookie"])
        if request.GET.get("format"):
            vary = [v.strip() for v in response["Vary"].split(",")]
            response["Vary"] = ", ".join(v for v in vary if v.lower() != "accept")
        return response
