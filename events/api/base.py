"""What every API view shares: strict parameters, conditional GET, JSON errors, exports."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import StreamingHttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from events import search
from events.api import cursors
from events.api.caching import etag, freshness
from events.api.inputs import FilterBackend
from events.api.links import event_url_for
from events.api.negotiation import FormatNegotiation, JSONRenderer, NotModified
from events.api.pagination import COUNT_CAP, KeysetPagination
from events.api.renderers import EXPORT_RENDERERS
from events.chronology import ChronologyQuery, QueryError, describe, parse
from events.chronology.entries import FIELDS
from events.chronology.parameters import StrictBooleanField
from events.chronology.query import REPEATABLE, ChronologyFilterSet, filtered
from events.formats import FORMATS, LEFT_OUT_HEADER
from events.params import ParamError, parse_field_list
from events.permissions import is_editor

READ_ONLY = ["get", "head", "options"]
# The formats a sparse fieldset (fields=) applies to: the entry's fields, or the CSV's columns.
FIELDS_FORMATS = ("json", "csv")


class ApiView:
    """Shared by every view: strict query parameters, conditional GET, JSON error bodies."""

    content_negotiation_class = FormatNegotiation
    # Query parameters besides the filterset's and the paginator's.
    extra_query_params: tuple[str, ...] = ()
    repeatable_query_params: frozenset[str] = frozenset()

    def known_query_params(self) -> set[str]:
        known = {"format", *self.extra_query_params}
        if getattr(self, "detail", False) or getattr(self, "action", None) == "retrieve":
            return known
        if getattr(self, "filterset_class", None) is not None:
            known.update(self.filterset_class.base_filters)
        if getattr(self, "pagination_class", None) is not None:
            known.update({"cursor", "page_size"})
        return known

    def check_query_params(self, request) -> None:
        """A misspelt parameter is a 400, never a silently unfiltered 200."""
        known = self.known_query_params()
        errors = {}
        for name in request.query_params:
            if name not in known:
                errors[name] = [
                    f"unknown parameter {name!r}; this endpoint takes {', '.join(sorted(known))}"
                ]
            elif (
                len(request.query_params.getlist(name)) > 1
                and name not in self.repeatable_query_params
            ):
                errors[name] = [f"give {name} once"]
        if errors:
            raise ValidationError(errors)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method in ("GET", "HEAD"):
            self.check_query_params(request)
            if getattr(self, "pagination_class", None) is not None:
                # A cursor alone carries its filters: every reader below (FilterBackend, the
                # chronology's parse) sees the query the cursor continues.
                given = request.query_params
                request._request.GET = cursors.effective_params(given)
                if request.query_params is not given:  # Checked above when unchanged.
                    self.check_query_params(request)
            self.check_freshness(request)

    def versioned_event_id(self) -> int | None:
        """The event whose version this response's ETag names (an event's own responses)."""
        return None

    def freshness_tag(self, *, path: str, media_type: str, event_id: int | None = None):
        """The ETag of the response at path, and the data's last change, from one query."""
        editor = is_editor(self.request.user)
        fresh = freshness(public=not editor, event_id=event_id)
        tag = etag(
            fresh.token,
            path=path,
            audience="editor" if editor else "public",
            media_type=media_type,
            event=(event_id, fresh.version) if fresh.version is not None else None,
        )
        return tag, fresh.modified

    def check_freshness(self, request) -> None:
        """ETag and Last-Modified from one cheap query; 304 when the client's ETag still holds."""
        self.etag, modified = self.freshness_tag(
            path=request.get_full_path(),
            media_type=request.accepted_media_type or "",
            event_id=self.versioned_event_id(),
        )
        self.last_modified = modified
        # Only the ETag says "not modified": Last-Modified is sent for information, but a time
        # in whole seconds cannot tell two changes in one second apart, nor see a change
        # stamped by a clock behind the newest, so If-Modified-Since alone gets the page.
        answer = get_conditional_response(request._request, etag=self.etag)
        if answer is not None and answer.status_code == 304:
            raise NotModified

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(response, Response) and response.status_code >= 400:
            # Errors are JSON whatever format was asked for.
            request.accepted_renderer, request.accepted_media_type = (
                JSONRenderer(),
                "application/json",
            )
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response):
            response.add_post_render_callback(release_cycles)
        if getattr(self, "etag", None) and response.status_code in (200, 304):
            response["ETag"] = self.etag
            if self.last_modified:
                response["Last-Modified"] = http_date(self.last_modified.timestamp())
        return response


def release_cycles(response: Response) -> None:
    """Once rendered, the response no longer needs its view: drop the references that keep a
    page's rows alive in reference cycles.

    DRF leaves the response, its renderer context, the view and the request holding each
    other (context["response"], view.response, request.parser_context["view"]), and the view
    holds the page's rows (its paginator's page). Left so, a page's hundred entries, a few
    thousand objects, outlived the request as cyclic garbage that only the cycle collector
    frees: a young collection every other page, walking them all. Without these references,
    the entries are freed as soon as the response is, and only the small view and request
    are left to the collector.
    """
    context, response.renderer_context = response.renderer_context or {}, None
    view = context.get("view")
    if view is not None:
        view.__dict__.pop("response", None)
        paginator = view.__dict__.get("_paginator")
        if paginator is not None:
            paginator.__dict__.pop("page", None)


class ChronologyView(ApiView):
    """A view over the chronology (events.chronology), paged or exported."""

    # The declared filters: the OpenAPI description and the known parameters. Requests are
    # filtered through query() and events.chronology, which instantiate no FilterSet.
    filterset_class = ChronologyFilterSet
    # The dataset layouts' option (acled, ucdp): include events they have no equivalent for;
    # count=true: the page carries the total (count_events()).
    extra_query_params = ("include_unmapped", "count")
    # Its entries are stored events: exports add what the format's steps add (Format.stored).
    exports_stored_events = True
    filter_backends = [FilterBackend]
    pagination_class = KeysetPagination
    renderer_classes = [JSONRenderer, *EXPORT_RENDERERS]
    repeatable_query_params = REPEATABLE

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method in ("GET", "HEAD"):
            # A bad format option is a 400 for one event as for a list (before any body).
            self.export_options()

    def export_options(self) -> dict:
        """The asked export format's own options (include_unmapped), checked: a 400 naming a
        bad one; {} for JSON."""
        export = FORMATS.get(self.request.accepted_renderer.format)
        if export is None:
            return {}
        try:
            return export.options(self.request.query_params)
        except ValueError as exc:
            name = str(exc).split(":", 1)[0]
            raise ValidationError({name: [str(exc).split(": ", 1)[-1]]}) from None

    def query(self) -> ChronologyQuery:
        """The request's filters, checked; a 400 naming each bad parameter otherwise."""
        if not hasattr(self, "_query"):
            try:
                self._query = parse(self.request.query_params)
            except QueryError as exc:
                raise ValidationError(exc.errors) from None
        return self._query

    def counted(self, events) -> dict:
        """{"count": n, "count_exact": bool} when ?count=true, else {}: the filtered set's size,
        exact up to COUNT_CAP and "more than" past it (the COUNT reads at most COUNT_CAP + 1
        rows, so a million events never cost a full count)."""
        raw = self.request.query_params.get("count", "")
        try:
            wanted = StrictBooleanField(required=False).clean(raw)
        except DjangoValidationError as exc:
            raise ValidationError({"count": exc.messages}) from None
        if not wanted:
            return {}
        n = filtered(self.query(), events).order_by()[: COUNT_CAP + 1].count()
        return {"count": min(n, COUNT_CAP), "count_exact": n <= COUNT_CAP}

    def fields(self) -> tuple[str, ...] | None:
        """The entry fields fields= asks for (id always among them), or None for every field;
        a 400 naming fields for an unknown one, or for a format other than json and csv (the
        CSV's columns are read by its format: events.formats.csv_layout.csv_columns)."""
        raw = self.request.query_params.get("fields", "")
        if not raw.strip():
            return None
        fmt = self.request.accepted_renderer.format
        if fmt not in FIELDS_FORMATS:
            message = f"fields applies to format json and csv; {fmt} has a shape of its own"
            raise ValidationError({"fields": [message]})
        if fmt != "json":
            return None
        try:
            return parse_field_list(raw, valid=FIELDS, always="id")
        except ParamError as exc:
            raise ValidationError({"fields": [str(exc)]}) from None

    def get_export_title(self) -> str:
        return describe(self.query()) if self.request.query_params else "Chronology"

    def url_for(self):
        return event_url_for(self.request)

    def export(self) -> StreamingHttpResponse | None:
        """A streamed export of the whole filtered set when a format other than json is asked."""
        fmt = self.request.accepted_renderer.format
        if fmt not in FORMATS:
            return None
        export, renderer = FORMATS[fmt], self.request.accepted_renderer
        options = self.export_options()
        if self.request.query_params.get("q"):
            # A search while a bulk load has the index set aside: a 503 before the stream.
            search.ensure_index(self.get_queryset().db)
        # Counted before the first byte: a streamed body cannot carry its own headers.
        left_out = export.left_out(filtered(self.query(), self.get_queryset()), options)
        title = self.get_export_title()
        charset = f"; charset={renderer.charset}" if renderer.charset else ""
        body = export.write(
            self.query(), events=self.get_queryset(), url_for=self.url_for(), title=title, **options
        )
        response = StreamingHttpResponse(
            body,
            content_type=f"{renderer.media_type}{charset}",
        )
        response["Content-Disposition"] = export.content_disposition(title)
        if left_out is not None:
            response[LEFT_OUT_HEADER] = str(left_out)
        return response
