"""The editors' workbench: curate events, their actors, places, sources and workflow."""

from django.contrib import admin

from events.admin import catalogue, events, filters, ingest, interchange

__all__ = ["catalogue", "events", "filters", "ingest", "interchange"]

admin.site.site_header = "Conflict Tracker — editors"
admin.site.site_title = "Conflict Tracker"
admin.site.index_title = "Curate events, sources, actors and places"
