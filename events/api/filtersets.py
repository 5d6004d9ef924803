"""FilterSets for the reference lists (actors, places, types, articles) and the removals feed."""

import django_filters
from django.db.models import Q

from events.chronology.parameters import LocationField, StrictBooleanField
from events.models import Actor, Article, EventRemoval, EventType, Location
from events.params import DateTimeParamField

# --- Reference lists ----------------------------------------------------------------------------


class _Carried(django_filters.Filter):
    """A parameter whose value the filterset's own filter_queryset applies."""

    def filter(self, qs, value):
        return qs


class SearchFilter(_Carried, django_filters.CharFilter):
    """?q=: applied by each filterset's filter_queryset."""


class PlaceFilter(_Carried, django_filters.CharFilter):
    field_class = LocationField


class FlagFilter(_Carried, django_filters.CharFilter):
    field_class = StrictBooleanField


class ActorFilterSet(django_filters.FilterSet):
    q = SearchFilter(help_text="Part of a slug, name or any alias (case and accents folded).")
    kind = django_filters.ChoiceFilter(choices=Actor.Kind.choices, help_text="The actor's kind.")

    class Meta:
        model = Actor
        fields = []

    def filter_queryset(self, queryset):
        qs = super().filter_queryset(queryset)
        text = (self.form.cleaned_data.get("q") or "").strip()
        return qs.search(text) if text else qs


class LocationFilterSet(django_filters.FilterSet):
    q = SearchFilter(help_text="Part of a slug, name or any alias (case and accents folded).")
    kind = django_filters.ChoiceFilter(choices=Location.Kind.choices, help_text="The place's kind.")
    parent = PlaceFilter(help_text="Only the places directly beneath this one (slug or id).")

    class Meta:
        model = Location
        fields = []

    def filter_queryset(self, queryset):
        qs = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        if data.get("parent") is not None:
            qs = qs.filter(parent=data["parent"])
        text = (data.get("q") or "").strip()
        return qs.search(text) if text else qs


class EventTypeFilterSet(django_filters.FilterSet):
    q = SearchFilter(help_text="Part of the slug or name.")
    top_level = FlagFilter(help_text="true: only top-level types; false: only sub-types.")

    class Meta:
        model = EventType
        fields = []

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        qs = queryset
        if data.get("top_level") is not None:
            qs = qs.filter(parent__isnull=data["top_level"])
        text = (data.get("q") or "").strip()
        return qs.filter(Q(slug__icontains=text) | Q(name__icontains=text)) if text else qs


class ArticleFilterSet(django_filters.FilterSet):
    q = SearchFilter(help_text="Part of the title, outlet or original agency.")

    class Meta:
        model = Article
        fields = []

    def filter_queryset(self, queryset):
        text = (self.form.cleaned_data.get("q") or "").strip()
        if not text:
            return queryset
        return queryset.filter(
            Q(title__icontains=text)
            | Q(outlet__icontains=text)
            | Q(original_agency__icontains=text)
        )


class SinceFilter(django_filters.IsoDateTimeFilter):
    field_class = DateTimeParamField


class RemovalFilterSet(django_filters.FilterSet):
    since = SinceFilter(
        field_name="removed_at",
        lookup_expr="gte",
        help_text="Only removals at or after this ISO 8601 time (e.g. 2026-11-21T10:00:00Z).",
    )

    class Meta:
        model = EventRemoval
        fields = []
