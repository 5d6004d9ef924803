"""Reading an article again while an editor edits one of its drafts: the edit stays, and the
reread is refused cleanly (a message), never a 500."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from events.ingest import review
from events.ingest.pipeline import ingest_article
from events.models import Event
from tests.concurrency.helpers import Gate, api_for, etag, in_thread, patch
from tests.factories import EventTypeFactory, LocationFactory

pytestmark = pytest.mark.django_db(transaction=True)
ROUNDS = 5
TEXT = "Warplanes struck Aleppo on Monday, a monitoring group said."


@pytest.fixture
def places(db):
    syria = LocationFactory(name="Syria", slug="syria", kind="country", iso_code="SYR")
    LocationFactory(name="Aleppo", slug="aleppo", kind="city", parent=syria)
    EventTypeFactory(slug="air-drone-strike", name="air-drone-strike")


def _one_round(editor, monkeypatch, number: int) -> str:
    """One race; "" when the promise held, else what went wrong."""
    article = ingest_article(
        text=f"{TEXT}\nReport {number}.",
        publication_date=datetime.date(2017, 4, 3),
        outlet="Wire",
        new_outlet=True,
    ).article
    draft = Event.objects.get(sources__article=article, type__slug="air-drone-strike")
    api = api_for(editor)
    tag = etag(api, draft.pk)
    browser = Client(raise_request_exception=False)
    browser.force_login(editor)
    gate = Gate()
    # The reread has judged the draft untouched; it waits before writing the new reading.
    monkeypatch.setattr(review, "write_proposal", gate.wrap(review.write_proposal))
    url = reverse("admin:events_article_reread", args=[article.pk])
    rereading = in_thread(lambda: browser.post(url))
    gate.wait()
    edited = patch(api, draft.pk, {"headline": "Strike on Aleppo (checked)"}, tag)
    assert edited.status_code == 200, edited.content
    gate.open()
    answer = rereading.result()
    monkeypatch.undo()
    if Event.objects.get(pk=draft.pk).headline != "Strike on Aleppo (checked)":
        return "the editor's headline was overwritten"
    if answer.status_code not in (200, 302):
        return f"the reread answered {answer.status_code}"
    return ""


def test_an_edit_landing_while_the_article_is_read_again_is_kept_and_the_reread_refused(
    editor, places, monkeypatch
):
    outcomes = [_one_round(editor, monkeypatch, number) for number in range(ROUNDS)]
    failures = [outcome for outcome in outcomes if outcome]
    assert not failures, f"{len(failures)} of {ROUNDS} rounds: {failures}"
