"""JSON rendering, format negotiation and error bodies shared by every API view."""

import orjson
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, renderers
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class JSONRenderer(renderers.BaseRenderer):
    """orjson: entries are plain dicts already, so rendering is a single fast call."""

    media_type = "application/json"
    format = "json"
    charset = None  # JSON is UTF-8 by definition (RFC 8259).

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if data is None:
            return b""
        return orjson.dumps(data, default=str)


class FormatNegotiation(DefaultContentNegotiation):
    """An unknown ?format= is a 400 naming the parameter, not DRF's bare 404."""

    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except Http404:
            known = ", ".join(renderer.format for renderer in renderers)
            wanted = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
            raise exceptions.ValidationError(
                {"format": [f"unknown format {wanted!r} here; use one of {known}"]}
            ) from None


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
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        exc = exceptions.ValidationError(detail)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.ValidationError):
        response.data = {"errors": flatten_errors(response.data)}
    return response
