"""The review page through the real admin: every sentence's fate, drafting a skipped sentence,
names sorted for adding with what is known of them, and reading an article again."""

import datetime
import re

import pytest
from django.urls import reverse

from events.ingest.pipeline import ingest_article
from events.ingest.review import touched
from events.models import Actor, Article, Event, EventActor
from tests.factories import EventTypeFactory, LocationFactory

pytestmark = pytest.mark.django_db

MON_3_APR_2017 = datetime.date(2017, 4, 3)
TEXT = (
    "Warplanes struck Aleppo on Monday, a monitoring group said.\n"
    "Read more: Rebels Retake Hama\n"
    "The weather was mild.\n"
    "Rebels have repeatedly captured villages near Aleppo.\n"
    "Fighters of Jaish al-Nasr clashed with troops in Saraqeb on Sunday."
)


@pytest.fixture
def rows(db):
    syria = LocationFactory(name="Syria", slug="syria", kind="country", iso_code="SYR")
    aleppo = LocationFactory(name="Aleppo", slug="aleppo", kind="city", parent=syria)
    for slug in (
        "air-drone-strike",
        "armed-clash",
        "non-state-actor-overtakes-territory",
        "other-strategic-development",
    ):
        EventTypeFactory(slug=slug, name=slug)
    return syria, aleppo


def ingested(text: str = TEXT) -> Article:
    result = ingest_article(
        text=text, publication_date=MON_3_APR_2017, outlet="Wire", new_outlet=True
    )
    return result.article


def page(client, article: Article) -> str:
    url = reverse("admin:events_article_proposals", args=[article.pk])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def first_message(response) -> str:
    return str(next(iter(response.context["messages"])))


def sentence(html: str, index: int) -> str:
    match = re.search(rf'<li id="sentence-{index}".*?</li>', html, re.S)
    assert match, f"no sentence {index}"
    return match.group()


def test_every_sentence_is_listed_with_its_fate(client, editor, rows):
    article = ingested()
    strike = Event.objects.get(type__slug="air-drone-strike")
    client.force_login(editor)
    html = page(client, article)
    assert "proposed" in sentence(html, 0) and f'href="#proposal-{strike.pk}"' in sentence(html, 0)
    assert "page furniture: a related-links line" in sentence(html, 1)
    assert "no event word" in sentence(html, 2)
    assert "no date and none to inherit" in sentence(html, 3)
    assert "Draft this sentence" in sentence(html, 3)
    assert "Draft this sentence" not in sentence(html, 0)


def test_one_click_turns_a_skipped_sentence_into_a_draft(client, editor, rows):
    article = ingested()
    client.force_login(editor)
    url = reverse("admin:events_article_draft_sentence", args=[article.pk, 3])
    response = client.post(url, follow=True)
    drafted = Event.objects.get(type__slug="non-state-actor-overtakes-territory")
    assert drafted.status == "draft"
    assert drafted.sources.get().excerpt == "Rebels have repeatedly captured villages near Aleppo."
    assert "drafted" in first_message(response)
    assert f'href="#proposal-{drafted.pk}"' in sentence(response.content.decode(), 3)
    again = client.post(url, follow=True)
    assert "already cited" in first_message(again)
    assert Event.objects.filter(type__slug="non-state-actor-overtakes-territory").count() == 1


def test_unknown_names_are_sorted_and_noise_is_left_out(client, editor, rows):
    syria, _aleppo = rows
    article = ingested(TEXT + "\nChildren Killed. The children were killed. Aid came, aid left.")
    client.force_login(editor)
    html = page(client, article)
    names = re.search(r'<table class="names">.*?</table>', html, re.S).group()
    assert "Jaish al-Nasr" in names and "Children Killed" not in names
    assert 'class="name-actor"' in names
    add_actor = reverse("admin:events_actor_add") + "?name=Jaish+al-Nasr&amp;kind=rebel_group"
    assert add_actor + f"&amp;country={syria.pk}" in names


def test_a_new_place_is_offered_with_its_kind_parent_and_coordinates(client, editor, rows):
    syria, _aleppo = rows
    article = ingested()
    clash = Event.objects.get(type__slug="armed-clash")
    assert clash.location == syria  # stored under its nearest stored place
    assert "New place: Saraqib (city; 35.8" in clash.proposal_note
    client.force_login(editor)
    html = page(client, article)
    link = re.search(r'href="(/admin/events/location/add/\?name=Saraqib[^"]*)"', html).group(1)
    form = client.get(link.replace("&amp;", "&"))
    initial = form.context["adminform"].form.initial
    assert initial["name"] == "Saraqib" and initial["kind"] == "city"
    assert initial["parent"] == str(syria.pk)
    assert initial["latitude"].startswith("35.86") and initial["geo_precision"] == "1"


def test_reading_again_updates_untouched_drafts_and_leaves_touched_ones(client, editor, rows):
    syria, aleppo = rows
    article = ingested()
    strike = Event.objects.get(type__slug="air-drone-strike")
    clash = Event.objects.get(type__slug="armed-clash")
    assert not touched(strike) and not touched(clash)
    # An editor works on the strike, then adds the group and the town the clash names.
    client.force_login(editor)
    strike.headline = "Strike on Aleppo (checked)"
    strike._change_reason = "edited in the admin"
    strike.save()
    assert touched(strike)
    group = Actor.objects.create(name="Jaish al-Nasr", slug="jaish-al-nasr", kind="rebel_group")
    saraqib = LocationFactory(name="Saraqib", slug="saraqib", kind="city", parent=syria)
    response = client.post(reverse("admin:events_article_reread", args=[article.pk]), follow=True)
    assert "1 untouched draft(s) updated" in first_message(response)
    clash.refresh_from_db()
    strike.refresh_from_db()
    assert clash.location == saraqib
    assert EventActor.objects.filter(event=clash, actor=group).exists()
    assert clash.history.first().history_change_reason == "read again by article ingestion"
    assert strike.headline == "Strike on Aleppo (checked)" and strike.location == aleppo
    assert Event.objects.count() == 2


def test_an_article_in_another_language_says_so_on_the_review_page(client, editor, rows):
    article = ingested("قصفت القوات الحكومية السورية مدينة حلب يوم الأحد. وقتل عشرة مدنيين.")
    client.force_login(editor)
    html = page(client, article)
    assert "a language ingestion does not read (ar)" in html
    assert "Draft this sentence" not in html


def test_an_actor_the_database_lacks_is_offered_and_linked_once_added(client, editor, rows):
    text = "An Israeli air strike hit a depot in Aleppo on Monday, killing two soldiers."
    article = ingested(text)
    strike = Event.objects.get(type__slug="air-drone-strike")
    assert "Actors not yet stored: Military Forces of Israel (perpetrator)" in strike.proposal_note
    assert not strike.actor_links.exists()
    client.force_login(editor)
    html = page(client, article)
    listed = re.search(r'<ul class="new-actors">.*?</ul>', html, re.S).group()
    assert "Military Forces of Israel (external; also “Israel, Israeli forces" in listed
    assert reverse("admin:events_actor_add") + "?name=Military+Forces+of+Israel" in listed
    # The editor adds it (the form the link opens), then reads the article again.
    israel = Actor.objects.create(
        name="Military Forces of Israel", slug="israel-military", kind="external"
    )
    response = client.post(reverse("admin:events_article_reread", args=[article.pk]), follow=True)
    assert "1 untouched draft(s) updated" in first_message(response)
    link = EventActor.objects.get(event=strike)
    assert (link.actor, link.role) == (israel, "perpetrator")
    assert "new-actors" not in page(client, article)
