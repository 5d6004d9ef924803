"""Autocomplete widgets that label their current value from an object the form already holds."""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db.models import IntegerField

from events.params import as_id


class PreloadedAutocompleteSelect(AutocompleteSelect):
    """An AutocompleteSelect that shows its selected object without fetching it again.

    The stock widget runs one query per render to label its value: one per inline row on the
    event form. When the form's instance already holds the object (select_related), the form
    hands it over in `preloaded`, and it is used if it is still the selected value.
    """

    preloaded = None

    def optgroups(self, name, value, attr=None):
        # A form shown again with its errors hands back what was posted: the stock widget looks
        # each value up, and one that is no id ("abc", or past 64 bits) failed in the database
        # (a 500) after the field had already said it is no valid choice. Only ids are labelled.
        value = [v for v in value if _an_id(self.field.target_field, v)]
        selected = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        obj = self.preloaded
        if obj is None or selected != [str(obj.pk)]:
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required:
            options.append(self.create_option(name, "", "", False, 0))
        label = self.choices.field.label_from_instance(obj)
        options.append(self.create_option(name, obj.pk, label, True, len(options)))
        return [(None, options, 0)]


def _an_id(field, value) -> bool:
    """Whether value is one the related model's key can hold: a key the database can look up
    (an integer key as events.params reads an id, anything else as the field reads it)."""
    if value is None or str(value) == "":
        return True
    if isinstance(field, IntegerField):
        return as_id(str(value)) is not None
    try:
        field.to_python(value)
    except (ValueError, TypeError, ValidationError):
        return False
    return True


class PreloadedAutocompleteAdmin:
    """ModelAdmin/inline mixin: its autocomplete_fields use PreloadedAutocompleteSelect."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = PreloadedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class PreloadedChoicesForm(forms.ModelForm):
    """Hands the related objects its instance already loaded to its autocomplete widgets."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        loaded = self.instance._state.fields_cache
        for name, field in self.fields.items():
            # Admin wraps the widget (add/change links) in RelatedFieldWidgetWrapper.
            widget = getattr(field.widget, "widget", field.widget)
            if isinstance(widget, PreloadedAutocompleteSelect) and loaded.get(name) is not None:
                widget.preloaded = loaded[name]
