"""The chronology's query: parsed once into a frozen object, planned once per database, and no
filter object shared or changed between requests."""

import dataclasses
import datetime

import pytest
from django.db import connection
from django.http import QueryDict
from django.test import Client

from events import chronology
from events.chronology import entries as spec
from events.chronology.query import FILTERS, MAX_WALKED_ACTORS, ChronologyFilterSet, plan
from events.models import ActorMembership, Event
from tests.factories import (
    ActorFactory,
    ArticleFactory,
    EventActorFactory,
    EventFactory,
    LocationFactory,
)

pytestmark = pytest.mark.django_db


def parse(text: str) -> chronology.ChronologyQuery:
    return chronology.parse(QueryDict(text))


def test_a_parsed_query_is_frozen_and_resolves_names_to_ids():
    actor = ActorFactory(slug="army")
    place = LocationFactory(slug="aleppo")
    query = parse("actor=army&location=aleppo&start=2016-09&date_mode=within&q=shelling")
    assert query.actor_ids == frozenset({actor.pk}) and query.within
    assert query.value("location") == (place,) and query.value("q") == "shelling"
    assert query.period == (datetime.date(2016, 9, 1), None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        query.role = "target"


def test_every_bad_parameter_is_named_with_its_problem():
    with pytest.raises(chronology.QueryError) as caught:
        parse("actor=nobody&bbox=1,2,3&start=2019&end=2016&precision=hour&fatalities_min=x")
    errors = caught.value.errors
    assert set(errors) == {"actor", "bbox", "precision", "fatalities_min", "start"}
    assert "no actor has the slug, id, name or alias 'nobody'" in errors["actor"][0]
    assert errors["start"] == ["start 2019 is after end 2016"]


def test_places_outlets_precisions_and_a_dyad_are_held_resolved_and_titled():
    army, rebels = (
        ActorFactory(slug="army", name="Army"),
        ActorFactory(slug="rebels", name="Rebels"),
    )
    aleppo, idlib = LocationFactory(slug="aleppo", name="Aleppo"), LocationFactory(slug="idlib")
    idlib.name = "Idlib"
    idlib.save()
    ArticleFactory(outlet="Reuters")
    query = parse(
        "location=aleppo&location=IDLIB&geo_precision=exact&geo_precision=4&outlet=reuters"
        "&actor_a=army&actor_b=rebels"
    )
    assert query.value("location") == (aleppo, idlib)
    assert query.value("geo_precision") == (1, 4) and query.value("outlet") == ("Reuters",)
    assert query.dyad == (frozenset({army.pk}), frozenset({rebels.pk})) and query.narrows
    assert chronology.describe(query) == "Army v. Rebels, Aleppo / Idlib, reported by Reuters"
    with pytest.raises(chronology.QueryError) as caught:
        parse("actor_a=army&geo_precision=9&outlet=nobody&location=aleppo&location=nowhere")
    assert set(caught.value.errors) == {"actor_b", "geo_precision", "outlet", "location"}
    assert caught.value.errors["actor_b"] == [
        "actor_b is needed with actor_a: a dyad has two sides"
    ]


def test_an_alliance_with_its_members_is_walked_up_to_the_bound_then_read_as_a_set():
    alliance = ActorFactory(kind="alliance")
    members = [ActorFactory() for _ in range(MAX_WALKED_ACTORS)]
    ActorMembership.objects.bulk_create(
        ActorMembership(alliance=alliance, member=member) for member in members
    )
    walked = plan(parse(f"actor={members[0].slug}"), Event.objects.published())
    assert walked.actors is not None and walked.actors.arms == ({"actor_id": members[0].pk},)
    # The alliance and all its members are one more than the walk takes: the set is read.
    read = plan(parse(f"actor={alliance.slug}&include_members=true"), Event.objects.published())
    assert read.actors is None


@pytest.mark.parametrize(
    ("text", "probes_on_sqlite"),
    [("", False), ("start=2016", False), ("type=battle", True), ("q=siege&start=2016", True)],
)
def test_the_plan_probes_a_window_on_sqlite_only_when_filters_go_beyond_the_dates(
    text, probes_on_sqlite
):
    from tests.factories import EventTypeFactory

    EventTypeFactory(slug="battle")
    decided = plan(parse(text), Event.objects.published())
    assert decided.actors is None
    probes = probes_on_sqlite and connection.vendor == "sqlite"
    assert (decided.scope is not None) == probes


def test_no_filter_object_is_bound_or_changed_by_requests():
    declared = {name: (id(f), vars(f).copy()) for name, f in FILTERS.items()}
    fields = {name: vars(f.field).copy() for name, f in FILTERS.items()}
    client = Client()
    for url in ("/api/v1/timeline/?q=siege&start=2016", "/?q=siege", "/api/v1/timeline/?bbox=x"):
        assert client.get(url).status_code in (200, 400)
    # A FilterSet instance (as a caller may still make one) copies its filters for itself.
    one = ChronologyFilterSet(QueryDict("q=a"), queryset=Event.objects.all())
    two = ChronologyFilterSet(QueryDict("q=b"), queryset=Event.objects.all())
    assert one.filters["q"] is not two.filters["q"] and one.filters["q"].parent is one
    assert one.is_valid() and two.is_valid()
    assert {name: (id(f), vars(f)) for name, f in FILTERS.items()} == declared
    assert not any(hasattr(f, "parent") for f in FILTERS.values())
    assert {name: vars(f.field) for name, f in FILTERS.items()} == fields


def test_a_filterset_instance_filters_the_same_events_as_the_query():
    # DRF's backend filters through FilterSet.qs (get_object()); exports stream the query.
    actor = ActorFactory(slug="army")
    for day in range(1, 6):
        link = EventActorFactory(
            actor=actor, event=EventFactory(date_earliest=datetime.date(2016, 9, day))
        )
        Event.objects.filter(pk=link.event_id).update(status="published")
    filterset = ChronologyFilterSet(QueryDict("actor=army"), queryset=Event.objects.published())
    assert filterset.is_valid()
    query = chronology.parse(QueryDict("actor=army"))
    via_query = [
        entry["id"] for entry in chronology.stream(query, events=Event.objects.published())
    ]
    assert len(via_query) == 5
    assert list(filterset.qs.values_list("id", flat=True)) == via_query


def test_the_entry_is_built_from_the_one_column_spec():
    # Every column is selected once, in spec order, and every entry field has one source.
    assert len(set(spec.NAMES)) == len(spec.NAMES) == len(spec.COLUMNS)
    places = [item.place for item in spec.ENTRY if item.place]
    assert len(places) == len(set(places))
    event = EventFactory(headline="One", location=None, fatalities_best=3)
    (entry,) = chronology.entries_of(Event.objects.filter(pk=event.pk), url_for=lambda pk: f"/{pk}")
    assert entry["headline"] == "One" and entry["location"] is None
    assert entry["fatalities"] == {"best": 3, "low": None, "high": None}
    assert entry["date"]["display"] and entry["url"] == f"/{event.pk}"
    (bare,) = chronology.entries_of(Event.objects.filter(pk=event.pk))
    assert "url" not in bare


PARAMETER_SETS = [
    "",
    "actor=army",
    "actor=army&start=2016&end=2020",
    "actor=army&actor=rebels&include_members=true&actor_role=perpetrator",
    "actor=coalition&include_members=yes&start=2016-09-04&date_mode=within",
    "location=aleppo&start=2018-06&end=2018-06",
    "location=aleppo&location=idlib&location=",
    "bbox=36.9,35.9,37.3,36.4&q=shelling",
    "q=  siege of aleppo &order=-chronological",
    "actor_a=army&actor_b=rebels&type=battles&precision=day&precision=month",
    "fatalities_min=3&fatalities_max=10&fatalities_known=true&geo_precision=exact",
    "near=36.2,37.1,50&updated_since=2026-11-21T10:00:00Z&order=-fatalities",
    "country=SYR&outlet=reuters&end=2019",
    # Bad values, each named: the same messages either way.
    "actor=nobody&bbox=1,2,3&start=2019&end=2016&precision=hour&fatalities_min=x",
    "actor_a=army&date_mode=sometimes&order=random&include_members=perhaps",
    "location=nowhere&near=91,0,5&geo_precision=9&updated_since=yesterday&type=nothing",
    "start=2016-13&end=2016-02-30&fatalities_max=-1&article=abc",
]


@pytest.mark.parametrize("params", PARAMETER_SETS)
def test_parse_agrees_with_the_filterset_form_for_given_and_absent_parameters(params):
    # parse() cleans only the parameters given; the FilterSet's form cleans every field. Both
    # call the same declared fields, so the query (or every error, by name) is the same.
    coalition, army = ActorFactory(slug="coalition"), ActorFactory(slug="army")
    ActorMembership.objects.create(alliance=coalition, member=army)
    ActorFactory(slug="rebels")
    LocationFactory(slug="aleppo"), LocationFactory(slug="idlib")
    LocationFactory(slug="syria", kind="country", iso_code="SYR")
    ArticleFactory(outlet="Reuters")
    from events.models import EventType

    EventType.objects.get_or_create(slug="battles", defaults={"name": "Battles"})
    filterset = ChronologyFilterSet(QueryDict(params), queryset=Event.objects.all())
    if filterset.is_valid():
        assert parse(params) == filterset.query
    else:
        with pytest.raises(chronology.QueryError) as caught:
            parse(params)
        assert caught.value.errors == {
            name: list(messages) for name, messages in filterset.errors.items()
        }
