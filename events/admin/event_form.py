"""The event's change form: the When box, its inlines and what changed since a version."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from events import dates
from events.admin.event_workflow import allowed_transitions, link_history
from events.admin.versioning import (
    TrackedInlineFormSet,
    VersionedForm,
)
from events.admin.widgets import PreloadedAutocompleteAdmin, PreloadedChoicesForm
from events.models import (
    Event,
    EventActor,
    EventRelation,
    EventSource,
)
from events.validators import (
    REPEATED_CITATION,
    repeated_citations,
    validate_event_dates,
    validate_published_sources,
)

WHEN_HELP = (
    "Type the date as the source gives it: 2016, 2016-09, 2016-09-04, 2016-08-01/2016-08-10, "
    "2016-08~ (approximate), or a phrase such as 'on Sunday', 'early August', 'some 10 days ago', "
    "resolved against the reference date. It fills the fields below; leave it empty to edit them."
)


class EventActorInline(PreloadedAutocompleteAdmin, admin.TabularInline):
    model = EventActor
    form = PreloadedChoicesForm
    formset = TrackedInlineFormSet
    extra = 0
    autocomplete_fields = ["actor"]
    fields = ["actor", "role", "kind"]

    def get_queryset(self, request):
        # str() of a link, shown above each row, reads its actor.
        return super().get_queryset(request).select_related("actor")


class EventSourceForm(PreloadedChoicesForm):
    class Meta:
        model = EventSource
        fields = ["article", "excerpt", "attributed_to", "date_phrase", "excerpt_start"]
        widgets = {"excerpt": forms.Textarea(attrs={"rows": 3, "cols": 60})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Verbatim: a space the article holds at the excerpt's end stays, as through the API.
        self.fields["excerpt"].strip = False


class EventSourceFormSet(TrackedInlineFormSet):
    """An event's sources: a published event (or one this save publishes) keeps at least one."""

    def clean(self):
        super().clean()
        target = getattr(self.instance, "target_status", None) or self.instance.status
        kept = [
            form
            for form in self.forms
            if form.cleaned_data and not (self.can_delete and form.cleaned_data.get("DELETE"))
        ]
        citations = [
            (
                getattr(form.cleaned_data.get("article"), "pk", None),
                form.cleaned_data.get("excerpt") or "",
                form.cleaned_data.get("attributed_to") or "",
            )
            for form in kept
        ]
        for position in repeated_citations(citations):
            kept[position].add_error("excerpt", REPEATED_CITATION)
        try:
            validate_published_sources(target, len(kept))
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["sources"]) from None


class EventSourceInline(PreloadedAutocompleteAdmin, admin.StackedInline):
    model = EventSource
    form = EventSourceForm
    formset = EventSourceFormSet
    extra = 0
    autocomplete_fields = ["article"]

    def get_queryset(self, request):
        # str() of a source, shown above each row, reads its article.
        return super().get_queryset(request).select_related("article")


class EventRelationInline(PreloadedAutocompleteAdmin, admin.TabularInline):
    model = EventRelation
    form = PreloadedChoicesForm
    formset = TrackedInlineFormSet
    fk_name = "from_event"
    extra = 0
    autocomplete_fields = ["to_event"]
    verbose_name = "link to another event"
    verbose_name_plural = "links to other events"

    def get_queryset(self, request):
        # The linked event labels its autocomplete widget.
        return super().get_queryset(request).select_related("to_event")


# Stands for the primary key in the change URL reversed once per page.


class EventAdminForm(VersionedForm, PreloadedChoicesForm):
    # Set per request by EventAdmin.get_form: who saves, and the workflow button pressed.
    user = None
    requested_status: str | None = None

    when = forms.CharField(required=False, label="When", help_text=WHEN_HELP)
    when_reference = forms.DateField(
        required=False,
        label="Reference date",
        help_text="The publication date of the article the phrase comes from (YYYY-MM-DD).",
    )

    class Meta:
        model = Event
        fields = list(Event.OWN_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The "When" box can fill these, so the form only insists on them when it is empty.
        for name in ("date_earliest", "date_latest", "date_precision"):
            if name in self.fields:
                self.fields[name].required = False

    def clean(self):
        cleaned = super().clean()
        when = (cleaned.get("when") or "").strip()
        if when:
            try:
                fuzzy = dates.parse_date_input(when, reference=cleaned.get("when_reference"))
                validate_event_dates(fuzzy.earliest, fuzzy.latest, fields=("when", "when"))
            except dates.DateError as exc:
                raise ValidationError({"when": str(exc)}) from exc
            cleaned.update(
                date_earliest=fuzzy.earliest,
                date_latest=fuzzy.latest,
                date_precision=fuzzy.precision.value,
                date_approximate=fuzzy.approximate,
                date_display=fuzzy.display,
            )
            self.instance.set_date(fuzzy)
        else:
            for name in ("date_earliest", "date_latest", "date_precision"):
                if not cleaned.get(name) and name in self.fields:
                    self.add_error(name, "Give this date field, or fill in “When” above.")
        self._check_requested_status()
        return cleaned

    def _check_requested_status(self) -> None:
        """A workflow button ("Save and publish") must be one this user may press now."""
        to_status = self.requested_status
        if not to_status:
            return
        allowed = allowed_transitions(self.instance, self.user)
        if to_status not in allowed:
            current = Event.Status(self.instance.status).label
            wanted = Event.Status(to_status).label if to_status in Event.Status else to_status
            self.add_error(
                None,
                f"This event cannot be made {wanted} from {current} by you; nothing was saved. "
                f"Your edits are kept below.",
            )
            return
        # The sources inline checks what the event will be (a published one keeps a source).
        self.instance.target_status = to_status

    def changes_since(self, version: int):
        changes = super().changes_since(version)
        read = self.instance.history.filter(version=version).order_by("-history_date").first()
        if read is None:
            return changes
        for row in link_history(self.instance.pk):
            record = row["record"]
            if record.history_date > read.history_date:
                changes.append(_LinkChange(row["what"], record))
        return changes


class _LinkChange:
    """A change to one of the event's actors, sources or links, told like a field change."""

    def __init__(self, what: str, record):
        self.what, self.record = what, record

    def describe(self) -> str:
        verb = {"+": "added", "~": "changed", "-": "removed"}[self.record.history_type]
        by = self.record.history_user or "someone (no user recorded)"
        when = f"{self.record.history_date:%d %b %Y %H:%M:%S} UTC"
        return f"{by} on {when} {verb} {self.what}: {self.record.instance}"
