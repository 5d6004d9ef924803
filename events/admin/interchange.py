"""Dataset imports in the admin: upload an ACLED or UCDP GED file, preview, then import."""

import secrets
import tempfile
import time
from pathlib import Path

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from events.admin.strict import StrictAdminInput
from events.interchange.importer import LAYOUTS, STATUSES, ImportAborted, import_file
from events.interchange.reading import FileError
from events.models import ExternalRecord

# Uploaded files wait here between the preview and the import; the session holds their token.
UPLOAD_DIR = Path(tempfile.gettempdir()) / "conflicttracker-imports"
UPLOAD_MAX_AGE = 24 * 3600
SESSION_KEY = "interchange_uploads"
PREVIEW_ROWS = 500


class ImportForm(forms.Form):
    upload = forms.FileField(label="CSV file", help_text="ACLED or UCDP GED CSV, UTF-8.")
    dataset = forms.ChoiceField(
        label="Layout", choices=[(name, layout.LABEL) for name, layout in LAYOUTS.items()]
    )
    status = forms.ChoiceField(
        choices=[(status, status) for status in STATUSES],
        initial="published",
        help_text="Status of new events. The datasets are curated, so published by default "
        "(which needs the publish permission).",
    )
    release = forms.CharField(
        required=False,
        max_length=64,
        help_text="The dataset release, e.g. 19.1 (left empty: from a UCDP file name such as "
        "ged191.csv).",
    )
    atomic = forms.BooleanField(
        required=False, label="All or nothing", help_text="Import nothing if any row is rejected."
    )


@admin.register(ExternalRecord)
class ExternalRecordAdmin(StrictAdminInput, admin.ModelAdmin):
    """The rows imported from ACLED and UCDP GED, each linked to its event; and the import."""

    change_list_template = "admin/events/interchange/externalrecord_change_list.html"
    list_display = ["external_id", "dataset", "release", "country", "event_link", "changed_at"]
    list_filter = ["dataset"]
    search_fields = ["external_id"]
    # The event's headline on every row: one join instead of a query a row.
    list_select_related = ["event"]
    show_full_result_count = False
    readonly_fields = [
        "event_link",
        "dataset",
        "external_id",
        "release",
        "country",
        "geo_precision",
        "extra",
        "fingerprint",
        "imported_at",
        "changed_at",
    ]
    exclude = ["event"]

    # Records are written by imports only; anyone who may see events may see them.
    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("events.view_event")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="event", ordering="event__date_earliest")
    def event_link(self, record: ExternalRecord) -> str:
        url = reverse("admin:events_event_change", args=[record.event_id])
        return format_html('<a href="{}">{}</a>', url, record.event.headline)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        extra = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="{}_{}_import".format(*info),
            ),
        ]
        return extra + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_import": may_import(request.user)}
        return super().changelist_view(request, extra_context)

    def import_view(self, request: HttpRequest):
        """Upload → a dry-run preview row by row (nothing written) → import the same file."""
        if not may_import(request.user):
            raise PermissionDenied
        if request.method == "POST" and request.POST.get("token"):
            return self._confirm(request, request.POST["token"])
        posted = request.method == "POST"
        form = ImportForm(request.POST if posted else None, request.FILES if posted else None)
        if posted and form.is_valid():
            data = form.cleaned_data
            if data["status"] == "published" and not request.user.has_perm("events.publish_event"):
                form.add_error("status", "Importing published events needs the publish permission.")
            else:
                token, stored = _store(data["upload"])
                options = {
                    "dataset": data["dataset"],
                    "status": data["status"],
                    "release": data["release"],
                    "atomic": data["atomic"],
                    "filename": Path(data["upload"].name).name,
                }
                try:
                    report = import_file(stored, dry_run=True, keep_outcomes=True, **options)
                except FileError as exc:
                    stored.unlink(missing_ok=True)
                    form.add_error("upload", str(exc))
                else:
                    uploads = request.session.get(SESSION_KEY, {})
                    uploads[token] = options
                    request.session[SESSION_KEY] = uploads
                    return self._render(request, "Preview the import", report=report, token=token)
        return self._render(request, "Import a dataset file", form=form)

    def _confirm(self, request: HttpRequest, token: str):
        uploads = request.session.get(SESSION_KEY, {})
        # Only a token this session was handed names a file: never a path from the request.
        options = uploads.pop(token, None) if _safe(token) else None
        stored = UPLOAD_DIR / f"{token}.csv"
        if options is None or not stored.exists():
            self.message_user(
                request,
                "That upload is no longer available: upload the file again.",
                messages.ERROR,
            )
            return HttpResponseRedirect(reverse("admin:events_externalrecord_import"))
        request.session[SESSION_KEY] = uploads
        try:
            report = import_file(stored, user=request.user, **options)
        except (FileError, ImportAborted) as exc:
            self.message_user(request, f"Nothing imported: {exc}", messages.ERROR)
            return HttpResponseRedirect(reverse("admin:events_externalrecord_import"))
        finally:
            stored.unlink(missing_ok=True)
        level = messages.WARNING if report.rejected else messages.SUCCESS
        for line in report.lines(limit=10):
            self.message_user(request, line, level)
        return HttpResponseRedirect(reverse("admin:events_externalrecord_changelist"))

    def _render(self, request: HttpRequest, title: str, **context):
        report = context.get("report")
        if report is not None:
            context["rows"] = report.outcomes[:PREVIEW_ROWS]
            context["more_rows"] = max(len(report.outcomes) - PREVIEW_ROWS, 0)
            context["rejected"] = report.rejected
        return TemplateResponse(
            request,
            "admin/events/interchange/import.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": title,
                **context,
            },
        )


def may_import(user) -> bool:
    """Importing creates and changes events: editors who may add and change them."""
    return user.has_perm("events.add_event") and user.has_perm("events.change_event")


def _safe(token: str) -> bool:
    return all(ch.isalnum() or ch in "-_" for ch in token)


def _store(upload) -> tuple[str, Path]:
    """Keep the upload until it is imported; uploads older than a day are removed."""
    UPLOAD_DIR.mkdir(exist_ok=True)
    cutoff = time.time() - UPLOAD_MAX_AGE
    for old in UPLOAD_DIR.glob("*.csv"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(16)
    stored = UPLOAD_DIR / f"{token}.csv"
    with stored.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return token, stored
