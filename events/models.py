"""The event-timeline data model: articles, actors, places, event types and uncertain events."""

import uuid
from collections.abc import Collection
from datetime import date

from django.db import models, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Substr
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from events import validators
from events.dates import Precision as DatePrecision
from events.dates import display_text
from events.fields import NormalisedCharField, NormalisedTextField
from events.querysets import (
    CHRONOLOGICAL,
    ActorQuerySet,
    DaysBetween,
    EventActorQuerySet,
    EventQuerySet,
    EventRemovalQuerySet,
    LocationQuerySet,
    PeriodQuerySet,
    beneath,
)
from events.text import fingerprint, fold, normalise_newlines
from events.versioning import Expected, StaleVersion, VersionedModel, lock_current


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
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("admin:events_article_change", args=[self.pk])

    def clean(self) -> None:
        validators.validate_article_text_unique(self)


class Location(VersionedModel):
    """A place in the hierarchy country › governorate › district › place, with coordinates."""

    class Kind(models.TextChoices):
        COUNTRY = "country", "country"
        GOVERNORATE = "governorate", "governorate / province (admin 1)"
        DISTRICT = "district", "district (admin 2)"
        SUBDISTRICT = "subdistrict", "sub-district (admin 3)"
        CITY = "city", "city / town"
        VILLAGE = "village", "village"
        NEIGHBOURHOOD = "neighbourhood", "neighbourhood / quarter"
        SITE = "site", "site / facility"
        BORDER_AREA = "border_area", "border area / crossing"
        REGION = "region", "region / area"
        WATER = "water", "body of water"
        ROUTE = "route", "road / route"

    class GeoPrecision(models.IntegerChoices):
        # The UCDP GED where_prec scale; ACLED geo_precision 1, 2, 3 map onto 1, 2, 4.
        EXACT = 1, "exact place"
        NEAR = 2, "within about 25 km of a known place"
        DISTRICT = 3, "district (admin 2) only"
        GOVERNORATE = 4, "governorate (admin 1) only"
        REGION = 5, "part of a country"
        COUNTRY = 6, "whole country"
        WATER_OR_AIR = 7, "water or airspace"

    name = NormalisedCharField(max_length=200)
    name_folded = models.CharField(max_length=200, editable=False, blank=True, db_index=True)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    geo_precision = models.PositiveSmallIntegerField(
        choices=GeoPrecision.choices, null=True, blank=True
    )
    iso_code = models.CharField(
        max_length=10, blank=True, help_text="ISO 3166 code for countries (e.g. SYR)."
    )
    # Materialised ancestry ("/3/17/42/"): a subtree is one indexed prefix match.
    path = models.CharField(max_length=255, editable=False, blank=True, default="", db_index=True)
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["path", "depth", "name_folded"])
    objects = LocationQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="events_location_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="events_location_longitude_range",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="events_location_coordinates_paired",
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("id")), name="events_location_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @transaction.atomic
    def save(self, *args, **kwargs) -> None:
        self.name_folded = fold(self.name)
        old_path = self.path
        if self.pk is None:
            # The path holds our own id, which exists only after the insert.
            super().save(*args, **kwargs)
            self.path = self._compute_path()
            self.depth = self.path.count("/") - 2
            Location.objects.filter(pk=self.pk).update(path=self.path, depth=self.depth)
            return
        self.path = self._compute_path()
        self.depth = self.path.count("/") - 2
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            # Re-root the whole subtree in one statement.
            Location.objects.filter(beneath(F("path"), old_path)).exclude(pk=self.pk).update(
                path=Concat(Value(self.path), Substr("path", len(old_path) + 1)),
                depth=F("depth") + (self.path.count("/") - old_path.count("/")),
            )

    def get_absolute_url(self) -> str:
        return reverse("admin:events_location_change", args=[self.pk])

    def clean(self) -> None:
        validators.validate_coordinates(self.latitude, self.longitude)
        validators.validate_location_parent(self)

    def _compute_path(self) -> str:
        prefix = self.parent.path if self.parent_id else "/"
        return f"{prefix}{self.pk}/"

    def ancestors(self) -> list["Location"]:
        """Ancestors from the country down, excluding self (one query)."""
        ids = [int(part) for part in self.path.strip("/").split("/")[:-1] if part]
        by_id = Location.objects.in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]


class LocationAlias(models.Model):
    """Another name or transliteration of a place (Deir ez-Zor for Deir al-Zor)."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="aliases")
    name = NormalisedCharField(max_length=200)
    name_folded = models.CharField(max_length=200, editable=False, blank=True, db_index=True)
    language = models.CharField(max_length=12, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "location aliases"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["location", "name_folded"], name="events_locationalias_unique_per_location"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)


class Actor(VersionedModel):
    """An armed group, state, coalition, organisation or person, known by many names."""

    class Kind(models.TextChoices):
        # ACLED's eight actor types (inter codes 1-8) come first, in their order.
        STATE_FORCES = "state_forces", "state forces"
        REBEL_GROUP = "rebel_group", "rebel group"
        POLITICAL_MILITIA = "political_militia", "political militia"
        IDENTITY_MILITIA = "identity_militia", "identity militia"
        RIOTERS = "rioters", "rioters"
        PROTESTERS = "protesters", "protesters"
        CIVILIANS = "civilians", "civilians"
        EXTERNAL = "external", "external / other forces"
        GOVERNMENT = "government", "state / government"
        ALLIANCE = "alliance", "alliance / coalition"
        INTERNATIONAL_ORGANISATION = "international_organisation", "international organisation"
        PERSON = "person", "person"
        OTHER = "other", "other"

    name = NormalisedCharField(max_length=200)
    name_folded = models.CharField(max_length=200, editable=False, blank=True, db_index=True)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    country = models.ForeignKey(
        Location,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actors",
        limit_choices_to={"kind": Location.Kind.COUNTRY},
    )
    description = NormalisedTextField(blank=True)
    members = models.ManyToManyField(
        "self",
        through="ActorMembership",
        through_fields=("alliance", "member"),
        symmetrical=False,
        related_name="alliances",
        blank=True,
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = ActorQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("admin:events_actor_change", args=[self.pk])

    def clean(self) -> None:
        validators.validate_actor_name_unclaimed(self)


class ActorAlias(models.Model):
    """Another name of an actor: "IS", "ISIS", "ISIL" and "Daesh" all find the Islamic State."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="aliases")
    name = NormalisedCharField(max_length=200)
    # Globally unique so that a name resolves to one actor, never to a guess between two.
    name_folded = models.CharField(max_length=200, editable=False, blank=True, unique=True)
    language = models.CharField(max_length=12, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "actor aliases"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.name_folded = fold(self.name)
        validators.validate_actor_alias(self)


class ActorMembership(models.Model):
    """An actor's membership in an alliance, optionally bounded in time."""

    alliance = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="memberships")
    member = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="alliance_memberships")
    since = models.DateField(null=True, blank=True)
    until = models.DateField(null=True, blank=True)
    note = NormalisedCharField(max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["alliance", "member"], name="events_actormembership_unique"
            ),
            models.CheckConstraint(
                condition=~Q(alliance=F("member")), name="events_actormembership_not_self"
            ),
            models.CheckConstraint(
                condition=Q(since__isnull=True) | Q(until__isnull=True) | Q(since__lte=F("until")),
                name="events_actormembership_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} in {self.alliance}"

    def clean(self) -> None:
        validators.validate_membership(self)


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

    def clean(self) -> None:
        validators.validate_event_type_parent(self)


class EventStatus(models.TextChoices):
    DRAFT = "draft", "draft"
    REVIEW = "review", "in review"
    PUBLISHED = "published", "published"
    RETRACTED = "retracted", "retracted"


class ActorRole(models.TextChoices):
    SIDE_A = "side_a", "side A"
    SIDE_B = "side_b", "side B"
    ASSOCIATED_A = "associated_a", "associated with side A"
    ASSOCIATED_B = "associated_b", "associated with side B"
    PERPETRATOR = "perpetrator", "perpetrator"
    TARGET = "target", "target"
    PARTICIPANT = "participant", "participant"
    MEDIATOR = "mediator", "mediator"
    SUPPORTER = "supporter", "supporter"
    SPEAKER = "speaker", "speaker / source of a statement"


class Event(VersionedModel):
    """Something that happened, with honest bounds on when, where, who, and who says so."""

    Status = EventStatus

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

    history = HistoricalRecords(excluded_fields=["date_span_days"])
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
            # The public freshness probe (newest change among published events) in one step.
            models.Index(fields=["status", "updated"], name="events_event_fresh_idx"),
            models.Index(fields=["date_span_days"], name="events_event_span_idx"),
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
            self._stored_status = current.status
            validators.validate_transition(self, to_status, user=user)
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


class EventForReview(Event):
    """The review queue: a proxy so the admin lists events awaiting review under their own entry."""

    class Meta:
        proxy = True
        verbose_name = "event awaiting review"
        verbose_name_plural = "events awaiting review"


class EventActor(models.Model):
    """An actor's part in an event, with a role (side A, perpetrator, mediator, …)."""

    Role = ActorRole

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="actor_links")
    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="event_links")
    role = models.CharField(max_length=20, choices=Role.choices)
    # What the source said of this actor in this event (ACLED's inter1/inter2): an actor coded
    # as state forces in one row and as an external force in another keeps both.
    kind = models.CharField(
        "type in this event",
        max_length=30,
        choices=Actor.Kind.choices,
        blank=True,
        default="",
        db_default="",
        help_text="The actor's type as the source coded it for this event; empty: its own type.",
    )
    # Copies of the event's bounds, so that an actor's chronology is one range of
    # events_eventactor_chrono_idx: database triggers keep them (events/link_bounds.py), so
    # every writer does. The default only stands in until the trigger writes the event's
    # bounds; on SQLite a link just saved still holds it in memory (reload it to read them).
    date_earliest = models.DateField(editable=False, blank=True, db_default=date.min)
    date_latest = models.DateField(editable=False, blank=True, db_default=date.min)

    history = HistoricalRecords(excluded_fields=["date_earliest", "date_latest"])
    objects = EventActorQuerySet.as_manager()

    class Meta:
        verbose_name = "event actor"
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["actor", "date_earliest", "date_latest", "event"],
                name="events_eventactor_chrono_idx",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "actor", "role"], name="events_eventactor_unique_role"
            ),
            models.CheckConstraint(
                condition=Q(role__in=ActorRole.values), name="events_eventactor_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor} ({self.get_role_display()})"


class DateBasis(models.TextChoices):
    """Where a machine-proposed date comes from (article ingestion)."""

    PHRASE = "phrase", "its own date phrase"
    FUTURE = "future", "its own date phrase, read forward: planned or announced"
    SENTENCE = "sentence", "the date phrase of another clause of its sentence"
    PREVIOUS = "previous", "the date of the previous sentence of its paragraph"
    REPORT = "report", "the day of the report (present tense or an undated statement)"


class EventSource(models.Model):
    """A claim: the verbatim excerpt of an article that reports the event, and who said it."""

    DateBasis = DateBasis

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sources")
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="citations")
    excerpt = NormalisedTextField(help_text="Verbatim text of the article that supports the event.")
    excerpt_start = models.PositiveIntegerField(
        null=True, blank=True, help_text="Character offset in the article text; found if empty."
    )
    excerpt_end = models.PositiveIntegerField(null=True, blank=True, editable=False)
    attributed_to = NormalisedCharField(
        max_length=300,
        blank=True,
        help_text="Who the claim is attributed to, e.g. 'a commander in the pro-Syrian "
        "government military alliance'.",
    )
    date_phrase = NormalisedCharField(
        max_length=200, blank=True, help_text="The phrase that dates it, e.g. 'on Wednesday'."
    )
    # Set by article ingestion (events/ingest/): a machine proposed this citation, and says how
    # it dated it, so the editor can check the reasoning instead of trusting it.
    machine_proposed = models.BooleanField(
        default=False, help_text="Proposed by article ingestion, not typed by an editor."
    )
    date_basis = models.CharField(
        max_length=10,
        choices=DateBasis.choices,
        blank=True,
        help_text="Where the date came from, when ingestion proposed it.",
    )
    date_resolution = NormalisedCharField(
        max_length=300,
        blank=True,
        help_text="How the date was worked out, e.g. '“on Wednesday” → 30 Aug 2017 (counted back "
        "from the publication date 31 Aug 2017)'.",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "source excerpt"
        ordering = ["article_id", "excerpt_start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(excerpt_start__isnull=True)
                | Q(excerpt_end__isnull=True)
                | Q(excerpt_start__lt=F("excerpt_end")),
                name="events_eventsource_offsets_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.article.outlet}: “{self.excerpt[:60]}”"

    def save(self, *args, **kwargs) -> None:
        if self.excerpt_start is not None:
            self.excerpt_end = self.excerpt_start + len(self.excerpt)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        validators.validate_source(self)


class EventRelation(models.Model):
    """A typed link between events: one contradicts, follows, is part of or duplicates another."""

    class Kind(models.TextChoices):
        CONTRADICTS = "contradicts", "contradicts"
        FOLLOWS = "follows", "follows"
        PART_OF = "part_of", "is part of"
        DUPLICATE_OF = "duplicate_of", "duplicates"
        # Flagged by article ingestion for an editor to merge or dismiss.
        POSSIBLE_DUPLICATE = "possible_duplicate", "may duplicate"

    from_event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="relations_out")
    to_event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="relations_in")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    note = NormalisedCharField(max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["from_event", "to_event", "kind"], name="events_eventrelation_unique"
            ),
            models.CheckConstraint(
                condition=~Q(from_event=F("to_event")), name="events_eventrelation_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_event_id} {self.get_kind_display()} {self.to_event_id}"


class EventRemoval(models.Model):
    """A tombstone: an event was deleted or left the published record (the sync feed)."""

    class Reason(models.TextChoices):
        DELETED = "deleted", "deleted"
        RETRACTED = "retracted", "retracted"
        UNPUBLISHED = "unpublished", "sent back from published to review"

    # Not a foreign key: the event may no longer exist.
    event_id = models.BigIntegerField()
    uid = models.UUIDField(db_index=True)
    reason = models.CharField(max_length=12, choices=Reason.choices)
    previous_status = models.CharField(max_length=10, choices=EventStatus.choices)
    removed_at = models.DateTimeField(default=timezone.now)

    objects = EventRemovalQuerySet.as_manager()

    class Meta:
        # The feed pages by (removed_at, id): served by events_eventremoval_feed_idx.
        ordering = ["removed_at", "id"]
        indexes = [
            models.Index(fields=["removed_at", "id"], name="events_eventremoval_feed_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(reason__in=["deleted", "retracted", "unpublished"]),
                name="events_eventremoval_reason_valid",
            )
        ]

    def __str__(self) -> str:
        return f"event {self.event_id} {self.reason} at {self.removed_at:%Y-%m-%d %H:%M}"

    @classmethod
    def record(
        cls, events, *, reason: str, previous_status: str | None = None
    ) -> list["EventRemoval"]:
        """Write one tombstone per event (objects or dicts with id, uid and status)."""
        now = timezone.now()
        rows = []
        for event in events:
            get = event.get if isinstance(event, dict) else lambda name, e=event: getattr(e, name)
            rows.append(
                cls(
                    event_id=get("id"),
                    uid=get("uid"),
                    reason=reason,
                    previous_status=previous_status or get("status"),
                    removed_at=now,
                )
            )
        return cls.objects.bulk_create(rows)


class ExternalRecord(models.Model):
    """An event's row in an external dataset (ACLED, UCDP GED): the row itself, verbatim, with
    the release it came from, what the import wrote into the event, and any newer row that
    waits for an editor because the event was changed since."""

    class Dataset(models.TextChoices):
        ACLED = "acled", "ACLED"
        UCDP = "ucdp", "UCDP GED"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="external_records")
    dataset = models.CharField(max_length=8, choices=Dataset.choices)
    external_id = models.CharField(
        max_length=64, help_text="ACLED event_id_cnty or UCDP GED id: stable across releases."
    )
    release = models.CharField(
        max_length=64,
        blank=True,
        help_text="The version stamp of the row: ACLED's timestamp of the row, UCDP's release "
        "(19.1). A row replaces the stored one only when its stamp is not older.",
    )
    country = models.CharField(
        max_length=100, blank=True, help_text="The row's country: which file a row can vanish from."
    )
    row_date = models.DateField(
        null=True,
        blank=True,
        help_text="The row's own date (ACLED event_date, UCDP date_start): with the country, "
        "which file a row can vanish from.",
    )
    # The dataset's geographic precision of this event (UCDP where_prec scale): a row can code an
    # event "near" a town whose place is exact, so the export writes the coarser of the two.
    geo_precision = models.PositiveSmallIntegerField(
        choices=Location.GeoPrecision.choices, null=True, blank=True
    )
    row = models.JSONField(
        default=dict,
        db_default=models.Value({}, models.JSONField()),
        blank=True,
        help_text="The row as the dataset gave it: every column, verbatim (older layouts' "
        "columns under today's names). An export of the unedited event writes it back.",
    )
    snapshot = models.JSONField(
        default=dict,
        db_default=models.Value({}, models.JSONField()),
        blank=True,
        help_text="What the import wrote into the event, one fingerprint per group of fields "
        "(dates, type, place, actors, sources, …): a group that differs now was changed by an "
        "editor.",
    )
    pending = models.JSONField(
        null=True,
        blank=True,
        help_text="A newer row of the dataset that was not applied because an editor had "
        "changed the event: {release, row, fingerprint}. Review it here.",
    )
    fingerprint = models.CharField(
        max_length=64, help_text="Hash of the row's cells: a row seen before is skipped unread."
    )
    imported_at = models.DateTimeField(help_text="When the row was first imported.")
    changed_at = models.DateTimeField(help_text="When an import last changed the event.")

    class Meta:
        verbose_name = "external dataset record"
        # Served by the index of events_externalrecord_unique_id.
        ordering = ["dataset", "external_id"]
        indexes = [
            # The rows of a file's countries and dates that the file no longer holds.
            models.Index(
                fields=["dataset", "country", "row_date"], name="events_externalrecord_scope"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "external_id"], name="events_externalrecord_unique_id"
            ),
            models.CheckConstraint(
                condition=Q(dataset__in=["acled", "ucdp"]), name="events_externalrecord_dataset"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_dataset_display()} {self.external_id}"


class PlaceSuggestion(models.Model):
    """Two places that may be one: a dataset import keeps each row's own place (never snapping it
    to another of the same name nearby) and suggests the pair for an editor to merge."""

    place = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="suggestions")
    same_as = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")
    distance_km = models.FloatField(null=True, blank=True)
    reason = models.CharField(max_length=200)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "possible duplicate place"
        ordering = ["-created", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["place", "same_as"], name="events_placesuggestion_pair"
            ),
            models.CheckConstraint(
                condition=~Q(place=F("same_as")), name="events_placesuggestion_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.place} may be {self.same_as}"
