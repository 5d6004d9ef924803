"""The editors' workbench: curate events, their actors, places, sources and workflow."""

from django.contrib import admin

from events.admin import catalogue, events, ingest, interchange, list_filters

__all__ = ["catalogue", "events", "ingest", "interchange", "list_filters"]

admin.site.site_header = "Conflict Tracker — editors"
admin.site.site_title = "Conflict Tracker"
admin.site.index_title = "Curate events, sources, actors and places"
# The lists need the page's width (1280 px holds every column); the home page and the
# breadcrumbs lead everywhere the sidebar did.
admin.site.enable_nav_sidebar = False
