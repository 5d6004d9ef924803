"""The timeline: order, date modes at precision boundaries, every filter and their combinations."""

import datetime
import re

import pytest
from django.urls import set_script_prefix
from django.utils import timezone

from events.dates import parse_partial_iso
from events.models import ActorMembership, Event
from tests.api.helpers import (
    D,
    day,
    ids,
    month_of,
    published,
    walk,
    with_actor,
    with_source,
)
from tests.factories import (
    ActorAliasFactory,
    ActorFactory,
    ArticleFactory,
    EventTypeFactory,
    LocationFactory,
)

pytestmark = pytest.mark.django_db

TIMELINE = "/api/v1/timeline/"


# -- the README examples ---------------------------------------------------------------------


def test_the_islamic_states_chronology_in_august_2017_returns_the_convoy_events(seeded, api):
    entries = walk(api, f"{TIMELINE}?actor=isis&start=2017-08&end=2017-08")
    headlines = [entry["headline"] for entry in entries]
    assert (
        "US-led coalition airstrikes halt IS evacuation convoy in the desert by damaging the "
        "road ahead" in headlines
    )
    assert sum("convoy" in headline for headline in headlines) >= 4
    for entry in entries:
        assert "islamic-state" in {actor["slug"] for actor in entry["actors"]}
        assert entry["date"]["earliest"] <= "2017-08-31"
        assert entry["date"]["latest"] >= "2017-08-01"
    assert len(entries) == 7


def test_the_timeline_is_in_chronological_order_with_more_precise_events_first(api, db):
    wide = published(
        date_earliest=D(2016, 9, 1), date_latest=D(2016, 9, 30), date_precision="month"
    )
    later = day(D(2016, 9, 2))
    narrow_second = published(
        date_earliest=D(2016, 9, 1), date_latest=D(2016, 9, 3), date_precision="days"
    )
    narrow_first = day(D(2016, 9, 1))
    tie = day(D(2016, 9, 1))
    assert ids(api, TIMELINE) == [narrow_first.pk, tie.pk, narrow_second.pk, wide.pk, later.pk]


def test_the_timeline_entry_has_the_documented_shape(seeded, api):
    entry = api.get(f"{TIMELINE}?actor=isis&start=2017-08-30&end=2017-08-30").json()["results"][0]
    assert set(entry) == {
        "id", "uid", "headline", "summary", "date", "type", "location", "actors", "sources",
        "fatalities", "updated", "url",
    }  # fmt: skip
    assert set(entry["date"]) == {"earliest", "latest", "precision", "approximate", "display"}
    assert set(entry["type"]) == {"slug", "name", "parent"}
    assert set(entry["location"]) == {
        "id", "slug", "name", "kind", "latitude", "longitude", "geo_precision", "ancestors",
    }  # fmt: skip
    assert entry["location"]["ancestors"][0]["kind"] == "country"
    assert set(entry["actors"][0]) == {"slug", "name", "kind", "role"}
    assert set(entry["sources"][0]) == {
        "article", "title", "outlet", "original_agency", "url", "published", "excerpt",
        "attributed_to", "date_phrase",
    }  # fmt: skip
    assert set(entry["fatalities"]) == {"best", "low", "high"}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT[\d:.]+\+00:00", entry["updated"])
    assert entry["url"] == f"http://testserver/api/v1/events/{entry['id']}/"
    assert api.get(entry["url"]).status_code == 200


def _under(api, prefix: str, path: str) -> dict:
    """A GET served under a script prefix as Django's WSGI handler serves it: the test client
    passes SCRIPT_NAME on, but only the handler sets the prefix reverse() reads."""
    set_script_prefix(f"{prefix}/")
    try:
        return api.get(path, SCRIPT_NAME=prefix).json()
    finally:
        set_script_prefix("/")


def test_urls_follow_the_script_prefix_each_request_is_served_under(api, db):
    """Built once per request: a request under one prefix leaves no URL to the next one."""
    event = day(D(2016, 9, 4))
    actor = with_actor(event, ActorFactory()).actors.get()
    for prefix in ("/ct", "", "/other/ct", "/ct"):
        event_url = f"http://testserver{prefix}/api/v1/events/{event.pk}/"
        assert _under(api, prefix, TIMELINE)["results"][0]["url"] == event_url
        assert _under(api, prefix, "/api/v1/events/")["results"][0]["url"] == event_url
        row = _under(api, prefix, "/api/v1/actors/")["results"][0]
        assert row["url"] == f"http://testserver{prefix}/api/v1/actors/{actor.slug}/"
        chronology = f"http://testserver{prefix}/api/v1/timeline/?actor={actor.slug}"
        assert row["chronology"] == chronology


def test_a_top_level_type_has_a_null_parent_and_an_event_without_place_a_null_location(api, db):
    top = EventTypeFactory()
    day(D(2016, 9, 4), type=top, location=None)
    entry = api.get(TIMELINE).json()["results"][0]
    assert entry["type"]["parent"] is None
    assert entry["location"] is None


# -- dates: both modes around precision boundaries --------------------------------------------


@pytest.fixture
def february(db) -> dict[str, Event]:
    return {
        "month": month_of(2016, 2),
        "day_inside": day(D(2016, 2, 11)),
        "day_before": day(D(2016, 2, 9)),
        "day_after": day(D(2016, 2, 13)),
        "first_day": day(D(2016, 2, 10)),
        "last_day": day(D(2016, 2, 12)),
        "straddling": published(
            date_earliest=D(2016, 2, 8), date_latest=D(2016, 2, 10), date_precision="days"
        ),
        "year": published(
            date_earliest=D(2016, 1, 1), date_latest=D(2016, 12, 31), date_precision="year"
        ),
    }


def _names(api, query: str, events: dict[str, Event]) -> set[str]:
    by_id = {event.pk: name for name, event in events.items()}
    return {by_id[pk] for pk in ids(api, f"{TIMELINE}?{query}")}


def test_a_month_precise_february_event_overlaps_a_few_days_of_february_but_is_not_within(
    api, february
):
    overlapping = _names(api, "start=2016-02-10&end=2016-02-12", february)
    within = _names(api, "start=2016-02-10&end=2016-02-12&date_mode=within", february)
    assert overlapping == {"month", "day_inside", "first_day", "last_day", "straddling", "year"}
    assert within == {"day_inside", "first_day", "last_day"}


def test_overlaps_is_the_default_date_mode(api, february):
    assert _names(api, "start=2016-02-10&end=2016-02-12", february) == _names(
        api, "start=2016-02-10&end=2016-02-12&date_mode=overlaps", february
    )


def test_a_month_given_as_start_and_end_covers_the_whole_month(api, february):
    within = _names(api, "start=2016-02&end=2016-02&date_mode=within", february)
    assert within == set(february) - {"year"}


def test_a_year_precise_event_is_within_its_year_only(api, february):
    assert "year" in _names(api, "start=2016&end=2016&date_mode=within", february)
    assert "year" not in _names(api, "start=2016-01&end=2016-11&date_mode=within", february)
    assert "year" in _names(api, "start=2016-12-31", february)
    assert "year" not in _names(api, "start=2017", february)


def test_open_ended_ranges_take_every_event_from_or_until_a_date(api, february):
    assert _names(api, "start=2016-02-12", february) == {"month", "year", "last_day", "day_after"}
    assert _names(api, "end=2016-02-09", february) == {"month", "year", "day_before", "straddling"}
    assert _names(api, "end=2016-02-09&date_mode=within", february) == {"day_before"}


# -- actors ---------------------------------------------------------------------------------


def test_an_actor_is_found_by_slug_id_name_or_any_alias_in_any_case(api, db):
    actor = ActorFactory(name="Islamic State", slug="islamic-state")
    ActorAliasFactory(actor=actor, name="Daesh")
    event = with_actor(day(D(2017, 8, 30)), actor)
    day(D(2017, 8, 30))  # Without the actor.
    for value in ("islamic-state", str(actor.pk), "islamic state", "DAESH", "daesh "):
        assert ids(api, f"{TIMELINE}?actor={value}") == [event.pk], value


def test_repeating_actor_gives_the_events_of_any_of_them_once_each(api, db):
    a, b = ActorFactory(), ActorFactory()
    both = with_actor(with_actor(day(D(2016, 9, 1)), a), b, "side_b")
    only_a = with_actor(day(D(2016, 9, 2)), a)
    only_b = with_actor(day(D(2016, 9, 3)), b)
    day(D(2016, 9, 4))
    assert ids(api, f"{TIMELINE}?actor={a.slug}&actor={b.slug}") == [both.pk, only_a.pk, only_b.pk]


def test_actor_role_applies_to_the_same_link_as_the_actor(api, db):
    attacker, victim = ActorFactory(), ActorFactory()
    attack = with_actor(with_actor(day(D(2016, 9, 1)), attacker, "perpetrator"), victim, "target")
    reprisal = with_actor(with_actor(day(D(2016, 9, 2)), victim, "perpetrator"), attacker, "target")
    assert ids(api, f"{TIMELINE}?actor={victim.slug}&actor_role=target") == [attack.pk]
    assert ids(api, f"{TIMELINE}?actor={victim.slug}&actor_role=perpetrator") == [reprisal.pk]
    assert ids(api, f"{TIMELINE}?actor_role=perpetrator") == [attack.pk, reprisal.pk]


def test_include_members_expands_an_alliance_to_its_members(api, db):
    alliance = ActorFactory(kind="alliance")
    member = ActorFactory()
    ActorMembership.objects.create(alliance=alliance, member=member)
    as_alliance = with_actor(day(D(2016, 9, 1)), alliance)
    as_member = with_actor(day(D(2016, 9, 2)), member)
    assert ids(api, f"{TIMELINE}?actor={alliance.slug}") == [as_alliance.pk]
    assert ids(api, f"{TIMELINE}?actor={alliance.slug}&include_members=true") == [
        as_alliance.pk,
        as_member.pk,
    ]
    assert ids(api, f"{TIMELINE}?actor={alliance.slug}&include_members=false") == [as_alliance.pk]


def test_the_actor_filter_honours_the_date_range_through_the_links_copy_of_the_bounds(api, db):
    actor = ActorFactory()
    early = with_actor(day(D(2016, 9, 1)), actor)
    late = with_source(with_actor(day(D(2016, 10, 1)), actor))
    assert ids(api, f"{TIMELINE}?actor={actor.slug}&start=2016-09&end=2016-09") == [early.pk]
    late.date_earliest = late.date_latest = D(2016, 9, 20)
    late.save()  # Event.save() carries the new bounds onto the link.
    assert ids(api, f"{TIMELINE}?actor={actor.slug}&start=2016-09&end=2016-09") == [
        early.pk,
        late.pk,
    ]


# -- places ---------------------------------------------------------------------------------


def test_a_location_takes_in_every_place_beneath_it(seeded, api):
    entries = walk(api, f"{TIMELINE}?location=aleppo-governorate&page_size=500")
    assert {entry["location"]["slug"] for entry in entries} >= {"aleppo-city", "eastern-aleppo"}
    for entry in entries:
        place = entry["location"]
        assert "aleppo-governorate" in [place["slug"]] + [a["slug"] for a in place["ancestors"]]


def test_a_location_is_found_by_id_as_well_as_slug(seeded, api):
    from events.models import Location

    pk = Location.objects.get(slug="aleppo-city").pk
    assert ids(api, f"{TIMELINE}?location={pk}") == ids(api, f"{TIMELINE}?location=aleppo-city")


def test_bbox_keeps_events_at_places_inside_the_box_in_longitude_latitude_order(api, db):
    aleppo = LocationFactory(latitude=36.2, longitude=37.15)
    raqqa = LocationFactory(latitude=35.95, longitude=39.01)
    nowhere = day(D(2016, 9, 3), location=None)
    in_aleppo = day(D(2016, 9, 1), location=aleppo)
    in_raqqa = day(D(2016, 9, 2), location=raqqa)
    assert ids(api, f"{TIMELINE}?bbox=36.5,35.5,38,37") == [in_aleppo.pk]
    assert ids(api, f"{TIMELINE}?bbox=36,35,40,37") == [in_aleppo.pk, in_raqqa.pk]
    assert nowhere.pk not in ids(api, f"{TIMELINE}?bbox=-180,-90,180,90")


def test_a_bbox_across_the_antimeridian_wraps_around(api, db):
    fiji = day(D(2016, 9, 1), location=LocationFactory(latitude=-17.7, longitude=178.0))
    samoa = day(D(2016, 9, 2), location=LocationFactory(latitude=-13.8, longitude=-172.1))
    day(D(2016, 9, 3), location=LocationFactory(latitude=-17.7, longitude=100.0))
    assert ids(api, f"{TIMELINE}?bbox=170,-20,-170,-10") == [fiji.pk, samoa.pk]


def test_near_keeps_events_within_the_distance_of_a_point(api, db):
    aleppo = day(D(2016, 9, 1), location=LocationFactory(latitude=36.2, longitude=37.15))
    # Al-Bab is about 38 km north-east of Aleppo; Raqqa about 160 km east.
    al_bab = day(D(2016, 9, 2), location=LocationFactory(latitude=36.37, longitude=37.52))
    day(D(2016, 9, 3), location=LocationFactory(latitude=35.95, longitude=39.01))
    assert ids(api, f"{TIMELINE}?near=36.2,37.15,10") == [aleppo.pk]
    assert ids(api, f"{TIMELINE}?near=36.2,37.15,50") == [aleppo.pk, al_bab.pk]


# -- types, articles, text, precision, fatalities, updated --------------------------------------


def test_a_type_takes_in_its_sub_types(api, db):
    battles = EventTypeFactory(slug="battles")
    clash = EventTypeFactory(slug="armed-clash", parent=battles)
    other = EventTypeFactory(slug="protests")
    as_parent = day(D(2016, 9, 1), type=battles)
    as_child = day(D(2016, 9, 2), type=clash)
    as_other = day(D(2016, 9, 3), type=other)
    assert ids(api, f"{TIMELINE}?type=battles") == [as_parent.pk, as_child.pk]
    assert ids(api, f"{TIMELINE}?type=armed-clash") == [as_child.pk]
    assert ids(api, f"{TIMELINE}?type={clash.pk}&type=protests") == [as_child.pk, as_other.pk]


def test_article_keeps_the_events_that_cite_it(api, db):
    article = ArticleFactory()
    citing = with_source(day(D(2016, 9, 1)), article=article)
    with_source(day(D(2016, 9, 2)))
    assert ids(api, f"{TIMELINE}?article={article.pk}") == [citing.pk]


def test_q_searches_headline_summary_and_excerpts_for_every_word(api, db):
    by_headline = day(D(2016, 9, 1), headline="Barrel bombs on Daraya")
    by_summary = day(D(2016, 9, 2), summary="Witnesses describe barrel bombs.")
    by_excerpt = with_source(day(D(2016, 9, 3)), excerpt="government forces shelled the town")
    assert ids(api, f"{TIMELINE}?q=BARREL bombs") == [by_headline.pk, by_summary.pk]
    assert ids(api, f"{TIMELINE}?q=shelled town") == [by_excerpt.pk]
    assert ids(api, f"{TIMELINE}?q=barrel daraya") == [by_headline.pk]


def test_precision_is_repeatable(api, february):
    assert _names(api, "precision=day&start=2016-02-11&end=2016-02-11", february) == {"day_inside"}
    assert _names(api, "precision=month&precision=year", february) == {"month", "year"}


def test_fatalities_min_uses_the_best_estimate_else_the_low_one_and_never_unknowns(api, db):
    best = day(D(2016, 9, 1), fatalities_best=12)
    low_only = day(D(2016, 9, 2), fatalities_low=10, fatalities_high=40)
    day(D(2016, 9, 3), fatalities_high=40)
    day(D(2016, 9, 4))
    day(D(2016, 9, 5), fatalities_best=3)
    assert ids(api, f"{TIMELINE}?fatalities_min=10") == [best.pk, low_only.pk]
    assert ids(api, f"{TIMELINE}?fatalities_min=11") == [best.pk]


def test_updated_since_keeps_events_changed_at_or_after_the_time(api, db):
    old, new = day(D(2016, 9, 1)), day(D(2016, 9, 2))
    cutoff = timezone.now()
    Event.objects.filter(pk=old.pk).update(updated=cutoff - datetime.timedelta(hours=1))
    Event.objects.filter(pk=new.pk).update(updated=cutoff)
    stamp = cutoff.isoformat().replace("+00:00", "Z")
    assert ids(api, f"{TIMELINE}?updated_since={stamp}") == [new.pk]
    # An unencoded "+" arrives as a space; the offset is still read.
    plus = cutoff.isoformat()
    assert ids(api, f"{TIMELINE}?updated_since={plus}") == [new.pk]
    assert ids(api, f"{TIMELINE}?updated_since=2000-01-01") == [old.pk, new.pk]


# -- combinations, checked against a plain reading of every seed entry --------------------------


def _matches(entry: dict, params: dict) -> bool:
    place = entry["location"]
    places = ([place["slug"]] + [a["slug"] for a in place["ancestors"]]) if place else []
    date = entry["date"]
    start = parse_partial_iso(params["start"]).earliest.isoformat() if "start" in params else None
    end = parse_partial_iso(params["end"]).latest.isoformat() if "end" in params else None
    if params.get("date_mode") == "within":
        if (start and date["earliest"] < start) or (end and date["latest"] > end):
            return False
    elif (start and date["latest"] < start) or (end and date["earliest"] > end):
        return False
    if "actor" in params:
        links = [(a["slug"], a["role"]) for a in entry["actors"]]
        role = params.get("actor_role")
        if not any(slug == params["actor"] and role in (None, r) for slug, r in links):
            return False
    if "location" in params and params["location"] not in places:
        return False
    if "type" in params and params["type"] not in (
        entry["type"]["slug"],
        (entry["type"]["parent"] or {}).get("slug"),
    ):
        return False
    if "precision" in params and date["precision"] != params["precision"]:
        return False
    if "q" in params:
        text = " ".join(
            [entry["headline"], entry["summary"], *(s["excerpt"] for s in entry["sources"])]
        ).casefold()
        if params["q"].casefold() not in text:
            return False
    return True


COMBINATIONS = [
    {"actor": "islamic-state", "start": "2017-08-30", "end": "2017-08-31"},
    {"actor": "islamic-state", "start": "2017-08-30", "end": "2017-08-31", "date_mode": "within"},
    {"actor": "syrian-army", "actor_role": "side_b"},
    {"actor": "us-led-coalition", "location": "syrian-desert"},
    {"location": "syria", "start": "2016-09", "end": "2016-09", "date_mode": "within"},
    {"location": "aleppo-governorate", "precision": "day"},
    {"type": "strategic-developments", "start": "2016"},
    {"type": "agreement", "end": "2016-12"},
    {"q": "convoy", "actor": "islamic-state"},
    {"q": "ceasefire", "start": "2016-02", "end": "2016-09", "date_mode": "within"},
    {"precision": "month", "location": "syria"},
    {"start": "2016-09-04", "end": "2016-09-04"},
    {"start": "2016-09-04", "end": "2016-09-04", "date_mode": "within"},
]


def test_combined_filters_give_exactly_the_entries_that_meet_all_of_them(seeded, api):
    everything = walk(api, f"{TIMELINE}?page_size=500")
    assert len(everything) == 29
    for params in COMBINATIONS:
        query = "&".join(f"{name}={value}" for name, value in params.items())
        expected = [entry["id"] for entry in everything if _matches(entry, params)]
        assert expected, f"{query} matches nothing, which proves little"
        assert ids(api, f"{TIMELINE}?{query}&page_size=3") == expected, query
