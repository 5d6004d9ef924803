"""App configuration for the events app."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "Conflict events"

    def ready(self):
        # The datasets' layouts register themselves as export formats.
        import events.interchange.exporter  # noqa: F401
        from events.triggers import restore_after_migrate

        post_migrate.connect(restore_after_migrate, sender=self)
