"""API v1 routes (mounted at /api/v1/ under the "api" namespace)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from events.api import summaries, views
from events.api.browsable import BrowsableApiRootView
from events.formats import FORMATS

router = DefaultRouter(use_regex_path=True)
router.APIRootView = BrowsableApiRootView
router.include_format_suffixes = False
router.register("events", views.EventViewSet, basename="event")
router.register("actors", views.ActorViewSet, basename="actor")
router.register("locations", views.LocationViewSet, basename="location")
router.register("event-types", views.EventTypeViewSet, basename="eventtype")
router.register("articles", views.ArticleViewSet, basename="article")

urlpatterns = [
    path("timeline/", views.TimelineView.as_view(), name="timeline"),
    path("timeline/histogram/", views.HistogramView.as_view(), name="histogram"),
    path("timeline/summary/", summaries.SummaryView.as_view(), name="summary"),
    *(path(f"timeline.{fmt}", views.export_view(fmt), name=f"timeline-{fmt}") for fmt in FORMATS),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its set-up script as a file (?script=): no inline script for the CSP.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="api/swagger_ui.html"
        ),
        name="docs",
    ),
    path("", include(router.urls)),
]
