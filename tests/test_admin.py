"""The editors' admin: pages, bounded queries, date entry, workflow actions and permissions."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import Event, EventActor
from tests.browser_form import submitted
from tests.factories import (
    ActorAliasFactory,
    ActorFactory,
    ArticleFactory,
    EventActorFactory,
    EventFactory,
    EventSourceFactory,
    EventTypeFactory,
    LocationFactory,
)

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:events_event_changelist")


def _events_with_links(count: int) -> None:
    place = LocationFactory()
    for n in range(count):
        event = EventFactory(location=place, date_earliest=datetime.date(2016, 1, 1 + n % 28))
        event.date_latest = event.date_earliest
        event.save()
        EventActorFactory(event=event)
        EventActorFactory(event=event, role="side_b")
        EventSourceFactory(event=event)


def _queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(captured)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?status__exact=draft",
        "?when=2016",
        "?when=2016-01",
        "?actor=armed",
        "?q=Shelling",
        "?date_precision__exact=day",
    ],
)
def test_changelist_queries_do_not_grow_with_rows(client, editor, query):
    client.force_login(editor)
    _events_with_links(3)
    few = _queries_for(client, CHANGELIST + query)
    _events_with_links(20)
    many = _queries_for(client, CHANGELIST + query)
    assert many == few
    assert many <= 14


def test_changelist_shows_display_date_actors_and_source_counts(client, editor):
    client.force_login(editor)
    link = EventActorFactory(
        event__headline="Siege of eastern Aleppo",
        event__date_earliest=datetime.date(2016, 8, 1),
        event__date_latest=datetime.date(2016, 8, 10),
        event__date_precision="month",
        event__date_display="early August 2016",
        actor__name="Syrian army",
    )
    EventSourceFactory(event=link.event)
    page = client.get(CHANGELIST).content.decode()
    assert "Siege of eastern Aleppo" in page
    assert "early August 2016" in page
    assert "Syrian army (side A)" in page


def test_date_navigation_lists_years_then_months(client, editor):
    client.force_login(editor)
    EventFactory(
        date_earliest=datetime.date(2015, 9, 1),
        date_latest=datetime.date(2015, 9, 30),
        date_precision="month",
    )
    EventFactory(headline="In 2016", date_earliest=datetime.date(2016, 9, 4))
    page = client.get(CHANGELIST).content.decode()
    assert "?when=2016" in page and "?when=2015" in page
    page = client.get(CHANGELIST + "?when=2016").content.decode()
    assert "September 2016" in page
    assert "In 2016" in page


def test_a_malformed_date_filter_is_not_a_server_error(client, editor):
    client.force_login(editor)
    response = client.get(CHANGELIST + "?when=2016-13")
    assert response.status_code == 302
    assert "e=1" in response["Location"]


def test_search_finds_events_by_an_actor_alias(client, editor):
    client.force_login(editor)
    actor = ActorFactory(name="Islamic State")
    ActorAliasFactory(actor=actor, name="Daesh")
    EventActorFactory(actor=actor, event__headline="Convoy halted")
    EventFactory(headline="Unrelated")
    page = client.get(CHANGELIST + "?q=daesh").content.decode()
    assert "Convoy halted" in page
    assert "Unrelated" not in page


def test_place_filter_includes_everything_beneath(client, editor):
    client.force_login(editor)
    governorate = LocationFactory(kind="governorate", name="Aleppo Governorate", slug="aleppo-gov")
    city = LocationFactory(parent=governorate, name="Aleppo")
    EventFactory(headline="In the city", location=city)
    EventFactory(headline="Elsewhere", location=LocationFactory())
    page = client.get(CHANGELIST + "?place=aleppo-gov").content.decode()
    assert "In the city" in page
    assert "Elsewhere" not in page


def test_change_form_shows_actor_and_source_inlines(client, editor):
    client.force_login(editor)
    source = EventSourceFactory()
    EventActorFactory(event=source.event)
    page = client.get(reverse("admin:events_event_change", args=[source.event.pk])).content.decode()
    assert "actor_links-TOTAL_FORMS" in page
    assert "sources-TOTAL_FORMS" in page
    assert "when_preview.js" in page
    assert "Save and send for review" in page
    assert "Save and publish" not in page  # An editor without the permission gets no button.


def _add_form(**overrides) -> dict:
    data = {
        "headline": "Militants launch a campaign to capture Maan",
        "summary": "",
        "type": EventTypeFactory().pk,
        "when": "on Sunday",
        "when_reference": "2016-09-04",
        "date_display": "",
        "actor_links-TOTAL_FORMS": "0",
        "actor_links-INITIAL_FORMS": "0",
        "sources-TOTAL_FORMS": "0",
        "sources-INITIAL_FORMS": "0",
        "relations_out-TOTAL_FORMS": "0",
        "relations_out-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_adding_an_event_with_a_relative_date_stores_its_bounds(client, editor):
    client.force_login(editor)
    response = client.post(reverse("admin:events_event_add"), _add_form())
    assert response.status_code == 302, response.content.decode()[:2000]
    event = Event.objects.get()
    assert (event.date_earliest, event.date_latest) == (datetime.date(2016, 9, 4),) * 2
    assert event.date_precision == "day"
    assert event.status == "draft"
    assert event.history.first().history_user == editor


def test_adding_an_event_with_actors_and_a_verbatim_source(client, editor):
    client.force_login(editor)
    actor = ActorFactory()
    article = ArticleFactory(
        text="Militants launched a campaign on Sunday to capture the town of Maan."
    )
    data = _add_form(
        when="early August",
        **{
            "actor_links-TOTAL_FORMS": "1",
            "actor_links-0-actor": actor.pk,
            "actor_links-0-role": "perpetrator",
            "sources-TOTAL_FORMS": "1",
            "sources-0-article": article.pk,
            "sources-0-excerpt": "launched a campaign on Sunday",
            "sources-0-date_phrase": "on Sunday",
            "sources-0-attributed_to": "a spokesman for Jaish al-Nasr",
        },
    )
    response = client.post(reverse("admin:events_event_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    event = Event.objects.get()
    assert event.date_display == "early August 2016"
    source = event.sources.get()
    assert (source.excerpt_start, source.excerpt_end) == (10, 39)
    assert EventActor.objects.get(event=event).date_earliest == datetime.date(2016, 8, 1)


def test_a_bad_date_is_shown_on_the_when_field_and_nothing_is_saved(client, editor):
    client.force_login(editor)
    response = client.post(reverse("admin:events_event_add"), _add_form(when="2016-13"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "when" in errors
    assert "13" in errors["when"][0]
    assert not Event.objects.exists()


def test_a_non_verbatim_excerpt_is_refused_and_nothing_is_saved(client, editor):
    client.force_login(editor)
    article = ArticleFactory()
    data = _add_form(
        **{
            "sources-TOTAL_FORMS": "1",
            "sources-0-article": article.pk,
            "sources-0-excerpt": "words that are not in the article",
        }
    )
    response = client.post(reverse("admin:events_event_add"), data)
    assert response.status_code == 200
    assert "verbatim" in response.content.decode()
    assert not Event.objects.exists()


def test_resolve_date_endpoint_previews_the_bounds(client, editor):
    client.force_login(editor)
    url = reverse("admin:events_event_resolve_date")
    body = client.get(url, {"when": "on Wednesday", "reference": "2017-08-31"}).json()
    assert body["earliest"] == body["latest"] == "2017-08-30"
    assert body["precision"] == "day"
    response = client.get(url, {"when": "next blue moon", "reference": "2017-08-31"})
    assert response.status_code == 400
    assert response.json()["error"].startswith("when:")


def test_editor_sends_for_review_but_cannot_publish(client, editor):
    client.force_login(editor)
    event = EventSourceFactory().event
    data = {"action": "send_for_review", "_selected_action": [event.pk]}
    client.post(CHANGELIST, data)
    event.refresh_from_db()
    assert event.status == "review"
    assert 'value="publish"' not in client.get(CHANGELIST).content.decode()
    client.post(CHANGELIST, {"action": "publish", "_selected_action": [event.pk]})
    event.refresh_from_db()
    assert event.status == "review"
    transition = reverse("admin:events_event_transition", args=[event.pk])
    response = client.post(transition, {"status": "published"}, follow=True)
    event.refresh_from_db()
    assert event.status == "review"
    assert "status did not change" in response.content.decode()


def test_publisher_publishes_and_retracts_with_history(client, publisher):
    client.force_login(publisher)
    event = EventSourceFactory(event__status="review").event
    client.post(CHANGELIST, {"action": "publish", "_selected_action": [event.pk]})
    event.refresh_from_db()
    assert event.status == "published"
    client.post(CHANGELIST, {"action": "retract", "_selected_action": [event.pk]})
    event.refresh_from_db()
    assert event.status == "retracted"
    assert [h.status for h in event.history.order_by("history_date")] == [
        "review",
        "published",
        "retracted",
    ]
    assert {h.history_user for h in event.history.exclude(status="review")} == {publisher}


def test_the_old_separate_status_form_refuses_and_changes_nothing(client, publisher):
    client.force_login(publisher)
    event = EventSourceFactory(event__status="review").event
    page = client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()
    assert 'form="workflow-form"' not in page
    assert 'name="_transition" value="published"' in page
    response = client.post(
        reverse("admin:events_event_transition", args=[event.pk]),
        {"status": "published"},
        follow=True,
    )
    event.refresh_from_db()
    assert event.status == "review"
    assert "Save and" in response.content.decode()


def test_publishing_without_sources_is_refused_with_a_message(client, publisher):
    client.force_login(publisher)
    event = EventFactory(status="review")
    response = client.post(
        CHANGELIST, {"action": "publish", "_selected_action": [event.pk]}, follow=True
    )
    event.refresh_from_db()
    assert event.status == "review"
    assert "at least one source" in response.content.decode()


def test_review_queue_lists_only_events_in_review(client, editor):
    client.force_login(editor)
    EventFactory(headline="Waiting for review", status="review")
    EventFactory(headline="Still a draft", status="draft")
    page = client.get(reverse("admin:events_eventforreview_changelist")).content.decode()
    assert "Waiting for review" in page
    assert "Still a draft" not in page


def test_history_page_lists_actor_and_source_changes(client, editor):
    client.force_login(editor)
    source = EventSourceFactory(attributed_to="the Observatory")
    EventActorFactory(event=source.event, actor__name="Jaish al-Nasr")
    page = client.get(
        reverse("admin:events_event_history", args=[source.event.pk])
    ).content.decode()
    assert "Jaish al-Nasr as side A" in page
    assert "the Observatory" in page


def test_article_page_lists_the_events_citing_it(client, editor):
    client.force_login(editor)
    source = EventSourceFactory(event__headline="Ramousah complex recaptured")
    page = client.get(
        reverse("admin:events_article_change", args=[source.article.pk])
    ).content.decode()
    assert "Ramousah complex recaptured" in page


def test_actor_pages_show_aliases_and_event_counts(client, editor):
    client.force_login(editor)
    actor = ActorFactory(name="Jabhat Fatah al-Sham")
    ActorAliasFactory(actor=actor, name="Nusra Front")
    EventActorFactory(actor=actor)
    EventActorFactory(actor=actor)
    page = client.get(reverse("admin:events_actor_changelist")).content.decode()
    assert "Nusra Front" in page
    assert '<td class="field-event_total">2</td>' in page
    page = client.get(reverse("admin:events_actor_change", args=[actor.pk])).content.decode()
    assert 'value="Nusra Front"' in page


def _change_form(client, obj) -> tuple[str, dict]:
    """The change form's URL and what a browser would submit from it untouched."""
    url = reverse(f"admin:events_{obj._meta.model_name}_change", args=[obj.pk])
    response = client.get(url)
    assert response.status_code == 200
    return url, submitted(response.content.decode(), f"{obj._meta.model_name}_form")


def test_two_new_aliases_folding_alike_in_one_actor_form_are_a_form_error_not_a_500(client, editor):
    client.force_login(editor)
    actor = ActorFactory(name="Islamic State")
    url, form = _change_form(client, actor)
    form.update(
        {
            "aliases-0-name": "ISIS",
            "aliases-TOTAL_FORMS": "2",
            "aliases-1-name": "isis",
            "aliases-1-language": "",
            "aliases-1-actor": str(actor.pk),
            "aliases-1-id": "",
            "_continue": "Save",
        }
    )
    response = client.post(url, form)
    assert response.status_code == 200
    assert "&#x27;isis&#x27; reads as &#x27;ISIS&#x27;, given above." in response.content.decode()
    assert not actor.aliases.exists()


def test_a_new_place_alias_folding_like_an_existing_one_is_a_form_error_not_a_500(client, editor):
    client.force_login(editor)
    place = LocationFactory(name="Aleppo")
    place.aliases.create(name="Halab")
    url, form = _change_form(client, place)
    form.update({"aliases-1-name": "HALAB", "_continue": "Save"})
    response = client.post(url, form)
    assert response.status_code == 200
    page = response.content.decode()
    assert "&#x27;HALAB&#x27; reads as &#x27;Halab&#x27;, already an alias of Aleppo." in page
    assert list(place.aliases.values_list("name", flat=True)) == ["Halab"]


def test_autocomplete_finds_an_actor_by_alias(client, editor):
    client.force_login(editor)
    actor = ActorFactory(name="Islamic State")
    ActorAliasFactory(actor=actor, name="ISIL")
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": "isil", "app_label": "events", "model_name": "eventactor", "field_name": "actor"},
    )
    assert [r["text"] for r in response.json()["results"]] == ["Islamic State"]


@pytest.mark.parametrize(
    "url_name", ["events_article", "events_actor", "events_location", "events_eventtype"]
)
def test_every_changelist_and_add_form_opens(client, publisher, url_name):
    client.force_login(publisher)
    assert client.get(reverse(f"admin:{url_name}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:{url_name}_add")).status_code == 200


def test_the_migration_creates_editor_and_publisher_groups():
    from django.contrib.auth.models import Group

    editor = set(Group.objects.get(name="Editor").permissions.values_list("codename", flat=True))
    publisher = set(
        Group.objects.get(name="Publisher").permissions.values_list("codename", flat=True)
    )
    assert {"add_event", "change_event", "add_eventsource", "change_actor"} <= editor
    assert "publish_event" not in editor
    assert "delete_event" not in editor
    assert publisher == {"publish_event"}


def test_an_earlier_version_can_be_viewed_and_reverted_from_history(client, editor):
    client.force_login(editor)
    event = EventFactory(headline="Original headline")
    event.headline = "A later, wrong headline"
    event.save()
    first = event.history.earliest("history_date")
    url = reverse("admin:events_event_simple_history", args=[event.pk, first.history_id])
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.initial["headline"] == "Original headline"
    data = {name: value for name, value in form.initial.items() if value is not None}
    data["type"] = event.type_id
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    event.refresh_from_db()
    assert event.headline == "Original headline"
    assert event.history.count() == 3
