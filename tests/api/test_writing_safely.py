"""Writing safely: ETags name the event's version, If-Match guards every change, 412 and 428."""

import pytest

from events.models import Event, EventRemoval
from tests.api.helpers import D, errors
from tests.factories import ArticleFactory, EventFactory, EventSourceFactory

pytestmark = pytest.mark.django_db

EVENTS = "/api/v1/events/"


def _url(event: Event) -> str:
    return f"{EVENTS}{event.pk}/"


@pytest.fixture
def event(db) -> Event:
    """A draft with a source, as editors work on it."""
    return EventSourceFactory(event__headline="Shelling of the town").event


@pytest.fixture
def published_event(db) -> Event:
    return EventSourceFactory(
        event__status=Event.Status.PUBLISHED, event__headline="Shelling of the town"
    ).event


def _tag(client, event: Event) -> str:
    response = client.get(_url(event))
    assert response.status_code == 200
    return response["ETag"]


def _save_elsewhere(event: Event, **fields) -> None:
    """Another editor's change, saved through the ORM between our read and our write."""
    other = Event.objects.get(pk=event.pk)
    for name, value in fields.items():
        setattr(other, name, value)
    other.save()


# -- ETags ---------------------------------------------------------------------------------------


def test_the_event_detail_etag_names_the_event_and_its_version(editor_api, event):
    tag = _tag(editor_api, event)
    assert tag.startswith(f'"{event.pk}-v1-') and tag.endswith('"')
    _save_elsewhere(event, headline="Corrected")
    assert _tag(editor_api, event).startswith(f'"{event.pk}-v2-')


def test_every_write_answers_with_the_etag_a_get_gives_now(editor_api, publisher_api, event):
    patched = editor_api.patch(
        _url(event), {"headline": "Corrected"}, format="json", HTTP_IF_MATCH=_tag(editor_api, event)
    )
    assert patched.status_code == 200
    assert patched["ETag"] == _tag(editor_api, event)
    assert editor_api.get(_url(event), HTTP_IF_NONE_MATCH=patched["ETag"]).status_code == 304
    moved = editor_api.post(
        f"{_url(event)}transition/",
        {"status": "review"},
        format="json",
        HTTP_IF_MATCH=patched["ETag"],
    )
    assert moved.status_code == 200
    assert moved["ETag"].startswith(f'"{event.pk}-v3-')
    article = ArticleFactory()
    created = editor_api.post(
        EVENTS,
        {
            "headline": "New",
            "type": event.type.slug,
            "when": "2016-09-04",
            "sources": [{"article": article.pk, "excerpt": "government forces shelled the town"}],
        },
        format="json",
    )
    assert created.status_code == 201
    assert created["ETag"].startswith(f'"{created.json()["id"]}-v1-')


# -- 428 -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["patch", "put", "transition"])
def test_a_change_without_if_match_is_a_428_naming_the_header(editor_api, event, method):
    if method == "transition":
        response = editor_api.post(f"{_url(event)}transition/", {"status": "review"}, format="json")
    else:
        body = {"headline": "x", "type": event.type.slug, "when": "2016-09-04"}
        response = getattr(editor_api, method)(_url(event), body, format="json")
    assert response.status_code == 428
    message = response.json()["errors"]["If-Match"][0]
    assert "If-Match" in message and "ETag" in message
    assert f"GET http://testserver{_url(event)}" in message
    event.refresh_from_db()
    assert (event.headline, event.status, event.version) == ("Shelling of the town", "draft", 1)


def test_creating_needs_no_if_match(editor_api, event):
    response = editor_api.post(
        EVENTS, {"headline": "New", "type": event.type.slug, "when": "2016"}, format="json"
    )
    assert response.status_code == 201


# -- 412 -----------------------------------------------------------------------------------------


def test_a_stale_patch_is_a_412_with_the_current_representation_and_writes_nothing(
    editor_api, event
):
    tag = _tag(editor_api, event)
    _save_elsewhere(event, summary="Their summary")
    response = editor_api.patch(
        _url(event), {"headline": "My headline"}, format="json", HTTP_IF_MATCH=tag
    )
    assert response.status_code == 412
    body = response.json()
    assert "version 2" in body["errors"]["If-Match"][0]
    assert body["current"]["summary"] == "Their summary"
    assert body["current"]["headline"] == "Shelling of the town"
    assert body["current"]["id"] == event.pk and body["current"]["status"] == "draft"
    assert response["ETag"] == _tag(editor_api, event)
    event.refresh_from_db()
    assert (event.headline, event.summary, event.version) == (
        "Shelling of the town",
        "Their summary",
        2,
    )
    # Retrying against the current ETag keeps both changes.
    retried = editor_api.patch(
        _url(event), {"headline": "My headline"}, format="json", HTTP_IF_MATCH=response["ETag"]
    )
    assert retried.status_code == 200
    assert (retried.json()["headline"], retried.json()["summary"]) == (
        "My headline",
        "Their summary",
    )


@pytest.mark.parametrize(
    "if_match",
    [
        'W/"{pk}-v1-abc"',  # A weak tag never matches If-Match.
        '"{other}-v1-abc"',  # Another event's tag.
        '"0123456789abcdef0123456789abcdef"',  # A list's ETag, not an event's.
        "{pk}-v1",  # Not an entity tag (no quotes).
    ],
)
def test_a_tag_that_is_not_this_events_current_one_is_a_412(editor_api, event, if_match):
    other = EventFactory()
    header = if_match.format(pk=event.pk, other=other.pk)
    response = editor_api.patch(_url(event), {"headline": "x"}, format="json", HTTP_IF_MATCH=header)
    assert response.status_code == 412
    assert Event.objects.get(pk=event.pk).headline == "Shelling of the town"


def test_any_of_several_tags_may_match(editor_api, event):
    tag = _tag(editor_api, event)
    response = editor_api.patch(
        _url(event), {"headline": "x"}, format="json", HTTP_IF_MATCH=f'"{event.pk}-v9-0", {tag}'
    )
    assert response.status_code == 200


def test_a_stale_transition_is_a_412_and_the_status_stays(editor_api, publisher_api, event):
    tag = _tag(editor_api, event)
    _save_elsewhere(event, headline="Changed meanwhile")
    response = editor_api.post(
        f"{_url(event)}transition/", {"status": "review"}, format="json", HTTP_IF_MATCH=tag
    )
    assert response.status_code == 412
    assert response.json()["current"]["headline"] == "Changed meanwhile"
    assert Event.objects.get(pk=event.pk).status == "draft"


def test_a_transition_compares_and_sets_on_the_expected_status(publisher_api, published_event):
    url = f"{_url(published_event)}transition/"
    retract = publisher_api.post(
        url, {"status": "retracted", "expected_status": "published"}, format="json",
        HTTP_IF_MATCH="*",
    )  # fmt: skip
    assert retract.status_code == 200
    # A second publisher, who still believes the event published, sends it back to review.
    stale = publisher_api.post(
        url, {"status": "review", "expected_status": "published"}, format="json",
        HTTP_IF_MATCH="*",
    )  # fmt: skip
    assert stale.status_code == 412
    assert "retracted now, not published" in stale.json()["errors"]["If-Match"][0]
    assert stale.json()["current"]["status"] == "retracted"
    assert Event.objects.get(pk=published_event.pk).status == "retracted"


# -- If-Match: * and PATCH semantics -------------------------------------------------------------


def test_if_match_star_writes_only_the_fields_given_and_keeps_the_rest(editor_api, event):
    _save_elsewhere(event, summary="Their summary")
    response = editor_api.patch(
        _url(event), {"headline": "My headline"}, format="json", HTTP_IF_MATCH="*"
    )
    assert response.status_code == 200
    event.refresh_from_db()
    assert (event.headline, event.summary, event.version) == ("My headline", "Their summary", 3)


def test_an_edit_never_changes_the_status_even_on_a_retracted_event(
    editor_api, publisher_api, published_event
):
    tag = _tag(editor_api, published_event)
    retracted = publisher_api.post(
        f"{_url(published_event)}transition/",
        {"status": "retracted"},
        format="json",
        HTTP_IF_MATCH=tag,
    )
    assert retracted.status_code == 200
    stale = editor_api.patch(
        _url(published_event), {"headline": "Edited"}, format="json", HTTP_IF_MATCH=tag
    )
    assert stale.status_code == 412
    forced = editor_api.patch(
        _url(published_event), {"headline": "Edited"}, format="json", HTTP_IF_MATCH="*"
    )
    assert forced.status_code == 200 and forced.json()["status"] == "retracted"
    published_event.refresh_from_db()
    assert (published_event.headline, published_event.status) == ("Edited", "retracted")
    assert EventRemoval.objects.filter(event_id=published_event.pk, reason="retracted").exists()


def test_a_patch_of_links_alone_moves_the_version_on(editor_api, event):
    tag = _tag(editor_api, event)
    response = editor_api.patch(_url(event), {"actors": []}, format="json", HTTP_IF_MATCH=tag)
    assert response.status_code == 200
    assert response["ETag"].startswith(f'"{event.pk}-v2-')
    again = editor_api.patch(_url(event), {"actors": []}, format="json", HTTP_IF_MATCH=tag)
    assert again.status_code == 412


# -- the shared invariants through the API -------------------------------------------------------


def test_a_published_event_cannot_lose_its_last_source(editor_api, published_event):
    response = editor_api.patch(
        _url(published_event), {"sources": []}, format="json", HTTP_IF_MATCH="*"
    )
    assert "sources" in errors(response)
    assert "keeps at least one source" in errors(response)["sources"][0]
    assert published_event.sources.count() == 1
    published_event.refresh_from_db()
    assert published_event.version == 1


def test_a_published_event_may_swap_its_only_source_for_another(editor_api, published_event):
    article = ArticleFactory()
    response = editor_api.patch(
        _url(published_event),
        {"sources": [{"article": article.pk, "excerpt": "Rebels said so."}]},
        format="json",
        HTTP_IF_MATCH="*",
    )
    assert response.status_code == 200, response.content
    assert [s["excerpt"] for s in response.json()["sources"]] == ["Rebels said so."]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"when": "9999-12-31"}, "when"),
        ({"when": "1700"}, "when"),
        ({"date_earliest": "9999-12-31", "date_latest": "9999-12-31"}, "date_earliest"),
        ({"date_earliest": "1799-12-31", "date_latest": "2016-09-04", "date_precision": "year"},
         "date_earliest"),
    ],
)  # fmt: skip
def test_dates_outside_the_window_are_a_400_naming_the_field(editor_api, event, changes, field):
    found = errors(editor_api.patch(_url(event), changes, format="json", HTTP_IF_MATCH="*"))
    assert field in found, found
    assert "outside the dates events may have" in found[field][0]
    event.refresh_from_db()
    assert event.date_earliest == D(2016, 9, 4)


def test_crlf_is_stored_and_returned_as_lf(editor_api, event):
    response = editor_api.patch(
        _url(event),
        {"summary": "First line.\r\nSecond line.\rThird."},
        format="json",
        HTTP_IF_MATCH="*",
    )
    assert response.status_code == 200
    assert response.json()["summary"] == "First line.\nSecond line.\nThird."
    assert Event.objects.get(pk=event.pk).summary == "First line.\nSecond line.\nThird."


def test_an_excerpt_sent_with_crlf_is_the_stored_excerpt(editor_api):
    article = ArticleFactory(text="First paragraph.\n\nShelling hit the market.\nTwo died.")
    source = EventSourceFactory(
        article=article, excerpt="Shelling hit the market.\nTwo died.", date_phrase=""
    )
    response = editor_api.patch(
        _url(source.event),
        {"sources": [{"article": article.pk, "excerpt": "Shelling hit the market.\r\nTwo died."}]},
        format="json",
        HTTP_IF_MATCH="*",
    )
    assert response.status_code == 200, response.content
    # The same excerpt, kept (not deleted and added again).
    assert list(source.event.sources.values_list("pk", flat=True)) == [source.pk]


def test_a_nul_character_is_a_400_naming_the_field(editor_api, event):
    found = errors(
        editor_api.patch(_url(event), {"headline": "a\x00b"}, format="json", HTTP_IF_MATCH="*")
    )
    assert "headline" in found
