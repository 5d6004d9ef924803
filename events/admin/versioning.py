"""Change forms that carry their record's version: a stale save is refused, explained from the
history, and shown again with the editor's own changes kept, ready to save against the new one.

Each tracked field also carries the value the editor loaded (Django's show_hidden_initial), so
"what did this editor change?" is answered exactly, for the record and for every inline row.
"""

from django import forms
from django.contrib.admin import helpers
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models, router, transaction
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import mark_safe
from django.utils.text import capfirst
from simple_history.admin import SimpleHistoryAdmin

from events.text import normalise_newlines
from events.versioning import changes_since

STALE_INTRO = (
    "Someone saved this {label} after you opened this form (it is at version {current} now, "
    "your form was at version {read}). Nothing was saved. Your own changes are kept below; "
    "the fields you did not touch now show the saved values. Check them, then save again."
)


def tracked_fields(form: forms.BaseForm) -> list[str]:
    """The form's fields that edit a model field (not the version, ids, DELETE or extras)."""
    model_fields = {f.name for f in form._meta.model._meta.concrete_fields if f.editable}
    pk = form._meta.model._meta.pk.name
    return [name for name in form.fields if name in model_fields and name != pk]


def _as_data(field: forms.Field, value) -> str | None:
    """A model value as a browser would post it for this form field (None: leave it out)."""
    if isinstance(field, forms.BooleanField):
        return "on" if value else None
    value = field.prepare_value(value)
    return "" if value is None else str(value)


def _as_hidden(value) -> str:
    """A model value as its hidden initial input holds it."""
    return "" if value is None else str(value)


def _loaded_differs(posted: str | None, value) -> bool:
    return normalise_newlines(posted or "") != _as_hidden(value)


def _refresh(form: forms.BaseForm, data, current: dict, *, conflicts: bool) -> None:
    """Put the current values into data for the fields this editor did not change, and into
    every hidden initial; note a conflict on each field both this editor and another changed."""
    changed = set(form.changed_data)
    for name in tracked_fields(form):
        if name not in current:
            continue
        field, value = form.fields[name], current[name]
        initial_name = form.add_initial_prefix(name)
        loaded = data.get(initial_name)
        data[initial_name] = _as_hidden(value)
        if name in changed:
            if conflicts and _loaded_differs(loaded, value):
                form.add_error(
                    name,
                    f"Also changed by someone else since you opened the form: it is now "
                    f"{_shown(field, value)}. Your value is kept here: check it.",
                )
            continue
        posted = _as_data(field, value)
        if posted is None:
            data.pop(form.add_prefix(name), None)
        else:
            data[form.add_prefix(name)] = posted


def _shown(field: forms.Field, value) -> str:
    if value in (None, ""):
        return "empty"
    if isinstance(field, forms.ModelChoiceField):
        found = field.queryset.filter(pk=value).first()
        value = found if found is not None else value
    text = str(value)
    return f"“{text[:80]}…”" if len(text) > 80 else f"“{text}”"


def gone_targets(record, names) -> dict[str, str]:
    """The foreign keys among names whose target in this historical record no longer exists
    (merged or deleted), each with a sentence saying which one it was."""
    gone = {}
    for field in record.instance_type._meta.concrete_fields:
        value = getattr(record, field.attname, None)
        if not field.is_relation or field.name not in names or value is None:
            continue
        target = field.related_model
        if target._base_manager.filter(**{field.target_field.attname: value}).exists():
            continue
        what = target._meta.verbose_name
        known = _last_known_name(target, field.target_field.attname, value)
        gone[field.name] = (
            f"{capfirst(field.verbose_name)}: the {what} this version had "
            f"(id {value}{f', “{known}”' if known else ''}) no longer exists — it was merged or "
            f"deleted; choose one."
        )
    return gone


def _last_known_name(model, attname: str, value) -> str:
    """What the history last called a deleted object ("" when it keeps no history of it)."""
    history = getattr(model, "history", None)
    if history is None:
        return ""
    last = history.filter(**{attname: value}).order_by("-history_date", "-history_id").first()
    if last is None:
        return ""
    try:
        return str(last.instance)[:80]
    except ObjectDoesNotExist:  # Its name reads another object that is gone too.
        return ""


def _values(instance: models.Model, names) -> dict:
    fields = {f.name: f for f in instance._meta.concrete_fields}
    return {name: fields[name].value_from_object(instance) for name in names if name in fields}


class VersionedForm(forms.ModelForm):
    """A ModelForm for a VersionedModel: carries the version it was loaded at (hidden) and what
    each field held then; saving against an older version is refused (see full_clean)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    # Off for the history "Revert" form: there the loaded values are an old version's, and
    # what a revert changes is measured against the record as it is.
    track_loaded = True
    # Also for the "Revert" form: the old version's foreign keys whose target is gone, with
    # what to say; the editor must choose a value for each (see _refuse_gone).
    gone: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stale = None
        if self.instance.pk is not None:
            self.initial["version"] = self.instance.version
        if self.track_loaded:
            for name in tracked_fields(self):
                self.fields[name].show_hidden_initial = True

    def full_clean(self):
        # The instance was read under a lock (VersionedAdmin.get_object): its values now are
        # the current ones, before validation copies the posted values onto it.
        adding = self.instance._state.adding
        current = None if adding else _values(self.instance, tracked_fields(self))
        current_version = None if adding else self.instance.version
        super().full_clean()
        self._refuse_gone()
        if adding or not self.is_bound:
            return
        read = self._raw_version()
        if read == current_version:
            return
        self.stale = read
        label = self.instance._meta.verbose_name
        lines = [STALE_INTRO.format(label=label, current=current_version, read=read or "unknown")]
        if read is not None:
            lines += [change.describe() for change in self.changes_since(read)]
        self.data = self.data.copy()
        if self.track_loaded:
            _refresh(self, self.data, current, conflicts=True)
        self.data["version"] = str(current_version)
        self.add_error(None, lines)

    def _refuse_gone(self) -> None:
        """Say which of the old version's references are gone; refuse them left blank. Shown
        on the unbound form too, so the editor sees it before saving."""
        for name, message in self.gone.items():
            if name not in self.fields:
                continue
            if self.is_bound and self[name].data not in self.fields[name].empty_values:
                continue  # A value the editor chose: the field's own validation judges it.
            # Set, not added: it replaces "This field is required." with what was there, and
            # an unbound form (the GET) has no cleaned_data for add_error to update.
            self._errors[name] = self.error_class([message], renderer=self.renderer)
            getattr(self, "cleaned_data", {}).pop(name, None)

    def _raw_version(self) -> int | None:
        raw = self.data.get(self.add_prefix("version"), "")
        return int(raw) if raw.isascii() and raw.isdigit() else None

    def changes_since(self, version: int):
        """What the history records since version: who saved, when, which fields."""
        return changes_since(self.instance, version)


class TrackedInlineFormSet(BaseInlineFormSet):
    """Inline rows that carry the values the editor loaded, like VersionedForm's fields."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for name in tracked_fields(form):
            if name != self.fk.name:
                form.fields[name].show_hidden_initial = True

    def refresh(self) -> None:
        """After a stale save: the rows' current values wherever this editor changed nothing."""
        data = self.data.copy()
        rows = {
            row.pk: row
            for row in self.model._base_manager.filter(
                pk__in=[form.instance.pk for form in self.initial_forms if form.instance.pk]
            )
        }
        for form in self.forms:
            row = rows.get(form.instance.pk) if form.instance.pk else None
            if row is not None:
                _refresh(form, data, _values(row, tracked_fields(form)), conflicts=False)
        self.data = data
        for form in self.forms:
            form.data = data


class VersionedAdmin(SimpleHistoryAdmin):
    """The admin of a VersionedModel: its change form carries the version; a POST reads the
    record under a lock, refuses a stale form, writes the record after its inlines and only
    when something changed; a history revert is an edit like any other."""

    form = VersionedForm

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if "version" in flatten_fieldsets(fieldsets):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], "version"]}), *rest]

    def get_exclude(self, request, obj=None):
        # The form's own hidden "version" field stands in for the model's (not editable), which
        # Django would refuse to build a form field for.
        return [*(super().get_exclude(request, obj) or []), "version"]

    def lock(self, request, queryset):
        """On a POST inside the change view's transaction, read the row under a lock."""
        if request.method == "POST" and transaction.get_connection(queryset.db).in_atomic_block:
            features = transaction.get_connection(queryset.db).features
            if features.has_select_for_update_of:
                return queryset.select_for_update(of=("self",))
            return queryset.select_for_update()
        return queryset

    def get_object(self, request, object_id, from_field=None):
        queryset = self.lock(request, self.get_queryset(request))
        field = self.opts.pk if from_field is None else self.opts.get_field(from_field)
        try:
            return queryset.get(**{field.name: field.to_python(object_id)})
        except (self.model.DoesNotExist, forms.ValidationError, ValueError):
            return None

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
        # A change is written by save_related, after its inlines (see save_change).

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change:
            self.save_change(request, form.instance, form, formsets)

    def has_changes(self, request, form, formsets) -> bool:
        return form.has_changed() or any(formset.has_changed() for formset in formsets)

    def save_change(self, request, obj, form, formsets) -> None:
        """Write a changed record, moving its version on; an untouched form writes nothing, so
        it leaves no history record. Inline changes alone move the version on too."""
        if not self.has_changes(request, form, formsets):
            return
        obj._history_user = request.user
        obj.save()

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        if getattr(form, "stale", None) is not None:
            for inline in context.get("inline_admin_formsets", []):
                if isinstance(inline.formset, TrackedInlineFormSet):
                    inline.formset.refresh()
        return super().render_change_form(request, context, add, change, form_url, obj)

    # -- history revert: an edit of the content fields, checked like any other ----------------

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """Show an older version in the change form, and save it back as an edit.

        django-simple-history's own view saves the old record whole, status and version
        included: an editor could re-publish a retracted event by reverting it. Here the form
        is the change form with the old content in it, over the record as it is now: saving
        goes through the same permission, validation and version checks as an edit, and the
        status, version and every other field outside the form stay as they are.
        """
        request.current_app = self.admin_site.name
        history = self.model.history.model
        record = get_object_or_404(
            history, **{self.opts.pk.attname: unquote(object_id), "history_id": version_id}
        )
        with transaction.atomic(using=router.db_for_write(self.model)):
            current = self.get_object(request, unquote(object_id))
            if current is None:
                raise Http404("Only a record that still exists can be reverted.")
            if not self.has_view_history_or_change_history_permission(request, current):
                raise PermissionDenied
            may_revert = self.has_change_permission(request, current) and not (
                self.revert_disabled(request, current)
            )
            form_class = self.get_form(request, current, change=True)
            form_class.track_loaded = False
            form_class.gone = gone_targets(record, form_class.base_fields)
            if request.method == "POST":
                if not may_revert:
                    raise PermissionDenied
                form = form_class(request.POST, request.FILES, instance=current)
                if form.is_valid():
                    obj = self.save_form(request, form, change=True)
                    obj._change_reason = (
                        f"reverted to the version of {record.history_date:%d %b %Y %H:%M}"
                    )
                    self.save_change(request, obj, form, [])
                    self.log_change(request, obj, self.construct_change_message(request, form, []))
                    return self.response_change(request, obj)
            else:
                form = form_class(instance=self._shown_for_revert(current, record, form_class))
            return self._render_revert(request, object_id, current, form, extra_context)

    def _shown_for_revert(self, current, record, form_class):
        """The old version's content over the record as it is (status, version, …); a
        reference whose target is gone is shown empty, for the editor to choose."""
        shown = record.instance
        for field in self.model._meta.concrete_fields:
            if field.name not in form_class.base_fields or not field.editable:
                setattr(shown, field.attname, getattr(current, field.attname))
            elif field.name in form_class.gone:
                setattr(shown, field.attname, None)
        shown._state.adding, shown._state.db = False, current._state.db
        return shown

    def _render_revert(self, request, object_id, obj, form, extra_context):
        # The context of django-simple-history's history_form_view, for its template.
        opts = self.model._meta
        fieldsets = self.get_fieldsets(request, obj)
        readonly = self.get_readonly_fields(request, obj)
        may_change = self.has_change_permission(request, obj)
        if not may_change:
            # Shown, not editable: the form then holds none of the record's fields.
            readonly = [name for name in flatten_fieldsets(fieldsets) if name != "version"]
        admin_form = helpers.AdminForm(
            form, fieldsets, self.prepopulated_fields, readonly, model_admin=self
        )
        prefix = f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}"
        errors = helpers.AdminErrorList(form, [])
        if may_change and not form.is_bound:
            # Django lists a bound form's errors only; an unbound revert form has some when
            # the old version refers to something gone, and the page should open saying so.
            errors.extend(form.errors.values())
        context = {
            "title": self.history_form_view_title(request, obj),
            "adminform": admin_form,
            "object_id": object_id,
            "original": obj,
            "is_popup": False,
            "media": mark_safe(self.media + admin_form.media),
            "errors": errors,
            "app_label": opts.app_label,
            "original_opts": opts,
            "changelist_url": reverse(f"{prefix}_changelist"),
            "change_url": reverse(f"{prefix}_change", args=(obj.pk,)),
            "history_url": reverse(f"{prefix}_history", args=(obj.pk,)),
            "change_history": False,
            "revert_disabled": self.revert_disabled(request, obj),
            "add": False,
            "change": True,
            "has_add_permission": self.has_add_permission(request),
            "has_view_permission": self.has_view_history_permission(request, obj),
            "has_change_permission": self.has_change_history_permission(request, obj),
            "has_delete_permission": self.has_delete_permission(request, obj),
            "has_file_field": True,
            "has_absolute_url": False,
            "form_url": "",
            "opts": self.model.history.model._meta,
            "content_type_id": self.content_type_model_cls.objects.get_for_model(self.model).id,
            "save_as": self.save_as,
            "save_on_top": self.save_on_top,
            "root_path": getattr(self.admin_site, "root_path", None),
        }
        context.update(self.admin_site.each_context(request))
        context.update(extra_context or {})
        return self.render_history_view(request, self.object_history_form_template, context)
