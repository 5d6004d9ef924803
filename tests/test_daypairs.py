"""The published day pairs the database keeps, and the triggers put back after a table rebuild."""

import datetime
import random

import pytest
from django.db import connection
from django.http import QueryDict

from events import chronology
from events.chronology.histogram import buckets, day_pairs
from events.chronology.query import filtered
from events.models import Event, PublishedDayPair
from events.triggers import present_triggers, restore_triggers
from tests.factories import EventFactory, EventSourceFactory, EventTypeFactory

DAY = datetime.date(2020, 1, 1)


def kept() -> list[tuple]:
    """What the triggers keep; pairs whose count fell to zero must be gone."""
    rows = list(PublishedDayPair.objects.values_list("date_earliest", "date_latest", "events"))
    assert all(n > 0 for _, _, n in rows)
    return sorted(rows)


def counted() -> list[tuple]:
    """The truth, counted from the events."""
    return sorted(day_pairs(Event.objects.published()))


def some_events(count: int, rng: random.Random) -> list[Event]:
    kind = EventTypeFactory()
    events = []
    for _ in range(count):
        earliest = DAY + datetime.timedelta(days=rng.randrange(0, 60))
        events.append(
            EventFactory(
                type=kind,
                date_earliest=earliest,
                date_latest=earliest + datetime.timedelta(days=rng.choice([0, 0, 2, 30])),
                status=rng.choice(["published", "published", "draft", "review"]),
            )
        )
    return events


@pytest.mark.django_db
def test_every_write_path_keeps_the_pair_counts_exact():
    rng = random.Random(3)
    events = some_events(40, rng)
    assert kept() == counted() and kept()

    # save(): publish, unpublish, move dates (a published event keeps a source).
    for event in events[:10]:
        EventSourceFactory(event=event)
        event.status = "published" if event.status != "published" else "draft"
        event.date_latest += datetime.timedelta(days=1)
        event.save()
    assert kept() == counted()

    # QuerySet.update and raw SQL bypass save(); the database still counts.
    Event.objects.filter(pk__in=[e.pk for e in events[10:20]]).update(status="published")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE events_event SET date_earliest = date_latest WHERE id IN (%s, %s)",
            [events[20].pk, events[21].pk],
        )
    assert kept() == counted()

    # bulk_create, delete (one and many), and a save that changes nothing counted.
    Event.objects.bulk_create(
        [
            Event(
                headline="Bulk",
                type=events[0].type,
                date_earliest=DAY,
                date_latest=DAY,
                date_precision="day",
                status="published",
            )
            for _ in range(5)
        ]
    )
    events[22].headline = "Renamed"
    if events[22].status == "published":
        EventSourceFactory(event=events[22])
    events[22].save()
    events[23].delete()
    Event.objects.filter(pk__in=[e.pk for e in events[24:30]]).delete()
    assert kept() == counted()

    Event.objects.all().delete()
    assert kept() == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "",
        "start=2020-01-20",
        "end=2020-02-10",
        "start=2020-01-10&end=2020-01-31",
        "start=2020-01-10&end=2020-01-31&date_mode=within",
        "start=2021",
    ],
)
@pytest.mark.parametrize("interval", ["day", "week", "month"])
def test_the_histogram_from_pair_counts_is_the_histogram_from_events(query, interval):
    some_events(60, random.Random(5))
    parsed = chronology.parse(QueryDict(query))
    assert not parsed.narrows  # So the counts come from the pairs the triggers keep.
    start, end = parsed.period
    events = filtered(parsed, Event.objects.published())
    from_pairs = chronology.histogram(parsed, interval=interval)
    from_events = buckets(day_pairs(events), interval=interval, start=start, end=end)
    assert from_pairs == from_events
    assert chronology.extent(parsed) == (
        min((p[0] for p in day_pairs(events)), default=None),
        max((p[1] for p in day_pairs(events)), default=None),
    )


def _drop(trigger: str) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"DROP TRIGGER {trigger}")
        else:
            cursor.execute(f"DROP TRIGGER {trigger} ON events_event")


@pytest.mark.django_db(transaction=True)
def test_triggers_a_table_rebuild_dropped_come_back_with_their_tables_rebuilt():
    from events import daypairs, search

    rng = random.Random(9)
    some_events(10, rng)
    assert restore_triggers() == []  # All there: nothing to do.
    # What Django's SQLite table rebuild does to them: the triggers on events_event vanish.
    dropped = [daypairs.TRIGGERS[connection.vendor][0], search.TRIGGERS[connection.vendor][0]]
    try:
        for trigger in dropped:
            _drop(trigger)
        assert not set(dropped) & present_triggers(connection)
        missed = EventFactory(headline="Unindexed ceasefire", status="published")
        assert kept() != counted()
        assert not Event.objects.mentioning("unindexed").exists()
    finally:
        restored = restore_triggers()
    assert sorted(restored) == ["events.daypairs", "events.search"]
    assert set(dropped) <= present_triggers(connection)
    assert kept() == counted()
    assert list(Event.objects.mentioning("unindexed").values_list("pk", flat=True)) == [missed.pk]
    # And they work again.
    EventFactory(date_earliest=DAY, date_latest=DAY, status="published")
    assert kept() == counted()
