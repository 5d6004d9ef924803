"""The public article, event, actor and place pages, and the site beside the admin and the API."""

import html as html_lib
import re

import pytest

from events.models import Actor, Article, Event, EventSource, Location
from tests.factories import ArticleFactory, EventFactory, EventSourceFactory

pytestmark = pytest.mark.django_db

ENTRY = re.compile(r'<article class="entry[^"]*" id="event-(\d+)"')


def listed(response) -> list[int]:
    return [int(pk) for pk in ENTRY.findall(response.content.decode())]


def marked_text(page: str) -> str:
    """The text inside the highlights, joined: what a reader sees highlighted."""
    marks = re.findall(r'<mark class="cite[^"]*"[^>]*>(?:<span[^>]*></span>)*([^<]*)</mark>', page)
    return html_lib.unescape("".join(marks))


# --- Article --------------------------------------------------------------------------------


def test_an_article_highlights_every_excerpt_its_published_events_cite(client, seeded):
    for article in Article.objects.all():
        response = client.get(f"/articles/{article.pk}/")
        assert response.status_code == 200
        page = response.content.decode()
        highlighted = marked_text(page)
        excerpts = EventSource.objects.filter(
            article=article, event__status=Event.Status.PUBLISHED
        ).values_list("excerpt", flat=True)
        assert excerpts
        for excerpt in excerpts:
            # Overlapping excerpts share segments; each one is highlighted through and through.
            assert all(part in highlighted for part in excerpt.split()), excerpt


def test_an_article_keeps_its_whole_text_in_order(client, seeded):
    article = Article.objects.get(title="Syrian Forces Besiege Aleppo")
    page = client.get(f"/articles/{article.pk}/").content.decode()
    body = page[page.index('class="report__text"') : page.index("</article>")]
    body = re.sub(r'<sup class="refs">.*?</sup>', "", body)
    plain = html_lib.unescape(re.sub(r"<[^>]+>", "", body))
    assert re.sub(r"\s+", " ", article.text.strip()) in re.sub(r"\s+", " ", plain)


def test_each_highlight_links_to_the_events_citing_it_and_each_event_back(client, seeded):
    article = Article.objects.get(title__startswith="Islamic State convoy")
    page = client.get(f"/articles/{article.pk}/").content.decode()
    for event_id in (
        EventSource.objects.filter(article=article).values_list("event_id", flat=True).distinct()
    ):
        assert f'id="cite-{event_id}"' in page
        assert f'href="#event-{event_id}"' in page
        assert f'id="event-{event_id}"' in page


def test_an_article_cited_by_no_published_event_is_not_public(client, db):
    draft_only = ArticleFactory()
    EventSourceFactory(article=draft_only, event=EventFactory(status=Event.Status.DRAFT))
    assert client.get(f"/articles/{draft_only.pk}/").status_code == 404
    assert client.get("/articles/999999/").status_code == 404


def test_unpublished_citations_are_not_highlighted(client, seeded):
    article = Article.objects.get(title="Syrian Forces Besiege Aleppo")
    draft = EventFactory(status=Event.Status.DRAFT, headline="Draft about the siege")
    EventSourceFactory(event=draft, article=article, excerpt="Reuters reported")
    page = client.get(f"/articles/{article.pk}/").content.decode()
    assert f'cite-{draft.pk}"' not in page
    assert "Draft about the siege" not in page


# --- Event ----------------------------------------------------------------------------------


def test_an_event_page_shows_the_event_its_sources_and_the_contradicting_claim(client, seeded):
    event = Event.objects.get(headline__startswith="Claim: IS convoy turned back")
    other = Event.objects.get(headline__startswith="Claim: halted IS convoy heads north")
    response = client.get(f"/events/{event.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert listed(response) == [event.pk]
    assert "Sources disagree" in page
    assert f'href="/events/{other.pk}/"' in page
    assert "/articles/" in page


# --- Actor ----------------------------------------------------------------------------------


def test_an_actor_page_lists_its_aliases_and_its_own_chronology(client, seeded):
    response = client.get("/actors/islamic-state/")
    assert response.status_code == 200
    page = response.content.decode()
    for alias in ("Daesh", "ISIL", "ISIS"):
        assert f">{alias}</span>" in page
    actor = Actor.objects.get(slug="islamic-state")
    expected = list(
        Event.objects.published()
        .filter(actor_links__actor=actor)
        .distinct()
        .chronological()
        .values_list("id", flat=True)
    )
    assert listed(response) == expected


def test_an_actor_page_takes_further_filters(client, seeded):
    everything = listed(client.get("/actors/islamic-state/"))
    narrowed = listed(client.get("/actors/islamic-state/?start=2017"))
    assert narrowed and set(narrowed) < set(everything)


def test_an_unknown_actor_or_place_is_a_404_page(client, seeded):
    for url in ("/actors/nobody/", "/places/atlantis/", "/events/999999/"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Go to the chronology" in response.content.decode()


# --- Place ----------------------------------------------------------------------------------


def test_a_place_page_includes_the_events_anywhere_within_it(client, seeded):
    governorate = Location.objects.get(slug="aleppo-governorate")
    response = client.get("/places/aleppo-governorate/")
    assert response.status_code == 200
    inside = Location.objects.subtree(governorate).values("id")
    expected = list(
        Event.objects.published()
        .filter(location_id__in=inside)
        .chronological()
        .values_list("id", flat=True)
    )
    assert len(expected) > 1
    assert listed(response) == expected
    page = response.content.decode()
    assert 'href="/places/syria/"' in page  # The breadcrumb up to the country.
    assert 'href="/places/mount-simeon-district/"' in page  # A place within.


# --- The site beside the admin and the API ----------------------------------------------------


def test_the_admin_and_the_api_still_answer_under_their_prefixes(client, db):
    assert client.get("/api/v1/").status_code == 200
    assert client.get("/api/v1/timeline/").status_code == 200
    assert client.get("/admin/login/").status_code == 200


def test_the_vendored_map_assets_are_served_locally(client, db):
    for path in (
        "/static/vendor/leaflet/leaflet.js",
        "/static/vendor/leaflet/leaflet.css",
        "/static/vendor/naturalearth/countries-110m.geojson",
        "/static/site/site.js",
        "/static/site/site.css",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        b"".join(response.streaming_content if response.streaming else [response.content])


def test_pages_load_nothing_from_other_hosts(client, seeded):
    article = Article.objects.order_by("pk").first().pk
    for url in ("/", f"/articles/{article}/", "/actors/islamic-state/", "/places/syria/"):
        page = client.get(url).content.decode()
        loaded = re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="([^"]+)"', page)
        assert loaded and all(src.startswith("/") for src in loaded), loaded
