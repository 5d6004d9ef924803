"""The event-timeline data model: articles, actors, places, event types and uncertain events.

One module per job; every model is importable from here, as `from events.models import Event`.
"""

from events.models.actors import Actor, ActorAlias, ActorMembership
from events.models.articles import Article
from events.models.choices import SIDES, ActorRole, DateBasis, EventStatus
from events.models.commits import CommitCounter
from events.models.events import Event, EventForReview, EventType, PublishedCount, PublishedDayPair
from events.models.external import ExternalRecord, PlaceSuggestion
from events.models.links import EventActor, EventDyad, EventRelation, EventSource, ExportPieces
from events.models.places import Location, LocationAlias
from events.models.removals import EventRemoval

__all__ = [
    "SIDES",
    "Actor",
    "ActorAlias",
    "ActorMembership",
    "ActorRole",
    "Article",
    "CommitCounter",
    "DateBasis",
    "Event",
    "EventActor",
    "EventDyad",
    "EventForReview",
    "EventRelation",
    "EventRemoval",
    "EventSource",
    "EventStatus",
    "EventType",
    "ExportPieces",
    "ExternalRecord",
    "Location",
    "LocationAlias",
    "PlaceSuggestion",
    "PublishedCount",
    "PublishedDayPair",
]
