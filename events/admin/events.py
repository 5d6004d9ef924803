"""The event workbench: date entry, inlines, workflow, review queue and history."""

from datetime import date

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import quote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections
from django.db.models import Prefetch, Value
from django.http import HttpRequest, HttpResponseRedirect, JsonResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from simple_history.admin import SimpleHistoryAdmin

from events import dates
from events.admin.filters import (
    ActorFilter,
    DateNavigationFilter,
    EventTypeFilter,
    LocationFilter,
    places_within,
)
from events.admin.paging import COUNT_LIMIT, BoundedCountPaginator
from events.admin.widgets import PreloadedAutocompleteAdmin, PreloadedChoicesForm
from events.models import (
    Actor,
    Event,
    EventActor,
    EventForReview,
    EventRelation,
    EventSource,
)
from events.querysets import related_count

WHEN_HELP = (
    "Type the date as the source gives it: 2016, 2016-09, 2016-09-04, 2016-08-01/2016-08-10, "
    "2016-08~ (approximate), or a phrase such as 'on Sunday', 'early August', 'some 10 days ago', "
    "resolved against the reference date. It fills the fields below; leave it empty to edit them."
)


class EventActorInline(PreloadedAutocompleteAdmin, admin.TabularInline):
    model = EventActor
    form = PreloadedChoicesForm
    extra = 0
    autocomplete_fields = ["actor"]
    fields = ["actor", "role", "kind"]

    def get_queryset(self, request):
        # str() of a link, shown above each row, reads its actor.
        return super().get_queryset(request).select_related("actor")


class EventSourceForm(PreloadedChoicesForm):
    class Meta:
        model = EventSource
        fields = ["article", "excerpt", "attributed_to", "date_phrase", "excerpt_start"]
        widgets = {"excerpt": forms.Textarea(attrs={"rows": 3, "cols": 60})}


class EventSourceInline(PreloadedAutocompleteAdmin, admin.StackedInline):
    model = EventSource
    form = EventSourceForm
    extra = 0
    autocomplete_fields = ["article"]

    def get_queryset(self, request):
        # str() of a source, shown above each row, reads its article.
        return super().get_queryset(request).select_related("article")


class EventRelationInline(PreloadedAutocompleteAdmin, admin.TabularInline):
    model = EventRelation
    form = PreloadedChoicesForm
    fk_name = "from_event"
    extra = 0
    autocomplete_fields = ["to_event"]
    verbose_name = "link to another event"
    verbose_name_plural = "links to other events"

    def get_queryset(self, request):
        # The linked event labels its autocomplete widget.
        return super().get_queryset(request).select_related("to_event")


# Stands for the primary key in the change URL reversed once per page.
_PK_MARK = "0pk0"


class EventChangeList(ChangeList):
    """The event list: actor names for the shown page only, and sorting by indexed columns."""

    def get_ordering_field(self, field_name):
        # The stock list sorts by any ?o= column, sortable_by or not: a typed URL must not
        # start a full sort either.
        if field_name not in self.sortable_by:
            return None
        return super().get_ordering_field(field_name)

    def __init__(self, request, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        # Each row's link carries the list's filters back to it. The stock way resolves every
        # link's URL again to see whether it is the list's own (two per row, the slowest part
        # of rendering a filtered page); a row's link never is, so the filters go on here.
        self.row_link_filters, self.preserved_filters = self.preserved_filters, ""

    def url_for_result(self, result) -> str:
        # Reversed once per page rather than twice per row.
        if not hasattr(self, "_change_url"):
            self._change_url = super().url_for_result(Event(pk=_PK_MARK)).split(_PK_MARK)
        before, after = self._change_url
        url = f"{before}{quote(getattr(result, self.pk_attname))}{after}"
        return f"{url}?{self.row_link_filters}" if self.row_link_filters else url

    def apply_select_related(self, qs):
        # Here rather than in get_queryset(), so the change form and actions don't load them.
        links = EventActor.objects.select_related("actor")
        return (
            super()
            .apply_select_related(qs)
            .prefetch_related(Prefetch("actor_links", queryset=links))
        )


class EventAdminForm(PreloadedChoicesForm):
    when = forms.CharField(required=False, label="When", help_text=WHEN_HELP)
    when_reference = forms.DateField(
        required=False,
        label="Reference date",
        help_text="The publication date of the article the phrase comes from (YYYY-MM-DD).",
    )

    class Meta:
        model = Event
        fields = [
            "headline",
            "summary",
            "type",
            "location",
            "date_earliest",
            "date_latest",
            "date_precision",
            "date_approximate",
            "date_display",
            "fatalities_best",
            "fatalities_low",
            "fatalities_high",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The "When" box can fill these, so the form only insists on them when it is empty.
        for name in ("date_earliest", "date_latest", "date_precision"):
            if name in self.fields:
                self.fields[name].required = False

    def clean(self):
        cleaned = super().clean()
        when = (cleaned.get("when") or "").strip()
        if when:
            try:
                fuzzy = dates.parse_date_input(when, reference=cleaned.get("when_reference"))
            except dates.DateError as exc:
                raise ValidationError({"when": str(exc)}) from exc
            cleaned.update(
                date_earliest=fuzzy.earliest,
                date_latest=fuzzy.latest,
                date_precision=fuzzy.precision.value,
                date_approximate=fuzzy.approximate,
                date_display=fuzzy.display,
            )
            self.instance.set_date(fuzzy)
        else:
            for name in ("date_earliest", "date_latest", "date_precision"):
                if not cleaned.get(name) and name in self.fields:
                    self.add_error(name, "Give this date field, or fill in “When” above.")
        return cleaned


@admin.register(Event)
class EventAdmin(PreloadedAutocompleteAdmin, SimpleHistoryAdmin):
    form = EventAdminForm
    inlines = [EventActorInline, EventSourceInline, EventRelationInline]
    list_display = [
        "display_date",
        "headline",
        "type_name",
        "location",
        "actor_names",
        "status",
        "source_count",
        "updated",
    ]
    list_display_links = ["display_date", "headline"]
    # Only columns an index orders: sorting a million rows by headline, type, place, status or
    # source count is a full sort per page (seconds). The filters narrow by those instead.
    sortable_by = ["display_date", "updated"]
    list_filter = [
        "status",
        DateNavigationFilter,
        "date_precision",
        ActorFilter,
        LocationFilter,
        ("type", EventTypeFilter),
    ]
    # get_search_results() does the searching; search_fields only turns the search box on.
    search_fields = ["headline", "summary"]
    search_help_text = (
        "Words of the headline, summary or source excerpts, or an actor's or place's name or alias."
    )
    autocomplete_fields = ["type", "location"]
    readonly_fields = ["uid", "status", "published_at", "created", "updated"]
    fieldsets = [
        (None, {"fields": ["headline", "summary", "type", "location", "status"]}),
        (
            "When",
            {
                "fields": [
                    ("when", "when_reference"),
                    ("date_earliest", "date_latest"),
                    ("date_precision", "date_approximate"),
                    "date_display",
                ]
            },
        ),
        (
            "Fatalities (empty means unknown)",
            {"fields": [("fatalities_best", "fatalities_low", "fatalities_high")]},
        ),
        (
            "Record",
            {"fields": ["uid", "published_at", "created", "updated"], "classes": ["collapse"]},
        ),
    ]
    actions = ["send_for_review", "send_back_to_draft", "publish", "retract"]
    list_select_related = ["type", "location"]
    # A COUNT(*) over a million rows on every page is what makes stock changelists slow: the
    # paginator counts at most count_limit rows and shows "10,000+" past that.
    show_full_result_count = False
    paginator = BoundedCountPaginator
    count_limit = COUNT_LIMIT
    # Facet counts are one COUNT per choice over the whole filtered set.
    show_facets = admin.ShowFacets.NEVER
    list_per_page = 50
    ordering = ["-date_earliest", "-date_latest", "-id"]
    change_form_template = "admin/events/event/change_form.html"
    object_history_template = "admin/events/event/object_history.html"

    class Media:
        js = ["events/admin/when_preview.js"]
        css = {"all": ["events/admin/events.css"]}

    def get_queryset(self, request):
        # Source counts per shown row: a correlated count under the page's LIMIT.
        return (
            super().get_queryset(request).annotate(source_total=related_count(EventSource, "event"))
        )

    def get_changelist(self, request, **kwargs):
        return EventChangeList

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        # A date range is counted from its end backwards, where its rows are, on the dates
        # index; anything else counts fastest in whatever order its own index gives.
        dated = bool(request.GET.get(DateNavigationFilter.parameter_name))
        return self.paginator(
            queryset,
            per_page,
            orphans,
            allow_empty_first_page,
            limit=self.count_limit,
            count_order=["-date_earliest"] if dated else [],
        )

    def get_search_results(self, request, queryset, search_term):
        """Headlines, summaries and excerpts (EventQuerySet.mentioning), and events linked to an
        actor, or at a place or beneath it, that the text names by any alias."""
        term = search_term.strip()
        if not term:
            return queryset, False
        actors, places = _named_by(term, db=queryset.db)
        results = (
            queryset.mentioning(term)
            | queryset.linked_to(actors)
            | queryset.filter(location_id__in=places)
        )
        # Every part filters the event table itself (… IN …), so no row repeats.
        return results, False

    def get_object(self, request, object_id, from_field=None):
        # The event with its type (whose label reads its parent) and place in one query: the
        # form's autocomplete widgets show them, and would otherwise fetch each again.
        queryset = self.get_queryset(request).select_related("type__parent", "location")
        field = self.opts.pk if from_field is None else self.opts.get_field(from_field)
        try:
            return queryset.get(**{field.name: field.to_python(object_id)})
        except (self.model.DoesNotExist, ValidationError, ValueError):
            return None

    def action_checkbox(self, obj):
        # The stock box renders a CheckboxInput through the form template engine for every
        # row, a third of the time a page took to render; this is the same markup.
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(gettext("Select this object for an action - {}"), str(obj)),
        )

    @admin.display(description="actors")
    def actor_names(self, event: Event) -> str:
        return ", ".join(
            f"{link.actor.name} ({link.get_role_display()})" for link in event.actor_links.all()
        )

    @admin.display(description="sources")
    def source_count(self, event: Event) -> int:
        return event.source_total

    @admin.display(description="date", ordering="date_earliest")
    def display_date(self, event: Event) -> str:
        return event.display_date

    @admin.display(description="type")
    def type_name(self, event: Event) -> str:
        # The sub-type alone reads better in a narrow column; the filter shows the full path.
        return event.type.name

    # -- workflow -------------------------------------------------------------------------------

    def _transition_many(self, request, queryset, to_status: str) -> None:
        moved, refused = 0, []
        for event in queryset.order_by():
            try:
                event.transition(to_status, user=request.user)
                moved += 1
            except (ValidationError, PermissionDenied) as exc:
                refused.append(f"#{event.pk} {event.headline[:40]}: {error_message(exc)}")
        if moved:
            self.message_user(request, f"{moved} event(s) are now {to_status}.", messages.SUCCESS)
        for line in refused[:20]:
            self.message_user(request, line, messages.ERROR)

    @admin.action(description="Send selected events for review", permissions=["change"])
    def send_for_review(self, request, queryset):
        self._transition_many(request, queryset, Event.Status.REVIEW)

    @admin.action(description="Send selected events back to draft", permissions=["change"])
    def send_back_to_draft(self, request, queryset):
        self._transition_many(request, queryset, Event.Status.DRAFT)

    @admin.action(description="Publish selected events", permissions=["publish"])
    def publish(self, request, queryset):
        self._transition_many(request, queryset, Event.Status.PUBLISHED)

    @admin.action(description="Retract selected events", permissions=["publish"])
    def retract(self, request, queryset):
        self._transition_many(request, queryset, Event.Status.RETRACTED)

    def has_publish_permission(self, request) -> bool:
        return request.user.has_perm("events.publish_event")

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            allowed = sorted(_allowed_transitions(obj, request.user))
            context["workflow_buttons"] = [(s, Event.Status(s).label) for s in allowed]
            context["transition_url"] = reverse("admin:events_event_transition", args=[obj.pk])
        return super().render_change_form(request, context, add, change, form_url, obj)

    def transition_view(self, request: HttpRequest, object_id: str) -> HttpResponseRedirect:
        """The change form's workflow buttons: one status change, checked and recorded."""
        change_url = reverse("admin:events_event_change", args=[object_id])
        event = self.get_object(request, object_id)
        if request.method != "POST" or event is None:
            return HttpResponseRedirect(change_url)
        if not self.has_change_permission(request, event):
            raise PermissionDenied
        try:
            event.transition(request.POST.get("status", ""), user=request.user)
        except (ValidationError, PermissionDenied) as exc:
            self.message_user(request, error_message(exc), messages.ERROR)
        else:
            self.message_user(request, f"The event is now {event.get_status_display()}.")
        return HttpResponseRedirect(change_url)

    # -- history including actors and sources ---------------------------------------------------

    def history_view(self, request, object_id, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "link_history": _link_history(int(object_id)) if str(object_id).isdigit() else [],
        }
        return super().history_view(request, object_id, extra_context=extra_context)

    # -- live date preview ----------------------------------------------------------------------

    def get_urls(self):
        urls = super().get_urls()
        info = self.opts.app_label, self.opts.model_name
        extra = [
            path(
                "resolve-date/",
                self.admin_site.admin_view(self.resolve_date_view),
                name="{}_{}_resolve_date".format(*info),
            ),
            path(
                "<path:object_id>/transition/",
                self.admin_site.admin_view(self.transition_view),
                name="{}_{}_transition".format(*info),
            ),
        ]
        return extra + urls

    def resolve_date_view(self, request: HttpRequest) -> JsonResponse:
        """What the "When" box will store, shown while the editor types."""
        reference = None
        raw_reference = request.GET.get("reference", "").strip()
        if raw_reference:
            try:
                reference = date.fromisoformat(raw_reference)
            except ValueError:
                return JsonResponse(
                    {"error": f"reference: {raw_reference!r} is not YYYY-MM-DD"}, status=400
                )
        try:
            fuzzy = dates.parse_date_input(request.GET.get("when", ""), reference=reference)
        except dates.DateError as exc:
            return JsonResponse({"error": f"when: {exc}"}, status=400)
        return JsonResponse(
            {
                "earliest": fuzzy.earliest.isoformat(),
                "latest": fuzzy.latest.isoformat(),
                "precision": fuzzy.precision.value,
                "approximate": fuzzy.approximate,
                "display": fuzzy.display,
            }
        )


@admin.register(EventForReview)
class EventForReviewAdmin(EventAdmin):
    """The review queue: events editors have sent for review, oldest change first."""

    ordering = ["updated", "id"]
    list_filter = [DateNavigationFilter, "date_precision", ActorFilter, LocationFilter]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=Event.Status.REVIEW)

    def has_add_permission(self, request) -> bool:
        return False


def _named_by(term: str, *, db: str):
    """The ids of the actors and of the places (with everything beneath them) term names.

    SQLite takes them as subqueries, at no query of their own. PostgreSQL gets lists, fetched
    in one query: as a subquery it re-runs the name match (a join with the aliases) for every
    event row it walks, seconds for a busy actor.
    """
    actors = Actor.objects.matching(term).order_by()
    places = places_within(term)
    if connections[db].vendor != "postgresql":
        return actors.values("id"), places.values("id")
    named = {"actor": [], "place": []}
    rows = actors.annotate(named_as=Value("actor")).values_list("named_as", "id")
    rows = rows.union(
        places.annotate(named_as=Value("place")).values_list("named_as", "id"), all=True
    )
    for kind, pk in rows:
        named[kind].append(pk)
    return named["actor"], named["place"]


def _allowed_transitions(event: Event, user) -> set[str]:
    from events.validators import PUBLISHER_STATUSES, TRANSITIONS

    allowed = set(TRANSITIONS.get(event.status, set()))
    if not user.has_perm("events.publish_event"):
        allowed -= PUBLISHER_STATUSES
    return allowed


def error_message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


def _link_history(event_id: int) -> list[dict]:
    """Changes to an event's actors, sources and links, newest first, for its history page."""
    rows = []
    for model, label in (
        (EventActor.history.model, "actor"),
        (EventSource.history.model, "source"),
    ):
        for record in model.objects.filter(event_id=event_id).select_related("history_user"):
            rows.append({"record": record, "what": label})
    for record in EventRelation.history.model.objects.filter(from_event_id=event_id).select_related(
        "history_user"
    ):
        rows.append({"record": record, "what": "link"})
    rows.sort(key=lambda row: row["record"].history_date, reverse=True)
    return rows
