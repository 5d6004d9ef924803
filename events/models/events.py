"""Events: something that happened, with honest bounds on when, where and who; its types."""

import uuid
from collections.abc import Collection

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from events import validators
from events.dates import Precision as DatePrecision
from events.dates import display_text
from events.fields import NormalisedCharField, NormalisedTextField
from events.models.actors import Actor
from events.models.articles import Article
from events.models.choices import EventStatus
from events.models.places import Location
from events.models.removals import EventRemoval
from events.querysets import (
    CHRONOLOGICAL,
    MAX_FATALITIES,
    DaysBetween,
    EventQuerySet,
    FatalitiesOr,
    PeriodQuerySet,
)
from events.versioning import Expected, StaleVersion, VersionedModel, lock_current
from events.write_locks import hold_type_levels

# The columns a summary sums (events.chronology.summary), carried by its covering indexes.
TALLIED = ("fatalities_best", "fatalities_low", "fatalities_high")


class EventType(VersionedModel):
    """A two-level event taxonomy: ACLED's types and sub-types, extended by editors."""

    name = NormalisedCharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subtypes",
        limit_choices_to={"parent__isnull": True},
    )
    description = NormalisedTextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["parent__name", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=F("id")), name="events_eventtype_not_own_parent"
            )
        ]

    def __str__(self) -> str:
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name

    def save(self, *args, **kwargs) -> None:
        with transaction.atomic():
            # Again under the types' lock, with the parent as it is now: a type given a parent,
            # or this one a sub-type, since clean() ran.
            hold_type_levels()
            if self.parent_id is not None:
                parent = type(self)._base_manager.filter(pk=self.parent_id).first()
                if parent is None:
                    raise ValidationError({"parent": "The parent type no longer exists."})
                self.parent = parent
            validators.validate_event_type_parent(self)
            super().save(*args, **kwargs)

    def clean(self) -> None:
        validators.validate_event_type_parent(self)


class EventHistoryRecords(HistoricalRecords):
    """The events' history, with the index the public's freshness probe reads."""

    def get_meta_options(self, model):
        options = super().get_meta_options(model)
        # The newest version of a published event (events.api.caching): one step into this
        # index, however many drafts were saved after it (a draft import of 100,000 events
        # otherwise made every public request walk them: 14 ms at 100,000). Not a partial
        # index: SQLite prepares a statement again on every run when a bound value decides
        # whether a partial index applies (0.24 ms per request).
        options["indexes"] = (
            *options.get("indexes", ()),
            models.Index(fields=["status", "history_id"], name="events_hevent_published_idx"),
        )
        return options


class Event(VersionedModel):
    """Something that happened, with honest bounds on when, where, who, and who says so."""

    Status = EventStatus

    # What an event itself says (not its status, links or bookkeeping): the fields an editor's
    # form shows and an imported row rewrites, defined once for both.
    OWN_FIELDS = (
        "headline",
        "summary",
        "type",
        "location",
        "date_earliest",
        "date_latest",
        "date_precision",
        "date_approximate",
        "date_display",
        "fatalities_best",
        "fatalities_low",
        "fatalities_high",
    )

    class Precision(models.TextChoices):
        DAY = DatePrecision.DAY.value, "day"
        DAYS = DatePrecision.DAYS.value, "a few days"
        WEEK = DatePrecision.WEEK.value, "week"
        MONTH = DatePrecision.MONTH.value, "month"
        YEAR = DatePrecision.YEAR.value, "year"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    headline = NormalisedCharField(max_length=300)
    summary = NormalisedTextField(blank=True)
    # Article ingestion's account of how it read a proposal (date rule, place rule, names it
    # could not match): for editors in the admin only, never in the summary or a public view.
    proposal_note = NormalisedTextField(
        blank=True,
        default="",
        db_default="",
        editable=False,
        help_text="How article ingestion read this proposal; shown to editors only.",
    )
    type = models.ForeignKey(EventType, on_delete=models.PROTECT, related_name="events")
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    date_earliest = models.DateField(help_text="The earliest day it can have happened.")
    date_latest = models.DateField(help_text="The latest day it can have happened.")
    date_precision = models.CharField(max_length=8, choices=Precision.choices)
    date_approximate = models.BooleanField(
        default=False, help_text="The source hedges ('some 10 days ago', 'about')."
    )
    date_display = NormalisedCharField(
        max_length=100, blank=True, help_text="How to show the date; generated when left empty."
    )
    fatalities_best = models.PositiveIntegerField(null=True, blank=True)
    fatalities_low = models.PositiveIntegerField(null=True, blank=True)
    fatalities_high = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True, db_index=True)
    # Kept by the database itself, so bulk loads and raw writes cannot miss it; its index
    # gives the longest span in one probe, which bounds every date-range scan from below.
    date_span_days = models.GeneratedField(
        expression=DaysBetween("date_earliest", "date_latest"),
        output_field=models.IntegerField(),
        db_persist=True,
        help_text="Days from the earliest to the latest possible day (0 for one day).",
    )

    actors = models.ManyToManyField(Actor, through="EventActor", related_name="events")
    articles = models.ManyToManyField(Article, through="EventSource", related_name="events")
    related = models.ManyToManyField(
        "self",
        through="EventRelation",
        through_fields=("from_event", "to_event"),
        symmetrical=False,
        related_name="related_from",
    )

    history = EventHistoryRecords(excluded_fields=["date_span_days"])
    objects = EventQuerySet.as_manager()

    class Meta:
        # The chronological order (events.querysets.CHRONOLOGICAL). Served by
        # events_event_chrono_idx (status first, since every public read filters on it) and
        # events_event_dates_idx (the admin).
        ordering = list(CHRONOLOGICAL)
        indexes = [
            models.Index(fields=["status", *CHRONOLOGICAL], name="events_event_chrono_idx"),
            models.Index(fields=list(CHRONOLOGICAL), name="events_event_dates_idx"),
            # A place's events in order, covering the keyset (the admin's place filter).
            models.Index(fields=["location", *CHRONOLOGICAL], name="events_event_place_idx"),
            # Year-precision events all start on 1 January: a precision filter reads its own.
            models.Index(
                fields=["date_precision", *CHRONOLOGICAL], name="events_event_precision_idx"
            ),
            models.Index(fields=["type", "date_earliest"], name="events_event_type_idx"),
            # The public freshness probe (newest change among published events) in one step,
            # and the published events by last update (order=updated, -updated) in keyset
            # order. Editors' lists of every status read the updated column's own index.
            models.Index(fields=["status", "updated", "id"], name="events_event_fresh_idx"),
            # The published events by fatalities (order=-fatalities, fatalities), unknown
            # counts last either way: one index per direction, each read forwards or backwards
            # (events.chronology.orders). Editors' lists of every status sort instead.
            models.Index(
                F("status"),
                FatalitiesOr(unknown=-1),
                *map(F, CHRONOLOGICAL),
                name="events_event_deadliest_idx",
            ),
            models.Index(
                F("status"),
                FatalitiesOr(unknown=MAX_FATALITIES),
                *map(F, CHRONOLOGICAL),
                name="events_event_fewest_idx",
            ),
            models.Index(fields=["date_span_days"], name="events_event_span_idx"),
            # The summaries of the whole published set (events.chronology.summary) read these
            # instead of the table: a GROUP BY place, type or month over a covering index is
            # about ten times faster than over the rows (200,000 events on SQLite: by place
            # 580 → 76 ms, by type 840 → 49 ms, by month 850 → 170 ms).
            # The bounds last, so that a summary of a period reads the index alone too: without
            # them, each event of the period was a lookup in the table (by type at a million
            # events with end=: 4.2 s on SQLite, against 0.3 s for the whole set).
            models.Index(
                fields=["status", "location", *TALLIED, "date_earliest", "date_latest"],
                name="events_event_tally_place_idx",
            ),
            models.Index(
                fields=["status", "type", *TALLIED, "date_earliest", "date_latest"],
                name="events_event_tally_type_idx",
            ),
            models.Index(
                fields=["status", "date_earliest", "date_latest", *TALLIED],
                name="events_event_tally_month_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_earliest__lte=F("date_latest")),
                name="events_event_bounds_ordered",
            ),
            models.CheckConstraint(
                condition=Q(fatalities_low__isnull=True)
                | Q(fatalities_best__isnull=True)
                | Q(fatalities_low__lte=F("fatalities_best")),
                name="events_event_fatalities_low_le_best",
            ),
            models.CheckConstraint(
                condition=Q(fatalities_best__isnull=True)
                | Q(fatalities_high__isnull=True)
                | Q(fatalities_best__lte=F("fatalities_high")),
                name="events_event_fatalities_best_le_high",
            ),
            models.CheckConstraint(
                condition=Q(fatalities_low__isnull=True)
                | Q(fatalities_high__isnull=True)
                | Q(fatalities_low__lte=F("fatalities_high")),
                name="events_event_fatalities_low_le_high",
            ),
            models.CheckConstraint(
                condition=Q(status__in=EventStatus.values),
                name="events_event_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(date_precision__in=[p.value for p in DatePrecision]),
                name="events_event_precision_valid",
            ),
        ]
        permissions = [("publish_event", "Can publish and retract events")]

    def __str__(self) -> str:
        return f"{self.display_date}: {self.headline}"

    def save(self, *args, **kwargs) -> None:
        """Save, holding the invariants no writer may break (full_clean() says the same first,
        with every other rule): dates written lie in the window, and a published event keeps a
        source.

        A new event may be inserted as published before its sources (seeds and imports add
        them in the same transaction); from then on every save checks it (one EXISTS query).
        """
        written = kwargs.get("update_fields")
        if written is None or {"date_earliest", "date_latest"} & set(written):
            # Only when the dates are written: a stored event outside the window (an old raw
            # import) can still be retracted, by a save of its status alone.
            validators.validate_event_dates(self.date_earliest, self.date_latest)
        adding = self._state.adding
        if not adding and self.status == self.Status.PUBLISHED:
            validators.validate_published_sources(self.status, int(self.sources.exists()))
        if not self.date_display and self.date_earliest and self.date_latest:
            self.date_display = self.generated_display()
        stored = None if adding else self.stored_status()
        if stored is not None:
            # For the save's receivers (events.commits): the status it leaves.
            self._stored_status = stored
        with transaction.atomic():
            super().save(*args, **kwargs)
            leaving = stored == self.Status.PUBLISHED and self.status != self.Status.PUBLISHED
            if leaving and (written is None or "status" in written):
                # Whoever moves an event off the published record (the transition endpoint,
                # the admin, a script's save()), clients copying it must drop it: a tombstone
                # for events/removed/, which also moves the public ETag.
                EventRemoval.record(
                    [self],
                    reason=EventRemoval.Reason.RETRACTED
                    if self.status == self.Status.RETRACTED
                    else EventRemoval.Reason.UNPUBLISHED,
                    previous_status=self.Status.PUBLISHED,
                )
        self._stored_status = self.status

    @classmethod
    def from_db(cls, db, field_names, values):
        event = super().from_db(db, field_names, values)
        # The status as stored, so that save() knows when it leaves the published record.
        if "status" in field_names:
            event._stored_status = event.status
        return event

    def stored_status(self) -> str | None:
        """The status the row has in the database (as read; else one query)."""
        if hasattr(self, "_stored_status"):
            return self._stored_status
        return Event.objects.filter(pk=self.pk).values_list("status", flat=True).first()

    def get_absolute_url(self) -> str:
        return reverse("admin:events_event_change", args=[self.pk])

    def clean(self) -> None:
        validators.validate_event(self)

    @property
    def display_date(self) -> str:
        return self.date_display or self.generated_display()

    def generated_display(self) -> str:
        return display_text(
            self.date_earliest,
            self.date_latest,
            DatePrecision(self.date_precision),
            approximate=self.date_approximate,
        )

    def set_date(self, fuzzy) -> None:
        """Copy a resolved events.dates.FuzzyDate onto the event's date fields."""
        self.date_earliest = fuzzy.earliest
        self.date_latest = fuzzy.latest
        self.date_precision = fuzzy.precision.value
        self.date_approximate = fuzzy.approximate
        self.date_display = fuzzy.display

    def delete(self, *args, **kwargs):
        # A tombstone first, so a client's copy learns of the deletion (events/removed/).
        with transaction.atomic():
            EventRemoval.record([self], reason=EventRemoval.Reason.DELETED)
            return super().delete(*args, **kwargs)

    def transition(
        self,
        to_status: str,
        *,
        user=None,
        reason: str = "",
        expected_status: str | None = None,
        expected_version: Expected = None,
        edits: Collection[str] = (),
    ) -> None:
        """Move through the editorial workflow: a compare-and-set, checked and recorded.

        Under a lock on the row, the event must still have expected_status (by default the
        status this instance was read with) and, when given, expected_version; otherwise
        StaleVersion, and nothing is written. So a retraction that lands first is never undone
        by a transition decided on an older copy. Only the status (and published_at) is
        written, plus `edits`: names of content fields changed on this instance to save in the
        same step (the admin's "Save and publish"), which needs the instance to be current.
        Without edits the instance takes the row as it is now, so its history record is true.
        """
        expected_status = self.status if expected_status is None else expected_status
        with transaction.atomic():
            current = lock_current(Event, self.pk, expected=expected_version)
            if current.status != expected_status:
                raise StaleVersion(
                    current,
                    current=current.version,
                    expected=expected_version,
                    message=f"Event #{self.pk} is {current.status} now, not {expected_status}: "
                    "someone changed its status since you read it.",
                )
            if edits and current.version != self.version:
                raise StaleVersion(current, current=current.version, expected=self.version)
            for field in self._meta.concrete_fields:
                if field.name not in edits:
                    setattr(self, field.attname, getattr(current, field.attname))
            validators.validate_transition(self, to_status, user=user, reason=reason)
            self._stored_status = current.status
            self.status = to_status
            if to_status == self.Status.PUBLISHED:
                self.published_at = timezone.now()
            self._change_reason = reason or f"status → {to_status}"
            if user is not None and getattr(user, "is_authenticated", False):
                self._history_user = user
            # save() writes the tombstone when this leaves the published record.
            self.save(update_fields=["status", "published_at", *edits])


class PublishedDayPair(models.Model):
    """How many published events have exactly these bounds.

    A million events share a few tens of thousands of (earliest, latest) pairs, so a histogram
    over dates alone reads this table instead of every event. Database triggers keep it
    (events/daypairs.py), so every write path, bulk loads and raw SQL included, counts.
    """

    date_earliest = models.DateField()
    date_latest = models.DateField()
    events = models.PositiveIntegerField()

    objects = PeriodQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["date_earliest", "date_latest"], name="events_daypair_bounds_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date_earliest}–{self.date_latest}: {self.events}"


class PublishedCount(models.Model):
    """How many published events an event type, place, actor or article has (its own: a
    type's sub-types and a place's subtree are summed when read).

    Database triggers keep it (events/published_counts.py), so every write path, bulk loads and
    raw SQL included, counts; the reference endpoints read a page's counts from it in one query.
    """

    class Kind(models.TextChoices):
        TYPE = "type"
        PLACE = "place"
        ACTOR = "actor"
        ARTICLE = "article"

    kind = models.CharField(max_length=7, choices=Kind.choices)
    subject_id = models.BigIntegerField()
    events = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_id"], name="events_publishedcount_subject_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_id}: {self.events}"


class EventForReview(Event):
    """The review queue: a proxy so the admin lists events awaiting review under their own entry."""

    class Meta:
        proxy = True
        verbose_name = "event awaiting review"
        verbose_name_plural = "events awaiting review"
