"""The opposing actor pairs the database keeps (events.dyads), checked against pairs worked out
afresh from the links after every kind of write, and the dyad filter that reads them."""

import contextlib
import random
import uuid
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from events import dyads, triggers
from events.models import SIDES, Event, EventActor, EventDyad
from tests.connections import link_at_once
from tests.factories import ActorFactory, EventActorFactory, EventFactory
from tests.test_published_counts import World


def kept() -> set[tuple]:
    rows = EventDyad.objects.values_list(
        "event_id", "actor_id", "opponent_id", "date_earliest", "date_latest"
    )
    found = list(rows)
    assert len(found) == len(set(found)), "a pair stored twice"
    return set(found)


def paired() -> set[tuple]:
    """The truth: every actor on one side against every actor on the other, both ways."""
    bounds = dict(
        (pk, (earliest, latest))
        for pk, earliest, latest in Event.objects.values_list("id", "date_earliest", "date_latest")
    )
    sides: dict[int, tuple[set, set]] = {}
    for event_id, actor_id, role in EventActor.objects.values_list("event_id", "actor_id", "role"):
        for number, roles in enumerate(SIDES):
            if role in roles:
                sides.setdefault(event_id, (set(), set()))[number].add(actor_id)
    pairs = set()
    for event_id, (one, other) in sides.items():
        for a in one:
            for b in other:
                pairs |= {(event_id, a, b, *bounds[event_id]), (event_id, b, a, *bounds[event_id])}
    return pairs


def redate(world: World) -> None:
    """New bounds by save(), by a bulk update, or by raw SQL."""
    event = world.event()
    start = date(2015, 1, 1) + timedelta(days=world.rng.randrange(2000))
    end = start + timedelta(days=world.rng.choice([0, 6, 30]))
    match world.rng.randrange(3):
        case 0:
            event.date_earliest, event.date_latest = start, end
            event.save()
        case 1:
            Event.objects.filter(pk=event.pk).update(date_earliest=start, date_latest=end)
        case 2:
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE events_event SET date_earliest = %s, date_latest = %s WHERE id = %s",
                    [start, end, event.pk],
                )


def switch(world: World) -> None:
    """A link changes side, or moves to another event keeping a side role (an update each)."""
    link = EventActor.objects.order_by("?").first()
    if link is None:
        return
    one, other = SIDES
    if world.rng.random() < 0.5:
        role = world.rng.choice(other if link.role in one else one)
        target = link.event_id
    else:
        role, target = world.rng.choice([*one, *other]), world.event().pk
    if not EventActor.objects.filter(event_id=target, actor_id=link.actor_id, role=role).exists():
        EventActor.objects.filter(pk=link.pk).update(role=role, event_id=target)


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_write_path_keeps_the_pairs_exact(seed):
    world = World(random.Random(seed))
    most = 0
    for step in range(150):
        draw = world.rng.random()
        with contextlib.suppress(ValidationError):
            redate(world) if draw < 0.15 else switch(world) if draw < 0.3 else world.step()
        if step % 10 == 9:
            assert kept() == paired(), step
            most = max(most, len(kept()))
    assert kept() == paired() and most  # Pairs were there to keep.
    Event.objects.all().delete()
    assert kept() == set()


@pytest.mark.django_db(transaction=True)
def test_a_dropped_trigger_comes_back_with_the_pairs_rebuilt():
    event = EventFactory()
    EventActorFactory(event=event, role="side_a")
    name = dyads.TRIGGERS[connection.vendor][0]
    try:
        with connection.cursor() as cursor:
            on = "" if connection.vendor == "sqlite" else " ON events_eventactor"
            cursor.execute(f"DROP TRIGGER {name}{on}")
        EventActorFactory(event=event, role="side_b")
        assert kept() != paired()
    finally:
        restored = triggers.restore_triggers()
    assert restored == ["events.dyads"]
    assert kept() == paired() and len(kept()) == 2


@pytest.mark.django_db(transaction=True)
def test_a_bulk_load_sets_the_triggers_aside_and_pairs_every_event_at_its_end():
    with triggers.set_aside():
        assert not set(dyads.TRIGGERS[connection.vendor]) & triggers.present_triggers(connection)
        event = EventFactory()
        EventActorFactory(event=event, role="perpetrator")
        EventActorFactory(event=event, role="target")
        assert not kept()
    assert kept() == paired() and len(kept()) == 2


@pytest.mark.django_db(transaction=True)
def test_the_rebuild_pairs_an_actor_in_two_roles_on_one_side_once():
    """One actor as a side and as its associate meets its opponent twice in the links' join:
    the rebuild at the end of a bulk load stores the pair once, as the triggers do."""
    actor, opponent = ActorFactory(), ActorFactory()
    with triggers.set_aside():
        event = EventFactory()
        for role in ("side_a", "associated_a"):
            EventActorFactory(event=event, actor=actor, role=role)
        EventActorFactory(event=event, actor=opponent, role="side_b")
    assert kept() == paired() and len(kept()) == 2


@pytest.mark.django_db(transaction=True)
def test_links_inserted_before_their_event_are_paired_when_it_arrives():
    """Foreign keys are checked at commit: a raw load may write the links first."""
    one, other = ActorFactory(), ActorFactory()
    template = EventFactory()
    from django.db import transaction

    with transaction.atomic(), connection.cursor() as cursor:
        pk = template.pk + 1000
        for actor, role in ((one, "side_a"), (other, "side_b")):
            cursor.execute(
                "INSERT INTO events_eventactor (event_id, actor_id, role, kind) "
                "VALUES (%s, %s, %s, '')",
                [pk, actor.pk, role],
            )
        assert not kept()
        event = Event.objects.get(pk=template.pk)
        event.pk, event.uid = pk, uuid.uuid4()
        event.save(force_insert=True)
    assert kept() == paired() and {(a, b) for _, a, b, *_ in kept()} == {
        (one.pk, other.pk),
        (other.pk, one.pk),
    }


@pytest.mark.django_db
def test_a_dyad_page_reads_the_pairs_index_not_either_actors_links():
    """One range of events_eventdyad_chrono_idx per pair: the cost is the dyad's own events,
    not the busier actor's (a probe of each of its events for the other side)."""
    from django.http import QueryDict

    from events.chronology.query import narrowed, parse

    one, other = ActorFactory(), ActorFactory()
    query = parse(QueryDict(f"actor_a={one.slug}&actor_b={other.slug}&start=2016&end=2017"))
    sql, params = narrowed(query, Event.objects.published()).values("id").query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " | ".join(row[-1] for row in cursor.fetchall())
        else:
            cursor.execute("SET LOCAL enable_seqscan = off")  # A test table is tiny.
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = " | ".join(row[0] for row in cursor.fetchall())
    assert "events_eventdyad_chrono_idx" in plan, plan
    assert "events_eventactor" not in plan, plan


@pytest.mark.django_db(transaction=True)
def test_two_writers_linking_opposing_actors_to_one_event_at_once_make_a_pair():
    """PostgreSQL: each transaction's trigger alone would see only its own link; the second
    waits for the event's lock and then sees the first's."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time")
    event, one, other = EventFactory(), ActorFactory(), ActorFactory()
    link_at_once(event.pk, one.pk, other.pk)
    assert kept() == paired() and len(kept()) == 2


@pytest.mark.django_db
def test_a_write_that_changes_no_pair_rewrites_none():
    """PostgreSQL: an event's new bounds update its pairs in place, and a link's change that
    moves no pair (its type in this event, its copy of the bounds) deletes and inserts none."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's per-transaction table statistics")
    event = EventFactory()
    for role in ("side_a", "side_b", "target"):
        EventActorFactory(event=event, role=role)

    def writes() -> tuple[int, int, int]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_xact_user_tables "
                "WHERE relname = 'events_eventdyad'"
            )
            return cursor.fetchone()

    before = writes()
    Event.objects.filter(pk=event.pk).update(date_earliest="2016-08-01")
    EventActor.objects.filter(event=event).update(kind="state")
    inserted, updated, deleted = (
        after - then for after, then in zip(writes(), before, strict=True)
    )
    assert (inserted, deleted) == (0, 0) and updated == len(kept()) == 4
    assert kept() == paired()
