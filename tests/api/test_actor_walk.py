"""Filtered pages taken the fast ways (actor walks, the bounded first look) hold the same events."""

import datetime
import json
import random
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from events.models import ActorMembership, Event, EventActor
from tests.factories import ActorFactory, EventFactory, EventTypeFactory

TIMELINE = "/api/v1/timeline/"
FIRST_DAY = datetime.date(2014, 1, 1)


@pytest.fixture
def world(db):
    """Three members of an alliance and an outsider; 90 events with mixed spans and statuses,
    some linking one actor twice (two roles) and some linking several members."""
    rng = random.Random(7)
    alliance = ActorFactory(slug="coalition", kind="alliance")
    members = [ActorFactory(slug=f"member-{n}") for n in range(3)]
    outsider = ActorFactory(slug="outsider")
    for member in members:
        ActorMembership.objects.create(alliance=alliance, member=member)
    types = [EventTypeFactory(slug="battle"), EventTypeFactory(slug="protest")]
    spans = [0, 0, 0, 0, 3, 6, 30, 364, 900]  # The last: a three-year bracket.
    events = []
    for number in range(90):
        earliest = FIRST_DAY + datetime.timedelta(days=rng.randrange(0, 1500))
        # Ties on purpose: several events share a day and bounds.
        if number % 9 == 0 and events:
            earliest = events[-1].date_earliest
        span = rng.choice(spans)
        event = EventFactory(
            headline=f"Event {number}",
            type=rng.choice(types),
            date_earliest=earliest,
            date_latest=earliest + datetime.timedelta(days=span),
            date_precision="day" if span == 0 else ("days" if span < 7 else "year"),
            status="published" if number % 7 else "draft",
        )
        linked = rng.sample([*members, outsider], rng.choice([1, 1, 2, 3]))
        for actor in linked:
            EventActor.objects.create(event=event, actor=actor, role="side_a")
        if number % 5 == 0:
            EventActor.objects.create(event=event, actor=linked[0], role="associated_a")
        events.append(event)
    return {"alliance": alliance, "members": members, "outsider": outsider, "events": events}


def expected(world, *, actors, role=None, start=None, end=None, type_slug=None) -> list[int]:
    """The oracle, in plain Python: published events with a matching link, chronologically."""
    wanted = {actor.pk for actor in actors}
    found = []
    for event in world["events"]:
        if event.status != "published":
            continue
        if (start and event.date_latest < start) or (end and event.date_earliest > end):
            continue
        if type_slug and event.type.slug != type_slug:
            continue
        links = EventActor.objects.filter(event=event, actor_id__in=wanted)
        if role:
            links = links.filter(role=role)
        if links.exists():
            found.append(event)
    found.sort(key=lambda e: (e.date_earliest, e.date_latest, e.pk))
    return [event.pk for event in found]


def walk_pages(api, query: str, *, size: int) -> tuple[list[int], list[str]]:
    """Every id following next links from the first page, and the cursors met."""
    ids, cursors = [], []
    url = f"{TIMELINE}?{query}&page_size={size}"
    while url:
        response = api.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        ids += [entry["id"] for entry in body["results"]]
        url = body["next"]
        if url:
            cursors.append(parse_qs(urlsplit(url).query)["cursor"][0])
    return ids, cursors


CASES = [
    ("actor=member-0", {"actors": "m0"}),
    ("actor=member-1&start=2015-01&end=2016-06", {"actors": "m1", "start": (2015, 1, 1)}),
    ("actor=coalition&include_members=true", {"actors": "all"}),
    (
        "actor=coalition&include_members=true&start=2015-03-10&end=2016",
        {"actors": "all", "start": (2015, 3, 10)},
    ),
    ("actor=member-2&actor_role=associated_a", {"actors": "m2", "role": "associated_a"}),
    ("actor=member-0&actor=outsider&type=battle", {"actors": "m0+out", "type": "battle"}),
]


def _oracle(world, spec: dict) -> list[int]:
    actors = {
        "m0": [world["members"][0]],
        "m1": [world["members"][1]],
        "m2": [world["members"][2]],
        "all": [world["alliance"], *world["members"]],
        "m0+out": [world["members"][0], world["outsider"]],
    }[spec["actors"]]
    start = datetime.date(*spec["start"]) if "start" in spec else None
    end = None
    if spec.get("start") == (2015, 1, 1):
        end = datetime.date(2016, 6, 30)
    elif spec.get("start") == (2015, 3, 10):
        end = datetime.date(2016, 12, 31)
    return expected(
        world,
        actors=actors,
        role=spec.get("role"),
        start=start,
        end=end,
        type_slug=spec.get("type"),
    )


@pytest.mark.parametrize(("query", "spec"), CASES)
def test_walking_an_actor_filter_pages_through_exactly_its_events_in_order(api, world, query, spec):
    want = _oracle(world, spec)
    assert want, "the case must match something"
    got, _ = walk_pages(api, query, size=4)
    assert got == want


@pytest.mark.parametrize(("query", "spec"), CASES[2:4])
def test_previous_links_walk_back_over_the_same_pages(api, world, query, spec):
    want = _oracle(world, spec)
    url = f"{TIMELINE}?{query}&page_size=5"
    pages = []
    while url:
        body = api.get(url).json()
        pages.append([entry["id"] for entry in body["results"]])
        last, url = body, body["next"]
    back, url = [], last["previous"]
    while url:
        body = api.get(url).json()
        back.insert(0, [entry["id"] for entry in body["results"]])
        url = body["previous"]
    assert back == pages[:-1]
    assert [pk for page in pages for pk in page] == want


def test_an_alliance_page_costs_the_same_queries_however_many_members(api, world):
    def count(query):
        with CaptureQueriesContext(connection) as queries:
            assert api.get(f"{TIMELINE}?{query}&page_size=10").status_code == 200
        return len(queries)

    one = count("actor=member-0")
    alliance = count("actor=coalition&include_members=true")
    # The alliance adds the membership lookup, not a query per member.
    assert alliance == one + 1


def test_an_export_with_an_actor_filter_holds_exactly_the_walked_events(api, world):
    response = api.get(f"{TIMELINE}?actor=coalition&include_members=true&format=geojson")
    features = json.loads(b"".join(response.streaming_content))["features"]
    want = _oracle(world, {"actors": "all"})
    assert [feature["properties"]["id"] for feature in features] == want


def test_an_event_spanning_years_is_found_by_a_later_period(api, world):
    member = world["members"][0]
    long_ago = EventFactory(
        headline="A siege of several years",
        date_earliest=datetime.date(2010, 1, 1),
        date_latest=datetime.date(2016, 12, 31),
        date_precision="year",
        status="published",
    )
    EventActor.objects.create(event=long_ago, actor=member, role="side_a")
    for query in ("start=2016-06&end=2016-06", "actor=member-0&start=2016-06&end=2016-06"):
        ids = [e["id"] for e in api.get(f"{TIMELINE}?{query}&page_size=500").json()["results"]]
        assert ids[0] == long_ago.pk, query
    assert (
        Event.objects.overlapping(datetime.date(2016, 12, 31), None).filter(pk=long_ago.pk).exists()
    )


def _battles_since_june_2014(world) -> list[int]:
    """The oracle for type=battle&start=2014-06: published battles still possible from that
    month on, chronologically."""
    return [
        e.pk
        for e in sorted(world["events"], key=lambda e: (e.date_earliest, e.date_latest, e.pk))
        if e.status == "published"
        and e.type.slug == "battle"
        and e.date_latest >= datetime.date(2014, 6, 1)
    ]


@pytest.mark.parametrize("window", [3, 40, 3000])
def test_a_filtered_page_is_the_same_whether_the_first_look_finds_it_or_not(
    api, world, monkeypatch, window
):
    # A window of 3 never holds a page of 4 (every page falls back to the full read), 40 holds
    # some, 3000 holds all: the pages must not differ.
    from events.chronology import paging

    monkeypatch.setattr(paging, "PROBE_ROWS", window)
    want = _battles_since_june_2014(world)
    got, _ = walk_pages(api, "type=battle&start=2014-06", size=4)
    assert got == want


def _walk_back(api, query: str, *, size: int) -> list[int]:
    """Every id following previous links from the last page, in the order's direction."""
    url = f"{TIMELINE}?{query}&page_size={size}"
    while url:  # Forward to the last page.
        body = api.get(url).json()
        url, last = body["next"], body
    ids, url = [entry["id"] for entry in last["results"]], last["previous"]
    while url:
        response = api.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        ids = [entry["id"] for entry in body["results"]] + ids
        url = body["previous"]
    return ids


@pytest.mark.parametrize(
    "order", ["chronological", "-chronological", "fatalities", "-fatalities", "-updated"]
)
def test_a_first_look_bounded_by_its_window_gives_the_pages_a_full_read_gives(
    api, world, monkeypatch, order
):
    # The first look stops at the window's last event (its key bounds the matches): with a
    # window of 40 some pages come from it and some do not, both ways; with 3, none do.
    from events.chronology import paging

    query = f"type=battle&start=2014-06&order={order}"
    monkeypatch.setattr(paging, "PROBE_ROWS", 3)
    want, _ = walk_pages(api, query, size=4)
    assert len(want) > 20
    monkeypatch.setattr(paging, "PROBE_ROWS", 40)
    got, _ = walk_pages(api, query, size=4)
    assert got == want
    assert _walk_back(api, query, size=4) == want


def test_the_longest_span_is_read_once_per_request(api, world):
    with CaptureQueriesContext(connection) as queries:
        response = api.get(
            f"{TIMELINE}?actor=coalition&include_members=true&start=2015&type=battle"
        )
    assert response.status_code == 200
    spans = [q["sql"] for q in queries.captured_queries if "date_span_days" in q["sql"]]
    assert len(spans) == 1, spans


def test_an_arm_that_names_its_actor_twice_is_compiled_per_actor(world):
    """The walk compiles one arm for all actors by swapping the actor's parameter; an arm
    where the actor is not exactly one parameter is compiled actor by actor instead."""
    from events.chronology.paging import _compiled_per_arm, _union_all

    links = EventActor.objects.order_by("date_earliest", "id")
    members = [member.pk for member in world["members"]]
    arms = tuple({"actor_id": actor} for actor in members)

    def once(values):
        return links.filter(**values).values_list("event_id")[:500]

    def twice(values):
        actor = values["actor_id"]
        return links.filter(actor_id=actor, event__actor_links__actor_id=actor).values_list(
            "event_id"
        )[:500]

    swapped = _compiled_per_arm(once, arms)
    assert len({sql for sql, _ in swapped}) == 1  # One compilation for all three.
    per_actor = _compiled_per_arm(twice, arms)
    for shares in (_union_all(swapped), _union_all(per_actor)):
        assert [sorted(set(share)) for share in shares] == [
            sorted(set(once(values))) for values in arms
        ]
    assert all(share for share in _union_all(swapped))


@pytest.fixture
def battles(db):
    """Four actors and an alliance of two of them, on opposing sides of 120 events (mixed spans,
    ties, statuses, an actor sometimes on both sides or twice on one)."""
    rng = random.Random(11)
    actors = [ActorFactory(slug=f"fighter-{n}") for n in range(4)]
    front = ActorFactory(slug="front", kind="alliance")
    for member in actors[2:]:
        ActorMembership.objects.create(alliance=front, member=member)
    side_one, side_two = ("side_a", "associated_a", "perpetrator"), ("side_b", "target")
    events = []
    for number in range(120):
        earliest = FIRST_DAY + datetime.timedelta(days=rng.randrange(0, 900))
        if number % 8 == 0 and events:
            earliest = events[-1].date_earliest
        span = rng.choice([0, 0, 2, 30, 400])
        event = EventFactory(
            type=EventTypeFactory(slug=f"kind-{number}") if number < 2 else events[0].type,
            date_earliest=earliest,
            date_latest=earliest + datetime.timedelta(days=span),
            date_precision="day" if span == 0 else "days",
            status="published" if number % 6 else "review",
        )
        for roles, counts in (
            (side_one, [1, 1, 2]),
            (side_two, [1, 1, 2]),
            (("mediator",), [0, 1]),
        ):
            for actor in rng.sample([*actors, front], rng.choice(counts)):
                EventActor.objects.get_or_create(event=event, actor=actor, role=rng.choice(roles))
        events.append(event)
    return {"actors": actors, "front": front, "events": events, "sides": (side_one, side_two)}


def facing_oracle(battles, first, second, *, start=None, end=None) -> list[int]:
    """Published events with one of first on a side and one of second on the other, in Python."""
    one, two = battles["sides"]
    found = []
    for event in Event.objects.filter(status="published"):
        if (start and event.date_latest < start) or (end and event.date_earliest > end):
            continue
        links = list(event.actor_links.values_list("actor_id", "role"))
        on = [{a for a, role in links if role in roles} for roles in (one, two)]
        firsts, seconds = {a.pk for a in first}, {a.pk for a in second}
        if (on[0] & firsts and on[1] & seconds) or (on[1] & firsts and on[0] & seconds):
            found.append(event)
    found.sort(key=lambda e: (e.date_earliest, e.date_latest, e.pk))
    return [event.pk for event in found]


@pytest.mark.parametrize(
    ("query", "first", "second", "period"),
    [
        ("actor_a=fighter-0&actor_b=fighter-1", [0], [1], None),
        ("actor_a=fighter-1&actor_b=fighter-0&start=2014-04&end=2015-11", [0], [1], (4, 11)),
        ("actor_a=fighter-0&actor_b=front&include_members=true", [0], ["front", 2, 3], None),
        ("actor_a=fighter-0&actor_a=fighter-1&actor_b=fighter-2", [0, 1], [2], None),
        ("actor_a=fighter-0&actor_b=fighter-1&date_mode=within&end=2015-11", [0], [1], "within"),
        ("actor_a=fighter-0&actor_b=fighter-1&type=kind-0", [0], [1], "type"),
    ],
)
def test_walking_a_dyad_pages_through_exactly_its_events_both_ways(
    api, battles, query, first, second, period
):
    from events.chronology.query import parse, plan

    pick = {n: battles["actors"][n] for n in range(4)} | {"front": battles["front"]}
    start = end = None
    if isinstance(period, tuple):
        start = datetime.date(2014, period[0], 1)
        end = datetime.date(2015, period[1] + 1, 1) - datetime.timedelta(days=1)
    want = facing_oracle(
        battles, [pick[n] for n in first], [pick[n] for n in second], start=start, end=end
    )
    if period == "within":  # Certainly by the end of November 2015: the latest bound too.
        last = datetime.date(2015, 11, 30)
        want = [pk for pk in want if Event.objects.get(pk=pk).date_latest <= last]
    elif period == "type":
        want = [pk for pk in want if Event.objects.get(pk=pk).type.slug == "kind-0"]
    assert len(want) > 3, "the case must match several pages"
    assert plan(parse(QueryDict(query)), Event.objects.published()).actors is not None  # Walked.
    got, _ = walk_pages(api, query, size=2)
    assert got == want
    newest, _ = walk_pages(api, f"{query}&order=-chronological", size=3)
    assert newest == want[::-1]
    # Back from the last page over the previous links: the same pages, in reverse.
    url, back = f"{TIMELINE}?{query}&page_size=2", []
    while url:
        page = api.get(url).json()
        url, last = page["next"], page
    while last:
        back = [entry["id"] for entry in last["results"]] + back
        last = api.get(last["previous"]).json() if last["previous"] else None
    assert back == want


def test_a_dyad_of_too_many_pairs_is_read_as_a_set(api, battles):
    from events.chronology.query import MAX_WALKED_ACTORS, parse, plan

    members = [ActorFactory() for _ in range(MAX_WALKED_ACTORS)]
    ActorMembership.objects.bulk_create(
        ActorMembership(alliance=battles["front"], member=member) for member in members
    )
    query = "actor_a=fighter-0&actor_a=fighter-1&actor_b=front&include_members=true"
    assert plan(parse(QueryDict(query)), Event.objects.published()).actors is None
    first = battles["actors"][:2]
    second = [battles["front"], *battles["actors"][2:], *members]
    got, _ = walk_pages(api, query, size=3)
    assert got == facing_oracle(battles, first, second) and got


@pytest.mark.parametrize("window", [3, 12, 3000])
def test_a_filtered_export_is_the_same_whether_each_batch_is_found_by_a_first_look(
    world, monkeypatch, window
):
    # Batches of 5: a window of 3 never holds one (each falls back to the full read), 12 holds
    # some, 3000 all. The walk must yield the same events, once each, in order.
    from django.http import QueryDict

    from events import chronology
    from events.chronology import paging

    monkeypatch.setattr(paging, "WALK_WINDOW", window)
    want = _battles_since_june_2014(world)
    query = chronology.parse(QueryDict("type=battle&start=2014-06"))
    walked = chronology.stream(query, events=Event.objects.published(), batch_size=5)
    assert [entry["id"] for entry in walked] == want
