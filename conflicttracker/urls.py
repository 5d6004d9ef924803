"""Top-level URL routes: the editors' admin and, from issue 3 on, the REST API."""

from django.contrib import admin
from django.urls import path

urlpatterns = [
    path("admin/", admin.site.urls),
]
