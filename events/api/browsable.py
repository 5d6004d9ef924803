"""The API root for browsers: an HTML index of every endpoint and the docs; JSON unchanged."""

from django.utils.cache import patch_vary_headers
from rest_framework.renderers import TemplateHTMLRenderer

from events.api.negotiation import JSONRenderer
from events.api.views import ApiRootView

# What each entry of the root answers, in the order a newcomer reads them, with an example.
ENDPOINTS = (
    (
        "timeline",
        "The chronology: published events in date order, filtered and paged.",
        "?actor=isis&start=2017-08&end=2017-08",
    ),
    (
        "histogram",
        "Event counts per day, week, month or year, honest about imprecise dates.",
        "?interval=month",
    ),
    ("events", "Full events, with related events; editors also write here.", ""),
    (
        "removed",
        "The sync feed: events deleted, retracted or unpublished since a time.",
        "?since=2020-01-01T00:00:00Z",
    ),
    ("actors", "Actors with their aliases and alliances.", "?q=daesh"),
    ("locations", "Places, each with everything inside it.", "?q=aleppo"),
    ("event-types", "The two-level event types.", ""),
    ("articles", "The source articles events cite.", ""),
)
LINKS = (
    ("docs", "Interactive documentation (OpenAPI, served locally)"),
    ("schema", "The OpenAPI 3 schema"),
)


class ApiIndexRenderer(TemplateHTMLRenderer):
    """text/html for the root only: the same links as its JSON, with what each one is."""

    template_name = "api/index.html"

    def get_template_context(self, data, renderer_context):
        return {
            "endpoints": [
                {"name": name, "url": data[name], "about": about, "example": example}
                for name, about, example in ENDPOINTS
                if name in data
            ],
            "links": [{"url": data[name], "about": about} for name, about in LINKS if name in data],
            "root": renderer_context["request"].build_absolute_uri(),
        }


class BrowsableApiRootView(ApiRootView):
    # JSON first: a client that accepts anything (curl's */*) still gets JSON.
    renderer_classes = [JSONRenderer, ApiIndexRenderer]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, ["Accept"])
        return response
