"""A place merge racing an editor's API write of an event: a refusal or a clean outcome, never
a 500 and never an event pointing at a place that is gone."""

import threading

import pytest
from django.db import transaction

from events.interchange import places
from events.models import Event, Location
from tests.concurrency.helpers import Gate, api_for, etag, in_thread, patch, settle
from tests.factories import EventFactory, LocationFactory

pytestmark = pytest.mark.django_db(transaction=True)
ROUNDS = 5


def _merge(place, into):
    with transaction.atomic():
        return places.merge_place(place, into)


def _one_round(editor, monkeypatch) -> str:
    place, into = LocationFactory(), LocationFactory()
    event = EventFactory()
    client = api_for(editor)
    tag = etag(client, event.pk)
    gate = Gate()
    # The merge has locked both places and moved the events it found; it waits before it
    # deletes the merged place.
    monkeypatch.setattr(places, "_carry_suggestions", gate.wrap(places._carry_suggestions))
    merging = in_thread(lambda: _merge(place, into))
    gate.wait()
    editing = in_thread(lambda: patch(client, event.pk, {"location": str(place.pk)}, tag))
    settle()
    gate.open()
    merging.result()
    answer = editing.result()
    monkeypatch.undo()
    location = Event.objects.get(pk=event.pk).location_id
    if answer.status_code not in (200, 400, 409, 412):
        return f"the PATCH answered {answer.status_code}"
    if location not in (into.pk, None) or (answer.status_code == 200 and location != into.pk):
        return f"the event's place is {location} after a {answer.status_code}"
    return ""


def test_moving_an_event_into_a_place_being_merged_is_refused_or_follows_the_merge(
    editor, monkeypatch
):
    outcomes = [_one_round(editor, monkeypatch) for _ in range(ROUNDS)]
    failures = [outcome for outcome in outcomes if outcome]
    assert not failures, f"{len(failures)} of {ROUNDS} rounds: {failures}"


def _edit_round(editor, monkeypatch) -> str:
    place, into = LocationFactory(), LocationFactory()
    event = EventFactory(location=place)
    client = api_for(editor)
    tag = etag(client, event.pk)
    gate, merger = Gate(), {}
    save = Event.save

    def gated_save(self, *args, **kwargs):
        # Only the merge's own saves wait: it has read the events it moves.
        if threading.get_ident() == merger.get("thread"):
            return gate.wrap(save)(self, *args, **kwargs)
        return save(self, *args, **kwargs)

    def merge():
        merger["thread"] = threading.get_ident()
        return _merge(place, into)

    monkeypatch.setattr(Event, "save", gated_save)
    merging = in_thread(merge)
    gate.wait()
    edited = patch(client, event.pk, {"headline": "Checked by an editor"}, tag)
    gate.open()
    try:
        merging.result()
        refused = ""
    except Exception as exc:  # what the merge raised is the outcome
        refused = type(exc).__name__
    monkeypatch.undo()
    event.refresh_from_db()
    if edited.status_code == 200 and event.headline != "Checked by an editor":
        return f"the edit was lost (merge refused: {refused or 'no'})"
    if refused and not Location.objects.filter(pk=place.pk).exists():
        return f"the merge raised {refused} but went half-way"
    if refused not in ("", "StaleVersion", "ValidationError"):
        return f"the merge raised {refused}"
    return ""


def test_an_edit_of_an_event_the_merge_is_moving_is_kept_or_the_merge_refused(editor, monkeypatch):
    outcomes = [_edit_round(editor, monkeypatch) for _ in range(ROUNDS)]
    failures = [outcome for outcome in outcomes if outcome]
    assert not failures, f"{len(failures)} of {ROUNDS} rounds: {failures}"
