"""The API's request input: JSON bodies and filter errors read as events.params reads them."""

from django.db.models import Field
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers
from rest_framework.exceptions import ValidationError as ApiValidationError

from events.params import ParamError, as_id, parse_int, within_column


class IntegerInput(serializers.IntegerField):
    """A whole number from JSON or a form: a JSON integer or ASCII digits, never true/false or
    another script's digits; `column` bounds it to a model field."""

    def __init__(self, *, column: Field | None = None, **kwargs):
        super().__init__(**within_column(kwargs, column))

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        if isinstance(data, float) and data.is_integer():
            data = int(data)
        if isinstance(data, int):
            return data
        if not isinstance(data, str):
            self.fail("invalid")
        try:
            return parse_int(data)
        except ParamError as exc:
            raise serializers.ValidationError(str(exc)) from None


class IdRelatedField(serializers.PrimaryKeyRelatedField):
    """PrimaryKeyRelatedField that reads the id with parse_id: "٢" is not record 2."""

    def to_internal_value(self, data):
        if isinstance(data, int) and not isinstance(data, bool):
            data = str(data)
        if not isinstance(data, str) or as_id(data) is None:
            raise serializers.ValidationError(f"{data!r} is not an id (a whole number from 1)")
        return super().to_internal_value(as_id(data))


class DateInput(serializers.DateField):
    """YYYY-MM-DD in ASCII digits (Django's fallback parser reads any script's digits)."""

    def to_internal_value(self, value):
        if isinstance(value, str) and not value.isascii():
            self.fail("invalid", format="YYYY-MM-DD")
        return super().to_internal_value(value)


class FilterBackend(DjangoFilterBackend):
    """DjangoFilterBackend whose 400 keeps each message as the form renders it: the stock one
    formats every message with %, so a "%" in the echoed value was a 500."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid() and self.raise_exception:
            raise ApiValidationError(
                {name: list(messages) for name, messages in filterset.errors.items()}
            )
        return filterset.qs
