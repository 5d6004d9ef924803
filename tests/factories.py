"""Small builders for test data (factory_boy), each producing a valid record by default."""

import datetime

import factory

from events.models import (
    Actor,
    ActorAlias,
    Article,
    Event,
    EventActor,
    EventSource,
    EventType,
    Location,
)


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    name = factory.Sequence(lambda n: f"Place {n}")
    slug = factory.Sequence(lambda n: f"place-{n}")
    kind = Location.Kind.CITY
    latitude = 36.2
    longitude = 37.15
    geo_precision = Location.GeoPrecision.EXACT


class ActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Actor

    name = factory.Sequence(lambda n: f"Armed Group {n}")
    slug = factory.Sequence(lambda n: f"armed-group-{n}")
    kind = Actor.Kind.REBEL_GROUP


class ActorAliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActorAlias

    actor = factory.SubFactory(ActorFactory)
    name = factory.Sequence(lambda n: f"AG{n}")


class EventTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventType

    name = factory.Sequence(lambda n: f"Type {n}")
    slug = factory.Sequence(lambda n: f"type-{n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Report {n}")
    outlet = "Example Wire"
    publication_date = datetime.date(2016, 9, 4)
    text = factory.Sequence(
        lambda n: f"Report {n}. On Sunday, government forces shelled the town. Rebels said so."
    )


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    headline = factory.Sequence(lambda n: f"Shelling number {n}")
    type = factory.SubFactory(EventTypeFactory)
    date_earliest = datetime.date(2016, 9, 4)
    date_latest = factory.SelfAttribute("date_earliest")
    date_precision = Event.Precision.DAY
    status = Event.Status.DRAFT


class EventActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventActor

    event = factory.SubFactory(EventFactory)
    actor = factory.SubFactory(ActorFactory)
    role = EventActor.Role.SIDE_A


class EventSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventSource

    event = factory.SubFactory(EventFactory)
    article = factory.SubFactory(ArticleFactory)
    excerpt = "government forces shelled the town"
    date_phrase = "On Sunday"
