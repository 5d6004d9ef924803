"""Articles, actors, places and event types: the records events are built from."""

from django import forms
from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils.html import format_html

from events import validators
from events.admin.strict import StrictAdminInput
from events.admin.versioning import TrackedInlineFormSet, VersionedAdmin
from events.admin.widgets import PreloadedAutocompleteAdmin
from events.models import (
    Actor,
    ActorAlias,
    ActorMembership,
    Article,
    Event,
    EventActor,
    EventSource,
    EventType,
    Location,
    LocationAlias,
)
from events.querysets import related_count


class _ShownCitation(forms.ModelForm):
    """A citation listed read-only: nothing of it is submitted, so nothing of it is checked
    here (the article's own clean() refuses a text its citations no longer stand in)."""

    class Meta:
        model = EventSource
        fields = []

    def _post_clean(self) -> None:
        pass


class CitationInline(admin.TabularInline):
    """The events that cite this article, with their excerpts; edited on the event."""

    model = EventSource
    form = _ShownCitation
    extra = 0
    can_delete = False
    fields = ["event_link", "event_status", "excerpt", "attributed_to", "date_phrase"]
    readonly_fields = fields
    verbose_name = "citing event"
    verbose_name_plural = "events citing this article"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("event")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="event")
    def event_link(self, source: EventSource) -> str:
        url = reverse("admin:events_event_change", args=[source.event_id])
        return format_html('<a href="{}">{}</a>', url, source.event)

    @admin.display(description="status")
    def event_status(self, source: EventSource) -> str:
        return source.event.get_status_display()


class ArticleAdmin(StrictAdminInput, PreloadedAutocompleteAdmin, VersionedAdmin):
    """Registered by events.admin.ingest, which adds the ingestion pages to it."""

    list_display = ["title", "outlet", "original_agency", "publication_date", "event_total"]
    list_filter = ["publication_date_source", "language", "outlet"]
    search_fields = ["title", "outlet", "original_agency", "url"]
    date_hierarchy = None
    autocomplete_fields = ["dateline"]
    readonly_fields = ["sha256", "created", "updated"]
    inlines = [CitationInline]
    # Django 6 will assume https for scheme-less URLs; say so now rather than change silently.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    show_full_result_count = False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(event_total=related_count(EventSource, "article", distinct="event"))
        )

    @admin.display(description="events", ordering="event_total")
    def event_total(self, article: Article) -> int:
        return article.event_total


class AliasFormSet(TrackedInlineFormSet):
    """The aliases of one actor or place: two rows folding alike ("ISIS", "isis") are one name
    given twice, which the database would refuse on saving; the later row is refused here."""

    def clean(self) -> None:
        super().clean()
        rows = [
            form
            for form in self.forms
            if form.cleaned_data.get("name") and not self._should_delete_form(form)
        ]
        clashes = validators.alias_clashes([form.cleaned_data["name"] for form in rows])
        for index, earlier in clashes.items():
            name = rows[index].cleaned_data["name"]
            rows[index].add_error("name", f"{name!r} reads as {earlier!r}, given above.")


class ActorAliasInline(admin.TabularInline):
    formset = AliasFormSet
    model = ActorAlias
    extra = 1
    fields = ["name", "language"]


class MembershipInline(PreloadedAutocompleteAdmin, admin.TabularInline):
    formset = TrackedInlineFormSet
    model = ActorMembership
    fk_name = "alliance"
    extra = 0
    autocomplete_fields = ["member"]
    verbose_name = "member"
    verbose_name_plural = "members (for alliances and coalitions)"


@admin.register(Actor)
class ActorAdmin(StrictAdminInput, PreloadedAutocompleteAdmin, VersionedAdmin):
    list_display = ["name", "kind", "country", "alias_list", "alliance_list", "event_total"]
    list_filter = ["kind"]
    search_fields = ["name", "slug", "aliases__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["country"]
    inlines = [ActorAliasInline, MembershipInline]
    readonly_fields = ["event_total", "chronology_link"]
    list_select_related = ["country"]
    show_full_result_count = False

    def get_queryset(self, request):
        # Aliases and alliances in one query each; event counts per shown row.
        return (
            super()
            .get_queryset(request)
            .prefetch_related("aliases", "alliances")
            .annotate(event_total=related_count(EventActor, "actor", distinct="event"))
        )

    def get_search_results(self, request, queryset, search_term):
        results, _may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            results |= queryset.filter(pk__in=Actor.objects.matching(search_term).values("pk"))
        return results, True

    @admin.display(description="aliases")
    def alias_list(self, actor: Actor) -> str:
        return ", ".join(alias.name for alias in actor.aliases.all())

    @admin.display(description="member of")
    def alliance_list(self, actor: Actor) -> str:
        return ", ".join(alliance.name for alliance in actor.alliances.all())

    @admin.display(description="events", ordering="event_total")
    def event_total(self, actor: Actor) -> int:
        return actor.event_total

    @admin.display(description="chronology")
    def chronology_link(self, actor: Actor) -> str:
        url = reverse("admin:events_event_changelist")
        return format_html(
            '<a href="{}?actor={}">events involving {}</a>', url, actor.slug, actor.name
        )


class LocationAliasInline(admin.TabularInline):
    formset = AliasFormSet
    model = LocationAlias
    extra = 1
    fields = ["name", "language"]


@admin.register(Location)
class LocationAdmin(StrictAdminInput, PreloadedAutocompleteAdmin, VersionedAdmin):
    list_display = [
        "name",
        "kind",
        "parent",
        "latitude",
        "longitude",
        "geo_precision",
        "alias_list",
        "event_total",
    ]
    list_filter = ["kind", "geo_precision"]
    search_fields = ["name", "slug", "aliases__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    inlines = [LocationAliasInline]
    readonly_fields = ["ancestry", "event_total", "chronology_link"]
    list_select_related = ["parent"]
    show_full_result_count = False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("aliases")
            .annotate(event_total=related_count(Event, "location"))
        )

    def get_search_results(self, request, queryset, search_term):
        results, _may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            results |= queryset.filter(pk__in=Location.objects.matching(search_term).values("pk"))
        return results, True

    @admin.display(description="aliases")
    def alias_list(self, location: Location) -> str:
        return ", ".join(alias.name for alias in location.aliases.all())

    @admin.display(description="events here (not below)", ordering="event_total")
    def event_total(self, location: Location) -> int:
        return location.event_total

    @admin.display(description="within")
    def ancestry(self, location: Location) -> str:
        return " › ".join(place.name for place in location.ancestors()) or "—"

    @admin.display(description="chronology")
    def chronology_link(self, location: Location) -> str:
        url = reverse("admin:events_event_changelist")
        return format_html(
            '<a href="{}?place={}">events in {} and below</a>', url, location.slug, location.name
        )


@admin.register(EventType)
class EventTypeAdmin(StrictAdminInput, VersionedAdmin):
    list_display = ["name", "parent", "slug", "event_total"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "slug", "parent__name"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["parent"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(event_total=related_count(Event, "type"))

    @admin.display(description="events", ordering="event_total")
    def event_total(self, event_type: EventType) -> int:
        return event_type.event_total
