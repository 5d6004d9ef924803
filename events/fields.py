"""Text fields stored normalised on every write path: line endings as '\\n', NUL refused."""

from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.db import models

from events.text import normalise_newlines
from events.validators import NUL_MESSAGE, validate_text


class NormalisedFormField(forms.CharField):
    """A form's text box whose value is compared and saved as stored: a textarea posts '\\r\\n',
    so without this an untouched form would count as changed."""

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_newlines(value) if isinstance(value, str) else value


class _Normalised:
    """Normalises in to_python (full_clean, forms) and in pre_save (save(), bulk_create), so
    no writer that goes through the ORM can store '\\r' or a NUL."""

    default_validators = [ProhibitNullCharactersValidator(message=NUL_MESSAGE)]

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_newlines(value) if isinstance(value, str) else value

    def pre_save(self, model_instance, add):
        value = super().pre_save(model_instance, add)
        if not isinstance(value, str):
            return value
        validate_text(value, field=self.name)
        normalised = normalise_newlines(value)
        if normalised is not value:
            setattr(model_instance, self.attname, normalised)
        return normalised

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": NormalisedFormField, **kwargs})


# Migrations record the plain Django field: the behaviour is Python's only and the column is
# the same, so switching a field to these classes alters no table (SQLite would rebuild each).


class NormalisedCharField(_Normalised, models.CharField):
    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs


class NormalisedTextField(_Normalised, models.TextField):
    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.TextField", args, kwargs
