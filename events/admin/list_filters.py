"""List filters for the event list that stay fast on a million rows."""

from datetime import date

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import Exists, OuterRef, QuerySet, Subquery

from events import dates
from events.models import Actor, EventActor, EventType, Location
from events.params import ParamError, parse_int


class DateNavigationFilter(admin.SimpleListFilter):
    """Year › month navigation from two index probes (one query), not date_hierarchy's scan."""

    title = "date"
    parameter_name = "when"

    def has_output(self) -> bool:
        # Always applied, so a bad ?when= is reported even while the table is empty.
        return True

    def lookups(self, request, model_admin):
        first, last = first_and_last_day(model_admin.get_queryset(request))
        if first is None:
            return []
        value = self.value() or ""
        choices = [(str(year), str(year)) for year in range(last.year, first.year - 1, -1)]
        year = value[:4]
        if _year(year) is not None:
            months = [
                (f"{year}-{month:02d}", f"\u2003{date(int(year), month, 1):%B %Y}")
                for month in range(1, 13)
            ]
            position = next((i for i, (v, _) in enumerate(choices) if v == year), None)
            if position is not None:
                choices[position + 1 : position + 1] = months
        return choices

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        try:
            bounds = dates.parse_partial_iso(self.value())
        except dates.DateError as exc:
            raise IncorrectLookupParameters(str(exc)) from exc
        return queryset.overlapping(bounds.earliest, bounds.latest)


def _year(text: str) -> int | None:
    try:
        return parse_int(text, minimum=1, maximum=9999)
    except ParamError:
        return None


def first_and_last_day(queryset: QuerySet) -> tuple[date | None, date | None]:
    """The earliest and latest date_earliest of the queryset, in one query of two index probes.

    Two ORDER BY … LIMIT 1 subqueries, because MIN() and MAX() in the same SELECT make SQLite
    scan the whole index (its min/max shortcut takes one aggregate only).
    """
    days = queryset.order_by().values("date_earliest")
    ends = queryset.model._default_manager.order_by().values(
        first=Subquery(days.order_by("date_earliest")[:1]),
        last=Subquery(days.order_by("-date_earliest")[:1]),
    )
    row = next(iter(ends[:1]), None)
    return (row["first"], row["last"]) if row else (None, None)


class EventTypeFilter(admin.RelatedFieldListFilter):
    """Event types as "Type › sub-type" links, from one query.

    The stock filter calls str() on each type, which reads its parent: one query per sub-type.
    """

    def field_choices(self, field, request, model_admin):
        types = EventType.objects.select_related("parent")
        # Sorted by label so sub-types follow their type on every database (NULLs sort
        # differently in SQLite and PostgreSQL).
        return sorted(((t.pk, str(t)) for t in types), key=lambda choice: choice[1].casefold())


class TextInputFilter(admin.SimpleListFilter):
    """A list filter with a search box: for tables too big to list as links."""

    template = "admin/events/input_filter.html"

    def __init__(self, request, params, model, model_admin):
        self.request = request
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        return ()

    def has_output(self) -> bool:
        return True

    def choices(self, changelist):
        kept = {k: v for k, v in changelist.params.items() if k != self.parameter_name}
        yield {
            "preserved": sorted(kept.items()),
            "value": self.value() or "",
            "unknown": self.names_nothing(changelist),
        }

    ids: list[int] = []

    def names_nothing(self, changelist) -> bool:
        """Whether the typed name matches no record."""
        return False


# Past this many links, the actor filter probes the events walked instead of reading its own.
BUSY_ACTOR_LINKS = 20_000


class ActorFilter(TextInputFilter):
    title = "actor (name or alias)"
    parameter_name = "actor"

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        # The ids first, as a list: as a subquery PostgreSQL re-runs the name match (a join
        # with the aliases) for every event it walks, seconds for a busy actor.
        # Whether an actor is busy is one probe past its first BUSY_ACTOR_LINKS links in their
        # index: counting all of a busy actor's 300,000 links took longer than the whole page.
        past_bound = EventActor.objects.filter(actor_id=OuterRef("pk")).order_by().values("id")
        named = Actor.objects.matching(self.value()).annotate(
            busy=Exists(past_bound[BUSY_ACTOR_LINKS : BUSY_ACTOR_LINKS + 1])
        )
        found = list(named.values_list("id", "busy"))
        self.ids = [pk for pk, _ in found]
        if any(busy for _, busy in found):
            # A busy actor is in most pages of events: probe each event walked in date order
            # rather than read all its events first (0.5 s for an actor in a third of a
            # million events); a rare one's events are few, read first and sorted.
            links = EventActor.objects.filter(event_id=OuterRef("pk"), actor_id__in=self.ids)
            return queryset.filter(Exists(links))
        return queryset.linked_to(self.ids)

    def names_nothing(self, changelist) -> bool:
        return bool(self.value()) and not self.ids


class LocationFilter(TextInputFilter):
    title = "place (and everything in it)"
    parameter_name = "place"

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        # The ids first, as a list, for the same reason as ActorFilter's.
        self.ids = list(places_within(self.value()).values_list("id", flat=True))
        return queryset.filter(location_id__in=self.ids)

    def names_nothing(self, changelist) -> bool:
        return bool(self.value()) and not self.ids


def places_within(name: str) -> QuerySet:
    """The places this name (or alias, slug, id) names and everything beneath them (one query)."""
    return Location.objects.subtrees(Location.objects.matching(name)).order_by()
