"""Migrations that rebuild a table keep the trigger-kept features: set aside, then rebuilt."""

from types import SimpleNamespace

import pytest
from django.db import connection, models

from events import triggers
from events.models import Event, EventActor
from tests.factories import EventActorFactory, EventFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="PostgreSQL alters a table in place"
)

EVENTS_MIGRATION = [(SimpleNamespace(app_label="events"), False)]


def _views() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'view'")
        return {name for (name,) in cursor.fetchall()}


def _scratch_field() -> models.Field:
    # A new column with a database default: SQLite's schema editor rebuilds the table for it.
    field = models.CharField(max_length=10, blank=True, db_default="")
    field.set_attributes_from_name("scratch_note")
    return field


@pytest.mark.django_db(transaction=True)
def test_a_migration_that_rebuilds_the_events_table_keeps_search_counts_and_link_copies():
    link = EventActorFactory(event=EventFactory(headline="Siege of the old town"))
    Event.objects.filter(pk=link.event_id).update(status="published")
    field = _scratch_field()
    # The search index's view of events_event would stop the rebuild's rename: set aside.
    assert "events_event_search_document" in _views()
    triggers.set_aside_before_migrate(None, plan=EVENTS_MIGRATION)
    assert not _views() and not triggers.present_triggers(connection)
    with connection.schema_editor() as editor:
        editor.add_field(Event, field)
        editor.remove_field(Event, field)
    triggers.restore_after_migrate(None, verbosity=0)

    assert list(Event.objects.mentioning("siege").values_list("pk", flat=True)) == [link.event_id]
    assert Event.objects.published().count() == 1
    from events.models import PublishedDayPair

    assert PublishedDayPair.objects.get().events == 1
    Event.objects.filter(pk=link.event_id).update(date_earliest="2016-08-01")
    assert str(EventActor.objects.get().date_earliest) == "2016-08-01"  # The triggers are back.


@pytest.mark.django_db(transaction=True)
def test_migrations_of_other_apps_leave_the_features_in_place():
    before = triggers.present_triggers(connection)
    triggers.set_aside_before_migrate(None, plan=[(SimpleNamespace(app_label="auth"), False)])
    assert triggers.present_triggers(connection) == before
