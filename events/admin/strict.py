"""The admin kept strict: declared filters and ids in URLs; a beaten save a message, not a 500."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.admin.views.main import ERROR_FLAG, IGNORED_PARAMS, PAGE_VAR
from django.contrib.admin.widgets import url_params_from_lookup_dict
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import DateField, IntegerField, Model
from django.http import HttpResponseRedirect

from events.params import as_id, id_or_404
from events.versioning import met_another_write


class StrictAdminInput:
    """ModelAdmin mixin: the list takes its own list filters' parameters and nothing else, and
    the history pages take ids only.

    The stock list also applies any lookup on a model field typed into its URL
    (?date_earliest__year=99999, ?headline__regex=( ), which reach SQL unchecked and fail
    there: such a parameter is dropped, with a message that names it. The history pages hand
    their URL's ids to the database as they are ("²" there was a 500): anything else is a 404.
    """

    def changelist_view(self, request, extra_context=None):
        unknown = [name for name in request.GET if not self.is_declared_filter(request, name)]
        if not unknown:
            return super().changelist_view(request, extra_context)
        kept = request.GET.copy()
        for name in unknown:
            del kept[name]
        names = ", ".join(repr(name) for name in unknown)
        self.message_user(
            request, f"This list has no filter {names}; it was left out.", messages.WARNING
        )
        return HttpResponseRedirect(f"{request.path}?{kept.urlencode()}")

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """A save the database refuses because another write came first (a name or alias
        taken meanwhile, a place deleted meanwhile) is an error message and the form again,
        never a 500: the form's checks ran before that write committed. Nothing of the save is
        kept (Django's form view runs in one transaction)."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except IntegrityError as exc:
            if request.method != "POST" or not met_another_write(exc):
                raise
            why = "a name or alias now taken, or a record this one points to deleted"
        except ValidationError as exc:
            # A rule checked again under a lock as the record is written (a name claimed).
            if request.method != "POST":
                raise
            why = " ".join(exc.messages)
        self.message_user(
            request,
            f"Nothing was saved: another change was saved while you were editing ({why}). "
            "Look at the form as it is now and save again.",
            messages.ERROR,
        )
        return HttpResponseRedirect(request.get_full_path())

    def is_declared_filter(self, request, name: str) -> bool:
        if name in IGNORED_PARAMS or name in (PAGE_VAR, ERROR_FLAG):
            return True
        for list_filter in self.get_list_filter(request):
            if isinstance(list_filter, type) and issubclass(list_filter, admin.SimpleListFilter):
                if name == list_filter.parameter_name:
                    return True
                continue
            path = list_filter[0] if isinstance(list_filter, list | tuple) else list_filter
            if name in field_filter_params(self.model, path):
                return True
        # A raw-id popup filters by the foreign key's limit_choices_to (Django allows those).
        for lookups in self.model._meta.related_fkey_lookups:
            lookups = lookups() if callable(lookups) else lookups
            if name in url_params_from_lookup_dict(lookups):
                return True
        return False

    def response_action(self, request, queryset):
        """An action's selection holds ids only: the stock admin filters by whatever was posted
        ("abc", or a number past 64 bits, was a 500)."""
        if _integer_key(self.model):
            selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
            bad = next((value for value in selected if as_id(value) is None), None)
            if bad is not None:
                self.message_user(
                    request,
                    f"The selection holds {bad[:40]!r}, which is no id: nothing was done.",
                    messages.ERROR,
                )
                return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if _integer_key(db_field.remote_field.model):
            kwargs.setdefault("form_class", IdsOnlyMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def history_view(self, request, object_id, extra_context=None):
        id_or_404(object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        id_or_404(object_id)
        id_or_404(version_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


class IdsOnlyMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several related rows by id, a value that is no id (past 64 bits: a database error in
    the stock field's `pk__in`) refused as any other invalid choice is."""

    def _check_values(self, value):
        for pk in value or ():
            if as_id(str(pk)) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


def _integer_key(model: type[Model]) -> bool:
    return isinstance(model._meta.pk, IntegerField)


def field_filter_params(model: type[Model], path: str) -> set[str]:
    """The parameters the stock list filter of the field at path sends: the related row's id
    for a foreign key, a range for a date, the value itself otherwise; and "is empty"."""
    field = get_fields_from_path(model, path)[-1]
    if field.is_relation:
        return {f"{path}__{field.target_field.name}__exact", f"{path}__isnull"}
    if isinstance(field, DateField):  # DateTimeField too.
        return {f"{path}__gte", f"{path}__lt", f"{path}__isnull"}
    return {path, f"{path}__exact", f"{path}__isnull"}


def guard_every_admin(site: admin.AdminSite) -> None:
    """Give every model admin of the site the same strict input, Django's and other apps' own
    included (users, groups, tokens, login attempts): their lists take any lookup in the URL
    too. Run once every app has registered its admins."""
    for model, model_admin in list(site._registry.items()):
        kind = type(model_admin)
        if issubclass(kind, StrictAdminInput):
            continue
        site.unregister(model)
        site.register(model, type(f"Strict{kind.__name__}", (StrictAdminInput, kind), {}))
