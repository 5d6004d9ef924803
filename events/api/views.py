"""API v1 views: thin layers over the chronology FilterSet, keyset pages and events.chronology."""

from django.core.cache import cache
from django.db.models import OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import routers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import (
    AllowAny,
    BasePermission,
    DjangoModelPermissionsOrAnonReadOnly,
)
from rest_framework.response import Response

from events.api import docs, page_cache, preconditions
from events.api import serializers as s
from events.api.base import READ_ONLY, ApiView, ChronologyView
from events.api.editing import save_event
from events.api.filtersets import (
    ActorFilterSet,
    ArticleFilterSet,
    EventTypeFilterSet,
    LocationFilterSet,
    RemovalFilterSet,
)
from events.api.inputs import FilterBackend
from events.api.negotiation import JSONRenderer
from events.api.pagination import COUNT_CAP, KeysetPagination
from events.api.renderers import EXPORT_RENDERERS
from events.api.schema import FIELDS_PARAMETER, FORMAT_SCHEMAS, format_responses
from events.chronology import INTERVALS, entries_of, histogram
from events.chronology.details import add_event_details
from events.chronology.entries import only_fields
from events.chronology.histogram import TooManyBuckets
from events.models import Actor, ActorMembership, Article, Event, EventRemoval, EventType, Location
from events.params import ID_PATTERN, id_or_404
from events.permissions import is_editor
from events.querysets import kept_count, published_events
from events.versioning import StaleVersion

# The dataset layouts' option (format=acled or ucdp), documented beside the filters.
INCLUDE_UNMAPPED = OpenApiParameter(
    "include_unmapped",
    bool,
    default=False,
    description="format=acled or ucdp: also write the events the layout has no type for "
    "(left out by default, and counted in the X-Events-Left-Out header).",
)


COUNT = OpenApiParameter(
    "count",
    bool,
    default=False,
    description=f"true: the page also carries count (the filtered set's size, exact up to "
    f"{COUNT_CAP:,}) and count_exact. Never computed unless asked.",
)

# The keyset paginator's parameters (drf-spectacular adds them to viewsets' lists only).
PAGING_PARAMETERS = [
    OpenApiParameter(
        "cursor",
        str,
        description="Opaque position from a next or previous link; do not build it. It "
        "carries the filters of its query: send it alone, or with the same filters.",
    ),
    OpenApiParameter(
        "page_size",
        int,
        description=f"Rows per page, 1 to {KeysetPagination.max_page_size} "
        f"(default {KeysetPagination.default_page_size}).",
    ),
]


@extend_schema(
    summary="The chronology",
    description=docs.TIMELINE,
    filters=True,
    responses=format_responses(s.EntrySerializer(many=True)),
    parameters=[INCLUDE_UNMAPPED, COUNT, FIELDS_PARAMETER, *PAGING_PARAMETERS],
)
class TimelineView(ChronologyView, GenericAPIView):
    permission_classes = [AllowAny]
    http_method_names = READ_ONLY

    def get_queryset(self):
        # Published only, for everyone; entries come from .values(), so no select_related.
        return published_events()

    extra_query_params = (*ChronologyView.extra_query_params, "fields")

    def get(self, request, *args, **kwargs):
        self.picked = self.fields()  # Checked before any export starts.
        response = self.export()
        if response is not None:
            return response
        return page_cache.cached_page(self, self.page)

    def page(self):
        events = self.get_queryset()
        total = self.counted(events)
        rows = self.paginator.paginate_chronology(
            self.query(), events, self.request, url_for=self.url_for()
        )
        return self.paginator.get_paginated_response(only_fields(rows, self.picked), **total)


class TimelineExportView(TimelineView):
    """The chronology in one format at its own URL (timeline.csv is timeline/?format=csv):
    one operation per format in the schema, so that a generated client has a typed call for
    each (generators read one media type per operation)."""

    export_format = ""

    def known_query_params(self) -> set[str]:
        return super().known_query_params() - {"format", "cursor", "page_size", "count"}

    def perform_content_negotiation(self, request, force=False):
        # The URL names the format: whatever Accept says (its one renderer).
        renderer = self.get_renderers()[0]
        return renderer, renderer.media_type


def export_view(fmt: str):
    """The view of timeline.<fmt>, documented with that format's media type and shape."""
    media_type, schema = FORMAT_SCHEMAS.get(fmt, FORMAT_SCHEMAS["csv"])

    def get(self, request, *args, **kwargs):
        return TimelineExportView.get(self, request, *args, **kwargs)

    get = extend_schema(
        summary=f"The chronology as {fmt} (the same as timeline/?format={fmt})",
        description=docs.FORMATS,
        operation_id=f"timeline_{fmt}",
        tags=["timeline"],
        filters=True,
        parameters=[
            *([INCLUDE_UNMAPPED] if fmt in ("acled", "ucdp") else []),
            *([FIELDS_PARAMETER] if fmt == "csv" else [OpenApiParameter("fields", exclude=True)]),
            # The timeline's own, which a whole export does not take.
            *(OpenApiParameter(name, exclude=True) for name in ("count", "cursor", "page_size")),
        ],
        responses={(200, media_type): OpenApiResponse(response=schema)},
    )(get)
    renderers = [r for r in EXPORT_RENDERERS if r.format == fmt]
    namespace = {"export_format": fmt, "get": get, "renderer_classes": renderers}
    return type(f"Timeline{fmt.title()}View", (TimelineExportView,), namespace).as_view()


# Bounds how long a write that bypasses save() (and so the ETag) can leave counts stale.
HISTOGRAM_CACHE_SECONDS = 300


@extend_schema(
    summary="Event counts per day, week, month or year, honest about imprecise dates",
    description=docs.HISTOGRAM,
    filters=True,
    parameters=[
        OpenApiParameter("interval", str, enum=list(INTERVALS), default="month"),
    ],
    responses={200: s.HistogramSerializer},
)
class HistogramView(ChronologyView, GenericAPIView):
    permission_classes = [AllowAny]
    http_method_names = READ_ONLY
    renderer_classes = [JSONRenderer]
    pagination_class = None
    extra_query_params = ("interval",)

    def get_queryset(self):
        # Published only; the histogram groups in SQL and reads no related rows.
        return Event.objects.published()

    def get(self, request, *args, **kwargs):
        interval = request.query_params.get("interval", "month")
        if interval not in INTERVALS:
            message = f"unknown interval {interval!r}; use one of {', '.join(INTERVALS)}"
            raise ValidationError({"interval": [message]})
        query = self.query()
        # Counts change only when the data does: keyed by the ETag (the data's version, the
        # URL and the audience), a dashboard's repeated histogram is not recounted.
        key = f"histogram:{self.etag}"
        counts = cache.get(key)
        if counts is None:
            try:
                counts = histogram(query, interval=interval)
            except TooManyBuckets as exc:
                raise ValidationError({"interval": [str(exc)]}) from exc
            cache.set(key, counts, HISTOGRAM_CACHE_SECONDS)
        return Response(counts)


IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    location=OpenApiParameter.HEADER,
    required=True,
    description="The event's ETag (from its GET or the last write), or * for whatever it holds.",
)
# 412 and 428, in the error shape, are declared for every If-Match operation (events.api.schema).
CONDITIONAL_RESPONSES = {200: s.EventSerializer}


class CanChangeEvents(BasePermission):
    def has_permission(self, request, view) -> bool:
        return request.user.has_perm("events.change_event")


@extend_schema_view(
    list=extend_schema(
        summary="Events (editors: every status)",
        description=docs.EVENTS,
        parameters=[INCLUDE_UNMAPPED, COUNT],
    ),
    retrieve=extend_schema(
        summary="One event", description=docs.EVENT, parameters=[INCLUDE_UNMAPPED]
    ),
    create=extend_schema(
        summary="Create an event (editors)",
        description=docs.EVENT_WRITE,
        request=s.EventInputSerializer,
        responses={201: s.EventSerializer},
    ),
    update=extend_schema(
        summary="Replace an event (editors)",
        description=docs.EVENT_WRITE,
        request=s.EventInputSerializer,
        parameters=[IF_MATCH],
        responses=CONDITIONAL_RESPONSES,
    ),
    partial_update=extend_schema(
        summary="Change an event (editors)",
        description=docs.EVENT_WRITE,
        request=s.EventInputSerializer,
        parameters=[IF_MATCH],
        responses=CONDITIONAL_RESPONSES,
    ),
)
class EventViewSet(ChronologyView, viewsets.GenericViewSet):
    permission_classes = [DjangoModelPermissionsOrAnonReadOnly]
    http_method_names = [*READ_ONLY, "post", "put", "patch"]
    lookup_value_regex = ID_PATTERN
    # The removals feed's order (events/removed/); the chronology pages by its own.
    keyset_fields = ("removed_at", "id")

    def get_queryset(self):
        if self.action == "removed":
            # The tombstones this caller may know of (one EXISTS per row for the public).
            return EventRemoval.objects.visible_to(self.request.user)
        # Anonymous clients see published events only; entries come from rows, not models.
        return Event.objects.visible_to(self.request.user)

    def get_serializer_class(self):
        # Describes the input to OPTIONS and the schema; reads are built by events.chronology.
        if self.action in ("create", "update", "partial_update", "metadata"):
            return s.EventInputSerializer
        return s.EventSerializer

    def get_export_title(self) -> str:
        if self.action == "retrieve":
            return f"event {self.kwargs.get('pk')}"
        return super().get_export_title()

    def get_renderers(self):
        if self.action in ("create", "update", "partial_update"):
            return [JSONRenderer()]
        return super().get_renderers()

    def full_events(self, rows: list[dict], *, with_history: bool = False) -> list[dict]:
        editor = is_editor(self.request.user)

        def history_url(pk: int) -> str:
            return self.request.build_absolute_uri(reverse("admin:events_event_history", args=[pk]))

        return add_event_details(
            rows,
            visible=self.get_queryset(),
            editor=editor,
            with_history=with_history,
            url_for=self.url_for(),
            history_url_for=history_url if editor else None,
        )

    def event_response(self, pk: int, *, status: int = 200) -> Response:
        found = entries_of(self.get_queryset().filter(pk=pk), url_for=self.url_for())
        if not found:
            raise NotFound("No event matches the given query.")
        return Response(self.full_events(found, with_history=True)[0], status=status)

    def versioned_event_id(self) -> int | None:
        # An event's own responses carry its version in their ETag, for If-Match.
        # A URL id no column can hold is a 404 here, before any query.
        return id_or_404(self.kwargs["pk"]) if self.action == "retrieve" else None

    def detail_etag(self, pk: int) -> str:
        """The ETag a GET of the event answers with now (one query)."""
        path = reverse("api:event-detail", args=[pk])
        return self.freshness_tag(path=path, media_type=JSONRenderer.media_type, event_id=pk)[0]

    def written(self, pk: int, *, status: int = 200) -> Response:
        """The event as a write left it, with the ETag a GET of it answers with now."""
        response = self.event_response(pk, status=status)
        response["ETag"] = self.detail_etag(pk)
        return response

    def stale(self, pk: int, exc: StaleVersion) -> Response:
        """412: the current representation and its ETag, to compare and retry against."""
        response = self.event_response(pk)
        message = preconditions.stale_message(
            current=exc.current,
            url=self.url_for()(pk),
            detail=exc.message if exc.message.startswith("Event #") else "",
        )
        response.data = {"errors": {"If-Match": [message]}, "current": response.data}
        response.status_code = 412
        response["ETag"] = self.detail_etag(pk)
        return response

    def expected_version(self, request, pk: int):
        return preconditions.expected_version(request, pk=pk, url=self.url_for()(pk))

    @extend_schema(responses=format_responses(s.EventSerializer(many=True)))
    def list(self, request, *args, **kwargs):
        response = self.export()
        if response is not None:
            return response
        return page_cache.cached_page(self, self.page)

    def page(self):
        events = self.get_queryset()
        total = self.counted(events)
        rows = self.paginator.paginate_chronology(
            self.query(), events, self.request, url_for=self.url_for()
        )
        return self.paginator.get_paginated_response(self.full_events(rows), **total)

    @extend_schema(responses=format_responses(s.EventSerializer))
    def retrieve(self, request, pk=None, *args, **kwargs):
        return self.event_response(id_or_404(pk))

    def create(self, request, *args, **kwargs):
        event = self.write(None, request.data, partial=False)
        response = self.written(event.pk, status=201)
        response["Location"] = self.url_for()(event.pk)
        return response

    def update(self, request, pk=None, *args, **kwargs):
        event = get_object_or_404(self.get_queryset(), pk=pk)
        expected = self.expected_version(request, event.pk)
        try:
            partial = kwargs.get("partial", False)
            self.write(event.pk, request.data, partial=partial, expected=expected)
        except StaleVersion as exc:
            return self.stale(event.pk, exc)
        return self.written(event.pk)

    def partial_update(self, request, pk=None, *args, **kwargs):
        return self.update(request, pk, partial=True)

    def write(self, pk: int | None, data, *, partial: bool, expected=None) -> Event:
        serializer = s.EventInputSerializer(data=data, partial=partial)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        actors, sources = values.pop("actors", None), values.pop("sources", None)
        return save_event(
            pk,
            values=values,
            actors=actors,
            sources=sources,
            user=self.request.user,
            expected=expected,
        )

    @extend_schema(
        summary="Move an event through the editorial workflow (editors)",
        description=docs.TRANSITION,
        request=s.TransitionSerializer,
        parameters=[IF_MATCH],
        responses=CONDITIONAL_RESPONSES,
    )
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[CanChangeEvents],
        renderer_classes=[JSONRenderer],
    )
    def transition(self, request, pk=None):
        event = get_object_or_404(self.get_queryset(), pk=pk)
        expected = self.expected_version(request, event.pk)
        serializer = s.TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            event.transition(
                data["status"],
                user=request.user,
                reason=data["reason"],
                expected_status=data.get("expected_status"),
                expected_version=expected,
            )
        except StaleVersion as exc:
            return self.stale(event.pk, exc)
        return self.written(event.pk)

    @extend_schema(
        summary="Events removed from the published record since a time (sync feed)",
        description=docs.REMOVED,
        responses={200: s.EditorRemovalSerializer(many=True)},
    )
    @action(
        detail=False,
        url_path="removed",
        permission_classes=[AllowAny],
        renderer_classes=[JSONRenderer],
        filterset_class=RemovalFilterSet,
    )
    def removed(self, request):
        rows = self.paginator.paginate_queryset(
            self.filter_queryset(self.get_queryset()), request, view=self
        )
        serializer = s.EditorRemovalSerializer if is_editor(request.user) else s.RemovalSerializer
        return self.paginator.get_paginated_response(serializer(rows, many=True).data)


class ApiRootView(routers.APIRootView):
    """The API's entry point: every list, the chronology, the schema and its documentation."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        for name, url_name in (
            ("timeline", "api:timeline"),
            ("histogram", "api:histogram"),
            ("summary", "api:summary"),
            ("removed", "api:event-removed"),
            ("schema", "api:schema"),
            ("docs", "api:docs"),
        ):
            response.data[name] = request.build_absolute_uri(reverse(url_name))
        return response


# --- Reference data ----------------------------------------------------------------------------


class ReferenceViewSet(ApiView, viewsets.ReadOnlyModelViewSet):
    """Actors, places, types and articles: small pages of ModelSerializer rows by keyset."""

    permission_classes = [AllowAny]
    pagination_class = KeysetPagination
    filter_backends = [FilterBackend]
    renderer_classes = [JSONRenderer]
    keyset_fields = ("name", "id")
    detail_serializer_class = None

    def get_serializer_class(self):
        if self.action == "retrieve" and self.detail_serializer_class is not None:
            return self.detail_serializer_class
        return self.serializer_class

    def event_count(self):
        """The published events of one row (OuterRef("pk") and its columns), so that counts
        match the linked chronology: read from the trigger-kept counts (events.
        published_counts) for the rows shown only, by count_events()."""
        raise NotImplementedError

    def count_events(self, rows: list) -> list:
        """Sets event_count on the rows shown, in one query over their ids only.

        Counting in a second query, rather than annotating the paged queryset, keeps the
        count off every row the database visits before the LIMIT: SQLite computes a select
        list's subqueries before it sorts, so an annotated page sorted every row's count.
        """
        if rows:
            model = type(rows[0])
            counts = dict(
                model.objects.filter(pk__in=[row.pk for row in rows])
                .order_by()
                .annotate(counted=self.event_count())
                .values_list("pk", "counted")
            )
            for row in rows:
                row.event_count = counts.get(row.pk, 0)
        return rows

    def paginate_queryset(self, queryset):
        return self.count_events(super().paginate_queryset(queryset))

    def get_object(self):
        return self.count_events([super().get_object()])[0]


@extend_schema_view(
    list=extend_schema(summary="Actors", description=docs.ACTORS),
    retrieve=extend_schema(summary="One actor, with its alliances and members"),
)
class ActorViewSet(ReferenceViewSet):
    serializer_class = s.ActorSerializer
    detail_serializer_class = s.ActorDetailSerializer
    filterset_class = ActorFilterSet
    lookup_field = "slug"

    def get_queryset(self):
        qs = (
            Actor.objects.select_related(
                "country"
            ).prefetch_related(  # The country's slug on every row.
                "aliases"
            )  # Alias names: one query per page.
        )
        if self.action == "retrieve":
            # Memberships both ways with the actor at the other end: two queries.
            qs = qs.prefetch_related(
                Prefetch(
                    "memberships",
                    queryset=ActorMembership.objects.select_related("member").order_by(
                        "member__name"
                    ),
                ),
                Prefetch(
                    "alliance_memberships",
                    queryset=ActorMembership.objects.select_related("alliance").order_by(
                        "alliance__name"
                    ),
                ),
            )
        return qs

    def event_count(self):
        # One probe of the kept counts per shown row (distinct events, whatever the roles).
        return kept_count("actor", subject_id=OuterRef("pk"))


@extend_schema_view(
    list=extend_schema(summary="Places", description=docs.LOCATIONS),
    retrieve=extend_schema(summary="One place, with its ancestors and children"),
)
class LocationViewSet(ReferenceViewSet):
    serializer_class = s.LocationSerializer
    detail_serializer_class = s.LocationDetailSerializer
    filterset_class = LocationFilterSet
    lookup_field = "slug"

    def get_queryset(self):
        qs = Location.objects.select_related("parent").prefetch_related(
            "aliases"  # The parent's slug on every row; alias names: one query per page.
        )
        if self.action == "retrieve":
            # The places directly beneath, in name order: one query.
            qs = qs.prefetch_related(
                Prefetch("children", queryset=Location.objects.order_by("name"))
            )
        return qs

    def event_count(self):
        return Location.objects.published_event_count()


@extend_schema_view(
    list=extend_schema(summary="Event types", description=docs.EVENT_TYPES),
    retrieve=extend_schema(summary="One event type"),
)
class EventTypeViewSet(ReferenceViewSet):
    serializer_class = s.EventTypeSerializer
    filterset_class = EventTypeFilterSet
    lookup_field = "slug"

    def get_queryset(self):
        return EventType.objects.select_related(
            "parent"
        ).prefetch_related(  # The parent's slug on every row.
            # Sub-types by name: one query per page.
            Prefetch("subtypes", queryset=EventType.objects.order_by("name"))
        )

    def event_count(self):
        # Events of this type or of its sub-types: the kept counts of the type and its
        # sub-types (one level; a few rows each), summed.
        types = EventType.objects.filter(
            Q(pk=OuterRef(OuterRef("pk"))) | Q(parent=OuterRef(OuterRef("pk")))
        )
        return kept_count("type", subject_id__in=types.values("id"))


@extend_schema_view(
    list=extend_schema(summary="Articles (the cited news reports)", description=docs.ARTICLES),
    retrieve=extend_schema(summary="One article"),
)
class ArticleViewSet(ReferenceViewSet):
    serializer_class = s.ArticleSerializer
    filterset_class = ArticleFilterSet
    keyset_fields = ("-publication_date", "id")
    lookup_value_regex = ID_PATTERN

    def get_queryset(self):
        return (
            Article.objects.select_related("dateline").defer(  # The dateline's slug on every row.
                "text"
            )  # The full text is never served; it can be long.
        )

    def event_count(self):
        # Distinct citing events, however often each cites the article.
        return kept_count("article", subject_id=OuterRef("pk"))
