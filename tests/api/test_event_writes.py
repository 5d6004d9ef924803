"""Editors write events through the API: the admin's validation, all or nothing, in history."""

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from events.models import Event, EventActor, EventRemoval, EventSource
from tests.api.helpers import D, errors
from tests.factories import (
    ActorAliasFactory,
    ActorFactory,
    ArticleFactory,
    EventFactory,
    EventSourceFactory,
    EventTypeFactory,
    LocationFactory,
)

pytestmark = pytest.mark.django_db

EVENTS = "/api/v1/events/"


@pytest.fixture
def refs(db) -> dict:
    actor = ActorFactory(slug="islamic-state", name="Islamic State")
    ActorAliasFactory(actor=actor, name="Daesh")
    return {
        "actor": actor,
        "army": ActorFactory(slug="syrian-army"),
        "type": EventTypeFactory(slug="shelling"),
        "place": LocationFactory(slug="eastern-aleppo"),
        "article": ArticleFactory(),
    }


def payload(refs, **changes) -> dict:
    data = {
        "headline": "Government forces shell the town",
        "summary": "Rebels said so.",
        "type": "shelling",
        "location": "eastern-aleppo",
        "when": "on Sunday",
        "when_reference": "2016-09-06",
        "fatalities_best": 3,
        "actors": [
            {"actor": "syrian-army", "role": "perpetrator"},
            {"actor": "DAESH", "role": "target"},
        ],
        "sources": [
            {
                "article": refs["article"].pk,
                "excerpt": "government forces shelled the town",
                "attributed_to": "Rebels",
                "date_phrase": "On Sunday",
            }
        ],
    }
    data.update(changes)
    return data


def _counts() -> tuple[int, ...]:
    return (
        Event.objects.count(),
        EventActor.objects.count(),
        EventSource.objects.count(),
        Event.history.count(),
        EventActor.history.count(),
        EventSource.history.count(),
    )


def test_an_editor_creates_a_draft_event_with_actors_and_sources_by_token(editor_api, editor, refs):
    response = editor_api.post(EVENTS, payload(refs), format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert response["Location"] == created["url"]
    assert created["status"] == "draft"
    assert created["date"] == {
        "earliest": "2016-09-04",
        "latest": "2016-09-04",
        "precision": "day",
        "approximate": False,
        "display": "4 Sep 2016",
    }
    assert [(a["slug"], a["role"]) for a in created["actors"]] == [
        ("syrian-army", "perpetrator"),
        ("islamic-state", "target"),
    ]
    assert created["sources"][0]["excerpt"] == "government forces shelled the town"
    assert created["history"][0]["user"] == editor.username
    event = Event.objects.get(pk=created["id"])
    assert event.history.get().history_user == editor
    assert {r.history_user for r in EventActor.history.filter(event_id=event.pk)} == {editor}
    assert EventSource.history.get(event_id=event.pk).history_user == editor


def test_explicit_bounds_may_be_given_instead_of_when(editor_api, refs):
    data = payload(refs, date_earliest="2016-08-01", date_latest="2016-08-10")
    data.pop("when"), data.pop("when_reference")
    data["date_precision"] = "month"
    created = editor_api.post(EVENTS, data, format="json").json()
    assert created["date"]["display"] == "early August 2016"


BAD = [
    ({"when": None, "date_earliest": "2016-09-05", "date_latest": "2016-09-04",
      "date_precision": "day"}, "date_latest", "before the earliest"),
    ({"when": None, "date_earliest": "2016-09-01", "date_latest": "2016-09-03",
      "date_precision": "day"}, "date_precision", "Day precision needs one day"),
    ({"when": "the thirteenth month"}, "when", ""),
    ({"when": None}, "date_earliest", "Give this date field"),
    ({"fatalities_low": 10}, "fatalities_low", "above the best estimate"),
    ({"type": "weather"}, "type", "no event type"),
    ({"location": "atlantis"}, "location", "no place"),
    ({"headline": ""}, "headline", ""),
    ({"status": "published"}, "status", "transition"),
    ({"colour": "red"}, "colour", "unknown field"),
    ({"actors": [{"actor": "nobody", "role": "side_a"}]}, "actors[0].actor", "no single actor"),
    ({"actors": [{"actor": "daesh", "role": "king"}]}, "actors[0].role", ""),
    ({"actors": [{"actor": "daesh", "role": "side_a"}, {"actor": "islamic-state",
      "role": "side_a"}]}, "actors[1]", "listed twice"),
    ({"sources": [{"article": 99999, "excerpt": "x"}]}, "sources[0].article", ""),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "field", "message"), BAD, ids=[b[1] for b in BAD])
def test_invalid_input_is_a_400_naming_the_field_and_writes_nothing(
    editor_api, refs, changes, field, message
):
    data = payload(refs, **changes)
    data = {name: value for name, value in data.items() if value is not None}
    before = _counts()
    found = errors(editor_api.post(EVENTS, data, format="json"))
    assert field in found, found
    assert message in " ".join(found[field])
    assert _counts() == before


def test_a_source_not_quoted_verbatim_rolls_back_the_event_and_its_actors(editor_api, refs):
    before = _counts()
    data = payload(refs)
    data["sources"][0]["excerpt"] = "rebels shelled the town"
    found = errors(editor_api.post(EVENTS, data, format="json"))
    assert "does not occur verbatim" in found["sources[0].excerpt"][0]
    assert _counts() == before


def test_a_patch_changes_fields_replaces_the_actors_and_keeps_the_sources(editor_api, editor, refs):
    created = editor_api.post(EVENTS, payload(refs), format="json")
    pk = created.json()["id"]
    response = editor_api.patch(
        f"{EVENTS}{pk}/",
        {
            "headline": "Shelling confirmed",
            "actors": [{"actor": "islamic-state", "role": "side_a"}],
        },
        format="json",
        HTTP_IF_MATCH=created["ETag"],
    )
    assert response.status_code == 200, response.content
    changed = response.json()
    assert changed["headline"] == "Shelling confirmed"
    assert [(a["slug"], a["role"]) for a in changed["actors"]] == [("islamic-state", "side_a")]
    assert len(changed["sources"]) == 1
    assert [r["change"] for r in changed["history"]] == ["~", "+"]
    removed = EventActor.history.filter(event_id=pk, history_type="-")
    assert removed.count() == 2 and {r.history_user for r in removed} == {editor}


def test_a_patch_with_new_dates_regenerates_the_display(editor_api, refs):
    pk = editor_api.post(EVENTS, payload(refs), format="json").json()["id"]
    changed = editor_api.patch(
        f"{EVENTS}{pk}/", {"when": "2016-08"}, format="json", HTTP_IF_MATCH="*"
    ).json()
    assert changed["date"]["display"] == "August 2016"
    assert changed["date"]["precision"] == "month"


def test_a_failed_patch_leaves_the_event_as_it_was(editor_api, refs):
    pk = editor_api.post(EVENTS, payload(refs), format="json").json()["id"]
    before = _counts()
    bad = {"headline": "Changed", "sources": [{"article": refs["article"].pk, "excerpt": "nope"}]}
    assert "sources[0].excerpt" in errors(
        editor_api.patch(f"{EVENTS}{pk}/", bad, format="json", HTTP_IF_MATCH="*")
    )
    assert Event.objects.get(pk=pk).headline == "Government forces shell the town"
    assert _counts() == before


def test_anonymous_clients_and_users_without_permission_cannot_write(api, refs):
    assert api.post(EVENTS, payload(refs), format="json").status_code in (401, 403)
    reader = APIClient()
    reader.force_login(User.objects.create_user("reader", password="pw-for-tests-only"))
    assert reader.post(EVENTS, payload(refs), format="json").status_code == 403
    event = EventFactory(status="published")
    assert api.patch(f"{EVENTS}{event.pk}/", {"headline": "x"}, format="json").status_code in (
        401,
        403,
    )
    assert api.post(f"{EVENTS}{event.pk}/transition/", {"status": "review"}).status_code in (
        401,
        403,
    )


def test_status_changes_go_through_transition_with_the_workflow_rules(
    editor_api, publisher_api, refs
):
    pk = editor_api.post(EVENTS, payload(refs), format="json").json()["id"]
    url = f"{EVENTS}{pk}/transition/"

    def move(client, status: str, **extra):
        return client.post(url, {"status": status, **extra}, format="json", HTTP_IF_MATCH="*")

    assert "status" in errors(move(editor_api, "published"))
    review = move(editor_api, "review", reason="ready")
    assert review.status_code == 200 and review.json()["status"] == "review"
    assert review.json()["history"][0]["reason"] == "ready"
    assert move(editor_api, "published").status_code == 403
    published = move(publisher_api, "published")
    assert published.json()["status"] == "published"
    retracted = move(publisher_api, "retracted")
    assert retracted.json()["status"] == "retracted"
    assert EventRemoval.objects.get(event_id=pk).reason == "retracted"


def test_publishing_needs_a_source(publisher_api, refs):
    publisher_api.credentials(HTTP_IF_MATCH="*")
    event = EventFactory(status="review", date_earliest=D(2016, 9, 4))
    found = errors(
        publisher_api.post(
            f"{EVENTS}{event.pk}/transition/", {"status": "published"}, format="json"
        )
    )
    assert "source" in found["status"][0]
    EventSourceFactory(event=event, article=refs["article"])
    response = publisher_api.post(
        f"{EVENTS}{event.pk}/transition/", {"status": "published"}, format="json"
    )
    assert response.status_code == 200


def test_a_deeply_nested_json_body_is_a_400_not_a_500(editor_api):
    event = EventFactory()
    body = b'{"headline": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    response = editor_api.generic(
        "PATCH", f"{EVENTS}{event.pk}/", body, content_type="application/json", HTTP_IF_MATCH="*"
    )
    assert response.status_code == 400


def test_sources_given_replace_every_source_even_two_of_the_same_excerpt(editor_api):
    """`sources`, when given, replace the event's links (api.md). The model allows one excerpt
    cited twice (two attributions of one sentence); replacing must not keep one of them."""
    article = ArticleFactory(text="Rebels said government forces shelled the town on Sunday.")
    event = EventFactory(status="draft")
    excerpt = "government forces shelled the town"
    EventSourceFactory(event=event, article=article, excerpt=excerpt, attributed_to="Rebels")
    EventSourceFactory(event=event, article=article, excerpt=excerpt, attributed_to="Activists")
    other = ArticleFactory(text="A monitor reported shelling of the town.")
    response = editor_api.patch(
        f"{EVENTS}{event.pk}/",
        {"sources": [{"article": other.pk, "excerpt": "shelling of the town"}]},
        format="json",
        HTTP_IF_MATCH="*",
    )
    assert response.status_code == 200, response.content
    kept = list(EventSource.objects.filter(event=event).values_list("article_id", "attributed_to"))
    assert kept == [(other.pk, "")]


def test_two_attributions_of_one_excerpt_are_kept_when_both_are_given(editor_api):
    """One sentence cited twice, once per source it names: both come back, and may be sent
    back; the same excerpt with the same attribution twice is refused."""
    article = ArticleFactory(text="Rebels said government forces shelled the town on Sunday.")
    event = EventFactory(status="draft")
    excerpt = "government forces shelled the town"
    both = [
        {"article": article.pk, "excerpt": excerpt, "attributed_to": "Rebels"},
        {"article": article.pk, "excerpt": excerpt, "attributed_to": "Activists"},
    ]
    response = editor_api.patch(
        f"{EVENTS}{event.pk}/", {"sources": both}, format="json", HTTP_IF_MATCH="*"
    )
    assert response.status_code == 200, response.content
    kept = sorted(EventSource.objects.filter(event=event).values_list("attributed_to", flat=True))
    assert kept == ["Activists", "Rebels"]
    twice = [both[0], dict(both[0])]
    found = errors(
        editor_api.patch(
            f"{EVENTS}{event.pk}/", {"sources": twice}, format="json", HTTP_IF_MATCH="*"
        )
    )
    assert "listed twice" in found["sources[1]"][0]


def test_a_source_naming_its_attribution_takes_that_one_before_an_unnamed_one_takes_any(
    editor_api,
):
    """Stored: the monitor's citation (first) and the rebels'. Sent: the excerpt with no
    attribution, then the monitor's: the monitor's is kept as it is, the other takes the
    rebels' (never two monitor citations)."""
    article = ArticleFactory(text="Rebels said government forces shelled the town on Sunday.")
    event = EventFactory(status="draft")
    excerpt = "government forces shelled the town"
    EventSourceFactory(event=event, article=article, excerpt=excerpt, attributed_to="monitor")
    EventSourceFactory(event=event, article=article, excerpt=excerpt, attributed_to="rebels")
    sent = [
        {"article": article.pk, "excerpt": excerpt},
        {"article": article.pk, "excerpt": excerpt, "attributed_to": "monitor"},
    ]
    response = editor_api.patch(
        f"{EVENTS}{event.pk}/", {"sources": sent}, format="json", HTTP_IF_MATCH="*"
    )
    assert response.status_code == 200, response.content
    kept = sorted(EventSource.objects.filter(event=event).values_list("attributed_to", flat=True))
    assert kept == ["monitor", "rebels"]
