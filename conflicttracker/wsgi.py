"""WSGI entry point (gunicorn conflicttracker.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conflicttracker.settings")

application = get_wsgi_application()
