"""Top-level URL routes: the editors' admin and the REST API (version 1)."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include(("events.api.urls", "api"), namespace="api")),
]
