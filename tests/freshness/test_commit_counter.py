"""The commit counters: moved once per committed write, after its commit, for the audiences
that may see it, never by a rollback; on every write path, a bulk load's rebuild and a
relation manager's links included."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from rest_framework.test import APIClient

from events.interchange.importer import import_file
from events.interchange.importer.review import dismiss_pending
from events.models import CommitCounter, Event, EventActor, ExternalRecord
from tests.factories import ActorFactory, EventActorFactory, EventFactory, EventSourceFactory
from tests.interchange.builders import UCDP_SAMPLE, acled_file, acled_rows

pytestmark = pytest.mark.django_db(transaction=True)
PUBLIC, EVERYONE = CommitCounter.Audience.PUBLIC, CommitCounter.Audience.EVERYONE
TIMELINE = "/api/v1/timeline/"


def _counters() -> dict[str, int]:
    values = dict(CommitCounter.objects.values_list("audience", "value"))
    return {audience: values.get(audience, 0) for audience in (PUBLIC, EVERYONE)}


def _moved(before: dict[str, int]) -> dict[str, int]:
    after = _counters()
    return {audience: after[audience] - before[audience] for audience in after}


@pytest.fixture
def published():
    event = EventFactory(status="published", headline="Published event")
    EventSourceFactory(event=event)
    return event


@pytest.fixture
def draft():
    return EventFactory(status="draft", headline="A draft")


def test_a_transaction_of_many_saves_moves_each_counter_once_after_it_commits(published):
    before = _counters()
    with transaction.atomic():
        for number in range(3):
            event = Event.objects.get(pk=published.pk)
            event.headline = f"Edit {number}"
            event.save()
        EventActorFactory(event=published)
        assert _moved(before) == {PUBLIC: 0, EVERYONE: 0}, "moved before the commit"
    assert _moved(before) == {PUBLIC: 1, EVERYONE: 1}


def test_a_draft_edit_moves_only_the_editors_counter(draft):
    actor = ActorFactory()  # A new actor is public: made before counting.
    before = _counters()
    draft.headline = "Draft, edited"
    draft.save()
    EventActorFactory(event=Event.objects.get(pk=draft.pk), actor=actor)  # Event read afresh.
    link = EventActor.objects.get(event=draft)
    link.delete()
    assert _moved(before) == {PUBLIC: 0, EVERYONE: 3}


def test_a_link_of_a_published_event_read_without_its_event_counts_for_the_public(published):
    link = EventActorFactory(event=published)
    before = _counters()
    EventActor.objects.get(pk=link.pk).delete()  # The event is not loaded: one probe tells.
    assert _moved(before) == {PUBLIC: 1, EVERYONE: 1}


def test_unpublishing_counts_for_the_public(published):
    before = _counters()
    event = Event.objects.get(pk=published.pk)
    event.status = Event.Status.DRAFT
    event.save()
    assert _moved(before) == {PUBLIC: 1, EVERYONE: 1}


def test_a_rolled_back_transaction_moves_nothing(published):
    before = _counters()
    with transaction.atomic():
        published.headline = "Never committed"
        published.save()
        transaction.set_rollback(True)
    assert _moved(before) == {PUBLIC: 0, EVERYONE: 0}


def test_a_write_after_a_rolled_back_savepoint_is_still_counted(published, draft):
    before = _counters()
    with transaction.atomic():
        try:
            with transaction.atomic():
                published.headline = "Rolled back"
                published.save()  # Registers the public count inside the savepoint...
                raise RuntimeError("undo")
        except RuntimeError:
            pass
        ActorFactory(name="A new actor")  # ...which the rollback dropped: counted again.
    assert _moved(before) == {PUBLIC: 1, EVERYONE: 1}


def test_a_missing_counter_row_is_made_by_the_first_write(published):
    CommitCounter.objects.all().delete()
    published.headline = "After a flush"
    published.save()
    assert _counters() == {PUBLIC: 1, EVERYONE: 1}


def test_each_committed_import_chunk_moves_the_public_etag():
    before_counters = _counters()
    before = APIClient().get("/api/v1/timeline/")["ETag"]
    call_command(
        "import_events",
        str(UCDP_SAMPLE),
        "--format",
        "ucdp",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    moved = _moved(before_counters)
    assert moved[PUBLIC] >= 1 and moved[EVERYONE] >= 1, moved
    assert APIClient().get("/api/v1/timeline/")["ETag"] != before


def test_dismissing_a_draft_events_dataset_row_leaves_the_public_counter_and_etag():
    # A newer row waiting on a record (pending) is never shown to anonymous readers, and the
    # event is a draft: the editors' counter moves, not the public's.
    import_file(acled_file(*acled_rows(1)), dataset="acled")
    record = ExternalRecord.objects.get(external_id="SYR1")
    event = Event.objects.get(pk=record.event_id)
    event.status = Event.Status.DRAFT
    event.save()
    ExternalRecord.objects.filter(pk=record.pk).update(pending={"row": {}, "fingerprint": "f"})
    before, etag = _counters(), APIClient().get(TIMELINE)["ETag"]
    assert dismiss_pending([ExternalRecord.objects.get(pk=record.pk)]) == 1
    assert _moved(before)[PUBLIC] == 0, "a draft's dataset row moved the public counter"
    assert APIClient().get(TIMELINE)["ETag"] == etag


def test_an_import_that_rebuilds_its_set_aside_features_moves_the_public_etag_after(
    monkeypatch,
):
    # The set-aside features (histogram day pairs, published counts, full-text index) are
    # rebuilt after the last chunk has committed: the rebuild changes what the histogram
    # counts, so it moves the counter again, and a response read before it is not served
    # (from the page cache, under its ETag) after it.
    from events import triggers

    monkeypatch.setattr("events.interchange.importer.run.SET_ASIDE_ROWS", 5)
    restore, seen = triggers.restore_triggers, {}
    url = f"{TIMELINE}histogram/"

    def look_then_restore(*args, **kwargs):
        response = APIClient().get(url)
        seen.update(etag=response["ETag"], events=response.json()["events"])
        return restore(*args, **kwargs)

    monkeypatch.setattr(triggers, "restore_triggers", look_then_restore)
    import_file(acled_file(*acled_rows(8)), dataset="acled", chunk_rows=3)
    assert seen == {"etag": seen["etag"], "events": 0}, seen  # Read before the rebuild.
    after = APIClient().get(url)
    assert after["ETag"] != seen["etag"], "the rebuild changed the histogram, not its ETag"
    assert after.json()["events"] == 8, "the page cache served the count read mid-import"


def test_linking_an_actor_through_the_relation_manager_counts_for_the_public(published):
    # Model.actors.add() with a through model writes the link with bulk_create (no post_save):
    # counted from the relation's m2m_changed.
    actor = ActorFactory()
    before = _counters()
    with transaction.atomic():
        published.actors.add(actor, through_defaults={"role": "side_a"})
    assert _moved(before) == {PUBLIC: 1, EVERYONE: 1}


def test_unpublishing_an_event_read_without_its_status_counts_for_the_public(published):
    # Event.save() asks the database for the status it leaves when the status was not loaded,
    # and tells its receivers: leaving the published record counts for the public.
    event = Event.objects.only("id", "headline").get(pk=published.pk)
    event.status = Event.Status.DRAFT
    before = _counters()
    event.save()
    assert _moved(before) == {PUBLIC: 1, EVERYONE: 1}
