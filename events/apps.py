"""App configuration for the events app."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_delete, pre_migrate


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "Conflict events"

    def ready(self):
        from django.contrib import admin

        # The datasets' layouts register themselves as export formats.
        import events.interchange.exporter  # noqa: F401
        from events.admin.strict import guard_every_admin
        from events.triggers import restore_after_migrate, set_aside_before_migrate

        # The admin app discovered every app's admins before this runs (it is listed first).
        guard_every_admin(admin.site)

        from events import commits
        from events.models import Location
        from events.models.places import unname_deleted_place

        pre_delete.connect(unname_deleted_place, sender=Location)
        from simple_history.signals import pre_create_historical_record

        from events.change_reasons import fit_history_reason

        pre_create_historical_record.connect(fit_history_reason)
        commits.connect()
        pre_migrate.connect(set_aside_before_migrate, sender=self)
        post_migrate.connect(restore_after_migrate, sender=self)
