"""QuerySets for the chronology: visibility, date overlap, actors with alliances, place subtrees."""

from datetime import date

from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from events.text import fold


def related_count(model: type[models.Model], fk: str, *, distinct: str | None = None) -> Coalesce:
    """A correlated COUNT per outer row.

    Under a LIMIT it counts only the rows shown, through the foreign key's index, where a
    Count() annotation groups the whole table first (and drops Meta.ordering).
    """
    rows = model.objects.filter(**{fk: OuterRef("pk")}).order_by().values(fk)
    counted = rows.annotate(n=Count(distinct or "pk", distinct=bool(distinct))).values("n")
    return Coalesce(Subquery(counted), 0)


class EventQuerySet(models.QuerySet):
    def published(self) -> "EventQuerySet":
        return self.filter(status="published")

    def visible_to(self, user) -> "EventQuerySet":
        """Editors see every status; everyone else sees published events only."""
        if user is not None and user.is_authenticated and user.has_perm("events.view_event"):
            return self
        return self.published()

    def chronological(self) -> "EventQuerySet":
        # Narrower bounds first among events with the same earliest day: more precise first.
        return self.order_by("date_earliest", "date_latest", "id")

    def overlapping(self, start: date | None, end: date | None) -> "EventQuerySet":
        """Events that possibly fall in [start, end]: their bounds intersect it."""
        qs = self
        if end is not None:
            qs = qs.filter(date_earliest__lte=end)
        if start is not None:
            qs = qs.filter(date_latest__gte=start)
        return qs

    def within(self, start: date | None, end: date | None) -> "EventQuerySet":
        """Events that certainly fall in [start, end]: both bounds inside it."""
        qs = self
        if start is not None:
            qs = qs.filter(date_earliest__gte=start)
        if end is not None:
            qs = qs.filter(date_latest__lte=end)
        return qs

    def involving(self, actor_ids, *, role: str | None = None) -> "EventQuerySet":
        """Events in which any of these actors took part (in this role, if given)."""
        from events.models import EventActor

        links = EventActor.objects.filter(actor_id__in=actor_ids)
        if role:
            links = links.filter(role=role)
        return self.filter(id__in=links.values("event_id"))

    def in_location(self, location) -> "EventQuerySet":
        """Events at this place or anywhere beneath it in the hierarchy."""
        from events.models import Location

        return self.filter(location_id__in=Location.objects.subtree(location).values("id"))


class ActorQuerySet(models.QuerySet):
    def matching(self, text: str) -> "ActorQuerySet":
        """Actors whose id, slug, name or any alias is this text (case and accents folded)."""
        text = text.strip()
        folded = fold(text)
        condition = Q(slug=text.lower()) | Q(name_folded=folded) | Q(aliases__name_folded=folded)
        if text.isdigit():
            condition |= Q(pk=int(text))
        return self.filter(condition).distinct()

    def resolve(self, text: str):
        """The one actor this text names, or None."""
        found = list(self.matching(text)[:2])
        return found[0] if len(found) == 1 else None

    def with_members(self, actor_ids) -> set[int]:
        """The ids given plus every member of those that are alliances (one level, one query)."""
        from events.models import ActorMembership

        ids = set(actor_ids)
        ids.update(
            ActorMembership.objects.filter(alliance_id__in=ids).values_list("member_id", flat=True)
        )
        return ids


class LocationQuerySet(models.QuerySet):
    def subtree(self, location) -> "LocationQuerySet":
        """This place and everything beneath it."""
        return self.filter(path__startswith=location.path)

    def matching(self, text: str) -> "LocationQuerySet":
        """Places whose id, slug, name or alias is this text; names can be shared, so maybe many."""
        text = text.strip()
        folded = fold(text)
        condition = Q(slug=text.lower()) | Q(name_folded=folded) | Q(aliases__name_folded=folded)
        if text.isdigit():
            condition |= Q(pk=int(text))
        return self.filter(condition).distinct()
