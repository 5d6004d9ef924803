"""Statements compiled once per shape: filled with a request's values, they are what the ORM
compiles for that request, and a value that changes the statement is never filled in."""

import dataclasses
import datetime

import pytest
from django.http import QueryDict

from events import chronology, statements
from events.chronology.paging import _compiled_walk
from events.chronology.parameters import actor_ids_named
from events.chronology.query import plan
from events.models import Actor, ActorMembership, Event
from tests.factories import ActorAliasFactory, ActorFactory

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
        walk = found.actors
        assert walk.template is not None
        compiled = _compiled_walk(found.events, walk, size=100, key=key, backwards=backwards)
        by_orm = dataclasses.replace(walk, template=None)
        assert compiled == _compiled_walk(
            found.events, by_orm, size=100, key=key, backwards=backwards
        )
        # Filled from a kept template, not compiled again.
        kept = [t for shape, t in statements._TEMPLATES.items() if shape[0] == walk.template.shape]
        assert kept and None not in kept


def test_a_walk_with_other_filters_is_compiled_for_each_request(actors):
    found = plan(chronology.parse(QueryDict("actor=army&q=siege")), Event.objects.published())
    assert found.actors is not None and found.actors.template is None


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
