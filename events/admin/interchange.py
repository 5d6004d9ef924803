"""Dataset imports in the admin: upload an ACLED or UCDP GED file, preview, then import;
review the rows that met an editor's change, and the places an import thinks are duplicates."""

import secrets
import tempfile
import time
from pathlib import Path

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, router, transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from events.admin.strict import StrictAdminInput
from events.interchange.dataset_files import FileError
from events.interchange.importer import (
    LAYOUTS,
    STATUSES,
    WAITS,
    apply_pending,
    dismiss_pending,
    import_file,
    seen_token,
    split_reviewed,
    waits,
)
from events.interchange.places import merge_place
from events.models import ExternalRecord, PlaceSuggestion
from events.permissions import is_editor
from events.versioning import StaleVersion

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


class ConflictFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "conflict"

    def lookups(self, request, model_admin):
        return [("yes", "a newer row waits for review"), ("no", "nothing to review")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(WAITS)
        if self.value() == "no":
            return queryset.filter(Q(pending__isnull=True) | ~WAITS)
        return queryset


@admin.register(ExternalRecord)
class ExternalRecordAdmin(StrictAdminInput, admin.ModelAdmin):
    """The rows imported from ACLED and UCDP GED, each linked to its event; the newer rows that
    wait because an editor changed the event (both versions side by side); and the import."""

    change_list_template = "admin/events/interchange/externalrecord_change_list.html"
    change_form_template = "admin/events/interchange/externalrecord_change_form.html"
    list_display = [
        "external_id",
        "dataset",
        "release",
        "country",
        "event_link",
        "awaits_review",
        "changed_at",
    ]
    list_filter = [ConflictFilter, "dataset"]
    search_fields = ["external_id"]
    # The event's headline on every row: one join instead of a query a row.
    list_select_related = ["event"]
    show_full_result_count = False
    actions = ["apply_newer_rows", "keep_editors_versions"]
    readonly_fields = [
        "event_link",
        "dataset",
        "external_id",
        "release",
        "country",
        "row_date",
        "geo_precision",
        "versions",
        "fingerprint",
        "imported_at",
        "changed_at",
    ]
    exclude = ["event", "row", "snapshot", "pending"]

    # Records are written by imports only; anyone who may see events may see them.
    def has_view_permission(self, request, obj=None) -> bool:
        return is_editor(request.user)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_review_permission(self, request) -> bool:
        return request.user.has_perm("events.change_event")

    @admin.display(description="event", ordering="event__date_earliest")
    def event_link(self, record: ExternalRecord) -> str:
        url = reverse("admin:events_event_change", args=[record.event_id])
        return format_html('<a href="{}">{}</a>', url, record.event.headline)

    @admin.display(description="newer row waits")
    def awaits_review(self, record: ExternalRecord) -> str:
        """Yes, with what the list shows of the conflict (seen_token), which the actions carry."""
        if not waits(record):
            return ""
        return format_html(
            '<img src="{}" alt="yes"><input type="hidden" name="seen-{}" value="{}">',
            static("admin/img/icon-yes.svg"),
            record.pk,
            seen_token(record),
        )

    @admin.display(description="the row")
    def versions(self, record: ExternalRecord) -> str:
        """The stored row, cell by cell, beside the newer row that waits (when one does)."""
        layout = LAYOUTS[record.dataset]
        stored = layout.current_cells(record.row)
        pending = record.pending or {}
        newer = layout.current_cells(pending["row"]) if waits(record) else None
        head = format_html(
            "<tr><th>column</th><th>stored row ({})</th>{}</tr>",
            record.release or "no release",
            format_html(
                "<th>newer row ({}, line {} of {})</th>",
                pending.get("release") or "no release",
                pending.get("line", "?"),
                pending.get("file") or "a file",
            )
            if newer is not None
            else "",
        )
        rows = format_html_join(
            "",
            "<tr{}><td>{}</td><td>{}</td>{}</tr>",
            (
                (
                    mark_safe(' class="changed" style="background: #fff4c2"')
                    if newer is not None and newer.get(column, "") != stored.get(column, "")
                    else "",
                    column,
                    stored.get(column, ""),
                    format_html("<td>{}</td>", newer.get(column, "")) if newer is not None else "",
                )
                for column in layout.COLUMNS
                if column in stored or (newer and column in newer)
            ),
        )
        note = ""
        if newer is not None:
            url = reverse("admin:events_event_change", args=[record.event_id])
            note = format_html(
                '<p>An editor changed <a href="{}">the event</a> ({}) since it was imported, so '
                "the newer row was not applied. Apply it (the editor's changes are replaced) "
                "or keep the editor's version (the newer row is set aside, kept on the record) "
                "below: as shown here, or nothing is done.</p>",
                url,
                ", ".join(pending.get("edited") or []) or "its fields",
            )
        return format_html(
            '{}<table class="interchange-row"><thead>{}</thead><tbody>{}</tbody></table>{}',
            note,
            head,
            rows,
            _dismissed_html(layout, stored, pending.get("dismissed") or []),
        )

    @admin.action(description="Apply the newer rows (replaces the editors' changes)")
    def apply_newer_rows(self, request, queryset):
        if not self.has_review_permission(request):
            raise PermissionDenied
        ready, moved = split_reviewed(
            queryset.filter(WAITS).select_related("event"), _seen(request)
        )
        self._refuse(request, moved)
        try:
            reports = apply_pending(ready, user=request.user, wait=False)
        except FileError as exc:
            self.message_user(request, f"Nothing applied: {exc}", messages.ERROR)
            return
        for report in reports:
            level = messages.WARNING if report.rejected or report.stopped else messages.SUCCESS
            for line in report.lines(limit=10):
                self.message_user(request, line, level)
        if not reports and not moved:
            self.message_user(request, "None of these records has a newer row waiting.")

    @admin.action(description="Keep the editors' versions (set the newer rows aside)")
    def keep_editors_versions(self, request, queryset):
        if not self.has_review_permission(request):
            raise PermissionDenied
        with transaction.atomic():
            # Locked (PostgreSQL) from the check to the write: an import or an edit waits.
            waiting = queryset.filter(WAITS).select_related("event").select_for_update()
            ready, moved = split_reviewed(waiting, _seen(request))
            count = dismiss_pending(ready, user=request.user)
        self._refuse(request, moved)
        if count or not moved:
            self.message_user(
                request,
                f"{count} newer rows set aside (kept on their records); the events stay as edited.",
            )

    def _refuse(self, request, records: list[ExternalRecord]) -> None:
        """Say which conflicts were left alone because they moved since the reviewer saw them."""
        for record in records:
            self.message_user(
                request,
                format_html(
                    '{} {}: nothing done. The event <a href="{}">{}</a> or the newer row changed '
                    'since you saw it: <a href="{}">look at the record again</a>.',
                    LAYOUTS[record.dataset].LABEL,
                    record.external_id,
                    reverse("admin:events_event_change", args=[record.event_id]),
                    record.event.headline,
                    reverse("admin:events_externalrecord_change", args=[record.pk]),
                ),
                messages.ERROR,
            )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        record = self.get_object(request, object_id)
        token = ""
        if record is not None and self.has_review_permission(request):
            token = seen_token(record)
        extra_context = {**(extra_context or {}), "review_token": token}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self.has_review_permission(request):
            actions.pop("apply_newer_rows", None)
            actions.pop("keep_editors_versions", None)
        return actions

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
            report = import_file(stored, user=request.user, wait=False, **options)
        except FileError as exc:
            self.message_user(request, f"Nothing imported: {exc}", messages.ERROR)
            return HttpResponseRedirect(reverse("admin:events_externalrecord_import"))
        finally:
            stored.unlink(missing_ok=True)
        level = messages.SUCCESS
        if report.stopped:
            level = messages.ERROR
        elif report.rejected or report.conflicts:
            level = messages.WARNING
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


def _seen(request: HttpRequest) -> dict[int, str]:
    """{record id: seen_token} as the review page or the record list showed them."""
    seen = {}
    for name, token in request.POST.items():
        if name.startswith("seen-") and name[5:].isdigit():
            seen[int(name[5:])] = token
    return seen


def _dismissed_html(layout, stored: dict, dismissed: list[dict]) -> str:
    """The rows reviewers set aside on this record, newest first, with who and when, and the
    cells where each differs from the stored row."""
    if not dismissed:
        return ""
    return format_html(
        "<p>Newer rows set aside (the editor's version kept):</p><ul>{}</ul>",
        format_html_join(
            "",
            "<li>{} (line {} of {}), dismissed by {} at {}: {}</li>",
            (
                (
                    row.get("release") or "no release",
                    row.get("line", "?"),
                    row.get("file") or "a file",
                    row.get("by") or "someone",
                    row.get("at", "?"),
                    "; ".join(
                        f"{column} {value!r}"
                        for column, value in layout.current_cells(row.get("row") or {}).items()
                        if value != stored.get(column, "")
                    ),
                )
                for row in reversed(dismissed)
            ),
        ),
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


@admin.register(PlaceSuggestion)
class PlaceSuggestionAdmin(StrictAdminInput, admin.ModelAdmin):
    """Places an import kept apart (each row keeps its own place) that may be one: an editor
    merges them, or dismisses the suggestion."""

    list_display = ["place_link", "same_as_link", "distance_km", "reason", "created"]
    list_select_related = ["place__parent", "same_as__parent"]
    search_fields = ["place__name", "same_as__name"]
    actions = ["merge", "dismiss"]
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("events.view_location")

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("events.change_location")

    def _may_merge(self, request) -> bool:
        # A merge changes places and events; the merged place goes with everything moved off
        # it, so it needs no permission to delete places at will.
        user = request.user
        return user.has_perm("events.change_location") and user.has_perm("events.change_event")

    @admin.display(description="place", ordering="place__name")
    def place_link(self, suggestion: PlaceSuggestion) -> str:
        return _place_html(suggestion.place)

    @admin.display(description="may be the same as", ordering="same_as__name")
    def same_as_link(self, suggestion: PlaceSuggestion) -> str:
        return _place_html(suggestion.same_as)

    @admin.action(description="Merge each place into the one it may be")
    def merge(self, request, queryset):
        """Each suggestion is read again and merged in a transaction of its own: an earlier merge
        of the same action may have moved, merged or re-paired its places. Each one's outcome is
        reported; a refused merge changes nothing."""
        if not self._may_merge(request):
            raise PermissionDenied
        moved = merged = 0
        for pk in list(queryset.values_list("pk", flat=True)):
            try:
                with transaction.atomic(using=router.db_for_write(PlaceSuggestion)):
                    suggestion = (
                        PlaceSuggestion.objects.select_related("place", "same_as")
                        .filter(pk=pk)
                        .first()
                    )
                    if suggestion is None:
                        continue  # Gone with a place merged before it.
                    what = f"{suggestion.place} (#{suggestion.place_id}) into "
                    what += f"{suggestion.same_as} (#{suggestion.same_as_id})"
                    count = merge_place(suggestion.place, suggestion.same_as, user=request.user)
            except (ValidationError, StaleVersion) as exc:
                reason = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                self.message_user(request, f"Not merged {what}: {reason}", messages.ERROR)
                continue
            except (OperationalError, IntegrityError) as exc:
                # Another write held or changed these places or their events at that moment
                # (an import's chunk, say): the merge rolled back whole.
                self.message_user(
                    request,
                    f"Not merged {what}: another change held it at that moment ({exc}); try again.",
                    messages.ERROR,
                )
                continue
            moved += count
            merged += 1
            self.message_user(request, f"Merged {what}: {count} events moved.", messages.SUCCESS)
        self.message_user(request, f"{merged} places merged; {moved} events moved.")

    @admin.action(description="Dismiss: they are different places")
    def dismiss(self, request, queryset):
        count, _ = queryset.delete()
        self.message_user(request, f"{count} suggestions dismissed.")

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        if not self._may_merge(request):
            actions.pop("merge", None)
        return actions


def _place_html(place) -> str:
    url = reverse("admin:events_location_change", args=[place.pk])
    where = f" in {place.parent.name}" if place.parent_id else ""
    point = f" ({place.latitude:g}, {place.longitude:g})" if place.latitude is not None else ""
    return format_html('<a href="{}">{}</a>{}{}', url, place.name, where, point)
