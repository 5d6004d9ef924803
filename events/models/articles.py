"""Articles: the news reports that events cite, kept verbatim with a fingerprint."""

from django.db import models, transaction
from django.urls import reverse
from simple_history.models import HistoricalRecords

from events import validators
from events.fields import NormalisedCharField, NormalisedTextField
from events.text import fingerprint, normalise_newlines
from events.versioning import VersionedModel, lock_current


class Article(VersionedModel):
    """A news report: the evidence that events cite, kept verbatim with a fingerprint."""

    class DateSource(models.TextChoices):
        STATED = "stated", "stated by the source"
        INFERRED = "inferred", "inferred from the text"

    title = NormalisedCharField(max_length=300)
    outlet = NormalisedCharField(max_length=200, help_text="Who published this copy (e.g. Khazen).")
    original_agency = NormalisedCharField(
        max_length=200,
        blank=True,
        help_text="Who first reported it, when republished (e.g. Reuters).",
    )
    url = models.URLField(max_length=500, blank=True)
    publication_date = models.DateField(
        help_text="The date relative phrases in the text ('on Sunday') are resolved against."
    )
    publication_date_source = models.CharField(
        max_length=10, choices=DateSource.choices, default=DateSource.STATED
    )
    publication_date_note = NormalisedTextField(
        blank=True, help_text="How the date was worked out when it was inferred."
    )
    dateline = models.ForeignKey(
        "Location",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="datelined_articles",
    )
    language = models.CharField(max_length=12, default="en", help_text="BCP 47 code, e.g. en, ar.")
    # Verbatim but for line endings, which are normalised as in excerpts (events.text).
    text = NormalisedTextField(
        help_text="The full text, verbatim: excerpts are checked against it."
    )
    sha256 = models.CharField(
        max_length=64, unique=True, editable=False, blank=True, help_text="sha256 of the text."
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        # Served by events_article_pubdate_idx.
        ordering = ["-publication_date", "id"]
        indexes = [
            models.Index(fields=["publication_date", "id"], name="events_article_pubdate_idx")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.outlet}, {self.publication_date:%d %b %Y})"

    def save(self, *args, **kwargs) -> None:
        # The fingerprint is of the text as stored, so normalised first.
        self.text = normalise_newlines(self.text)
        self.sha256 = fingerprint(self.text)
        with transaction.atomic():
            if self.pk is not None:
                # The citations checked again under the row's lock, which a citation being
                # saved holds too (EventSource.save): one saved since clean() ran is seen.
                try:
                    lock_current(type(self), self.pk)
                except type(self).DoesNotExist:
                    pass  # Deleted meanwhile: no citation left to keep.
                else:
                    validators.validate_article_keeps_citations(self)
            super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("admin:events_article_change", args=[self.pk])

    def clean(self) -> None:
        validators.validate_article_text_unique(self)
        validators.validate_article_keeps_citations(self)
