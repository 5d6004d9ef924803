"""Statements compiled once per shape: filled with a request's values, they are what the ORM
compiles for that request, and a value that changes the statement is never filled in."""

import datetime

import pytest
from django.http import QueryDict

from events import chronology, statements
from events.chronology.orders import ORDERS
from events.chronology.paging import _compiled_walk
from events.chronology.parameters import actor_ids_named
from events.chronology.query import plan
from events.models import Actor, ActorMembership, Event
from tests.factories import ActorAliasFactory, ActorFactory, EventFactory, LocationFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2016, 9, 4)


@pytest.fixture
def actors():
    coalition = ActorFactory(slug="coalition", kind="alliance")
    army, rebels = ActorFactory(slug="army", name="National Army"), ActorFactory(slug="rebels")
    ActorMembership.objects.create(alliance=coalition, member=army)
    ActorMembership.objects.create(alliance=coalition, member=rebels)
    ActorAliasFactory(actor=army, name="Al-Jaysh")
    return coalition, army, rebels


@pytest.mark.parametrize(
    "params",
    [
        ["actor=army&start=2016&end=2020", "actor=army&start=2014-02&end=2014-03"],
        ["actor=army&start=2016", "actor=rebels&start=2019-12-31"],
        ["actor=army&end=2016&date_mode=within", "actor=army&end=2001-01&date_mode=within"],
        ["actor=coalition&include_members=true&actor_role=perpetrator&start=2017"] * 2,
        ["actor=army&actor=rebels", "actor=rebels&actor=coalition"],
        ["actor=army&q=siege&start=2016", "actor=rebels&q=deir ez-zor"],
    ],
)
@pytest.mark.parametrize("events", [Event.objects.published, Event.objects.all])
@pytest.mark.parametrize("key", [None, (DAY, DAY, 41), (DAY, DAY + datetime.timedelta(3), 7)])
@pytest.mark.parametrize("backwards", [False, True])
def test_a_walk_filled_from_its_template_is_what_the_orm_compiles(
    actors, params, events, key, backwards
):
    # Each parameter set twice over: the first request of a shape makes its template, the
    # others are filled from it.
    for text in [*params, *params]:
        found = plan(chronology.parse(QueryDict(text)), events())
        assert found.walks and found.template is not None
        compiled = _compiled_walk(found, size=100, key=key, backwards=backwards)
        by_orm = found.built
        assert compiled == _compiled_walk(by_orm, size=100, key=key, backwards=backwards)
        # Filled from a kept template, not compiled again.
        kept = [t for shape, t in statements._TEMPLATES.items() if shape[0] == found.template.shape]
        assert kept and None not in kept


def test_a_walk_with_other_filters_is_compiled_for_each_request(actors):
    found = plan(chronology.parse(QueryDict("actor=army&precision=day")), Event.objects.published())
    assert found.walks and found.template is None


def test_a_value_that_changes_the_statement_is_never_filled_in():
    # A shape that leaves out what the value decides: the first request's check refuses the
    # template, and every request is compiled as the ORM would.
    def build(values):
        day = values["day"]
        if day.year > 1000:
            return Event.objects.filter(date_earliest__gte=day)
        return Event.objects.filter(date_latest__lte=day)

    shape = ("a test's shape that misses the year", id(build))
    for day in (DAY, datetime.date(1990, 1, 1)):
        assert statements.compiled(shape, build, {"day": day}) == (
            build({"day": day}).query.sql_with_params()
        )
    assert statements._TEMPLATES[shape] is None


@pytest.mark.parametrize(
    "text",
    ["army", "ARMY", " army ", "National Army", "national  army", "al-jaysh", "AL-JAYSH", "nobody"],
)
def test_an_actor_name_resolves_to_the_ids_matching_gives(actors, text):
    _, army, _ = actors
    for named in (text, str(army.pk), "coalition", text):
        expected = sorted(Actor.objects.matching(named).values_list("id", flat=True))
        assert sorted(actor_ids_named(named)) == expected


def _untemplated(found):
    return found.built if found.template is not None else found


def _statements(monkeypatch, text: str, key, backwards: bool, *, templated: bool) -> list:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    import events.chronology as reading

    if not templated:
        monkeypatch.setattr(
            reading,
            "plan",
            lambda query, events: _untemplated(plan(query, events)),
        )
    query = chronology.parse(QueryDict(text))
    keyset = ORDERS[query.order].keyset
    cursor = keyset.encode(key, backwards=backwards) if key else None
    with CaptureQueriesContext(connection) as captured:
        reading.page(query, events=Event.objects.published(), size=20, cursor=cursor)
    monkeypatch.undo()
    return [statement["sql"] for statement in captured.captured_queries]


@pytest.mark.parametrize(
    "params",
    [
        ["", "start=2016", "end=2019-02&start=2018"],
        ["location=aleppo&start=2016&end=2017", "location=idlib&start=2011-03&end=2011-03"],
        ["location=aleppo&location=idlib", "location=idlib&location=aleppo&date_mode=within"],
        ["country=SYR&start=2019", "country=SY&start=2012-01"],
        ["bbox=36.9,35.9,37.3,36.4", "bbox=-10.5,-20,30,40.25&start=2015"],
        ["bbox=170,-10,-170,10", "bbox=175.5,0,-179,1"],  # Across the antimeridian.
        ["location=aleppo&order=-chronological", "location=idlib&order=-chronological&end=2020"],
        ["q=aleppo&start=2016", "q=deir ez-zor&location=aleppo", "q=!!!", "q=Zór&bbox=1,2,3,4"],
    ],
)
@pytest.mark.parametrize("key", [None, (DAY, DAY, 41)])
@pytest.mark.parametrize("backwards", [False, True])
def test_a_filtered_page_runs_the_statements_the_orm_compiles(monkeypatch, params, key, backwards):
    # Places, countries, boxes and dates put in place: the page runs the same statements,
    # parameters included, as when each is compiled for its request.
    LocationFactory(slug="aleppo", path="/1/2/"), LocationFactory(slug="idlib")
    LocationFactory(slug="syria", kind="country", iso_code="SYR")
    for text in [*params, *params]:
        assert _statements(monkeypatch, text, key, backwards, templated=True) == _statements(
            monkeypatch, text, key, backwards, templated=False
        )


def test_a_text_page_that_walks_the_dates_runs_the_statements_the_orm_compiles(monkeypatch):
    # More matches than WALK_ABOVE: the walk is the text filter's shape, its query a parameter.
    from unittest import mock

    from events import search

    EventFactory(status="published", headline="Aleppo talks")
    with mock.patch.object(search, "WALK_ABOVE", 0):
        for text in ["q=aleppo", "q=talks&start=2016", "q=aleppo"]:
            assert _statements(monkeypatch, text, None, False, templated=True) == _statements(
                monkeypatch, text, None, False, templated=False
            )


@pytest.mark.parametrize("text", ["aleppo", "ALEPPO", "nowhere", "{pk}", "{pk}0"])
def test_a_place_by_slug_or_id_is_the_place_the_orm_reads(text):
    from django.db.models import Q

    from events.chronology.parameters import _places_by_slug_or_id
    from events.models import Location
    from events.params import as_id

    place = LocationFactory(slug="aleppo", latitude=36.2, longitude=37.15)
    LocationFactory(slug="idlib")
    for _ in range(2):  # The first makes the shape's template; the second is filled from it.
        named = text.format(pk=place.pk)
        exact = Q(slug=named.lower()) | Q(pk=as_id(named))
        expected = list(Location.objects.filter(exact)[:2])
        found = _places_by_slug_or_id(named)
        assert found == expected
        assert [vars(p) | {"_state": None} for p in found] == [
            vars(p) | {"_state": None} for p in expected
        ]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "start=2016",
        "location=aleppo&start=2016",
        "bbox=1,2,3,4",
        "actor=army&end=2019",
        "q=aleppo&start=2016",
    ],
)
def test_a_page_filled_from_its_templates_builds_no_queryset(actors, text):
    from events.chronology.paging import read_page

    LocationFactory(slug="aleppo")
    query = chronology.parse(QueryDict(text))
    for _ in range(2):
        found = plan(query, Event.objects.published())
        read_page(found, size=20)
        # The templates are made from plans of their own: this one's querysets are never built.
        assert found.template is not None and "built" not in vars(found)


def test_an_alliances_members_are_read_from_a_template_kept_per_number_of_ids(actors):
    coalition, army, rebels = actors
    other = ActorFactory(slug="other", kind="alliance")
    ActorMembership.objects.create(alliance=other, member=rebels)
    for _ in range(2):
        assert Actor.objects.with_members([coalition.pk]) == {coalition.pk, army.pk, rebels.pk}
        assert Actor.objects.with_members([army.pk]) == {army.pk}
        assert Actor.objects.with_members([other.pk, army.pk]) == {other.pk, army.pk, rebels.pk}
        assert Actor.objects.with_members([]) == set()
    kept = {shape[2]: t for shape, t in statements._TEMPLATES.items() if shape[0] == "members"}
    assert kept.get(1) is not None and kept.get(2) is not None
