"""The summary endpoint: counts and fatality sums per group (events.chronology.summary)."""

import csv
import io

from django.core.cache import cache
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer
from rest_framework.response import Response

from events.api import docs
from events.api.base import READ_ONLY, ChronologyView
from events.api.negotiation import JSONRenderer
from events.api.serializers import SummarySerializer
from events.chronology.summary import BY, COLUMNS, MONTH_COLUMNS, columns, summary, table_rows
from events.models import Event

# As the histogram's: bounds how long a write that bypasses save() can leave sums stale.
SUMMARY_CACHE_SECONDS = 300

CSV_DESCRIPTION = (
    "RFC 4180 CSV with a header row, one row per group in the JSON's order: "
    + ", ".join(name for name, _ in COLUMNS)
    + "; by=month adds "
    + ", ".join(name for name, _ in MONTH_COLUMNS)
    + ". An empty cell is unknown (or the null group's key and name)."
)


class SummaryCSVRenderer(BaseRenderer):
    """The groups as a table (columns(by)); any other body (an error) as JSON."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if not isinstance(data, dict) or "groups" not in data:
            return JSONRenderer().render(data)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(columns(data["by"]))
        writer.writerows(table_rows(data))
        return buffer.getvalue().encode("utf-8")


@extend_schema(
    summary="Event counts and fatality sums per actor, place, admin 1 area, type or month",
    description=docs.SUMMARY,
    filters=True,
    parameters=[OpenApiParameter("by", str, enum=list(BY), required=True)],
    responses={
        (200, "application/json"): SummarySerializer,
        (200, "text/csv"): OpenApiResponse(
            response={"type": "string", "description": CSV_DESCRIPTION}
        ),
    },
)
class SummaryView(ChronologyView, GenericAPIView):
    permission_classes = [AllowAny]
    http_method_names = READ_ONLY
    renderer_classes = [JSONRenderer, SummaryCSVRenderer]
    pagination_class = None
    extra_query_params = ("by",)

    def get_queryset(self):
        # Published only, as events.chronology.summary reads them; it groups in SQL.
        return Event.objects.published()

    def get(self, request, *args, **kwargs):
        by = request.query_params.get("by", "")
        if by not in BY:
            problem = f"unknown by {by!r}" if by else "by is required"
            raise ValidationError({"by": [f"{problem}; use one of {', '.join(BY)}"]})
        query = self.query()
        # Keyed by the ETag (the data's version, the URL, the audience and the media type):
        # a dashboard's repeated summary is not recomputed until the data changes.
        key = f"summary:{self.etag}"
        result = cache.get(key)
        if result is None:
            result = summary(query, by=by)
            cache.set(key, result, SUMMARY_CACHE_SECONDS)
        response = Response(result)
        if request.accepted_renderer.format == "csv":
            response["Content-Disposition"] = f'inline; filename="summary-by-{by}.csv"'
        return response
