"""timeline/summary/: counts and fatality sums per group, checked against a computation in
Python over the same events, in JSON and CSV, with the timeline's filters."""

import csv
import datetime
import io
from collections import defaultdict

import pytest
from django.db import connection

from events.chronology.summary import SUMMARY_RULE, _sums
from events.models import Event, Location
from tests.api.helpers import D, errors, published, with_actor
from tests.factories import ActorFactory, EventFactory, EventTypeFactory, LocationFactory

pytestmark = pytest.mark.django_db

SUMMARY = "/api/v1/timeline/summary/"
BY = ("actor", "location", "admin1", "type", "month")


@pytest.fixture
def world(db):
    """Events of every awkward kind: imprecise dates, unknown fatalities, several actors (one in
    two roles), no place, a place that is a governorate, one in no governorate, and drafts."""
    syria = LocationFactory(name="Syria", slug="syria", kind=Location.Kind.COUNTRY)
    aleppo_gov = LocationFactory(
        name="Aleppo Governorate", slug="aleppo-gov", kind=Location.Kind.GOVERNORATE, parent=syria
    )
    idlib_gov = LocationFactory(
        name="Idlib Governorate", slug="idlib-gov", kind=Location.Kind.GOVERNORATE, parent=syria
    )
    district = LocationFactory(kind=Location.Kind.DISTRICT, parent=aleppo_gov)
    aleppo = LocationFactory(name="Aleppo", slug="aleppo", parent=district)
    manbij = LocationFactory(name="Manbij", slug="manbij", parent=aleppo_gov)
    saraqib = LocationFactory(name="Saraqib", slug="saraqib", parent=idlib_gov)
    border = LocationFactory(
        name="Bab al-Hawa", slug="bab-al-hawa", kind=Location.Kind.BORDER_AREA, parent=syria
    )
    shelling, strike = EventTypeFactory(name="Shelling"), EventTypeFactory(name="Air strike")
    isis, army, ypg = (ActorFactory(name=name) for name in ("Islamic State", "Army", "YPG"))

    def event(first, last, precision="day", *, place=None, kind=shelling, actors=(), **deaths):
        made = published(
            date_earliest=first,
            date_latest=last,
            date_precision=precision,
            location=place,
            type=kind,
            **{f"fatalities_{estimate}": n for estimate, n in deaths.items()},
        )
        for actor, role in actors:
            with_actor(made, actor, role)

    sep4, sep20 = D(2016, 9, 4), D(2016, 9, 20)
    event(
        sep4, sep4, place=aleppo, best=5, low=3, high=9, actors=[(isis, "side_a"), (army, "side_b")]
    )
    event(
        sep20,
        sep20,
        place=manbij,
        kind=strike,
        best=12,
        actors=[(isis, "side_a"), (isis, "perpetrator")],
    )
    event(
        D(2016, 9, 1),
        D(2016, 9, 30),
        "month",
        place=saraqib,
        low=2,
        high=4,
        actors=[(army, "side_a")],
    )
    event(
        D(2016, 8, 28),
        sep4,
        "week",
        place=aleppo_gov,
        best=1,
        actors=[(ypg, "side_a"), (isis, "side_b")],
    )
    event(D(2016, 1, 1), D(2016, 12, 31), "year", place=border, kind=strike, best=30)
    event(D(2016, 10, 2), D(2016, 10, 2), best=0, actors=[(ypg, "target")])
    event(D(2016, 10, 3), D(2016, 10, 3), place=syria)
    # Drafts: never in any count, whoever asks.
    draft = EventFactory(location=aleppo, type=shelling, fatalities_best=1000)
    with_actor(draft, isis)
    return {"aleppo_gov": aleppo_gov, "isis": isis, "shelling": shelling}


# --- The expected answer, computed over the same events in Python ----------------------------


def _governorate_of(place: Location | None):
    chain = [*place.ancestors(), place] if place else []
    found = next((p for p in chain if p.kind == Location.Kind.GOVERNORATE), None)
    return (found.slug, found.name) if found else (None, None)


def _keys_of(event: Event, by: str) -> list[tuple]:
    if by == "actor":
        actors = {(link.actor.slug, link.actor.name) for link in event.actor_links.all()}
        return sorted(actors) or [(None, None)]
    if by == "location":
        place = event.location
        return [(place.slug, place.name) if place else (None, None)]
    if by == "admin1":
        return [_governorate_of(event.location)]
    return [(event.type.slug, event.type.name)]


def _sum(values):
    known = [value for value in values if value is not None]
    return sum(known) if known else None


def _fatalities(events) -> dict:
    return {
        "best": _sum(e.fatalities_best for e in events),
        "low": _sum(e.fatalities_low for e in events),
        "high": _sum(e.fatalities_high for e in events),
        "unknown": sum(e.fatalities_best is None and e.fatalities_low is None for e in events),
    }


def _months(first: datetime.date, last: datetime.date) -> list[str]:
    months, (year, month) = [], (first.year, first.month)
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04}-{month:02}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def expected(by: str, events=None) -> dict[tuple, dict]:
    """{(key, name): {"count", "fatalities"[, "imprecise", "imprecise_fatalities"]}}."""
    events = list(Event.objects.published() if events is None else events)
    if by == "month":
        precise, maybe = defaultdict(list), defaultdict(list)
        for event in events:
            spanned = _months(event.date_earliest, event.date_latest)
            for month in spanned:
                (precise if len(spanned) == 1 else maybe)[month].append(event)
        return {
            month: {
                "count": len(precise[month]),
                "fatalities": _fatalities(precise[month]),
                "imprecise": len(maybe[month]),
                "imprecise_fatalities": _fatalities(maybe[month]),
            }
            for month in set(precise) | set(maybe)
        }
    grouped = defaultdict(list)
    for event in events:
        for key in _keys_of(event, by):
            grouped[key].append(event)
    return {
        key: {"count": len(found), "fatalities": _fatalities(found)}
        for key, found in grouped.items()
    }


def answered(data: dict) -> dict[tuple, dict]:
    if data["by"] == "month":
        return {
            group["key"]: {
                name: group[name]
                for name in ("count", "fatalities", "imprecise", "imprecise_fatalities")
            }
            for group in data["groups"]
        }
    return {
        (group["key"], group["name"]): {
            "count": group["count"],
            "fatalities": group["fatalities"],
        }
        for group in data["groups"]
    }


# --- Tests -------------------------------------------------------------------------------------


@pytest.mark.parametrize("by", BY)
def test_each_grouping_matches_a_computation_over_the_same_events(api, world, by):
    data = api.get(f"{SUMMARY}?by={by}").json()
    assert answered(data) == expected(by)
    published_events = list(Event.objects.published())
    assert data["events"] == len(published_events) == 7
    assert data["fatalities"] == _fatalities(published_events)
    assert data["by"] == by and data["rule"] == SUMMARY_RULE


def test_an_actor_counts_an_event_once_whatever_its_roles_and_events_without_actors_are_null(
    api, world
):
    groups = {g["key"]: g for g in api.get(f"{SUMMARY}?by=actor").json()["groups"]}
    isis = groups[world["isis"].slug]
    # Three published events (one with Islamic State in two roles), the draft left out.
    assert (isis["count"], isis["fatalities"]["best"]) == (3, 5 + 12 + 1)
    assert groups[None]["count"] == 2 and groups[None]["name"] is None


def test_imprecise_events_are_never_put_in_one_month(api, world):
    groups = {g["key"]: g for g in api.get(f"{SUMMARY}?by=month").json()["groups"]}
    # September: two day events and the month-precision one; the week over August's end and
    # the year-precision event may have happened in it.
    assert (groups["2016-09"]["count"], groups["2016-09"]["imprecise"]) == (3, 2)
    assert groups["2016-09"]["imprecise_fatalities"]["best"] == 1 + 30
    assert (groups["2016-08"]["count"], groups["2016-08"]["imprecise"]) == (0, 2)
    assert (groups["2016-03"]["count"], groups["2016-03"]["imprecise"]) == (0, 1)
    assert groups["2016-09"]["start"] == "2016-09-01" and groups["2016-09"]["end"] == "2016-09-30"
    data = api.get(f"{SUMMARY}?by=month").json()
    assert (data["precise_events"], data["imprecise_events"]) == (5, 2)


def test_imprecise_events_spread_only_over_the_requested_range(api, world):
    data = api.get(f"{SUMMARY}?by=month&start=2016-09&end=2016-10").json()
    assert sorted(g["key"] for g in data["groups"]) == ["2016-09", "2016-10"]


def test_places_without_a_governorate_and_events_without_a_place_form_the_null_group(api, world):
    groups = {g["key"]: g for g in api.get(f"{SUMMARY}?by=admin1").json()["groups"]}
    # Aleppo, Manbij and the governorate itself; the border area, the country and no place.
    assert groups["aleppo-gov"]["count"] == 3 and groups["idlib-gov"]["count"] == 1
    assert groups[None]["count"] == 3 and groups[None]["fatalities"]["unknown"] == 1
    location = {g["key"]: g["count"] for g in api.get(f"{SUMMARY}?by=location").json()["groups"]}
    assert location[None] == 1 and location["aleppo-gov"] == 1


def test_groups_are_sorted_by_count_then_name(api, world):
    groups = api.get(f"{SUMMARY}?by=location").json()["groups"]
    order = [(-g["count"], g["name"] is None, g["name"] or "") for g in groups]
    assert order == sorted(order) and groups[-1]["key"] is None
    months = [g["key"] for g in api.get(f"{SUMMARY}?by=month").json()["groups"]]
    assert months[0] == "2016-09"


def test_the_summary_takes_the_timelines_filters(api, world):
    data = api.get(f"{SUMMARY}?by=type&actor={world['isis'].slug}&start=2016-09").json()
    isis_events = Event.objects.published().filter(actor_links__actor=world["isis"]).distinct()
    assert answered(data) == expected("type", isis_events)
    by_place = api.get(f"{SUMMARY}?by=actor&location=aleppo-gov").json()
    assert by_place["events"] == 3
    known = api.get(f"{SUMMARY}?by=type&fatalities_known=false").json()
    assert known["events"] == known["fatalities"]["unknown"] == 1


def test_drafts_are_never_counted_for_anyone(api, publisher_api, world):
    for client in (api, publisher_api):
        data = client.get(f"{SUMMARY}?by=location").json()
        assert data["events"] == 7
        assert all(g["fatalities"]["best"] != 1000 for g in data["groups"])


@pytest.mark.parametrize("by", BY)
def test_the_csv_holds_the_same_groups_as_the_json(api, world, by):
    response = api.get(f"{SUMMARY}?by={by}&format=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.content.endswith(b"\r\n")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    groups = api.get(f"{SUMMARY}?by={by}").json()["groups"]
    assert [row["key"] for row in rows] == [g["key"] or "" for g in groups]
    for row, group in zip(rows, groups, strict=True):
        assert row["name"] == (group["name"] or "")
        assert int(row["count"]) == group["count"]
        for estimate in ("best", "low", "high", "unknown"):
            value = group["fatalities"][estimate]
            assert row[f"fatalities_{estimate}"] == ("" if value is None else str(value))
        if by == "month":
            assert int(row["imprecise"]) == group["imprecise"] and row["start"] == group["start"]
        else:
            assert "imprecise" not in row


def test_an_unknown_or_missing_by_is_a_400_naming_by(api, db):
    assert "by" in errors(api.get(f"{SUMMARY}?by=country"))
    assert "by" in errors(api.get(SUMMARY))
    assert "by" in errors(api.get(f"{SUMMARY}?by=actor&by=type"))
    assert "start" in errors(api.get(f"{SUMMARY}?by=actor&start=2016-13"))
    bad = api.get(f"{SUMMARY}?by=nope&format=csv")
    assert bad.status_code == 400 and bad["Content-Type"] == "application/json"


def test_the_summary_carries_the_reads_headers(api, world):
    response = api.get(f"{SUMMARY}?by=type", HTTP_ORIGIN="https://dashboard.example")
    assert response["ETag"] and response["Cache-Control"].startswith("public")
    assert response["Access-Control-Allow-Origin"]
    again = api.get(f"{SUMMARY}?by=type", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    as_csv = api.get(f"{SUMMARY}?by=type&format=csv")
    assert as_csv["ETag"] != response["ETag"]


@pytest.mark.parametrize(("by", "queries"), [("actor", 2), ("location", 1), ("admin1", 2),
                                             ("type", 1), ("month", 1)])  # fmt: skip
def test_a_summary_is_one_or_two_grouped_queries(
    api, world, by, queries, django_assert_num_queries
):
    # The freshness probe, then the summary's own; the same however many events there are.
    with django_assert_num_queries(1 + queries) as captured:
        assert api.get(f"{SUMMARY}?by={by}").status_code == 200
    assert any("GROUP BY" in query["sql"] for query in captured.captured_queries[1:])
    with django_assert_num_queries(1):  # Repeated: from the cache until the data changes.
        api.get(f"{SUMMARY}?by={by}")


def test_the_schema_declares_the_json_and_the_csv_and_the_rule(api, db):
    schema = api.get("/api/v1/schema/?format=json").json()
    operation = schema["paths"][SUMMARY]["get"]
    assert set(operation["responses"]["200"]["content"]) == {"application/json", "text/csv"}
    (by,) = [p for p in operation["parameters"] if p["name"] == "by"]
    assert by["required"] and set(by["schema"]["enum"]) == set(BY)
    assert "never on a guessed day" in operation["description"]
    assert "400" in operation["responses"]


def test_the_api_root_links_the_summary(api, db):
    assert api.get("/api/v1/").json()["summary"].endswith(SUMMARY)


@pytest.mark.parametrize(
    "by, index",
    [
        ("location", "events_event_tally_place_idx"),
        ("type", "events_event_tally_type_idx"),
        ("month", "events_event_tally_month_idx"),
    ],
)
@pytest.mark.parametrize("period", [False, True])
def test_a_summary_of_the_published_set_reads_a_covering_index_not_the_table(
    world, by, index, period
):
    """The GROUP BY of the whole published set, or of a period of it, walks its covering
    index and never the rows: what keeps a cold summary of a million events from reading
    every event."""
    column = {"location": "location_id", "type": "type_id"}.get(by)
    grouped = Event.objects.published().order_by()
    if period:
        grouped = grouped.overlapping(datetime.date(2016, 1, 1), datetime.date(2016, 12, 31))
    grouped = grouped.values(column) if column else grouped.values("date_earliest", "date_latest")
    grouped = grouped.annotate(**_sums())
    if connection.vendor == "postgresql":
        # PostgreSQL prices plans by its statistics of a tiny test table, so which index it
        # takes there varies with what ran before; what must hold is that one can serve.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
        shown = " | ".join(grouped.explain().splitlines())
        assert "Seq Scan" not in shown and "events_event_" in shown, shown
        return
    shown = " | ".join(grouped.explain().splitlines())
    assert index in shown, shown
    assert "COVERING INDEX" in shown and "TEMP B-TREE" not in shown, shown
