"""The actor links' copy of their event's bounds, kept by database triggers on every write path."""

import datetime

import pytest
from django.db import connection

from events import link_bounds, triggers
from events.models import Event, EventActor
from tests.factories import ActorFactory, EventActorFactory, EventFactory, EventTypeFactory

D = datetime.date


def stale_links() -> list[tuple]:
    """Links whose copy differs from their event's bounds (the truth): none, always."""
    return [
        (link.pk, link.date_earliest, link.date_latest, link.event.date_earliest)
        for link in EventActor.objects.select_related("event")
        if (link.date_earliest, link.date_latest)
        != (link.event.date_earliest, link.event.date_latest)
    ]


@pytest.mark.django_db
def test_every_write_path_keeps_the_links_copy_of_the_bounds():
    kind = EventTypeFactory()
    events = [
        EventFactory(type=kind, date_earliest=D(2016, 9, day), date_latest=D(2016, 9, day + 2))
        for day in range(1, 7)
    ]
    actor = ActorFactory()

    # save(), with no bounds given; bulk_create; raw SQL with wrong bounds.
    EventActorFactory(event=events[0], actor=actor)
    EventActor.objects.bulk_create([EventActor(event=events[1], actor=actor, role="side_b")])
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO events_eventactor (event_id, actor_id, role, date_earliest, date_latest) "
            "VALUES (%s, %s, 'target', %s, %s)",
            [events[2].pk, actor.pk, D(1999, 1, 1), D(1999, 1, 2)],
        )
    assert EventActor.objects.count() == 3
    assert stale_links() == []

    # The event's bounds move: by save(), by QuerySet.update and by raw SQL.
    events[0].date_earliest, events[0].date_latest = D(2017, 1, 1), D(2017, 1, 31)
    events[0].save()
    Event.objects.filter(pk=events[1].pk).update(date_latest=D(2018, 1, 1))
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE events_event SET date_earliest = %s WHERE id = %s",
            [D(2015, 5, 5), events[2].pk],
        )
    assert stale_links() == []

    # A link moved to another event, or given bounds by hand, takes its event's.
    EventActor.objects.filter(event=events[0]).update(event=events[3])
    EventActor.objects.filter(event=events[1]).update(date_earliest=D(2000, 1, 1))
    assert stale_links() == []
    assert EventActor.objects.filter(event=events[3]).get().date_earliest == D(2016, 9, 4)

    # An actor's period is read from the copies: the links find the moved event.
    assert list(Event.objects.linked_to([actor.pk], start=D(2015, 5, 1), end=D(2015, 5, 31))) == [
        events[2]
    ]


@pytest.mark.django_db(transaction=True)
def test_links_written_while_the_triggers_are_set_aside_get_the_bounds_when_they_return():
    event = EventFactory(date_earliest=D(2016, 8, 1), date_latest=D(2016, 8, 31))
    with triggers.set_aside():
        assert not set(link_bounds.TRIGGERS[connection.vendor]) & triggers.present_triggers(
            connection
        )
        EventActorFactory(event=event)
        assert EventActor.objects.get().date_earliest == datetime.date.min  # The stand-in.
    assert set(link_bounds.TRIGGERS[connection.vendor]) <= triggers.present_triggers(connection)
    assert stale_links() == []


@pytest.mark.django_db(transaction=True)
def test_link_triggers_a_table_rebuild_dropped_come_back_with_the_copies_fixed():
    link = EventActorFactory(event=EventFactory(date_earliest=D(2016, 8, 1)))
    with connection.cursor() as cursor:
        for sql in link_bounds.STATEMENTS[connection.vendor][1]:
            cursor.execute(sql)
    try:
        Event.objects.filter(pk=link.event_id).update(date_earliest=D(2016, 7, 1))
        assert stale_links() != []
    finally:
        restored = triggers.restore_triggers()
    assert restored == ["events.link_bounds"]
    assert stale_links() == []
