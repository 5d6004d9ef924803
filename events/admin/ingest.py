"""Article ingestion in the admin: paste or upload an article, review its proposals."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from events.admin.catalogue import ArticleAdmin
from events.admin.events import error_message
from events.ingest import review
from events.ingest.gazetteer import Gazetteer
from events.ingest.pipeline import DuplicateArticle, IngestError, decode_text, ingest_article
from events.ingest.reading import read_article
from events.models import Article, Event


class IngestArticleForm(forms.Form):
    publication_date = forms.DateField(
        # The browser's own date picker; it sends YYYY-MM-DD.
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        help_text="YYYY-MM-DD. Relative dates in the text ('on Sunday') are resolved against it.",
    )
    title = forms.CharField(
        max_length=300, required=False, help_text="Left empty: the first line of the text."
    )
    outlet = forms.CharField(
        max_length=200,
        required=False,
        help_text="Who published this copy. Left empty: 'unknown outlet'.",
    )
    new_outlet = forms.BooleanField(
        required=False,
        label="This is a new outlet",
        help_text="Tick when no stored article comes from this outlet yet (a guard against "
        "misspelt outlets).",
    )
    original_agency = forms.CharField(max_length=200, required=False, label="Original agency")
    url = forms.URLField(max_length=500, required=False, assume_scheme="https")
    text = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 18, "cols": 100}),
        help_text="Paste the article, or upload a UTF-8 text file below.",
    )
    upload = forms.FileField(required=False, label="Or upload a text file")

    def clean(self):
        cleaned = super().clean()
        text, upload = cleaned.get("text") or "", cleaned.get("upload")
        if upload and text.strip():
            raise ValidationError("Paste the text or upload a file, not both.")
        if upload:
            try:
                cleaned["text"] = decode_text(upload.read(), field="upload")
            except IngestError as exc:
                self.add_error("upload", exc.message)
        elif not text.strip():
            self.add_error("text", "Paste the article text or upload a file.")
        return cleaned


# Which form field an IngestError about a model field belongs to.
_INGEST_FORM_FIELDS = {
    "publication_date": "publication_date",
    "title": "title",
    "outlet": "outlet",
    "url": "url",
    "original_agency": "original_agency",
}


@admin.register(Article)
class IngestingArticleAdmin(ArticleAdmin):
    """The article admin plus ingestion: paste or upload an article, then review what it
    proposes beside its text — accept (to review), edit, merge into an event, or reject."""

    change_list_template = "admin/events/ingest/article_change_list.html"
    change_form_template = "admin/events/ingest/article_change_form.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        extra = [
            path(
                "ingest/",
                self.admin_site.admin_view(self.ingest_view),
                name="{}_{}_ingest".format(*info),
            ),
            path(
                "<path:object_id>/proposals/",
                self.admin_site.admin_view(self.proposals_view),
                name="{}_{}_proposals".format(*info),
            ),
            path(
                "<path:object_id>/proposals/<int:event_id>/<str:decision>/",
                self.admin_site.admin_view(self.decide_view),
                name="{}_{}_decide".format(*info),
            ),
        ]
        return extra + super().get_urls()

    def ingest_view(self, request: HttpRequest):
        """Paste or upload an article: stored with its proposals, or refused with the reason."""
        if not (self.has_add_permission(request) and request.user.has_perm("events.add_event")):
            raise PermissionDenied
        posted = request.method == "POST"
        form = IngestArticleForm(
            request.POST if posted else None, request.FILES if posted else None
        )
        if posted and form.is_valid():
            data = form.cleaned_data
            try:
                result = ingest_article(
                    text=data["text"],
                    publication_date=data["publication_date"],
                    title=data["title"],
                    outlet=data["outlet"],
                    new_outlet=data["new_outlet"],
                    url=data["url"],
                    original_agency=data["original_agency"],
                    user=request.user,
                )
            except DuplicateArticle as exc:
                link = reverse("admin:events_article_proposals", args=[exc.article.pk])
                form.add_error(
                    "upload" if data.get("upload") else "text",
                    format_html('{} <a href="{}">Its proposals.</a>', exc.message, link),
                )
            except IngestError as exc:
                field = _INGEST_FORM_FIELDS.get(exc.field)
                if exc.field == "text":
                    field = "upload" if data.get("upload") else "text"
                form.add_error(field, exc.message)
            else:
                self.message_user(
                    request,
                    f"{len(result.proposals)} draft event(s) proposed from "
                    f"“{result.article.title}”: review them beside the text.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:events_article_proposals", args=[result.article.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Ingest an article",
            "form": form,
        }
        return TemplateResponse(request, "admin/events/ingest/ingest_form.html", context)

    def proposals_view(self, request: HttpRequest, object_id: str):
        """The review queue of one article: its proposals beside the text, excerpts marked."""
        article = self.get_object(request, object_id)
        if article is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        proposals = list(review.queue(article))
        spans = [
            (source.excerpt_start, source.excerpt_end, event.pk)
            for event in proposals
            for source in event.sources.all()
            if source.article_id == article.pk and source.excerpt_start is not None
        ]
        # Read again for what is not stored: names not recognised, sentences left undated.
        reading = read_article(
            article.text,
            publication_date=article.publication_date,
            gazetteer=Gazetteer.from_database(),
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Proposals from “{article.title}”",
            "article": article,
            "segments": review.highlight(article.text, spans),
            "proposals": proposals,
            "candidates": reading.candidates,
            "undated": reading.undated,
            "unresolved": reading.unresolved,
            "can_change": request.user.has_perm("events.change_event"),
        }
        return TemplateResponse(request, "admin/events/ingest/review.html", context)

    def decide_view(self, request: HttpRequest, object_id: str, event_id: int, decision: str):
        """One decision on one proposal: accept (→ review), reject, or merge into an event."""
        back = reverse("admin:events_article_proposals", args=[object_id])
        if request.method != "POST":
            return HttpResponseRedirect(back)
        if not request.user.has_perm("events.change_event"):
            raise PermissionDenied
        event = Event.objects.filter(pk=event_id).first()
        if event is None:
            self.message_user(request, f"There is no event #{event_id}.", messages.ERROR)
            return HttpResponseRedirect(back)
        try:
            if decision == "accept":
                review.accept(event, user=request.user)
                self.message_user(request, f"Event #{event.pk} is now in review.")
            elif decision == "reject":
                review.reject(event, user=request.user)
                self.message_user(request, f"Proposal #{event_id} rejected and deleted.")
            elif decision == "merge":
                raw = request.POST.get("into", "").strip().lstrip("#")
                into = Event.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
                if into is None:
                    raise review.ReviewError(f"into: {raw!r} is not the number of an event.")
                moved = review.merge(event, into, user=request.user)
                self.message_user(
                    request,
                    format_html(
                        'Proposal #{} merged into <a href="{}">#{}</a>: {} excerpt(s) moved.',
                        event_id,
                        reverse("admin:events_event_change", args=[into.pk]),
                        into.pk,
                        moved,
                    ),
                )
            else:
                raise review.ReviewError(f"Unknown decision {decision!r}.")
        except (review.ReviewError, ValidationError, PermissionDenied) as exc:
            self.message_user(request, error_message(exc), messages.ERROR)
        return HttpResponseRedirect(f"{back}#proposal-{event_id}")
