"""The embeddable chronology: /embed/?<filters>, a compact page for an <iframe> on any site."""

from csp.decorators import csp_replace
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_exempt

from events.chronology import describe
from events.site import filter_form, listing

PAGE_SIZE = 25
# Parameters of the embed itself, beside the chronology's filters.
MAP_PARAM = "map"
YES = frozenset({"1", "true", "yes", "on"})
# This page alone may be framed, by any site; the rest of the site's policy (scripts, styles,
# data from this site only) holds here too. X-Frame-Options is left off for the same reason.
FRAMED_BY_ANYONE = {"frame-ancestors": ["*"]}


def embed_url(request: HttpRequest, data) -> str:
    """The absolute address of the embed showing these filters, for the snippet to copy."""
    return request.build_absolute_uri(reverse("site:embed") + filter_form.query(data).rstrip("?"))


@xframe_options_exempt
@csp_replace(FRAMED_BY_ANYONE)
def embed(request: HttpRequest) -> HttpResponse:
    found = listing.build(request.GET, page_size=PAGE_SIZE)
    full = reverse("site:chronology") + filter_form.query(found.params, cursor=None).rstrip("?")
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
    return response


def _title(found: listing.Listing) -> str:
    """ "Islamic State, August 2017", or "Chronology" for everything."""
    return "Chronology" if found.errors or not found.params else describe(found.query)
