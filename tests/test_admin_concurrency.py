"""The editors' admin never loses an edit: stale forms, workflow buttons that save, safe revert.

Forms are submitted as a browser would submit the rendered page (tests/browser_form.py):
every field, hidden ones included, with CRLF line endings.
"""

import pytest
from django.test import Client
from django.urls import reverse

from events.interchange.places import merge_place
from events.models import Event, EventRemoval, EventSource, Location
from tests.browser_form import change_url, opened, submitted
from tests.factories import (
    ActorFactory,
    ArticleFactory,
    EventFactory,
    EventSourceFactory,
    EventTypeFactory,
    LocationFactory,
)

pytestmark = pytest.mark.django_db


def _save(client: Client, obj, form: dict[str, str], **changes):
    return client.post(change_url(obj), {**form, **changes, "_continue": "Save"})


def _errors(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def ed(client, editor) -> Client:
    client.force_login(editor)
    return client


@pytest.fixture
def ed2(second_editor) -> Client:
    client = Client()
    client.force_login(second_editor)
    return client


@pytest.fixture
def pub(publisher) -> Client:
    client = Client()
    client.force_login(publisher)
    return client


@pytest.fixture
def event(db) -> Event:
    source = EventSourceFactory(
        event__headline="Shelling of the town",
        event__summary="First line.\nSecond line.",
        attributed_to="Rebels",
    )
    return source.event


def test_the_change_form_carries_the_version_and_what_each_field_held(ed, event):
    form = opened(ed, event)
    assert form["version"] == "1"
    assert form["initial-headline"] == "Shelling of the town"
    assert form["initial-sources-0-attributed_to"] == "Rebels"


def test_an_untouched_form_with_crlf_line_endings_changes_nothing(ed, event):
    form = opened(ed, event)
    assert form["summary"] == "First line.\r\nSecond line."  # As a browser posts a textarea.
    records = event.history.count()
    response = _save(ed, event, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    event.refresh_from_db()
    assert (event.version, event.history.count()) == (1, records)
    assert event.summary == "First line.\nSecond line."
    detail = ed.get(f"/api/v1/events/{event.pk}/").json()
    assert detail["summary"] == "First line.\nSecond line."


def test_a_change_with_crlf_records_only_the_field_that_changed(ed, event):
    form = opened(ed, event)
    assert _save(ed, event, form, headline="Shelling confirmed").status_code == 302
    event.refresh_from_db()
    new, old = event.history.order_by("-history_date")[:2]
    assert new.diff_against(old).changed_fields == ["headline"]


# -- two editors, one event -------------------------------------------------------------------


def test_a_stale_form_is_refused_and_the_first_editors_headline_is_kept(ed, ed2, event):
    first, second = opened(ed, event), opened(ed2, event)
    assert _save(ed, event, first, headline="Headline by ed").status_code == 302
    refused = _save(ed2, event, second, summary="Summary by ed2")
    page = _errors(refused)
    assert "Someone saved this event after you opened this form" in page
    assert "ed on " in page and "“Shelling of the town” → “Headline by ed”" in page
    event.refresh_from_db()
    assert (event.headline, event.summary, event.version) == (
        "Headline by ed",
        "First line.\nSecond line.",
        2,
    )
    # Shown again: ed2's own change kept, the field ed2 did not touch now ed's, version 2.
    again = submitted(refused.content.decode(), "event_form")
    assert again["summary"] == "Summary by ed2"
    assert again["headline"] == "Headline by ed"
    assert again["version"] == "2"
    assert _save(ed2, event, again).status_code == 302
    event.refresh_from_db()
    assert (event.headline, event.summary, event.version) == ("Headline by ed", "Summary by ed2", 3)


def test_the_same_field_changed_twice_is_flagged_and_never_overwritten_unseen(ed, ed2, event):
    first, second = opened(ed, event), opened(ed2, event)
    assert _save(ed, event, first, headline="Headline by ed").status_code == 302
    refused = _save(ed2, event, second, headline="Headline by ed2")
    page = _errors(refused)
    assert "Also changed by someone else since you opened the form" in page
    assert Event.objects.get(pk=event.pk).headline == "Headline by ed"
    again = submitted(page, "event_form")
    assert again["headline"] == "Headline by ed2"  # The editor's own value, to decide on.
    assert _save(ed2, event, again).status_code == 302
    assert Event.objects.get(pk=event.pk).headline == "Headline by ed2"


def test_a_stale_form_keeps_another_editors_inline_change(ed, ed2, event):
    first, second = opened(ed, event), opened(ed2, event)
    response = _save(ed, event, first, **{"sources-0-attributed_to": "The Observatory"})
    assert response.status_code == 302
    refused = _save(ed2, event, second, headline="Headline by ed2")
    page = _errors(refused)
    assert "changed source" in page
    again = submitted(page, "event_form")
    assert again["sources-0-attributed_to"] == "The Observatory"
    assert _save(ed2, event, again).status_code == 302
    source = EventSource.objects.get(event=event)
    assert source.attributed_to == "The Observatory"
    assert Event.objects.get(pk=event.pk).headline == "Headline by ed2"


def test_a_form_without_its_version_is_refused(ed, event):
    form = opened(ed, event)
    del form["version"]
    assert "Someone saved this event" in _errors(_save(ed, event, form, headline="x"))
    assert Event.objects.get(pk=event.pk).headline == "Shelling of the town"


@pytest.mark.parametrize(
    ("factory", "field"),
    [
        (ActorFactory, "name"),
        (LocationFactory, "name"),
        (ArticleFactory, "title"),
        (EventTypeFactory, "name"),
    ],
)
def test_stale_forms_of_actors_places_articles_and_types_are_refused(
    pub, ed2, publisher, factory, field
):
    obj = factory()
    first, second = opened(pub, obj), opened(ed2, obj)
    assert _save(pub, obj, first, **{field: "Changed first"}).status_code == 302
    page = _errors(_save(ed2, obj, second, **{field: "Changed second"}))
    assert "Someone saved this" in page and "pub on " in page
    obj.refresh_from_db()
    assert (getattr(obj, field), obj.version) == ("Changed first", 2)


# -- the workflow buttons save the form ----------------------------------------------------------


def test_save_and_send_for_review_saves_the_edits_and_moves_the_status(ed, editor, event):
    form = opened(ed, event)
    page = ed.get(change_url(event)).content.decode()
    assert 'name="_transition" value="review"' in page and "Save and send for review" in page
    response = ed.post(
        change_url(event), {**form, "headline": "Edited and sent", "_transition": "review"}
    )
    assert response.status_code == 302
    assert response["Location"] == change_url(event)
    event.refresh_from_db()
    assert (event.headline, event.status, event.version) == ("Edited and sent", "review", 2)
    record = event.history.latest("history_date")
    assert (record.status, record.headline, record.history_user) == (
        "review",
        "Edited and sent",
        editor,
    )


def test_save_and_publish_by_an_editor_is_refused_and_keeps_what_was_typed(ed, event):
    Event.objects.filter(pk=event.pk).update(status="review")
    form = opened(ed, event)
    response = ed.post(
        change_url(event), {**form, "headline": "Typed headline", "_transition": "published"}
    )
    page = _errors(response)
    assert "cannot be made published" in page
    assert submitted(page, "event_form")["headline"] == "Typed headline"
    event.refresh_from_db()
    assert (event.headline, event.status) == ("Shelling of the town", "review")


def test_save_and_publish_without_a_source_is_refused_and_saves_nothing(pub):
    event = EventFactory(status="review", headline="No source yet")
    form = opened(pub, event)
    response = pub.post(
        change_url(event), {**form, "headline": "Typed", "_transition": "published"}
    )
    assert "keeps at least one source" in _errors(response)
    event.refresh_from_db()
    assert (event.headline, event.status, event.version) == ("No source yet", "review", 1)


def test_save_and_publish_with_a_source_added_in_the_same_form(pub):
    event = EventFactory(status="review")
    article = ArticleFactory()
    form = opened(pub, event)
    form.update(
        {
            "sources-TOTAL_FORMS": "1",
            "sources-0-article": str(article.pk),
            "sources-0-excerpt": "government forces shelled the town",
            "sources-0-event": str(event.pk),
            "_transition": "published",
        }
    )
    assert pub.post(change_url(event), form).status_code == 302
    event.refresh_from_db()
    assert (event.status, event.sources.count()) == ("published", 1)


def test_save_and_send_for_review_on_a_new_event(ed):
    form = submitted(ed.get(reverse("admin:events_event_add")).content.decode(), "event_form")
    form.update(
        headline="A new event", type=str(EventTypeFactory().pk), when="2016-09-04",
        _transition="review",
    )  # fmt: skip
    response = ed.post(reverse("admin:events_event_add"), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    event = Event.objects.get(headline="A new event")
    assert event.status == "review"


def test_deleting_the_last_source_of_a_published_event_is_refused(pub):
    event = EventSourceFactory(event__status="published").event
    form = opened(pub, event)
    page = _errors(_save(pub, event, form, **{"sources-0-DELETE": "on"}))
    assert "keeps at least one source" in page
    assert event.sources.count() == 1


def test_one_of_two_sources_of_a_published_event_may_be_deleted(pub):
    event = EventSourceFactory(event__status="published").event
    EventSourceFactory(event=event)
    form = opened(pub, event)
    assert _save(pub, event, form, **{"sources-0-DELETE": "on"}).status_code == 302
    assert event.sources.count() == 1


# -- dates ---------------------------------------------------------------------------------------


def test_the_year_9999_is_refused_on_the_when_box_and_on_the_date_fields(ed, event):
    form = opened(ed, event)
    response = _save(ed, event, form, when="9999-12-31")
    assert "when" in response.context["adminform"].form.errors
    response = _save(ed, event, form, date_earliest="9999-12-31", date_latest="9999-12-31")
    errors = response.context["adminform"].form.errors
    assert "outside the dates events may have" in errors["date_earliest"][0]
    assert Event.objects.get(pk=event.pk).date_earliest.year == 2016


# -- history revert ------------------------------------------------------------------------------


# django-simple-history's template names the form after the history model.
REVERT_FORM = "historicalevent_form"


def _revert(client, event, record, **changes):
    url = reverse("admin:events_event_simple_history", args=[event.pk, record.history_id])
    page = client.get(url)
    assert page.status_code == 200
    form = submitted(page.content.decode(), REVERT_FORM)
    return client.post(url, {**form, **changes}), page


def test_reverting_to_a_published_version_never_republishes_a_retracted_event(ed, publisher, event):
    event.transition("review", user=publisher)
    event.transition("published", user=publisher)
    published_record = event.history.latest("history_date")
    assert published_record.status == "published"
    event.headline = "Wrong headline"
    event.save()
    event.transition("retracted", user=publisher)
    response, page = _revert(ed, event, published_record)
    assert "retracted" in page.content.decode()  # The form shows the status as it is.
    assert response.status_code == 302, response.content.decode()[:3000]
    event.refresh_from_db()
    assert (event.status, event.headline) == ("retracted", "Shelling of the town")
    assert event.history.latest("history_date").status == "retracted"
    assert EventRemoval.objects.filter(event_id=event.pk, reason="retracted").count() == 1


def test_a_revert_ignores_a_workflow_button_slipped_into_its_form(pub, publisher, event):
    event.transition("review", user=publisher)
    first = event.history.earliest("history_date")
    response, _page = _revert(pub, event, first, _transition="published")
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == "review"


def test_a_revert_against_a_stale_version_is_refused(ed, event):
    event.headline = "Second headline"
    event.save()
    first = event.history.earliest("history_date")
    url = reverse("admin:events_event_simple_history", args=[event.pk, first.history_id])
    form = submitted(ed.get(url).content.decode(), REVERT_FORM)
    assert form["version"] == "2"  # The version the record has now, not the old one's.
    event.summary = "Changed meanwhile"
    event.save()
    assert "Someone saved this event" in _errors(ed.post(url, form))
    event.refresh_from_db()
    assert (event.headline, event.summary) == ("Second headline", "Changed meanwhile")


def test_a_revert_goes_through_the_same_validation_as_an_edit(ed, event):
    event.headline = "Second headline"
    event.save()
    first = event.history.earliest("history_date")
    response, _page = _revert(ed, event, first, date_earliest="9999-12-31")
    assert "date_earliest" in response.context["adminform"].form.errors
    assert Event.objects.get(pk=event.pk).headline == "Second headline"


def test_a_user_who_may_only_view_events_cannot_revert(event):
    from django.contrib.auth.models import Permission, User

    viewer = User.objects.create_user("viewer", password="pw-for-tests-only", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_event"))
    client = Client()
    client.force_login(viewer)
    event.headline = "Second headline"
    event.save()
    first = event.history.earliest("history_date")
    url = reverse("admin:events_event_simple_history", args=[event.pk, first.history_id])
    form = submitted(client.get(url).content.decode(), REVERT_FORM)
    assert client.post(url, form).status_code == 403
    assert Event.objects.get(pk=event.pk).headline == "Second headline"


# -- a revert to a version whose references are gone --------------------------------------------


def _open_revert(client, obj, record) -> tuple[str, str, dict[str, str]]:
    """The revert page of obj at record: its URL, its text, and its form as a browser holds it."""
    name = obj._meta.model_name
    url = reverse(f"admin:events_{name}_simple_history", args=[obj.pk, record.history_id])
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    return url, text, submitted(text, f"historical{name}_form")


def test_reverting_an_event_to_before_its_place_was_merged_asks_for_a_place(ed, editor, event):
    twin, kept = LocationFactory(name="Duma town"), LocationFactory(name="Duma")
    twin_pk = twin.pk
    event.location = twin
    event.save()
    first = event.history.latest("history_date")
    event.headline = "Shelling of Duma"
    event.save()
    merge_place(twin, kept, user=editor)
    url, page, form = _open_revert(ed, event, first)
    gone = (
        f"Location: the location this version had (id {twin_pk}, “Duma town”) no longer "
        f"exists — it was merged or deleted; choose one."
    )
    assert gone in page and "errornote" in page  # Said at the field, flagged at the top.
    assert form["location"] == ""
    # Saved as shown, the event would lose its place: refused, with the same words.
    response = ed.post(url, form)
    assert response.context["adminform"].form.errors["location"] == [gone]
    event.refresh_from_db()
    assert (event.location_id, event.headline) == (kept.pk, "Shelling of Duma")
    response = ed.post(url, {**form, "location": str(kept.pk)})
    assert response.status_code == 302, _errors(response)[:3000]
    event.refresh_from_db()
    assert (event.location_id, event.headline) == (kept.pk, "Shelling of the town")


def test_reverting_a_place_to_before_its_parent_was_merged_asks_for_a_parent(ed, editor):
    twin = LocationFactory(name="Idlib province", kind=Location.Kind.GOVERNORATE)
    kept = LocationFactory(name="Idlib governorate", kind=Location.Kind.GOVERNORATE)
    town = LocationFactory(name="Saraqib", parent=twin)
    twin_pk = twin.pk
    first = town.history.latest("history_date")
    town.name = "Saraqeb"
    town.save()
    merge_place(twin, kept, user=editor)
    town.refresh_from_db()
    url, page, form = _open_revert(ed, town, first)
    gone = f"Parent: the location this version had (id {twin_pk}, “Idlib province”) no longer"
    assert gone in page
    assert form["parent"] == ""
    assert gone in _errors(ed.post(url, form))
    town.refresh_from_db()
    assert (town.parent_id, town.name) == (kept.pk, "Saraqeb")
    response = ed.post(url, {**form, "parent": str(kept.pk)})
    assert response.status_code == 302, _errors(response)[:3000]
    town.refresh_from_db()
    assert (town.parent_id, town.name) == (kept.pk, "Saraqib")


def test_a_required_reference_that_is_gone_is_asked_for_in_words_not_just_required(ed, event):
    old_type = event.type
    first = event.history.latest("history_date")
    event.type = EventTypeFactory(name="Airstrike")
    event.save()
    old_type.delete()
    url, page, form = _open_revert(ed, event, first)
    assert "no longer exists" in page and not form.get("type")
    response = ed.post(url, form)
    errors = response.context["adminform"].form.errors["type"]
    assert errors == [
        f"Type: the event type this version had (id {first.type_id}, “{old_type.name}”) no "
        f"longer exists — it was merged or deleted; choose one."
    ]
    assert Event.objects.get(pk=event.pk).type.name == "Airstrike"


def test_a_revert_whose_references_all_exist_shows_no_error(ed, event):
    event.headline = "Second headline"
    event.save()
    url, page, form = _open_revert(ed, event, event.history.earliest("history_date"))
    assert "no longer exists" not in page and "errornote" not in page
    assert ed.post(url, form).status_code == 302
