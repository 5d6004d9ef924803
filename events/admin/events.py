"""The event workbench: the changelist, date entry, workflow actions, review queue and history."""

import datetime
from datetime import date

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import quote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections
from django.db.models import Prefetch, Value
from django.http import HttpRequest, HttpResponseRedirect, JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext

from events import dates
from events.admin.event_form import (
    EventActorInline,
    EventAdminForm,
    EventRelationInline,
    EventSourceInline,
)
from events.admin.event_workflow import (
    STATUS_ORDER,
    WORKFLOW_BUTTON,
    allowed_transitions,
    error_message,
    link_history,
    status_badge,
    workflow_label,
)
from events.admin.list_filters import (
    ActorFilter,
    DateNavigationFilter,
    EventTypeFilter,
    LocationFilter,
    places_within,
)
from events.admin.paging import COUNT_LIMIT, BoundedCountPaginator
from events.admin.strict import StrictAdminInput
from events.admin.versioning import (
    VersionedAdmin,
    tracked_fields,
)
from events.admin.widgets import PreloadedAutocompleteAdmin
from events.models import (
    Actor,
    Event,
    EventActor,
    EventForReview,
    EventSource,
)
from events.params import as_id, id_or_404
from events.querysets import CHRONOLOGICAL, related_count
from events.versioning import StaleVersion

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


@admin.register(Event)
class EventAdmin(StrictAdminInput, PreloadedAutocompleteAdmin, VersionedAdmin):
    form = EventAdminForm
    inlines = [EventActorInline, EventSourceInline, EventRelationInline]
    list_display = [
        "display_date",
        "headline",
        "type_name",
        "location",
        "actor_names",
        "status_badge",
        "source_count",
        "updated_on",
    ]
    list_display_links = ["display_date", "headline"]
    # Only columns an index orders: sorting a million rows by headline, type, place, status or
    # source count is a full sort per page (seconds). The filters narrow by those instead.
    sortable_by = ["display_date", "updated_on"]
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
    readonly_fields = ["uid", "status", "published_at", "created", "updated", "proposal_note"]
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
    ordering = [f"-{name}" for name in CHRONOLOGICAL]  # Newest first.
    change_form_template = "admin/events/event/change_form.html"
    object_history_template = "admin/events/event/object_history.html"

    class Media:
        # The admin's stylesheet (events/admin/admin.css) is on every page: base_site.html.
        js = ["events/admin/when_preview.js"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not obj.proposal_note:
            return fieldsets
        # How article ingestion read the proposal: for the editor checking it, editors only.
        note = ("How article ingestion read it", {"fields": ["proposal_note"]})
        return [fieldsets[0], note, *fieldsets[1:]]

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
        queryset = self.lock(
            request, self.get_queryset(request).select_related("type__parent", "location")
        )
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
        """The first actor and how many more; every actor with its role in the title."""
        links = list(event.actor_links.all())
        if not links:
            return "—"
        everyone = "; ".join(f"{link.actor.name} ({link.get_role_display()})" for link in links)
        more = (
            format_html(' <span class="actors-short__more">+{}</span>', len(links) - 1)
            if len(links) > 1
            else ""
        )
        return format_html(
            '<span class="actors-short" title="{}">{}{}</span>', everyone, links[0].actor.name, more
        )

    @admin.display(description="sources")
    def source_count(self, event: Event) -> int:
        return event.source_total

    @admin.display(description="date", ordering="date_earliest")
    def display_date(self, event: Event) -> str:
        """The display text, and beneath it the bounds when the text does not state them."""
        text = event.display_date
        if dates.says_its_bounds(text, event.date_earliest, event.date_latest):
            return text
        return format_html(
            '{}<span class="muted-date">within {}</span>',
            text,
            dates.bounds_text(event.date_earliest, event.date_latest),
        )

    @admin.display(description="type")
    def type_name(self, event: Event) -> str:
        # The sub-type alone reads better in a narrow column; the filter shows the full path.
        return event.type.name

    @admin.display(description="status")
    def status_badge(self, event: Event) -> str:
        return status_badge(event.status)

    @admin.display(description="updated", ordering="updated")
    def updated_on(self, event: Event) -> str:
        if event.updated is None:
            return "—"
        moment = timezone.localtime(event.updated)
        return format_html(
            '<time datetime="{}" title="{}">{}</time>',
            f"{event.updated.astimezone(datetime.UTC):%Y-%m-%dT%H:%M:%SZ}",
            f"{moment:%d %b %Y %H:%M:%S %Z}",
            f"{moment.day} {moment:%b %Y}",
        )

    # -- workflow -------------------------------------------------------------------------------

    def _transition_many(self, request, queryset, to_status: str) -> None:
        moved, refused = 0, []
        for event in queryset.order_by():
            try:
                # A compare-and-set on the status read here: an event whose status changes
                # meanwhile is left alone and named below.
                event.transition(to_status, user=request.user)
                moved += 1
            except (ValidationError, PermissionDenied, StaleVersion) as exc:
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

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        # A class made for this request (modelform_factory), so these stay with it. Only the
        # change and add views move the status: a history revert never does, whatever it posts.
        form.user = request.user
        view = getattr(request.resolver_match, "url_name", "") or ""
        on_form = view.endswith(("_change", "_add"))
        form.requested_status = (request.POST.get(WORKFLOW_BUTTON) or None) if on_form else None
        return form

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change and form.requested_status:
            # "Save and send for review" on a new event: created, then moved, in one step.
            form.instance.transition(form.requested_status, user=request.user)

    def save_change(self, request, obj, form, formsets) -> None:
        """The edits, and the status when a workflow button was pressed, in one save.

        Only the form's own fields are written (and the display date they regenerate): the
        status changes only through transition(), which re-checks it under the lock.
        """
        edits = [*tracked_fields(form), "date_display"]
        if form.requested_status:
            obj.transition(
                form.requested_status,
                user=request.user,
                edits=edits,
                expected_version=form.cleaned_data["version"],
            )
        elif self.has_changes(request, form, formsets):
            obj._history_user = request.user
            obj.save(update_fields=edits)

    def response_change(self, request, obj):
        if request.POST.get(WORKFLOW_BUTTON):
            self.message_user(
                request, f"Saved; the event is now {obj.get_status_display()}.", messages.SUCCESS
            )
            # The event's own page (from the review queue too, which it may just have left).
            return HttpResponseRedirect(reverse("admin:events_event_change", args=[obj.pk]))
        return super().response_change(request, obj)

    def response_add(self, request, obj, post_url_continue=None):
        if request.POST.get(WORKFLOW_BUTTON):
            self.message_user(
                request, f"Saved; the event is now {obj.get_status_display()}.", messages.SUCCESS
            )
            return HttpResponseRedirect(reverse("admin:events_event_change", args=[obj.pk]))
        return super().response_add(request, obj, post_url_continue)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        event = obj if obj is not None else Event()
        context["workflow_buttons"] = [
            (status, workflow_label(event.status, status))
            for status in sorted(allowed_transitions(event, request.user), key=STATUS_ORDER)
        ]
        context["workflow_button"] = WORKFLOW_BUTTON
        return super().render_change_form(request, context, add, change, form_url, obj)

    def transition_view(self, request: HttpRequest, object_id: str) -> HttpResponseRedirect:
        """The old separate status form, which changed the status and lost unsaved edits:
        refused with a pointer to the buttons that save and move in one step."""
        change_url = reverse("admin:events_event_change", args=[object_id])
        if request.method == "POST":
            self.message_user(
                request,
                "The status did not change: status changes are made with the “Save and …” "
                "buttons at the bottom of the event's form, which save your edits in the same "
                "step.",
                messages.ERROR,
            )
        return HttpResponseRedirect(change_url)

    # -- history including actors and sources ---------------------------------------------------

    def history_view(self, request, object_id, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "link_history": link_history(pk) if (pk := as_id(str(object_id))) else [],
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

    def history_view(self, request, object_id, extra_context=None):
        # The history is the event's: the proxy model records none of its own.
        return HttpResponseRedirect(
            reverse("admin:events_event_history", args=[id_or_404(object_id)])
        )


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
