"""Request input read strictly: ASCII digits, column ranges, no NUL, bounded date-times."""

import re
from collections.abc import Sequence
from datetime import UTC, datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import Field
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse

__all__ = [
    "ID_PATTERN",
    "DateTimeParamField",
    "IdConverter",
    "IntegerParamField",
    "ParamError",
    "RejectNulMiddleware",
    "as_id",
    "column_range",
    "id_or_404",
    "parse_datetime",
    "parse_field_list",
    "parse_id",
    "parse_int",
    "reject_nul",
    "within_column",
]


class ParamError(ValueError):
    """A value that cannot be read; str() says what is wrong with it (the caller names where)."""


# Every id is a BigAutoField: PostgreSQL's bigint, SQLite's 64-bit INTEGER.
ID_RANGE = (1, 2**63 - 1)
# For URL patterns: the digits of an id (ASCII only; \d would take any script's digits).
ID_PATTERN = r"[0-9]+"
# Past this many digits no column holds the number; checked before int() reads a long string.
_MAX_DIGITS = 20
_INTEGER = re.compile(r"-?[0-9]+", re.ASCII)


def reject_nul(text: str) -> str:
    """The text itself; ParamError when it holds a NUL, which no text column can store."""
    if "\x00" in text:
        raise ParamError("contains a NUL character (%00), which no value may hold")
    return text


def parse_int(text: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """A whole number written in ASCII digits (an optional leading minus), within the bounds.

    "²", "٢" and "２" are refused: str.isdigit() and int() would take them.
    """
    stripped = reject_nul(text).strip()
    if not _INTEGER.fullmatch(stripped):
        raise ParamError(f"{text!r} is not a whole number (digits 0-9)")
    if len(stripped.lstrip("-")) > _MAX_DIGITS:
        raise ParamError(f"{text!r} is out of range")
    number = int(stripped)
    if minimum is not None and number < minimum:
        raise ParamError(f"{number} is below the smallest allowed value, {minimum}")
    if maximum is not None and number > maximum:
        raise ParamError(f"{number} is above the largest allowed value, {maximum}")
    return number


def parse_field_list(text: str, *, valid: Sequence[str], always: str) -> tuple[str, ...]:
    """Sparse fieldsets: the names a comma-separated list asks for, in `valid`'s order, with
    `always` among them; ParamError naming the unknown ones and listing the valid."""
    asked = {name.strip() for name in reject_nul(text).split(",") if name.strip()}
    unknown = sorted(asked - set(valid))
    if unknown:
        raise ParamError(
            f"unknown field{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}; "
            f"give a comma-separated list of {', '.join(valid)}"
        )
    return tuple(name for name in valid if name in asked or name == always)


def parse_id(text: str) -> int:
    """A record id: ASCII digits, 1 to the largest 64-bit integer."""
    return parse_int(text, minimum=ID_RANGE[0], maximum=ID_RANGE[1])


def as_id(text: str) -> int | None:
    """The id this text spells, or None when it is no id (for "slug or id" lookups)."""
    try:
        return parse_id(text)
    except ParamError:
        return None


def id_or_404(text: str | int) -> int:
    """An id from a URL; a 404 (not a 500 from the database) for anything else."""
    if isinstance(text, int) and not isinstance(text, bool):
        text = str(text)
    number = as_id(text) if isinstance(text, str) else None
    if number is None:
        raise Http404("no such id")
    return number


def column_range(field: Field) -> tuple[int, int]:
    """The values an integer column holds on every supported database: PostgreSQL's integer is
    32 bits where SQLite's holds 64, so a value answers the same on both."""
    return BaseDatabaseOperations.integer_field_ranges[field.get_internal_type()]


# ISO 8601 needs at least a date; fromisoformat() reads the rest.
_ISO_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9:.,]+)?(Z|[+-][0-9:]+)?", re.ASCII)
# An unencoded "+05:00" after a time arrives as " 05:00": the plus sign is put back.
_LOST_PLUS = re.compile(r"([T ][0-9]{2}:[0-9:.,]*) ([0-9]{2}:?[0-9]{2})$", re.ASCII)


def parse_datetime(text: str) -> datetime:
    """An ISO 8601 date or date-time as an aware UTC datetime (a date is its midnight, a time
    without an offset is UTC); ParamError unless it lies within years 1 to 9999 in UTC."""
    stripped = _LOST_PLUS.sub(r"\1+\2", reject_nul(text).strip())
    example = "e.g. 2026-11-21T10:00:00Z"
    if not _ISO_DATETIME.fullmatch(stripped):
        raise ParamError(f"{text!r} is not an ISO 8601 date or date-time ({example})")
    try:
        moment = datetime.fromisoformat(stripped)
    except ValueError:
        raise ParamError(f"{text!r} is not an ISO 8601 date or date-time ({example})") from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        # Databases store UTC; an offset beyond PostgreSQL's ±15:59 never reaches them.
        return moment.astimezone(UTC)
    except OverflowError:
        raise ParamError(f"{text!r} falls outside years 1 to 9999 in UTC") from None


def _invalid(exc: ParamError) -> ValidationError:
    # The message is a parameter, so a "%" in the value never reads as a format directive.
    return ValidationError("%(problem)s", code="invalid", params={"problem": str(exc)})


# --- Django form fields (django-filter filters and the admin's filters use them) ---------------


def within_column(kwargs: dict, column: Field | None) -> dict:
    """min_value and max_value narrowed to what the column holds."""
    if column is None:
        return kwargs
    low, high = column_range(column)
    return {
        **kwargs,
        "min_value": max(kwargs.get("min_value", low), low),
        "max_value": min(kwargs.get("max_value", high), high),
    }


class IntegerParamField(forms.IntegerField):
    """forms.IntegerField on parse_int: ASCII digits only; `column` bounds it to a model field."""

    def __init__(self, *, column: Field | None = None, **kwargs):
        super().__init__(**within_column(kwargs, column))

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_int(str(value))
        except ParamError as exc:
            raise _invalid(exc) from None


class DateTimeParamField(forms.Field):
    """An ISO 8601 date-time (parse_datetime)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value
        try:
            return parse_datetime(str(value))
        except ParamError as exc:
            raise _invalid(exc) from None


# --- URLs -------------------------------------------------------------------------------------


class IdConverter:
    """<id:pk>: an id in ASCII digits within the 64-bit range; anything else is a 404."""

    regex = ID_PATTERN

    def to_python(self, value: str) -> int:
        return parse_id(value)  # ParamError is a ValueError: the pattern then does not match.

    def to_url(self, value: int) -> str:
        return str(value)


class RejectNulMiddleware:
    """A NUL in the path or in any query or form parameter is a 400 naming where it is, for
    every page, API endpoint and admin view alike: PostgreSQL refuses NUL in text, so such a
    value would otherwise reach the database and fail there."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        where = self.find_nul(request)
        if where is None:
            return self.get_response(request)
        message = "contains a NUL character (%00), which no value may hold"
        if request.path_info.startswith(reverse("api:api-root")):
            return JsonResponse({"errors": {where: [message]}}, status=400)
        named = "The address" if where == "path" else f"The parameter {where!r}"
        return HttpResponse(f"{named} {message}.", status=400, content_type="text/plain")

    @staticmethod
    def find_nul(request: HttpRequest) -> str | None:
        """Where the request holds a NUL: "path", a parameter's name, or None."""
        if "\x00" in request.path_info:
            return "path"
        params = [request.GET]
        # Only urlencoded bodies: parsing a multipart upload here would fix its handlers early.
        if request.content_type == "application/x-www-form-urlencoded":
            params.append(request.POST)
        for query in params:
            for name, values in query.lists():
                if "\x00" in name or any("\x00" in value for value in values):
                    return name.replace("\x00", "\\x00")
        return None
