"""The catalogue's rules hold on every write: alliances and their members, the gazetteer
ingestion reads with, and what a deleted place was named by."""

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from events.models import Actor, ActorMembership
from tests.factories import ActorFactory, LocationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db) -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("root", "r@example.org", "pw"))
    return client


def test_alliances_cannot_be_members_of_each_other():
    a = ActorFactory(kind=Actor.Kind.ALLIANCE)
    b = ActorFactory(kind=Actor.Kind.ALLIANCE)
    ActorMembership.objects.create(alliance=a, member=b)
    cycle = ActorMembership(alliance=b, member=a)
    with pytest.raises(ValidationError):
        cycle.full_clean()


def test_an_alliance_with_members_cannot_stop_being_an_alliance():
    alliance = ActorFactory(kind=Actor.Kind.ALLIANCE)
    ActorMembership.objects.create(alliance=alliance, member=ActorFactory())
    alliance.kind = Actor.Kind.REBEL_GROUP
    with pytest.raises(ValidationError):
        alliance.full_clean()


def test_renaming_an_alias_reaches_the_gazetteer_ingestion_reads_with():
    from events.ingest.gazetteer import Gazetteer

    actor = ActorFactory(name="Islamic State")
    alias = actor.aliases.create(name="ISIS")
    assert "isis" in Gazetteer.current().names
    alias.name = "Daesh"
    alias.save()
    names = Gazetteer.current().names
    assert ("daesh" in names, "isis" in names) == (True, False), "a stale gazetteer reads on"


def test_deleting_a_place_records_the_change_on_the_actors_and_articles_that_named_it(
    superuser,
):
    from events.models import Actor
    from tests.factories import ArticleFactory

    country = LocationFactory(name="Ruritania", kind="country")
    actor = ActorFactory(country=country)
    article = ArticleFactory(dateline=country)
    versions = (actor.version, article.version)
    response = superuser.post(
        reverse("admin:events_location_delete", args=[country.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    actor.refresh_from_db()
    article.refresh_from_db()
    assert (actor.country_id, article.dateline_id) == (None, None)
    # The change is an edit like any other: a new version (ETags move) and a history record.
    assert (actor.version, article.version) != versions, "changed without a new version"
    assert actor.history.count() == 2, "no history record of the cleared country"
    assert Actor.objects.get(pk=actor.pk).history.first().country_id is None


def test_alliances_cannot_be_members_of_each_other_through_a_third():
    a, b, c = (ActorFactory(kind=Actor.Kind.ALLIANCE) for _ in range(3))
    ActorMembership.objects.create(alliance=a, member=b)
    ActorMembership.objects.create(alliance=b, member=c)
    with pytest.raises(ValidationError) as refused:
        ActorMembership(alliance=c, member=a).full_clean()
    assert "member" in refused.value.message_dict
    ActorMembership(alliance=a, member=c).full_clean()  # nested twice over, no cycle
