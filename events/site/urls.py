"""Public site routes (mounted at / under the "site" namespace)."""

from django.urls import path

from events.site import views

urlpatterns = [
    path("", views.chronology, name="chronology"),
    path("events/<int:pk>/", views.event, name="event"),
    path("articles/<int:pk>/", views.article, name="article"),
    path("actors/<slug:slug>/", views.actor, name="actor"),
    path("places/<slug:slug>/", views.place, name="place"),
]
