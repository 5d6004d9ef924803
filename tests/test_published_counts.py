"""The published-event counts per type, place, actor and article the database keeps, checked
against a fresh COUNT(DISTINCT) after every kind of write, and the reference endpoints that
read them."""

import contextlib
import random

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from events import published_counts, triggers
from events.models import (
    Event,
    EventActor,
    EventSource,
    EventType,
    Location,
    PublishedCount,
)
from tests.connections import psycopg_args
from tests.factories import (
    ActorFactory,
    ArticleFactory,
    EventActorFactory,
    EventFactory,
    EventSourceFactory,
    EventTypeFactory,
    LocationFactory,
)

ROLES = [role for role, _ in EventActor.Role.choices]
STATUSES = ["published", "published", "draft", "review"]


def kept() -> set[tuple]:
    """What the triggers keep; subjects whose count fell to zero must be gone."""
    rows = set(PublishedCount.objects.values_list("kind", "subject_id", "events"))
    assert all(n > 0 for _, _, n in rows)
    return rows


def counted() -> set[tuple]:
    """The truth, counted from the events and their links."""
    published = Event.objects.published()
    queries = {
        "type": published.values_list("type").annotate(n=Count("id")),
        "place": published.filter(location__isnull=False)
        .values_list("location")
        .annotate(n=Count("id")),
        "actor": EventActor.objects.filter(event__status="published")
        .values_list("actor")
        .annotate(n=Count("event", distinct=True)),
        "article": EventSource.objects.filter(event__status="published")
        .values_list("article")
        .annotate(n=Count("event", distinct=True)),
    }
    return {
        (kind, subject, n) for kind, query in queries.items() for subject, n in query.order_by()
    }


class World:
    """A few subjects of each kind and events written at random among them."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        parents = [EventTypeFactory() for _ in range(2)]
        self.types = [*parents, *(EventTypeFactory(parent=rng.choice(parents)) for _ in range(3))]
        root = LocationFactory()
        self.places = [root, *(LocationFactory(parent=root) for _ in range(3)), None]
        self.actors = [ActorFactory() for _ in range(4)]
        self.articles = [ArticleFactory() for _ in range(4)]
        self.events = [self.new_event() for _ in range(8)]

    def new_event(self) -> Event:
        return EventFactory(
            type=self.rng.choice(self.types),
            location=self.rng.choice(self.places),
            status=self.rng.choice(STATUSES),
        )

    def event(self) -> Event:
        return Event.objects.get(pk=self.rng.choice(self.events).pk)

    def step(self) -> None:
        rng, event = self.rng, self.event()
        match rng.randrange(13):
            case 0:
                self.events.append(self.new_event())
            case 1:  # save(): publish or unpublish.
                event.status = "draft" if event.status == "published" else "published"
                event.save()
            case 2:  # QuerySet.update of several events' status at once.
                ids = [e.pk for e in rng.sample(self.events, 3)]
                Event.objects.filter(pk__in=ids).update(status=rng.choice(STATUSES))
            case 3:
                event.type = rng.choice(self.types)
                event.save()
            case 4:  # Raw SQL, type and place together.
                place = rng.choice(self.places)
                with connection.cursor() as cursor:
                    cursor.execute(
                        "UPDATE events_event SET location_id = %s, type_id = %s WHERE id = %s",
                        [place and place.pk, rng.choice(self.types).pk, event.pk],
                    )
            case 5:  # The same actor in another role: counted once.
                actor = rng.choice(self.actors)
                taken = set(event.actor_links.filter(actor=actor).values_list("role", flat=True))
                free = [role for role in ROLES if role not in taken]
                EventActorFactory(event=event, actor=actor, role=rng.choice(free))
            case 6:  # One statement inserting an actor twice (two roles) and another once.
                event.actor_links.all().delete()
                twice, once = rng.sample(self.actors, 2)
                EventActor.objects.bulk_create(
                    [
                        EventActor(event=event, actor=twice, role=ROLES[0]),
                        EventActor(event=event, actor=twice, role=ROLES[1]),
                        EventActor(event=event, actor=once, role=ROLES[2]),
                    ]
                )
            case 7:  # Remove one link, or all of an actor's links in one statement.
                link = event.actor_links.order_by("?").first()
                if link and rng.random() < 0.5:
                    link.delete()
                elif link:
                    EventActor.objects.filter(event=event, actor=link.actor_id).delete()
            case 8:  # Move a link to another actor or another event.
                link = EventActor.objects.order_by("?").first()
                other = self.event() if rng.random() < 0.5 else event
                if link and not EventActor.objects.filter(event=other, role="mediator").exists():
                    EventActor.objects.filter(pk=link.pk).update(
                        actor=rng.choice(self.actors), event=other, role="mediator"
                    )
            case 9:  # Citations: an article may be cited twice by one event.
                EventSourceFactory(event=event, article=rng.choice(self.articles))
            case 10:
                source = event.sources.order_by("?").first()
                if source and rng.random() < 0.5:
                    source.delete()
                elif source:
                    EventSource.objects.filter(pk=source.pk).update(
                        article=rng.choice(self.articles)
                    )
            case 11:  # Delete an event with its links and citations.
                if len(self.events) > 4:
                    self.events.remove(event)
                    event.delete()
            case 12:
                event.location = rng.choice(self.places)
                event.save()


def check_api(api) -> None:
    """Every subject's event_count on the API, list and detail, is the fresh count."""
    published = Event.objects.published()
    for kind in EventType.objects.all():
        truth = published.filter(type__in=[kind.pk, *kind.subtypes.values_list("pk", flat=True)])
        assert api.get(f"/api/v1/event-types/{kind.slug}/").json()["event_count"] == truth.count()
    for place in Location.objects.all():
        truth = published.in_location(place).count()
        assert api.get(f"/api/v1/locations/{place.slug}/").json()["event_count"] == truth
    for url, link in (("actors", "actor_links__actor"), ("articles", "sources__article")):
        for row in api.get(f"/api/v1/{url}/?page_size=100").json()["results"]:
            subject = row["slug"] if url == "actors" else row["id"]
            lookup = {f"{link}__slug" if url == "actors" else link: subject}
            assert row["event_count"] == published.filter(**lookup).distinct().count(), row


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2])
def test_every_write_path_keeps_the_counts_exact(seed, api):
    world = World(random.Random(seed))
    assert kept() == counted()
    for step in range(120):
        # A published event keeps a source: such a write is refused, and the counts stand.
        with contextlib.suppress(ValidationError):
            world.step()
        if step % 10 == 9:
            assert kept() == counted(), step
    assert kept() == counted() and kept()
    check_api(api)
    Event.objects.all().delete()
    assert kept() == set()


@pytest.mark.django_db(transaction=True)
def test_a_dropped_trigger_comes_back_with_the_counts_rebuilt():
    world = World(random.Random(4))
    name = published_counts.TRIGGERS[connection.vendor][0]
    try:
        with connection.cursor() as cursor:
            on = "" if connection.vendor == "sqlite" else " ON events_event"
            cursor.execute(f"DROP TRIGGER {name}{on}")
        EventFactory(type=world.types[0], status="published")
        assert kept() != counted()
    finally:
        restored = triggers.restore_triggers()
    assert restored == ["events.published_counts"]
    assert kept() == counted()


@pytest.mark.django_db(transaction=True)
def test_a_bulk_load_sets_the_triggers_aside_and_recounts_at_its_end():
    world = World(random.Random(6))
    with triggers.set_aside():
        assert not set(published_counts.TRIGGERS[connection.vendor]) & triggers.present_triggers(
            connection
        )
        EventActorFactory(event=EventFactory(status="published"), actor=world.actors[0])
    assert kept() == counted()
    assert set(published_counts.TRIGGERS[connection.vendor]) <= triggers.present_triggers(
        connection
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url,detail,queries",
    [
        ("/api/v1/actors/", "/api/v1/actors/{slug}/", (4, 6)),
        ("/api/v1/locations/", "/api/v1/locations/{slug}/", (4, 5)),
        ("/api/v1/event-types/", "/api/v1/event-types/{slug}/", (4, 4)),
        ("/api/v1/articles/", "/api/v1/articles/{id}/", (3, 3)),
    ],
)
def test_each_reference_list_and_detail_costs_a_fixed_number_of_queries(url, detail, queries, api):
    World(random.Random(8))
    for _ in range(20):
        EventSourceFactory(event=EventFactory(status="published"))
    sizes = {}
    for size in (2, 50):
        with CaptureQueriesContext(connection) as ran:
            response = api.get(f"{url}?page_size={size}")
        assert response.status_code == 200
        sizes[size] = len(ran)
    # The page, its prefetches and one query for all its counts; the same for any page size.
    assert sizes[2] == sizes[50] == queries[0], sizes
    row = response.json()["results"][0]
    with CaptureQueriesContext(connection) as ran:
        assert api.get(detail.format(**row)).status_code == 200
    assert len(ran) == queries[1], [q["sql"] for q in ran]


@pytest.mark.django_db
def test_a_place_count_reads_a_path_range_and_the_kept_counts_on_both_databases():
    """The page's count query: an index range of the subtree's places per shown place (on
    PostgreSQL the path's pattern index, compared byte-wise), then a probe of the kept counts
    per place; never a pass over every place or any event."""
    World(random.Random(10))
    ids = list(Location.objects.values_list("id", flat=True))
    counted = Location.objects.filter(pk__in=ids).annotate(
        n=Location.objects.published_event_count()
    )
    sql, params = counted.values_list("pk", "n").query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " | ".join(row[-1] for row in cursor.fetchall())
            assert "(path>? AND path<?)" in plan and "SCAN" not in plan, plan
            assert "(kind=? AND subject_id=?)" in plan, plan  # The unique index, probed.
        else:
            cursor.execute("SET LOCAL enable_seqscan = off")  # A test table is tiny.
            # With the statistics of a million events the planner preferred a merge join with
            # every place's count; the query leaves it no join to choose.
            cursor.execute("SET LOCAL enable_nestloop = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = " | ".join(row[0] for row in cursor.fetchall())
            assert "~>=~" in plan and "Seq Scan" not in plan, plan
            assert "events_publishedcount_subject_unique" in plan, plan
            # A probe of each subtree place's count, not a join with every place's count.
            assert "AND (subject_id = " in plan and "Join" not in plan, plan
        assert "events_event" not in plan, plan


@pytest.mark.django_db
def test_the_public_freshness_query_sorts_no_link_history():
    """SQLite walks each link history from its newest row (Likely), rather than joining every
    published event's history and sorting it."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's query plan")
    from events.api.caching import _freshness_query

    sql, params, _ = _freshness_query(True, connection.vendor, False)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " | ".join(row[-1] for row in cursor.fetchall())
    assert "TEMP B-TREE" not in plan, plan


@pytest.mark.django_db(transaction=True)
def test_a_link_added_while_its_event_is_being_published_is_counted():
    """Two PostgreSQL transactions at once: one publishes an event, the other links an actor
    to it before the first commits. Each trigger alone sees the other's row uncommitted; the
    link's trigger waits for the event's lock, so the actor's count holds the event."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time")
    import threading
    import time

    import psycopg

    event = EventFactory(status="draft")
    actor = ActorFactory()
    dsn = psycopg_args()
    with psycopg.connect(**dsn) as publisher, psycopg.connect(**dsn) as linker:
        publisher.execute("UPDATE events_event SET status = 'published' WHERE id = %s", [event.pk])

        def link():
            linker.execute(
                "INSERT INTO events_eventactor (event_id, actor_id, role) VALUES (%s, %s, %s)",
                [event.pk, actor.pk, "side_a"],
            )
            linker.commit()

        writer = threading.Thread(target=link)
        writer.start()
        time.sleep(0.5)  # The link's insert is under way before the publish commits.
        publisher.commit()
        writer.join(timeout=30)
        assert not writer.is_alive()
    assert ("actor", actor.pk, 1) in kept()
    assert kept() == counted()
