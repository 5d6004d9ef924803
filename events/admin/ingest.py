"""Article ingestion in the admin: paste or upload an article, review its proposals."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode

from events.admin.catalogue import ArticleAdmin
from events.admin.event_workflow import error_message
from events.ingest import review
from events.ingest.gazetteer import Gazetteer
from events.ingest.pipeline import (
    DuplicateArticle,
    IngestError,
    decode_text,
    ingest_article,
    language_warning,
)
from events.ingest.reading import read_article
from events.ingest.triage import Kind, Triaged, triage
from events.models import Article, Event, Location
from events.params import as_id
from events.versioning import StaleVersion


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
                "<path:object_id>/proposals/read-again/",
                self.admin_site.admin_view(self.reread_view),
                name="{}_{}_reread".format(*info),
            ),
            path(
                "<path:object_id>/proposals/sentences/<int:index>/draft/",
                self.admin_site.admin_view(self.draft_sentence_view),
                name="{}_{}_draft_sentence".format(*info),
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
                if not result.reading.readable:
                    warning = language_warning(result.article.language)
                    self.message_user(request, warning, messages.WARNING)
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
        # Read again for what is not stored: every sentence's fate, names not recognised.
        gazetteer = Gazetteer.current()
        reading = read_article(
            article.text,
            publication_date=article.publication_date,
            gazetteer=gazetteer,
            language=article.language,
        )
        names = triage(
            article.text,
            reading.candidates,
            gazetteer,
            countries=reading.countries,
            outlet=article.outlet,
        )
        new_places = {
            draft.place.id: draft.place
            for draft in reading.proposals
            if draft.place is not None and not draft.place.stored
        }
        new_actors = review.pending_actors(reading)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Proposals from “{article.title}”",
            "article": article,
            "segments": review.highlight(article.text, spans),
            "proposals": proposals,
            "sentences": review.sentence_rows(reading, proposals, article),
            "names": [
                (t, _add_link(t, gazetteer, reading)) for t in names if t.kind is not Kind.NOISE
            ],
            "new_places": [
                (
                    place,
                    _place_link(
                        place.name,
                        place,
                        gazetteer.stored_ancestor(gazetteer.parent_of(place) or place),
                    ),
                )
                for place in new_places.values()
            ],
            "new_actors": [(pending, _actor_link(pending, gazetteer)) for pending in new_actors],
            "readable": reading.readable,
            "language_warning": "" if reading.readable else language_warning(article.language),
            "undated": reading.undated,
            "unresolved": reading.unresolved,
            "can_change": request.user.has_perm("events.change_event"),
            "can_add": request.user.has_perm("events.add_event"),
        }
        return TemplateResponse(request, "admin/events/ingest/review.html", context)

    def reread_view(self, request: HttpRequest, object_id: str):
        """Read the article again: untouched drafts take the new reading, new ones are added."""
        back = reverse("admin:events_article_proposals", args=[object_id])
        if request.method != "POST":
            return HttpResponseRedirect(back)
        article = self._article_for_change(request, object_id)
        try:
            result = review.reread(article, user=request.user, gazetteer=Gazetteer.current())
        except StaleVersion as exc:
            # An editor saved one of its drafts meanwhile: the whole reading was rolled back.
            self.message_user(
                request,
                f"{exc.obj._meta.verbose_name.capitalize()} #{exc.obj.pk} was changed while the "
                "article was read again, so nothing was changed: read it again.",
                messages.ERROR,
            )
            return HttpResponseRedirect(back)
        self.message_user(request, result.message, messages.SUCCESS)
        for slug in sorted(result.missing_types):
            self.message_user(request, f"No event type {slug!r} in the database.", messages.WARNING)
        return HttpResponseRedirect(back)

    def draft_sentence_view(self, request: HttpRequest, object_id: str, index: int):
        """Draft a sentence reading skipped: one click, the editor refines the draft."""
        back = reverse("admin:events_article_proposals", args=[object_id])
        if request.method != "POST":
            return HttpResponseRedirect(back)
        article = self._article_for_change(request, object_id)
        try:
            created = review.draft_sentence(
                article, index, user=request.user, gazetteer=Gazetteer.current()
            )
        except review.ReviewError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return HttpResponseRedirect(f"{back}#sentence-{index}")
        numbers = ", ".join(f"#{event.pk}" for event in created)
        self.message_user(request, f"Sentence {index + 1} drafted as {numbers}: check it.")
        anchor = f"#proposal-{created[0].pk}" if created else f"#sentence-{index}"
        return HttpResponseRedirect(f"{back}{anchor}")

    def _article_for_change(self, request: HttpRequest, object_id: str) -> Article:
        if not (
            request.user.has_perm("events.add_event")
            and request.user.has_perm("events.change_event")
        ):
            raise PermissionDenied
        article = self.get_object(request, object_id)
        if article is None:
            raise PermissionDenied
        return article

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
                into = Event.objects.filter(pk=as_id(raw)).first() if as_id(raw) else None
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


# Location.geo_precision for a place of each kind added from the reference gazetteer.
_GEO_PRECISION = {
    "country": Location.GeoPrecision.COUNTRY,
    "governorate": Location.GeoPrecision.GOVERNORATE,
    "city": Location.GeoPrecision.EXACT,
}


def _add_link(triaged: Triaged, gazetteer: Gazetteer, reading) -> str:
    """The admin's add form for a name, pre-filled with what ingestion knows of it."""
    if triaged.kind is Kind.PLACE:
        return _place_link(triaged.name, triaged.place, triaged.parent)
    country = None
    if reading.focus_country is not None:
        country = gazetteer.stored_ancestor(reading.focus_country)
    params = {"name": triaged.name, "kind": triaged.actor_kind or "other"}
    if country is not None and triaged.kind is not Kind.OUTLET:
        params["country"] = country.id
    return reverse("admin:events_actor_add") + "?" + urlencode(params)


def _actor_link(pending, gazetteer: Gazetteer) -> str:
    """The admin's add form for an actor drafts carry pending, pre-filled with its name, kind
    and country (when the country is stored); adding it goes through the form's validation."""
    params: dict[str, object] = {"name": pending.actor.name, "kind": pending.actor.kind}
    country = gazetteer.places.get(pending.actor.country_id or 0)
    if country is not None and country.stored:
        params["country"] = country.id
    return reverse("admin:events_actor_add") + "?" + urlencode(params)


def _place_link(name: str, place, parent) -> str:
    params: dict[str, object] = {"name": place.name if place else name}
    if place is not None:
        params["kind"] = place.kind
        if place.latitude is not None and place.longitude is not None:
            params["latitude"] = f"{place.latitude:.5f}"
            params["longitude"] = f"{place.longitude:.5f}"
        if place.kind in _GEO_PRECISION:
            params["geo_precision"] = int(_GEO_PRECISION[place.kind])
        if place.iso_code:
            params["iso_code"] = place.iso_code
    if parent is not None and (place is None or parent.id != place.id):
        params["parent"] = parent.id
    return reverse("admin:events_location_add") + "?" + urlencode(params)
