"""Public site routes (mounted at / under the "site" namespace)."""

from django.urls import path, register_converter

from events.params import IdConverter
from events.site import views

register_converter(IdConverter, "id")

urlpatterns = [
    path("", views.chronology, name="chronology"),
    path("events/<id:pk>/", views.event, name="event"),
    path("articles/<id:pk>/", views.article, name="article"),
    path("actors/<slug:slug>/", views.actor, name="actor"),
    path("places/<slug:slug>/", views.place, name="place"),
]
