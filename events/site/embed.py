"""The embeddable chronology: /embed/?<filters>, a compact page for an <iframe> on any site."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_exempt

from events.api.filtersets import describe
from events.site import filters, listing

PAGE_SIZE = 25
# Parameters of the embed itself, beside the chronology's filters.
MAP_PARAM = "map"
YES = frozenset({"1", "true", "yes", "on"})
# This page alone may be framed, by any site (frame-ancestors *); everything else about it is
# as strict as the rest of the site: nothing inline, nothing from other hosts.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors *",
    )
)


def embed_url(request: HttpRequest, data) -> str:
    """The absolute address of the embed showing these filters, for the snippet to copy."""
    return request.build_absolute_uri(reverse("site:embed") + filters.query(data).rstrip("?"))


@xframe_options_exempt
def embed(request: HttpRequest) -> HttpResponse:
    found = listing.build(request.GET, page_size=PAGE_SIZE)
    full = reverse("site:chronology") + filters.query(found.params, cursor=None).rstrip("?")
    response = render(
        request,
        "site/embed.html",
        {
            "listing": found,
            "show_map": request.GET.get(MAP_PARAM, "").strip().lower() in YES,
            "full_url": request.build_absolute_uri(full),
            "home_url": request.build_absolute_uri(reverse("site:chronology")),
            "title": _title(found),
        },
        status=400 if found.errors else 200,
    )
    response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    return response


def _title(found: listing.Listing) -> str:
    """ "Islamic State, August 2017", or "Chronology" for everything."""
    return "Chronology" if found.errors or not found.params else describe(found.filterset)
