"""Public site routes (mounted at / under the "site" namespace)."""

from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView

from events.site import embed, views

urlpatterns = [
    path("", views.chronology, name="chronology"),
    path("events/<int:pk>/", views.event, name="event"),
    path("articles/<int:pk>/", views.article, name="article"),
    path("actors/<slug:slug>/", views.actor, name="actor"),
    path("places/<slug:slug>/", views.place, name="place"),
    path("embed/", embed.embed, name="embed"),
    # Browsers ask for /favicon.ico on pages that name no icon (the API's docs, JSON views).
    path("favicon.ico", RedirectView.as_view(url=static("site/favicon.ico"), permanent=True)),
]
