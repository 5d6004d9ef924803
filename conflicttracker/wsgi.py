"""WSGI entry point (gunicorn conflicttracker.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

from conflicttracker.collector import wrap

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conflicttracker.settings")

# Django's own app, with the garbage collector kept out of the way of requests.
application = wrap(get_wsgi_application())
