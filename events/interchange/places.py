"""Merging two places that are one (a suggestion of an import, confirmed by an editor)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from events.interchange import signature
from events.models import (
    Actor,
    Article,
    Event,
    ExternalRecord,
    Location,
    LocationAlias,
)
from events.text import fold


@transaction.atomic
def merge_place(place: Location, into: Location, *, user=None) -> int:
    """Merge `place` into `into`; returns how many events moved.

    Its events, the places beneath it, the actors of that country and the articles datelined
    there move to `into`, each saved (and so recorded in history) as an edit would be; its name
    and aliases become aliases of `into`; then it is deleted. The moved events' dataset records
    count the new place as the one the import gave: their exports still write the row's own
    place names, which are what the dataset said.
    """
    if place.pk == into.pk:
        raise ValidationError("A place cannot be merged into itself.")
    if f"/{place.pk}/" in into.path:
        raise ValidationError(f"{into} lies inside {place}; merge the other way round.")
    reason = f"place {place.name} (#{place.pk}) merged into {into.name} (#{into.pk})"[:100]
    moved = list(Event.objects.filter(location=place))
    for event in moved:
        event.location = into
        event._change_reason = reason
        if user is not None:
            event._history_user = user
        event.save()
    before, after = signature.digest(place.pk), signature.digest(into.pk)
    records = ExternalRecord.objects.filter(event__in=[event.pk for event in moved])
    for record in records:
        if record.snapshot.get("place") == before:
            record.snapshot = {**record.snapshot, "place": after}
            record.save(update_fields=["snapshot"])
    for child in Location.objects.filter(parent=place):
        child.parent = into
        child._change_reason = reason
        child.save()
    for actor in Actor.objects.filter(country=place):
        actor.country = into
        actor._change_reason = reason
        actor.save()
    for article in Article.objects.filter(dateline=place):
        article.dateline = into
        article._change_reason = reason
        article.save()
    taken = {fold(into.name), *(fold(name) for name in into.aliases.values_list("name", flat=True))}
    for name, language in [(place.name, ""), *place.aliases.values_list("name", "language")]:
        if fold(name) not in taken:
            taken.add(fold(name))
            LocationAlias.objects.create(location=into, name=name, language=language)
    place._change_reason = reason
    place.delete()
    return len(moved)
