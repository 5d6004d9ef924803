"""DRF renderers for the export formats: negotiation by ?format= or Accept, bytes from FORMATS."""

from collections.abc import Mapping, Sequence
from typing import Any

import orjson
from rest_framework.renderers import BaseRenderer

from events.formats import FORMATS, LEFT_OUT_HEADER

DEFAULT_TITLE = "Chronology"
ERROR_MEDIA_TYPE = "application/json"


class ExportRenderer(BaseRenderer):
    """Renders a non-streamed response (a page, an event detail) with FORMATS[format].stream.

    Accepts an envelope {"results": [...], "title"?: str}, a list of entries or one entry. An
    error body ({"errors": {...}}, {"detail": ...}) or any other data is written as JSON with a
    JSON Content-Type, never as a broken export. The title comes from the envelope's "title",
    else the view's get_export_title(), else "Chronology".
    """

    format = ""
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        context = renderer_context or {}
        response = context.get("response")
        if data is None:
            return b""
        entries = _entries(data)
        failed = response is not None and response.status_code >= 400
        if entries is None or failed:
            if response is not None:
                # Replaces the export type DRF set before calling us: the body is JSON.
                response["Content-Type"] = ERROR_MEDIA_TYPE
            return orjson.dumps(data, default=str)
        title = _title(data, context.get("view"))
        export = FORMATS[self.format]
        if response is not None and not response.has_header("Content-Disposition"):
            response["Content-Disposition"] = export.content_disposition(title)
        request = context.get("request")
        try:
            options = export.options(request.query_params if request is not None else {})
        except ValueError:
            options = {}  # The view has checked its parameters already.
        tally: dict = {}
        if "include_unmapped" in options:  # The dataset layouts count what they leave out.
            options["tally"] = tally
        if getattr(context.get("view"), "exports_stored_events", False):
            # Entries of stored events get what the format's steps add (Format.stored).
            entries = export.stored(entries)
        body = b"".join(export.stream(entries, title=title, **options))
        if response is not None and "left_out" in tally and not options.get("include_unmapped"):
            response[LEFT_OUT_HEADER] = str(tally["left_out"])
        return body


class CSVRenderer(ExportRenderer):
    media_type = "text/csv"
    format = "csv"


class GeoJSONRenderer(ExportRenderer):
    media_type = "application/geo+json"
    format = "geojson"
    charset = None  # RFC 7946 / RFC 8259: JSON is UTF-8 and defines no charset parameter.


class TimelineJSRenderer(ExportRenderer):
    # Not application/json, which the plain JSON renderer answers in Accept negotiation.
    media_type = "application/vnd.timelinejs+json"
    format = "timelinejs"
    charset = None


class ICSRenderer(ExportRenderer):
    media_type = "text/calendar"
    format = "ics"


class ACLEDRenderer(ExportRenderer):
    # text/csv too: after CSVRenderer, so an Accept header alone still gets the plain CSV.
    media_type = "text/csv"
    format = "acled"


class UCDPRenderer(ExportRenderer):
    media_type = "text/csv"
    format = "ucdp"


EXPORT_RENDERERS = [
    CSVRenderer,
    GeoJSONRenderer,
    TimelineJSRenderer,
    ICSRenderer,
    ACLEDRenderer,
    UCDPRenderer,
]


def _entries(data: Any) -> Sequence[Mapping[str, Any]] | None:
    """The entries the data holds, or None when it is not a chronology (an error body)."""
    if isinstance(data, Mapping):
        if isinstance(data.get("results"), list | tuple):
            data = data["results"]
        elif _is_entry(data):
            return [data]
        else:
            return None
    if isinstance(data, list | tuple) and all(_is_entry(item) for item in data):
        return data
    return None


def _is_entry(item: Any) -> bool:
    return (
        isinstance(item, Mapping) and "headline" in item and isinstance(item.get("date"), Mapping)
    )


def _title(data: Any, view: Any) -> str:
    if isinstance(data, Mapping) and isinstance(data.get("title"), str) and data["title"]:
        return data["title"]
    get_title = getattr(view, "get_export_title", None)
    if callable(get_title):
        title = get_title()
        if title:
            return str(title)
    return DEFAULT_TITLE
