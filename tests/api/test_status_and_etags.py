"""One path off the published record (save() or the transition endpoint: a tombstone and a new
public ETag), a public ETag that editing drafts never moves, and an empty iCalendar that is
still a valid calendar."""

import icalendar
import pytest

from events.models import Event, EventRemoval
from tests.api.helpers import D, body, day, with_source
from tests.factories import (
    ActorFactory,
    ArticleFactory,
    EventActorFactory,
    EventFactory,
    EventSourceFactory,
    EventTypeFactory,
)

pytestmark = pytest.mark.django_db

TIMELINE = "/api/v1/timeline/"


def public_etag(api) -> str:
    return api.get(TIMELINE)["ETag"]


def test_a_save_that_unpublishes_writes_a_tombstone_and_moves_the_public_etag(api, db):
    newer = with_source(day(D(2016, 9, 5)))
    older = with_source(day(D(2016, 9, 4)))
    # The newest published change is another event's: only the tombstone can move the tag.
    Event.objects.filter(pk=older.pk).update(updated=newer.updated.replace(year=2000))
    before = public_etag(api)
    event = Event.objects.get(pk=older.pk)
    event.status = Event.Status.DRAFT
    event.save()
    (removal,) = EventRemoval.objects.filter(event_id=older.pk)
    assert (removal.reason, removal.previous_status) == ("unpublished", "published")
    assert public_etag(api) != before
    assert [row["id"] for row in api.get("/api/v1/events/removed/").json()["results"]] == [older.pk]


def test_a_retraction_by_save_and_by_transition_write_one_tombstone_each(publisher, db):
    by_save = Event.objects.get(pk=with_source(day(D(2016, 9, 4))).pk)
    by_save.status = Event.Status.RETRACTED
    by_save.save()
    by_transition = Event.objects.get(pk=with_source(day(D(2016, 9, 5))).pk)
    by_transition.transition("retracted", user=publisher)
    for event in (by_save, by_transition):
        (removal,) = EventRemoval.objects.filter(event_id=event.pk)
        assert removal.reason == "retracted"
    # Saving the retracted event again (a correction) writes no second tombstone.
    by_save.headline = "Corrected"
    by_save.save()
    assert EventRemoval.objects.filter(event_id=by_save.pk).count() == 1


def test_editing_drafts_never_moves_the_public_etag(api, editor_api, db):
    with_source(day(D(2016, 9, 4)))
    actor, article, kind = ActorFactory(), ArticleFactory(), EventTypeFactory()
    public, editors = public_etag(api), editor_api.get(TIMELINE)["ETag"]
    draft = EventFactory(status=Event.Status.DRAFT, type=kind)
    EventActorFactory(event=draft, actor=actor)
    EventSourceFactory(event=draft, article=article)
    draft.headline = "Still a draft"
    draft.save()
    draft.delete()
    assert public_etag(api) == public
    assert editor_api.get(TIMELINE)["ETag"] != editors


def test_an_empty_calendar_holds_a_component_and_parses(api, db):
    response = api.get(f"{TIMELINE}?format=ics&start=1990-01-01&end=1990-12-31")
    assert response.status_code == 200
    text = body(response).decode()
    assert "BEGIN:VTIMEZONE" in text and "BEGIN:VEVENT" not in text
    calendar = icalendar.Calendar.from_ical(text)
    assert [component.name for component in calendar.subcomponents] == ["VTIMEZONE"]
    assert calendar.subcomponents[0].subcomponents[0].name == "STANDARD"


def test_a_calendar_with_events_has_no_extra_component(api, db):
    with_source(day(D(2016, 9, 4)))
    text = body(api.get(f"{TIMELINE}?format=ics")).decode()
    assert text.count("BEGIN:VEVENT") == 1 and "VTIMEZONE" not in text
