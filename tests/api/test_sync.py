"""Keeping a copy in sync: tombstones for events that leave, updated_since for the rest."""

import datetime

import pytest
from django.utils import timezone

from events.models import Event, EventRemoval
from tests.api.helpers import D, day, errors, walk, with_source
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

REMOVED = "/api/v1/events/removed/"


def test_deleting_an_event_leaves_a_tombstone_with_its_id_uid_and_status(db):
    event = day(D(2016, 9, 4))
    pk, uid = event.pk, event.uid
    event.delete()
    tombstone = EventRemoval.objects.get()
    assert (tombstone.event_id, tombstone.uid, tombstone.reason) == (pk, uid, "deleted")
    assert tombstone.previous_status == "published"


def test_deleting_through_a_queryset_leaves_one_tombstone_per_event(db):
    events = [day(D(2016, 9, n)) for n in (1, 2, 3)] + [EventFactory(status="draft")]
    Event.objects.filter(pk__in=[e.pk for e in events]).delete()
    assert sorted(EventRemoval.objects.values_list("event_id", "previous_status")) == sorted(
        (e.pk, e.status) for e in events
    )


def test_a_deletion_that_fails_leaves_no_tombstone(db):
    from django.db import transaction

    event = day(D(2016, 9, 4))
    with pytest.raises(RuntimeError), transaction.atomic():
        Event.objects.filter(pk=event.pk).delete()
        raise RuntimeError("rolled back")
    assert not EventRemoval.objects.exists()
    assert Event.objects.filter(pk=event.pk).exists()


def test_leaving_published_leaves_a_tombstone_and_other_moves_do_not(publisher, db):
    event = with_source(EventFactory(status="draft"))
    event.transition("review", user=publisher)
    event.transition("published", user=publisher)
    assert not EventRemoval.objects.exists()
    event.transition("review", user=publisher)
    assert EventRemoval.objects.get().reason == "unpublished"
    event.transition("published", user=publisher)
    event.transition("retracted", user=publisher)
    assert list(EventRemoval.objects.values_list("reason", flat=True)) == [
        "unpublished",
        "retracted",
    ]


def test_anonymous_clients_get_ids_uids_reasons_and_times_of_published_events_only(api, db):
    gone = day(D(2016, 9, 4))
    pk, uid = gone.pk, gone.uid
    EventFactory(status="draft").delete()
    gone.delete()
    rows = walk(api, REMOVED)
    assert rows == [
        {
            "id": pk,
            "uid": str(uid),
            "reason": "deleted",
            "removed_at": rows[0]["removed_at"],
        }
    ]


def test_editors_get_every_removal_with_the_status_it_had(editor_api, db):
    EventFactory(status="draft").delete()
    day(D(2016, 9, 4)).delete()
    rows = walk(editor_api, REMOVED)
    assert [row["previous_status"] for row in rows] == ["draft", "published"]


def test_since_keeps_removals_at_or_after_the_time(api, db):
    first, second = day(D(2016, 9, 1)), day(D(2016, 9, 2))
    first.delete()
    EventRemoval.objects.update(removed_at=timezone.now() - datetime.timedelta(hours=2))
    cutoff = timezone.now() - datetime.timedelta(hours=1)
    second_pk = second.pk
    second.delete()
    assert [row["id"] for row in walk(api, f"{REMOVED}?since={cutoff:%Y-%m-%dT%H:%M:%SZ}")] == [
        second_pk
    ]
    assert len(walk(api, REMOVED)) == 2


def test_an_event_published_again_drops_out_of_the_public_feed(api, publisher, db):
    event = with_source(day(D(2016, 9, 4)))
    event.transition("review", user=publisher)
    assert [row["id"] for row in walk(api, REMOVED)] == [event.pk]
    event.transition("published", user=publisher)
    assert walk(api, REMOVED) == []


def test_the_feed_pages_by_keyset(api, db):
    events = [day(D(2016, 9, n)) for n in range(1, 8)]
    pks = [event.pk for event in events]
    for event in events:
        event.delete()
    assert [row["id"] for row in walk(api, f"{REMOVED}?page_size=2")] == pks


def test_a_client_following_the_recipe_ends_with_an_exact_copy(api, publisher, db):
    keep, edit, retract, delete = (with_source(day(D(2016, 9, n))) for n in (1, 2, 3, 4))
    copy = {entry["id"]: entry for entry in walk(api, "/api/v1/timeline/")}
    started = timezone.now() - datetime.timedelta(seconds=1)

    edit.headline = "Edited headline"
    edit.save()
    retract.transition("retracted", user=publisher)
    delete.delete()
    new = with_source(day(D(2016, 9, 5)))

    since = started.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    for row in walk(api, f"{REMOVED}?since={since}"):
        copy.pop(row["id"], None)
    for entry in walk(api, f"/api/v1/timeline/?updated_since={since}"):
        copy[entry["id"]] = entry
    assert copy == {entry["id"]: entry for entry in walk(api, "/api/v1/timeline/")}
    assert set(copy) == {keep.pk, edit.pk, new.pk}
    assert copy[edit.pk]["headline"] == "Edited headline"


def test_a_since_that_is_not_a_time_is_a_400(api, db):
    assert "since" in errors(api.get(f"{REMOVED}?since=2016-13-01"))
