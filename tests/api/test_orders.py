"""Orders (order=): each against a Python sort of the same events, ties and unknowns included,
walked page by page through its cursors, in every reader, at a fixed cost, through an index."""

import csv
import datetime
import io
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from events.api import cursors
from events.chronology import parse, plan, stream
from events.chronology.orders import ORDERS
from events.chronology.paging import _from_key, _parts_from_key, read_page
from events.chronology.query import filtered
from events.models import Event
from tests.api.helpers import D, body, errors, published, with_actor
from tests.factories import ActorFactory, EventFactory

pytestmark = pytest.mark.django_db

TIMELINE = "/api/v1/timeline/"
EVENTS = "/api/v1/events/"
NAMES = list(ORDERS)
T0 = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


def fatalities(event: Event) -> int | None:
    """What the orders sort by: the best estimate, else the low one."""
    return event.fatalities_best if event.fatalities_best is not None else event.fatalities_low


def chronological(event: Event) -> tuple:
    return (event.date_earliest, event.date_latest, event.id)


def python_sorted(events: list[Event], order: str) -> list[int]:
    """The order, written again in Python from its documented definition."""
    name, descending = order.lstrip("-"), order.startswith("-")
    if name == "chronological":
        ranked = sorted(events, key=chronological, reverse=descending)
    elif name == "updated":
        ranked = sorted(events, key=lambda event: (event.updated, event.id), reverse=descending)
    else:
        known = [event for event in events if fatalities(event) is not None]
        unknown = [event for event in events if fatalities(event) is None]
        ranked = sorted(
            known, key=lambda event: (fatalities(event), *chronological(event)), reverse=descending
        )
        # Unknown counts come last in both directions, chronologically as the order goes.
        ranked += sorted(unknown, key=chronological, reverse=descending)
    return [event.id for event in ranked]


@pytest.fixture
def varied(db) -> dict:
    """Published events with ties on every key (dates, update times, fatalities), unknown and
    zero fatalities, a low estimate without a best one; drafts beside them; two actors."""
    isis, sdf = ActorFactory(name="ISIS"), ActorFactory(name="SDF")
    spans = [
        (D(2016, 9, 4), D(2016, 9, 4)),
        (D(2016, 9, 1), D(2016, 9, 30)),
        (D(2016, 9, 4), D(2016, 9, 10)),
    ]
    counts = [(None, None), (0, None), (3, 1), (None, 2), (3, 3), (12, 5), (None, None)]
    for n in range(40):
        earliest, latest = (
            spans[n % 3] if n % 5 else (D(2015, 1 + n % 12, 1), D(2015, 1 + n % 12, 1))
        )
        best, low = counts[n % 7]
        fields = dict(
            date_earliest=earliest, date_latest=latest, fatalities_best=best, fatalities_low=low
        )
        event = published(**fields) if n % 8 else EventFactory(status="draft", **fields)
        if n % 3 == 0:
            with_actor(event, isis, "side_a")
        if n % 4 == 1:
            with_actor(event, sdf, "side_b")
    # Update times in ties of four (a bulk import writes one time for many rows).
    for number, pk in enumerate(Event.objects.order_by("?").values_list("pk", flat=True)):
        Event.objects.filter(pk=pk).update(updated=T0 + datetime.timedelta(minutes=number // 4))
    return {"isis": isis, "sdf": sdf}


def pages(client, url: str) -> list[list[int]]:
    """Every page of a list, following next links."""
    found = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        data = response.json()
        found.append([entry["id"] for entry in data["results"]])
        url = data["next"]
    return found


def walked(client, url: str) -> list[int]:
    every = [pk for page in pages(client, url) for pk in page]
    assert len(every) == len(set(every)), "a row repeated across pages"
    return every


@pytest.mark.parametrize("order", NAMES)
def test_each_order_pages_as_python_sorts_the_published_events(api, varied, order):
    expected = python_sorted(list(Event.objects.published()), order)
    assert walked(api, f"{TIMELINE}?order={order}&page_size=4") == expected
    assert walked(api, f"{EVENTS}?order={order}&page_size=7") == expected


@pytest.mark.parametrize("order", NAMES)
def test_editors_see_every_status_in_the_order(publisher_api, varied, order):
    expected = python_sorted(list(Event.objects.all()), order)
    assert walked(publisher_api, f"{EVENTS}?order={order}&page_size=5") == expected


@pytest.mark.parametrize("order", NAMES)
def test_previous_links_walk_back_through_the_same_order(api, varied, order):
    url, page = f"{TIMELINE}?order={order}&page_size=3", None
    while url:
        page = api.get(url).json()
        url = page["next"]
    back = [entry["id"] for entry in reversed(page["results"])]
    url = page["previous"]
    while url:
        page = api.get(url).json()
        back += [entry["id"] for entry in reversed(page["results"])]
        url = page["previous"]
    assert back == list(reversed(python_sorted(list(Event.objects.published()), order)))


@pytest.mark.parametrize("order", NAMES)
@pytest.mark.parametrize(
    "filters",
    [
        "actor=isis",  # the actor walk, for the chronological orders
        "actor=isis&actor=sdf",
        "start=2016-09-05",  # the dates alone
        "start=2016-09&fatalities_known=true",  # the probe window on SQLite
        "actor_a=isis&actor_b=sdf",  # a dyad
    ],
)
def test_filters_keep_the_order(api, varied, order, filters):
    query = parse(QueryDict(filters))
    subset = list(filtered(query, Event.objects.published()))
    assert subset, filters
    assert walked(api, f"{TIMELINE}?{filters}&order={order}&page_size=2") == python_sorted(
        subset, order
    )


def test_unknown_fatalities_come_last_either_way_and_a_low_estimate_counts(api, varied):
    for order in ("fatalities", "-fatalities"):
        entries = api.get(f"{TIMELINE}?order={order}&page_size=500").json()["results"]
        counts = [entry["fatalities"]["best"] or entry["fatalities"]["low"] for entry in entries]
        known = [
            e
            for e in entries
            if e["fatalities"]["best"] is not None or e["fatalities"]["low"] is not None
        ]
        assert entries[: len(known)] == known, order  # every known count before any unknown
        assert 2 in counts and None in counts
    deadliest = api.get(f"{TIMELINE}?order=-fatalities&page_size=1").json()["results"][0]
    assert deadliest["fatalities"]["best"] == 12


def test_the_default_is_chronological_and_an_empty_order_too(api, varied):
    default = walked(api, f"{TIMELINE}?page_size=9")
    assert default == walked(api, f"{TIMELINE}?order=&page_size=9")
    assert default == walked(api, f"{TIMELINE}?order=chronological&page_size=9")


# --- Cursors --------------------------------------------------------------------------------


def next_cursor(client, url: str) -> str:
    return parse_qs(urlsplit(client.get(url).json()["next"]).query)["cursor"][0]


def test_a_cursor_alone_continues_its_order(api, varied):
    cursor = next_cursor(api, f"{TIMELINE}?order=-fatalities&page_size=5")
    rest = walked(api, f"{TIMELINE}?cursor={cursor}&page_size=5")
    expected = python_sorted(list(Event.objects.published()), "-fatalities")
    assert rest == expected[5:]


@pytest.mark.parametrize(
    "made, used", [("-updated", "updated"), ("", "-chronological"), ("fatalities", "")]
)
def test_a_cursor_used_with_another_order_is_a_400_naming_cursor(api, varied, made, used):
    cursor = next_cursor(
        api, f"{TIMELINE}?order={made}&page_size=5" if made else f"{TIMELINE}?page_size=5"
    )
    response = api.get(f"{TIMELINE}?cursor={cursor}&order={used}&page_size=5")
    assert list(errors(response)) == ["cursor"], response.content


@pytest.mark.parametrize(
    "made, used",
    [
        ("-updated", "updated"),
        ("chronological", "-chronological"),
        ("fatalities", "-fatalities"),
        ("updated", "chronological"),
    ],
)
def test_a_bare_position_of_another_order_is_refused_too(api, varied, made, used):
    """The keyset position names its order: even stripped of its filters (the public pages
    use bare positions), it cannot continue another order."""
    wrapped = next_cursor(api, f"{TIMELINE}?order={made}&page_size=5")
    position, _ = cursors.unwrap(wrapped)
    response = api.get(f"{TIMELINE}?cursor={position}&order={used}")
    assert list(errors(response)) == ["cursor"], response.content
    assert "order" in errors(response)["cursor"][0]
    page = api.get(f"/?cursor={position}&order={used}")
    assert page.status_code == 400
    assert "<code>cursor</code>: a cursor of another order" in page.content.decode()


@pytest.mark.parametrize("value", ["newest", "Chronological", "-", "--updated", "fatalities_best"])
def test_an_unknown_order_is_a_400_naming_order(api, varied, value):
    for url in (TIMELINE, EVENTS, f"{TIMELINE[:-1]}.csv"):
        response = api.get(f"{url}?order={value}")
        found = errors(response)
        assert list(found) == ["order"], (url, found)
        assert "-chronological" in found["order"][0]


def test_the_schema_declares_order_with_its_values_wherever_the_filters_go(api):
    schema = api.get("/api/v1/schema/?format=json").json()
    for path in ("/api/v1/timeline/", "/api/v1/events/", "/api/v1/timeline.csv"):
        (order,) = [p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == "order"]
        assert sorted(order["schema"]["enum"]) == sorted(NAMES), path
        assert order["schema"]["default"] == "chronological"
        assert "unknown ones come last" in order["description"]


def test_order_given_twice_is_a_400(api, varied):
    assert list(errors(api.get(f"{TIMELINE}?order=updated&order=-updated"))) == ["order"]


# --- Every reader ----------------------------------------------------------------------------


def uids_in_order(order: str) -> list[str]:
    ranked = python_sorted(list(Event.objects.published()), order)
    uid_of = dict(Event.objects.values_list("id", "uid"))
    return [str(uid_of[pk]) for pk in ranked]


@pytest.mark.parametrize("order", ["-chronological", "-fatalities", "updated"])
def test_exports_write_in_the_order(api, varied, order):
    expected = uids_in_order(order)
    rows = list(
        csv.DictReader(io.StringIO(body(api.get(f"{TIMELINE}?format=csv&order={order}")).decode()))
    )
    assert [row["uid"] for row in rows] == expected
    features = json.loads(body(api.get(f"{TIMELINE[:-1]}.geojson?order={order}")))["features"]
    assert [feature["id"] for feature in features] == expected


def test_export_batches_follow_the_order_past_a_batch(varied):
    """stream() reads in keyset batches: the order holds across their seams."""
    for order in NAMES:
        query = parse(QueryDict(f"order={order}"))
        streamed = [e["id"] for e in stream(query, events=Event.objects.published(), batch_size=4)]
        assert streamed == python_sorted(list(Event.objects.published()), order), order


def test_the_export_command_takes_order(varied):
    out = io.StringIO()
    call_command("export_events", "--format", "csv", "--order=-fatalities", stdout=out)
    assert [row["uid"] for row in csv.DictReader(io.StringIO(out.getvalue()))] == uids_in_order(
        "-fatalities"
    )


def test_the_public_page_lists_newest_first(client, varied):
    newest = Event.objects.published().order_by("-date_earliest", "-date_latest", "-id").first()
    oldest = Event.objects.published().order_by("date_earliest", "date_latest", "id").first()
    page = client.get("/?order=-chronological").content.decode()
    assert page.index(f"/events/{newest.id}/") < page.index(f"/events/{oldest.id}/")
    wrong = client.get("/?order=sideways")
    assert wrong.status_code == 400
    assert "<code>order</code>: unknown order &#x27;sideways&#x27;" in wrong.content.decode()


# --- Cost ----------------------------------------------------------------------------------


@pytest.mark.parametrize("order", NAMES)
def test_a_page_in_any_order_costs_the_queries_a_chronological_one_does(
    api, varied, order, settings
):
    settings.RESPONSE_CACHE_SECONDS = 0  # Pages computed, not served from the page cache.

    def cost(url: str) -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            assert api.get(url).status_code == 200
        return [query["sql"] for query in queries.captured_queries]

    baseline = cost(f"{TIMELINE}?page_size=5")
    cursor = next_cursor(api, f"{TIMELINE}?order={order}&page_size=5")
    # SQLite reads a fatality order's page from a cursor in two parts at the end of a tie.
    split = ORDERS[order].keyset.row_values and connection.vendor == "sqlite"
    for url in (f"{TIMELINE}?order={order}&page_size=5", f"{TIMELINE}?cursor={cursor}&page_size=5"):
        found = cost(url)
        extra = 1 if split and "cursor" in url else 0
        assert len(baseline) <= len(found) <= len(baseline) + extra, (url, found)
        assert not any(" OFFSET " in sql or "COUNT(" in sql for sql in found)


def plan_text(queryset) -> str:
    """The database's plan of a query, one line, with sorting and sequential scans priced out
    on PostgreSQL (a small test table is cheaper to scan: the question is whether an index
    can serve the order at all)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for setting in ("enable_seqscan", "enable_sort", "enable_incremental_sort"):
                cursor.execute(f"SET LOCAL {setting} = off")
    return " | ".join(queryset.explain().splitlines())


INDEXES = {
    "chronological": "events_event_chrono_idx",
    "updated": "events_event_fresh_idx",
    "fatalities": "events_event_fewest_idx",
    "-fatalities": "events_event_deadliest_idx",
}


@pytest.mark.parametrize("order", NAMES)
def test_each_order_is_read_through_its_index_without_a_sort(varied, order):
    """The page's select, from the start and from a cursor either way, and (SQLite, dates
    given) the probe window's scan: each walks the order's index and sorts nothing."""
    index = INDEXES.get(order) or INDEXES[order.lstrip("-")]
    read = plan(parse(QueryDict(f"order={order}")), Event.objects.published())
    cursor = read_page(read, size=4).next_cursor
    key, _ = read.keyset.decode(cursor)
    selects = [
        _from_key(read.events, read.keyset, None, False),
        *_parts_from_key(read.events, read.keyset, key, False),
        *_parts_from_key(read.events, read.keyset, key, True),
    ]
    dated = plan(parse(QueryDict(f"order={order}&start=2016-09")), Event.objects.published())
    if dated.scope is not None:
        selects.append(_from_key(dated.scope, dated.keyset, key, False))
    for number, select in enumerate(selects):
        shown = plan_text(select.values("id")[:101])
        assert index in shown, shown
        assert "TEMP B-TREE" not in shown and "Sort" not in shown, shown
        if number:  # From a cursor: the index is entered at the key, not read from its start.
            entered = ("status=? AND", "'published'::text) AND")
            assert any(mark in shown for mark in entered), shown


def test_a_bulk_load_sets_the_order_indexes_aside_and_builds_them_again(varied):
    from events import bulk_indexes

    names = {"events_event_fresh_idx", "events_event_deadliest_idx", "events_event_fewest_idx"}
    assert names <= set(bulk_indexes.set_aside())
    assert names <= set(bulk_indexes.restore())
    read = plan(parse(QueryDict("order=-fatalities")), Event.objects.published())
    shown = plan_text(_from_key(read.events, read.keyset, None, False).values("id")[:101])
    assert "events_event_deadliest_idx" in shown, shown
