"""JSON rendering, format negotiation and error bodies shared by every API view."""

import logging

import orjson
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, parsers, renderers
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from events import search
from events.versioning import met_another_write

logger = logging.getLogger(__name__)


class JSONRenderer(renderers.BaseRenderer):
    """orjson: entries are plain dicts already, so rendering is a single fast call."""

    media_type = "application/json"
    format = "json"
    charset = None  # JSON is UTF-8 by definition (RFC 8259).

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if data is None:
            return b""
        return orjson.dumps(data, default=str)


class JSONParser(parsers.JSONParser):
    """DRF's parser, with a body nested deeper than Python's recursion limit refused as a 400
    like any other malformed body (the json module raises RecursionError, not ValueError)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(
                "JSON parse error - the body is nested too deeply"
            ) from None


class FormatNegotiation(DefaultContentNegotiation):
    """?format= wins over Accept; Accept alone picks among the view's renderers.

    A client that names a format has said what it wants: TimelineJS, a spreadsheet or a
    generated client sends `Accept: application/json` (or a list of its own) whatever URL it
    is given, and `?format=timelinejs` must still answer TimelineJS's JSON. An unknown
    ?format= is a 400 naming the parameter (not DRF's bare 404); an Accept header that no
    renderer can answer is a 406 in the API's error shape, naming what it can answer.
    """

    def select_renderer(self, request, renderers, format_suffix=None):
        wanted = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        if wanted:
            chosen = self.filter_renderers(renderers, wanted)
            return chosen[0], chosen[0].media_type
        return super().select_renderer(request, renderers, format_suffix)

    def filter_renderers(self, renderers, format):
        chosen = [renderer for renderer in renderers if renderer.format == format]
        if not chosen:
            known = ", ".join(renderer.format for renderer in renderers)
            raise exceptions.ValidationError(
                {"format": [f"unknown format {format!r} here; use one of {known}"]}
            )
        return chosen


def not_acceptable_message(renderers) -> str:
    types = ", ".join(dict.fromkeys(renderer.media_type for renderer in renderers))
    formats = ", ".join(renderer.format for renderer in renderers)
    return (
        f"nothing here can be sent as the Accept header asks; this endpoint answers {types} "
        f"(or name one with ?format=: {formats})"
    )


class NotModified(exceptions.APIException):
    """A conditional GET whose ETag or Last-Modified still holds: 304, no body."""

    status_code = 304
    default_detail = ""


def flatten_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"sources[1].excerpt": ["..."]}: one level, named paths."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for name, value in detail.items():
            if isinstance(name, int):  # A ListSerializer's errors, keyed by position.
                path = f"{prefix}[{name}]"
            else:
                path = f"{prefix}.{name}" if prefix else str(name)
            flat.update(flatten_errors(value, path))
        return flat
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return {prefix or "non_field_errors": [str(item) for item in detail]} if detail else {}
        flat = {}
        for position, item in enumerate(detail):
            flat.update(flatten_errors(item, f"{prefix}[{position}]"))
        return flat
    return {prefix or "non_field_errors": [str(detail)]}


def exception_handler(exc, context):
    """DRF's handler, plus: Django ValidationErrors become 400s, every 400 body is
    {"errors": {"<parameter or field>": ["message", ...]}}, and NotModified is an empty 304."""
    if isinstance(exc, NotModified):
        return Response(status=304)
    if search.index_missing(exc):
        retry = {"Retry-After": str(search.REBUILDING_RETRY)}
        return Response({"errors": {"q": [search.REBUILDING]}}, status=503, headers=retry)
    if met_another_write(exc):
        # A write that passed every check and then met another's at commit (a row it refers
        # to deleted meanwhile): nothing was written; the client reads again and retries.
        logger.warning("write refused by the database at commit", exc_info=exc)
        message = (
            "Another change was committed first and this one no longer fits; nothing was "
            "written: read the record again and retry."
        )
        return Response({"errors": {"non_field_errors": [message]}}, status=409)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        exc = exceptions.ValidationError(detail)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"errors": flatten_errors(response.data)}
    elif isinstance(exc, exceptions.NotAcceptable):
        view = context.get("view")
        renderers = view.get_renderers() if view is not None else []
        response.data = {"errors": {"Accept": [not_acceptable_message(renderers)]}}
    elif isinstance(response.data, dict) and "detail" in response.data:
        # 401, 403, 404, 405, 429: the same {"errors": {...}} shape, "detail" kept beside it.
        response.data = {**response.data, "errors": {"detail": [str(response.data["detail"])]}}
    return response
