"""An API write that moves an event to a place, against other writers of that event."""

import pytest
from django.db import transaction

from events.models import Event
from tests.concurrency.helpers import Gate, api_for, etag, in_thread, patch, settle
from tests.factories import EventSourceFactory, LocationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_api_move_to_a_place_never_deadlocks_another_writer_of_the_event(editor):
    """Another writer locks the event first and checks the place's key at its commit (an
    admin save, an import chunk); the API's move holds the place, then waits for the event:
    both finish, neither gets a database error."""
    source = EventSourceFactory(event__headline="Shelling of the town")
    event = Event.objects.get(pk=source.event_id)
    place = LocationFactory()
    gate = Gate()
    api = api_for(editor)
    tag = etag(api, event.pk)

    def other_writer():  # e.g. an admin save or an import chunk: event row first, place at commit
        with transaction.atomic():
            e = Event.objects.select_for_update().get(pk=event.pk)
            Event.objects.filter(pk=e.pk).update(location=place)
            gate.reached.set()
            assert gate.go.wait(30)
        return "committed"

    first = in_thread(other_writer)
    gate.wait()
    second = in_thread(lambda: patch(api, event.pk, {"location": str(place.pk)}, tag))
    settle()
    gate.open()
    errors = []
    for h in (first, second):
        try:
            r = h.result()
            errors.append(getattr(r, "status_code", r))
        except Exception as exc:
            errors.append(repr(exc)[:200])
    assert all(e in ("committed", 200, 409, 412) for e in errors), errors
