"""Top-level URL routes: the editors' admin, the REST API (version 1) and the public site."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include(("events.api.urls", "api"), namespace="api")),
    path("", include(("events.site.urls", "site"), namespace="site")),
]
