"""Titles for exports, from a chronology query's filters."""

from events.chronology.query import ChronologyQuery
from events.models import Actor


def describe(query: ChronologyQuery) -> str:
    """A title for an export from the filters: "Islamic State, August 2017"."""
    parts: list[str] = []
    named = [pk for ids in query.actors for pk in ids]
    if named:
        parts.append(_actor_names(named))
    if query.dyad_named:
        parts.append(" v. ".join(_actor_names(side) for side in query.dyad_named))
    country = query.value("country")
    if country is not None:
        parts.append(country.name)
    places = query.value("location")
    if places:
        parts.append(" / ".join(place.name for place in places))
    outlets = query.value("outlet")
    if outlets:
        parts.append(f"reported by {' / '.join(outlets)}")
    start, end = query.start, query.end
    if start and end:
        same = (start.earliest, start.latest) == (end.earliest, end.latest)
        parts.append(start.display if same else f"{start.display} – {end.display}")
    elif start:
        parts.append(f"from {start.display}")
    elif end:
        parts.append(f"until {end.display}")
    return ", ".join(parts) or "Chronology"


def _actor_names(actor_ids) -> str:
    return " / ".join(Actor.objects.filter(id__in=actor_ids).values_list("name", flat=True))
