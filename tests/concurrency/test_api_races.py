"""API writers racing each other and the admin on PostgreSQL, each on its own connection:
link replacements never mix, the workflow never takes two steps from one state, an admin
save and an API PATCH from one version never both land."""

import threading
from functools import partial

import pytest
from django.test import Client
from django.urls import reverse

from events.models import Event, EventActor, EventSource
from tests.browser_form import submitted
from tests.concurrency.helpers import TIMEOUT, api_for, etag, in_thread, patch
from tests.factories import ActorFactory, ArticleFactory, EventSourceFactory

pytestmark = pytest.mark.django_db(transaction=True)
ROUNDS = 6


def _at_once(*calls):
    """Each call in its own thread and connection, released together; their results."""
    barrier = threading.Barrier(len(calls), timeout=TIMEOUT)

    def lined_up(call):
        def run():
            barrier.wait()
            return call()

        return run

    handles = [in_thread(lined_up(call)) for call in calls]
    return [handle.result() for handle in handles]


def _event(status: str = "draft") -> Event:
    source = EventSourceFactory(event__headline="Shelling of the town")
    Event.objects.filter(pk=source.event_id).update(status=status)
    return Event.objects.get(pk=source.event_id)


def test_two_replacements_of_the_actors_never_mix_or_double(editor):
    failures = []
    for _ in range(ROUNDS):
        event = _event()
        sets = [[ActorFactory(), ActorFactory()], [ActorFactory(), ActorFactory(), ActorFactory()]]
        bodies = [
            {"actors": [{"actor": str(a.pk), "role": "side_a"} for a in actors]} for actors in sets
        ]
        api = api_for(editor)
        answers = _at_once(*(partial(patch, api, event.pk, body, "*") for body in bodies))
        statuses = sorted(answer.status_code for answer in answers)
        held = set(EventActor.objects.filter(event=event).values_list("actor_id", flat=True))
        count = EventActor.objects.filter(event=event).count()
        if (
            statuses != [200, 200]
            or held not in [{a.pk for a in s} for s in sets]
            or count != len(held)
        ):
            failures.append(f"{statuses}: {count} links {sorted(held)}")
    assert not failures, f"{len(failures)} of {ROUNDS} rounds: {failures}"


def test_two_replacements_of_the_sources_never_mix_or_double(editor):
    failures = []
    for _ in range(ROUNDS):
        event = _event()
        articles = [ArticleFactory(), ArticleFactory()]
        bodies = [
            {"sources": [{"article": a.pk, "excerpt": "government forces shelled the town"}]}
            for a in articles
        ]
        api = api_for(editor)
        answers = _at_once(*(partial(patch, api, event.pk, body, "*") for body in bodies))
        statuses = sorted(answer.status_code for answer in answers)
        held = list(EventSource.objects.filter(event=event).values_list("article_id", flat=True))
        if statuses != [200, 200] or held not in ([articles[0].pk], [articles[1].pk]):
            failures.append(f"{statuses}: sources of articles {held}")
    assert not failures, f"{len(failures)} of {ROUNDS} rounds: {failures}"


def _transition(client, pk: int, status: str, if_match: str = "*"):
    return client.post(
        f"/api/v1/events/{pk}/transition/", {"status": status}, format="json",
        HTTP_IF_MATCH=if_match, HTTP_ACCEPT="application/json",
    )  # fmt: skip


def test_publishing_and_sending_back_one_reviewed_event_at_once_take_one_step(publisher):
    failures = []
    for _ in range(ROUNDS):
        event = _event("review")
        api = api_for(publisher)
        answers = _at_once(
            partial(_transition, api, event.pk, "published"),
            partial(_transition, api, event.pk, "draft"),
        )
        statuses = [answer.status_code for answer in answers]
        status = Event.objects.get(pk=event.pk).status
        steps = event.history.count() - 1
        # The loser is refused: 412 when it read the event before the winner's step, 400 (no
        # such step from the new status) when after.
        if sorted(statuses) not in ([200, 400], [200, 412]) or steps != 1:
            failures.append(f"{statuses}: {status} after {steps} steps")
    assert not failures, f"{len(failures)} of {ROUNDS} rounds: {failures}"


def test_publishing_while_the_last_source_is_removed_never_publishes_without_one(publisher, editor):
    failures = []
    for _ in range(ROUNDS):
        event = _event("review")
        pub, ed = api_for(publisher), api_for(editor)
        answers = _at_once(
            partial(_transition, pub, event.pk, "published"),
            partial(patch, ed, event.pk, {"sources": []}, "*"),
        )
        statuses = [answer.status_code for answer in answers]
        event.refresh_from_db()
        sources = EventSource.objects.filter(event=event).count()
        if any(code >= 500 for code in statuses) or (event.status == "published" and not sources):
            failures.append(f"{statuses}: {event.status} with {sources} sources")
    assert not failures, f"{len(failures)} of {ROUNDS} rounds: {failures}"


def test_an_admin_save_and_an_api_patch_from_one_version_never_both_land(editor, second_editor):
    failures = []
    for _ in range(ROUNDS):
        event = _event()
        browser = Client(raise_request_exception=False)
        browser.force_login(second_editor)
        url = reverse("admin:events_event_change", args=[event.pk])
        form = submitted(browser.get(url).content.decode(), "event_form")
        api = api_for(editor)
        tag = etag(api, event.pk)
        saved, patched = _at_once(
            partial(browser.post, url, {**form, "headline": "By the admin", "_continue": "Save"}),
            partial(patch, api, event.pk, {"summary": "By the API"}, tag),
        )
        event.refresh_from_db()
        outcome = (saved.status_code, patched.status_code)
        # 302: the admin saved; 200 there is its form shown again with the other's change.
        if outcome not in ((302, 412), (200, 200)):
            failures.append(f"admin {saved.status_code}, API {patched.status_code}")
        elif outcome == (302, 412) and (event.headline, event.summary) != ("By the admin", ""):
            failures.append(f"admin won but the event holds {event.headline!r}/{event.summary!r}")
        elif outcome == (200, 200) and event.headline != "Shelling of the town":
            failures.append(f"API won but the headline is {event.headline!r}")
    assert not failures, f"{len(failures)} of {ROUNDS} rounds: {failures}"
