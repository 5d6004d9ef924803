"""Keyset pagination for DRF: page_size and an opaque cursor in; results, next, previous out."""

from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

from events import chronology
from events.api import cursors
from events.chronology.paging import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    CursorError,
    Keyset,
    Page,
    page,
)
from events.params import ParamError, parse_int

# count=true counts exactly up to this many events, then says "more than" (count_exact false).
COUNT_CAP = 10_000


class KeysetPagination(BasePagination):
    """Pages on the view's unique order (view.keyset_fields): no OFFSET and no COUNT(*), so
    every page costs what the first does, and no page skips or repeats a row however many
    share a date. There is no limit on how far one can page."""

    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    default_page_size = DEFAULT_PAGE_SIZE
    max_page_size = MAX_PAGE_SIZE

    def page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param, "").strip()
        if not raw:
            return self.default_page_size
        try:
            return parse_int(raw, minimum=1, maximum=self.max_page_size)
        except ParamError:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        f"page_size must be a whole number from 1 to {self.max_page_size}, "
                        f"not {raw!r}; follow the next links for more"
                    ]
                }
            ) from None

    def _page(self, request, make) -> list:
        self.request = request
        size = self.page_size(request)
        # The keyset position: ApiView has unwrapped a cursor that carries filters.
        cursor = cursors.unwrap(request.query_params.get(self.cursor_query_param) or "")[0] or None
        try:
            self.page = make(size, cursor)
        except CursorError as exc:
            raise ValidationError({self.cursor_query_param: [str(exc)]}) from exc
        return self.page.rows

    def paginate_queryset(self, queryset, request, view=None) -> list:
        """A page of model instances in view.keyset_fields order."""
        keyset = Keyset(queryset.model, tuple(view.keyset_fields))
        return self._page(
            request, lambda size, cursor: page(queryset, keyset, size=size, cursor=cursor)
        )

    def paginate_chronology(
        self, query: chronology.ChronologyQuery, events, request, *, url_for=None
    ) -> list[dict]:
        """A page of chronology entries (events.chronology: a fixed number of queries)."""
        return self._page(
            request,
            lambda size, cursor: chronology.page(
                query, events=events, size=size, cursor=cursor, url_for=url_for
            ),
        )

    def links(self, *positions: str | None) -> list[str | None]:
        """This request's URL with each keyset position as its cursor (None for None): what
        DRF's replace_query_param gives, the URL made absolute and its query parsed once for
        both of a page's links rather than once each."""
        if all(position is None for position in positions):
            return [None for _ in positions]
        scheme, netloc, path, query, fragment = urlsplit(self.request.build_absolute_uri())
        others = parse_qs(query, keep_blank_values=True)
        found: list[str | None] = []
        for position in positions:
            if position is None:
                found.append(None)
                continue
            carried = cursors.wrap(position, self.request.query_params)
            params = sorted({**others, self.cursor_query_param: [carried]}.items())
            query = urlencode(params, doseq=True)
            found.append(urlunsplit((scheme, netloc, path, query, fragment)))
        return found

    def envelope(self, data, **extra) -> dict:
        current: Page = self.page
        following, preceding = self.links(current.next_cursor, current.previous_cursor)
        return {"results": data, "next": following, "previous": preceding, **extra}

    def get_paginated_response(self, data, **extra) -> Response:
        """The page; extra members (count and count_exact, when asked) after the links."""
        return Response(self.envelope(data, **extra))

    def get_paginated_response_schema(self, schema: dict) -> dict:
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["results", "next", "previous"],
            "properties": {
                "results": schema,
                "next": {**link, "description": "The following page; null on the last."},
                "previous": {**link, "description": "The page before; null on the first."},
                "count": {
                    "type": "integer",
                    "description": "With count=true only: the filtered set's size, exact up "
                    f"to {COUNT_CAP:,} (count_exact true), else {COUNT_CAP:,}, meaning more.",
                },
                "count_exact": {"type": "boolean", "description": "With count=true only."},
            },
        }

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Opaque position from a next or previous link; do not build it. "
                "It carries the filters of its query: send it alone, or with the same filters.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page, 1 to {self.max_page_size} "
                f"(default {self.default_page_size}).",
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                    "default": self.default_page_size,
                },
            },
        ]
