"""Merging two places that are one (a suggestion of an import, confirmed by an editor)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from events import validators
from events.change_reasons import fit
from events.interchange import signature
from events.interchange.resolving import distance_km
from events.models import (
    Actor,
    Article,
    Event,
    ExternalRecord,
    Location,
    LocationAlias,
    PlaceSuggestion,
)
from events.text import fold
from events.versioning import lock_current


@transaction.atomic
def merge_place(place: Location, into: Location, *, user=None) -> int:
    """Merge `place` into `into`; returns how many events moved.

    Its events, the places beneath it, the actors of that country and the articles datelined
    there move to `into`, each saved (and so recorded in history) as an edit would be; its name
    and aliases become aliases of `into`; then it is deleted. The moved events' dataset records
    count the new place as the one the import gave: their exports still write the row's own
    place names, which are what the dataset said. Its open suggestions with a third place
    become suggestions of `into` with that place.

    Both places are read again under a lock first, so the checks judge them as they are now
    (an earlier merge may have moved `into` beneath `place`); a refusal is a ValidationError
    and leaves everything as it was.
    """
    place, into = _locked(place.pk, into.pk)
    if place.pk == into.pk:
        raise ValidationError(f"{place} cannot be merged into itself.")
    if into.path.startswith(place.path):
        raise ValidationError(f"{into} lies inside {place}; merge the other way round.")
    reason = fit(f"place {place.name} (#{place.pk}) merged into {into.name} (#{into.pk})")
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
        try:
            validators.validate_location_parent(child)
        except ValidationError as exc:
            why = " ".join(exc.messages)
            raise ValidationError(f"{child} cannot move into {into}: {why}") from exc
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
    _carry_suggestions(place, into)
    place._change_reason = reason
    place.delete()
    return len(moved)


def _locked(*pks: int) -> list[Location]:
    """The places as they are now, locked until the merge ends (in id order, so that two
    merges of one pair wait for each other rather than deadlock)."""
    found = {}
    for pk in sorted(set(pks)):
        try:
            found[pk] = lock_current(Location, pk)
        except Location.DoesNotExist:
            raise ValidationError(
                f"Place #{pk} no longer exists: it was merged or deleted meanwhile."
            ) from None
    return [found[pk] for pk in pks]


def _carry_suggestions(place: Location, into: Location) -> None:
    """The merged place's suggestions with a third place become `into`'s, unless `into` already
    has one with that place (either way round); the rest go with the merged place."""
    paired = {
        frozenset(pair)
        for pair in PlaceSuggestion.objects.filter(Q(place=into) | Q(same_as=into)).values_list(
            "place_id", "same_as_id"
        )
    }
    carried = PlaceSuggestion.objects.filter(Q(place=place) | Q(same_as=place))
    for suggestion in carried.select_related("place", "same_as").order_by("created", "id"):
        ends = [suggestion.place, suggestion.same_as]
        ends = [into if end.pk == place.pk else end for end in ends]
        pair = frozenset(end.pk for end in ends)
        if len(pair) == 1 or pair in paired:
            continue
        paired.add(pair)
        first, second = ends
        km = None
        if first.latitude is not None and second.latitude is not None:
            km = distance_km(first.latitude, first.longitude, second.latitude, second.longitude)
        PlaceSuggestion.objects.filter(pk=suggestion.pk).update(
            place=first, same_as=second, distance_km=km
        )
