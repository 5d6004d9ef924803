"""The synthetic dataset: deterministic, valid by the project's own rules, skewed and additive."""

import io
import random
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F, Q

from events import validators
from events.dates import Precision, display_text
from events.models import (
    Actor,
    ActorAlias,
    ActorMembership,
    Article,
    Event,
    EventActor,
    EventSource,
    Location,
)
from events.synthetic import (
    build_places,
    ensure_event_types,
    ensure_reference,
    generate,
    generate_batch,
    load_reference,
)
from events.text import fingerprint, fold

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated():
    return generate(300, seed=7, batch_size=120)


def _signature(batch) -> list[tuple]:
    links = Counter()
    for link in batch.actor_links:
        links[id(link.event)] += 1
    return [
        (
            e.uid,
            e.headline,
            e.date_earliest,
            e.date_latest,
            e.date_precision,
            e.status,
            e.fatalities_best,
            e.location_id,
            links[id(e)],
        )
        for e in batch.events
    ] + [(s.excerpt, s.excerpt_start, s.article.text) for s in batch.sources]


def test_the_same_seed_generates_the_same_rows():
    ensure_event_types()
    ensure_reference(seed=1)
    ref = load_reference(seed=1)
    first = generate_batch(random.Random("1"), ref, 200, token="t")
    again = generate_batch(random.Random("1"), ref, 200, token="t")
    other = generate_batch(random.Random("2"), ref, 200, token="t")
    assert _signature(first) == _signature(again)
    assert _signature(first) != _signature(other)
    places = [p.name for level in build_places(random.Random(3))[0] for p in level]
    assert places == [p.name for level in build_places(random.Random(3))[0] for p in level]


def test_every_generated_event_and_source_passes_the_validators(generated):
    events = list(Event.objects.all())
    assert len(events) == 300
    for event in events:
        validators.validate_event(event)
        assert event.date_display == display_text(
            event.date_earliest,
            event.date_latest,
            Precision(event.date_precision),
            approximate=event.date_approximate,
        )
    sources = list(EventSource.objects.select_related("article"))
    assert 300 <= len(sources) <= 600
    for source in sources:
        start, end = source.excerpt_start, source.excerpt_end
        validators.validate_source(source)
        assert (source.excerpt_start, source.excerpt_end) == (start, end)
        assert source.article.text[start:end] == source.excerpt
    for article in Article.objects.all():
        assert article.sha256 == fingerprint(article.text)


def test_every_event_has_one_to_three_actors_and_one_or_two_sources(generated):
    actors = Counter(EventActor.objects.values_list("event_id", flat=True))
    sources = Counter(EventSource.objects.values_list("event_id", flat=True))
    ids = set(Event.objects.values_list("id", flat=True))
    assert set(actors) == ids and set(sources) == ids
    assert set(actors.values()) <= {1, 2, 3} and len(set(actors.values())) > 1
    assert set(sources.values()) == {1, 2}


def test_actor_links_carry_the_bounds_of_their_event(generated):
    assert EventActor.objects.count() >= 300
    differing = EventActor.objects.filter(
        ~Q(date_earliest=F("event__date_earliest")) | ~Q(date_latest=F("event__date_latest"))
    )
    assert not differing.exists()


def test_generated_places_have_the_paths_save_would_give_them(generated):
    places = {p.pk: p for p in Location.objects.filter(slug__startswith="syn-")}
    assert len(places) > 3000
    for place in places.values():
        chain, node = [], place
        while node is not None:
            chain.insert(0, node.pk)
            node = places.get(node.parent_id)
        assert place.path == "/" + "".join(f"{pk}/" for pk in chain)
        assert place.depth == len(chain) - 1
        assert place.name_folded == fold(place.name)
    governorate = Location.objects.filter(slug__startswith="syn-", kind="governorate").first()
    below = Location.objects.subtree(governorate)
    assert below.filter(kind="district").count() == governorate.children.count() == 5
    assert below.count() == 1 + 5 + 5 * 25


def test_actors_come_with_aliases_and_alliances(generated):
    actors = Actor.objects.filter(slug__startswith="syn-")
    assert actors.count() == 300
    assert ActorAlias.objects.filter(actor__in=actors).count() > 300
    for alias in ActorAlias.objects.all():
        assert alias.name_folded == fold(alias.name)
    alliances = actors.filter(kind="alliance")
    assert alliances.exists()
    assert ActorMembership.objects.filter(alliance__in=alliances).count() >= 3 * alliances.count()


def test_a_tenth_of_the_actors_appear_in_most_events(generated):
    by_actor = Counter(EventActor.objects.values_list("actor_id", flat=True))
    top = {actor for actor, _ in by_actor.most_common(30)}
    events = EventActor.objects.filter(actor_id__in=top).values("event_id").distinct().count()
    assert events > 0.6 * Event.objects.count()


def test_dates_statuses_and_fatalities_are_mixed_like_real_data(generated):
    precisions = Counter(Event.objects.values_list("date_precision", flat=True))
    assert set(precisions) == {p.value for p in Precision}
    assert precisions["day"] > 0.5 * 300
    statuses = Counter(Event.objects.values_list("status", flat=True))
    assert set(statuses) == {"draft", "review", "published", "retracted"}
    assert statuses["published"] > 0.7 * 300
    assert Event.objects.filter(fatalities_best__isnull=True).count() > 0.5 * 300
    ranged = Event.objects.filter(fatalities_low__isnull=False, fatalities_high__isnull=False)
    assert ranged.exists()
    assert not ranged.filter(fatalities_low__gt=F("fatalities_high")).exists()


def test_running_twice_adds_and_reuses_the_reference_data(generated):
    places = Location.objects.count()
    actors = Actor.objects.count()
    again = generate(200, seed=7)
    assert Event.objects.count() == 500
    assert (Location.objects.count(), Actor.objects.count()) == (places, actors)
    assert "actors" not in again.created and again.created["events"] == 200
    assert Article.objects.values("sha256").distinct().count() == Article.objects.count()


def test_the_timeline_api_pages_through_generated_data(generated, client):
    url = "/api/v1/timeline/?page_size=50"
    seen = []
    for _ in range(3):
        response = client.get(url)
        assert response.status_code == 200
        body = response.json()
        assert len(body["results"]) == 50
        seen.extend(row["uid"] for row in body["results"])
        url = body["next"]
        assert url
    assert len(set(seen)) == 150


def test_the_command_reports_what_it_added_with_progress_on_stderr():
    out, err = io.StringIO(), io.StringIO()
    call_command("generate_events", count=40, seed=2, stdout=out, stderr=err)
    assert "events: 40" in out.getvalue()
    assert "rows/s" in out.getvalue()
    assert "100%" in err.getvalue()
    assert Event.objects.count() == 40


def test_the_command_refuses_a_count_below_one():
    with pytest.raises(CommandError, match="--count"):
        call_command("generate_events", count=0)


def test_the_index_and_day_counts_set_aside_during_generation_are_whole_after_it(generated):
    """generate() drops the full-text index and the day-pair counts while it loads and builds
    them from every event at the end: they must hold each event, and their triggers must be
    back for the writes that follow."""
    from django.db import connection

    from events import daypairs, search
    from events.chronology.histogram import day_pairs
    from events.models import PublishedDayPair
    from events.triggers import present_triggers

    kept = sorted(PublishedDayPair.objects.values_list("date_earliest", "date_latest", "events"))
    assert kept == sorted(day_pairs(Event.objects.published()))
    for feature in (search, daypairs):
        assert set(feature.TRIGGERS[connection.vendor]) <= present_triggers(connection)
    # Every event whose headline holds a word is found by it (its summary and excerpts may
    # hold it too, so more can be).
    word = search.words(Event.objects.order_by("id").values_list("headline", flat=True)[0])[-1]
    found = set(Event.objects.mentioning(word).values_list("id", flat=True))
    by_headline = {
        pk
        for pk, headline in Event.objects.values_list("id", "headline")
        if word in search.words(headline)
    }
    assert by_headline and found >= by_headline
    # An event written after generation reaches both.
    event = Event.objects.order_by("id").first()
    Event.objects.filter(pk=event.pk).update(headline="Zyxwvut ceasefire", status="published")
    assert list(Event.objects.mentioning("zyxwvut").values_list("id", flat=True)) == [event.pk]
    kept = sorted(PublishedDayPair.objects.values_list("date_earliest", "date_latest", "events"))
    assert kept == sorted(day_pairs(Event.objects.published()))
