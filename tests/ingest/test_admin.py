"""The ingestion pages of the admin: paste or upload, review beside the text, decide."""

import datetime

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.ingest.pipeline import ingest_article
from events.models import Article, Event, EventRelation, EventSource
from tests.browser_form import submitted
from tests.factories import (
    EventFactory,
    EventSourceFactory,
    EventTypeFactory,
    LocationFactory,
)

pytestmark = pytest.mark.django_db

SUN_4_SEP_2016 = datetime.date(2016, 9, 4)
INGEST = reverse("admin:events_article_ingest")
TEXT = "On Sunday, government forces shelled Aleppo, according to a monitoring group."


@pytest.fixture
def gazetteer_rows():
    """Just enough for TEXT: its place and the event types its triggers point to."""
    EventTypeFactory(slug="shelling-artillery-missile-attack", name="Shelling")
    EventTypeFactory(slug="air-drone-strike", name="Air strike")
    return LocationFactory(name="Aleppo", slug="aleppo")


def proposals_url(article: Article) -> str:
    return reverse("admin:events_article_proposals", args=[article.pk])


def decide(client, event: Event, decision: str, **data):
    article = event.sources.first().article
    url = reverse("admin:events_article_decide", args=[article.pk, event.pk, decision])
    return client.post(url, data, follow=True)


def proposal(text: str = TEXT) -> Event:
    result = ingest_article(
        text=text, publication_date=SUN_4_SEP_2016, outlet="Wire", new_outlet=True
    )
    return result.proposals[0].event


def test_the_article_list_offers_ingestion(client, editor):
    client.force_login(editor)
    page = client.get(reverse("admin:events_article_changelist")).content.decode()
    assert INGEST in page


def test_a_pasted_article_is_stored_and_opens_its_review_queue(client, editor, gazetteer_rows):
    client.force_login(editor)
    response = client.post(
        INGEST,
        {"publication_date": "2016-09-04", "outlet": "Wire", "new_outlet": "on", "text": TEXT},
        follow=True,
    )
    article = Article.objects.get()
    assert response.redirect_chain[-1][0] == proposals_url(article)
    page = response.content.decode()
    event = Event.objects.get()
    assert event.status == "draft" and event.location == gazetteer_rows
    assert f'id="proposal-{event.pk}"' in page
    assert f'title="proposal #{event.pk}">{TEXT}</mark>' in page
    assert "counted back from the publication date 4 Sep 2016" in page
    assert "Attributed to a monitoring group" in page


def test_an_uploaded_file_is_ingested_like_a_pasted_one(client, editor, gazetteer_rows):
    client.force_login(editor)
    upload = SimpleUploadedFile("a.txt", TEXT.encode("utf-8"), content_type="text/plain")
    client.post(INGEST, {"publication_date": "2016-09-04", "upload": upload})
    assert Article.objects.get().text == TEXT


def test_an_upload_that_is_not_utf8_is_refused_on_its_field(client, editor):
    client.force_login(editor)
    upload = SimpleUploadedFile("a.txt", "Caf\u00e9 shelled".encode("latin-1"))
    response = client.post(INGEST, {"publication_date": "2016-09-04", "upload": upload})
    assert response.status_code == 200
    assert response.context["form"].errors["upload"][0].startswith("the file is not UTF-8")
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"text": TEXT}, "publication_date", "This field is required."),
        ({"text": TEXT, "publication_date": "2999-01-01"}, "publication_date", "in the future"),
        ({"publication_date": "2016-09-04"}, "text", "Paste the article text"),
        ({"text": TEXT, "publication_date": "2016-09-04", "outlet": "Reuter"}, "outlet", "Reuter"),
    ],
)
def test_bad_input_is_shown_on_the_field_and_nothing_is_stored(
    client, editor, data, field, message
):
    client.force_login(editor)
    response = client.post(INGEST, data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Article.objects.exists()


def test_pasting_a_stored_article_again_links_to_its_proposals(client, editor, gazetteer_rows):
    client.force_login(editor)
    article = proposal().sources.get().article
    response = client.post(INGEST, {"publication_date": "2016-09-04", "text": TEXT})
    assert proposals_url(article) in response.content.decode()
    assert Article.objects.count() == 1


def test_accept_sends_the_proposal_to_review_through_the_workflow(client, editor, gazetteer_rows):
    client.force_login(editor)
    event = proposal()
    response = decide(client, event, "accept")
    event.refresh_from_db()
    assert event.status == "review"
    assert event.history.first().history_change_reason == "accepted from the ingestion queue"
    assert event.history.first().history_user == editor
    assert f"Event #{event.pk} is now in review." in response.content.decode()


def test_reject_deletes_an_untouched_proposal_and_history_keeps_it(client, editor, gazetteer_rows):
    client.force_login(editor)
    event = proposal()
    decide(client, event, "reject")
    assert not Event.objects.filter(pk=event.pk).exists()
    deleted = Event.history.filter(id=event.pk, history_type="-").get()
    assert deleted.history_change_reason == "rejected in the ingestion queue"


def test_reject_refuses_an_event_an_editor_has_worked_on(client, editor, gazetteer_rows):
    client.force_login(editor)
    event = proposal()
    EventSourceFactory(event=event)  # an editor's own citation
    response = decide(client, event, "reject")
    assert Event.objects.filter(pk=event.pk).exists()
    assert "not an untouched machine proposal" in response.content.decode()


def test_merge_moves_the_excerpts_onto_the_existing_event_with_history(
    client, editor, gazetteer_rows
):
    client.force_login(editor)
    existing = EventFactory(
        headline="Government forces shell Aleppo",
        location=gazetteer_rows,
        status="published",
    )
    EventSourceFactory(event=existing)
    event = proposal()
    flagged = EventRelation.objects.get(from_event=event, kind="possible_duplicate")
    assert flagged.to_event == existing
    page = client.get(proposals_url(event.sources.get().article)).content.decode()
    assert f"Merge into #{existing.pk}" in page

    decide(client, event, "merge", into=str(existing.pk))

    assert not Event.objects.filter(pk=event.pk).exists()
    moved = existing.sources.get(machine_proposed=True)
    assert moved.excerpt == TEXT
    latest = existing.history.first()
    assert latest.history_change_reason == f"merged proposal #{event.pk}: 1 excerpt(s) moved here"
    assert latest.history_user == editor
    assert EventSource.history.filter(id=moved.pk).first().history_change_reason == (
        f"moved from proposal #{event.pk} (merge)"
    )
    history = client.get(reverse("admin:events_event_history", args=[existing.pk]))
    assert f"merged proposal #{event.pk}" in history.content.decode()


def test_merge_into_an_unknown_event_is_refused_with_a_message(client, editor, gazetteer_rows):
    client.force_login(editor)
    event = proposal()
    response = decide(client, event, "merge", into="banana")
    messages = [str(m) for m in response.context["messages"]]
    assert messages == ["into: 'banana' is not the number of an event."]
    assert Event.objects.filter(pk=event.pk).exists()


def test_someone_who_may_only_look_cannot_decide(client, gazetteer_rows):
    viewer = User.objects.create_user("viewer", password="pw-for-tests-only", is_staff=True)
    viewer.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_article", "view_event"])
    )
    client.force_login(viewer)
    event = proposal()
    assert client.get(proposals_url(event.sources.get().article)).status_code == 200
    assert decide(client, event, "accept").status_code == 403
    assert client.get(INGEST).status_code == 403
    event.refresh_from_db()
    assert event.status == "draft"


def test_unrecognised_names_are_listed_with_links_to_create_them(client, editor, gazetteer_rows):
    client.force_login(editor)
    event = proposal(f"{TEXT} Jaish al-Nasr fighters fled.")
    page = client.get(proposals_url(event.sources.get().article)).content.decode()
    assert "Jaish al-Nasr (1×)" in page
    add = reverse("admin:events_actor_add") + "?name=Jaish+al-Nasr&amp;kind=rebel_group"
    assert add in page


def test_the_review_queue_costs_the_same_queries_for_more_proposals(client, editor, gazetteer_rows):
    client.force_login(editor)
    few = proposal(TEXT).sources.get().article
    many_text = " ".join(
        f"On {day}, government forces shelled Aleppo." for day in ("Sunday", "Friday", "Monday")
    )
    many = proposal(many_text).sources.get().article
    assert many.citations.count() == 3

    def queries(article) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(proposals_url(article)).status_code == 200
        return len(captured)

    assert queries(many) == queries(few)


def test_how_ingestion_read_a_proposal_is_shown_to_editors_only(client, editor, gazetteer_rows):
    event = proposal()
    assert event.summary == ""
    assert event.proposal_note.startswith("Proposed by article ingestion from")
    client.force_login(editor)
    change = client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()
    assert "How article ingestion read it" in change
    review = client.get(proposals_url(event.sources.first().article)).content.decode()
    assert "Proposed by article ingestion from" in review
    Event.objects.filter(pk=event.pk).update(status=Event.Status.PUBLISHED)
    client.logout()
    for url in (f"/api/v1/events/{event.pk}/", f"/events/{event.pk}/", "/api/v1/timeline/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"Proposed by article ingestion" not in response.content, url
        assert b"proposal_note" not in response.content, url


def _edit_in_the_admin(client, event: Event, **changes) -> None:
    url = reverse("admin:events_event_change", args=[event.pk])
    form = submitted(client.get(url).content.decode(), "event_form")
    response = client.post(url, {**form, **changes, "_continue": "Save"})
    assert response.status_code == 302, response.content.decode()[:2000]


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_reject_refuses_a_draft_another_editor_edited(editor, second_editor, gazetteer_rows):
    """Rejecting from a review page opened before another editor's edit deletes nothing."""
    event = proposal()
    _edit_in_the_admin(_logged_in(second_editor), event, headline="Checked: 3 killed")
    decide(_logged_in(editor), event, "reject")
    assert Event.objects.get(pk=event.pk).headline == "Checked: 3 killed"


def test_merge_refuses_a_draft_another_editor_edited(editor, second_editor, gazetteer_rows):
    existing = EventFactory(location=gazetteer_rows, status="published")
    EventSourceFactory(event=existing)
    event = proposal()
    _edit_in_the_admin(_logged_in(second_editor), event, headline="Checked: 3 killed")
    decide(_logged_in(editor), event, "merge", into=str(existing.pk))
    assert Event.objects.get(pk=event.pk).headline == "Checked: 3 killed"
