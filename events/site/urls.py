"""Public site routes (mounted at / under the "site" namespace)."""

from django.templatetags.static import static
from django.urls import path, register_converter
from django.views.generic import RedirectView

from events.params import IdConverter
from events.site import embed, views
from events.throttling import throttled

register_converter(IdConverter, "id")

# Every page runs the API's queries, under the API's anonymous throttle.
urlpatterns = [
    path("", throttled(views.chronology), name="chronology"),
    path("events/<id:pk>/", throttled(views.event), name="event"),
    path("articles/<id:pk>/", throttled(views.article), name="article"),
    path("actors/<slug:slug>/", throttled(views.actor), name="actor"),
    path("places/<slug:slug>/", throttled(views.place), name="place"),
    path("embed/", throttled(embed.embed), name="embed"),
    # Browsers ask for /favicon.ico on pages that name no icon (the API's docs, JSON views).
    path("favicon.ico", RedirectView.as_view(url=static("site/favicon.ico"), permanent=True)),
]
