"""Drafts, events in review and retracted events never reach an anonymous reader."""

import pytest

from events.formats import FORMATS
from events.models import Event
from tests.api.helpers import D, body
from tests.factories import (
    ActorFactory,
    ArticleFactory,
    EventActorFactory,
    EventFactory,
    EventSourceFactory,
    LocationFactory,
)

pytestmark = pytest.mark.django_db

# The hidden headlines; a search page may echo the query word itself.
SECRETS = (b"zqxhidden draft", b"zqxhidden review", b"zqxhidden retracted")


@pytest.fixture
def world():
    actor, place = ActorFactory(), LocationFactory()
    article = ArticleFactory()
    made = {}
    for status in ("published", "draft", "review", "retracted"):
        headline = "Visible shelling" if status == "published" else f"zqxhidden {status} shelling"
        event = EventFactory(
            status="published" if status == "retracted" else status,
            headline=headline,
            summary=headline,
            location=place,
            date_earliest=D(2016, 9, 4),
            date_latest=D(2016, 9, 4),
        )
        EventActorFactory(event=event, actor=actor, role="side_a")
        EventSourceFactory(event=event, article=article)
        if status == "retracted":
            event.status = Event.Status.RETRACTED
            event.save()
        made[status] = event
    from events.models import EventRelation

    for status in ("draft", "review", "retracted"):
        EventRelation.objects.create(
            from_event=made["published"], to_event=made[status], kind="contradicts"
        )
        EventRelation.objects.create(
            from_event=made[status], to_event=made["published"], kind="follows"
        )
    return actor, place, article, made


def _urls(actor, place, article, made):
    api = "/api/v1"
    urls = [
        f"{api}/timeline/",
        f"{api}/events/",
        f"{api}/events/?q=zqxhidden",
        f"{api}/timeline/?q=zqxhidden",
        f"{api}/timeline/histogram/",
        f"{api}/timeline/summary/?by=type",
        f"{api}/timeline/summary/?by=actor",
        f"{api}/actors/",
        f"{api}/actors/{actor.slug}/",
        f"{api}/locations/",
        f"{api}/locations/{place.slug}/",
        f"{api}/articles/",
        f"{api}/articles/{article.pk}/",
        f"{api}/event-types/",
        f"{api}/events/removed/?since=2000-01-01T00:00:00Z",
        "/",
        "/?q=zqxhidden",
        f"/actors/{actor.slug}/",
        f"/places/{place.slug}/",
        f"/articles/{article.pk}/",
        "/embed/",
        f"{api}/events/{made['published'].pk}/",
        f"/events/{made['published'].pk}/",
        f"{api}/events/?fields=id,headline,related",
    ]
    for name in FORMATS:
        urls += [f"{api}/timeline.{name}", f"{api}/events/?format={name}&include_unmapped=true"]
    for status in ("draft", "review", "retracted"):
        pk = made[status].pk
        urls += [f"{api}/events/{pk}/", f"/events/{pk}/", f"{api}/events/?id={pk}"]
    return urls


def test_no_anonymous_response_names_an_unpublished_event(api, world):
    leaks, answers = [], {}
    for url in _urls(*world):
        response = api.get(url)
        content = body(response)
        answers[url] = response.status_code
        if any(secret in content.lower() for secret in SECRETS):
            leaks.append((url, response.status_code))
    assert leaks == [], answers


def test_counts_shown_to_anonymous_readers_count_the_published_event_only(api, world):
    actor, place, _article, _made = world
    shown = api.get(f"/api/v1/actors/{actor.slug}/").json()
    counts = {k: v for k, v in shown.items() if "count" in k or k == "events"}
    assert counts and all(v == 1 for v in counts.values() if isinstance(v, int)), shown
    shown = api.get(f"/api/v1/locations/{place.slug}/").json()
    counts = {k: v for k, v in shown.items() if "count" in k or k == "events"}
    assert counts and all(v == 1 for v in counts.values() if isinstance(v, int)), shown
    total = sum(b["count"] for b in api.get("/api/v1/timeline/histogram/").json()["buckets"])
    assert total == 1


def _show(api, world):
    return {url: api.get(url).status_code for url in _urls(*world)}


@pytest.mark.parametrize("who", ["anonymous", "reader"])
@pytest.mark.parametrize("method", ["patch", "put", "delete", "post"])
def test_a_refused_write_says_nothing_of_an_unpublished_event(api, world, who, method):
    from django.contrib.auth.models import User
    from rest_framework.authtoken.models import Token

    if who == "reader":
        user = User.objects.create_user("reader", password="pw-for-tests-only")
        api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    made = world[3]
    for status in ("draft", "review", "retracted"):
        pk = made[status].pk
        url = f"/api/v1/events/{pk}/"
        if method == "post":
            url = f"/api/v1/events/{pk}/transition/"
        for tag in ('"bogus"', f'"{pk}-v1-00"', "*"):
            response = getattr(api, method)(
                url, {"headline": "x", "status": "published"}, format="json", HTTP_IF_MATCH=tag
            )
            content = body(response).lower()
            assert response.status_code in (401, 403, 404, 405), (url, response.status_code)
            assert not any(secret in content for secret in SECRETS), content[:300]


@pytest.mark.parametrize("status", ["review", "draft"])
def test_rows_imported_unpublished_say_nothing_of_their_notes_to_anonymous_readers(api, status):
    from events.interchange.importer import import_file
    from events.models import Article
    from tests.interchange.builders import acled_file

    notes = "Zqxhidden militia ambushed a convoy near the dam."
    import_file(acled_file({"notes": notes}), dataset="acled", status=status)
    article = Article.objects.get()
    urls = [
        "/api/v1/articles/",
        f"/api/v1/articles/{article.pk}/",
        f"/articles/{article.pk}/",
        "/api/v1/timeline/?q=ambushed",
        "/?q=ambushed",
        "/api/v1/events/?format=acled&include_unmapped=true",
        "/api/v1/timeline.csv",
    ]
    leaks = {}
    for url in urls:
        response = api.get(url)
        if b"zqxhidden militia" in body(response).lower():
            leaks[url] = response.status_code
    assert leaks == {}
