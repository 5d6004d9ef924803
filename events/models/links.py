"""An event's links: the actors taking part, the articles that report it, related events."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from events import validators
from events.fields import NormalisedCharField, NormalisedTextField
from events.models.actors import Actor
from events.models.articles import Article
from events.models.choices import ActorRole, DateBasis
from events.models.events import Event
from events.querysets import (
    EventActorQuerySet,
    PeriodQuerySet,
)
from events.versioning import hold_shared


class EventActor(models.Model):
    """An actor's part in an event, with a role (side A, perpetrator, mediator, …)."""

    Role = ActorRole

    # No index of their own: the unique (event, actor, role) index leads with the event and
    # the chronology index with the actor, and each serves those lookups as well (a link
    # written updates two indexes fewer; an import writes two or three links a row).
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="actor_links", db_index=False
    )
    actor = models.ForeignKey(
        Actor, on_delete=models.PROTECT, related_name="event_links", db_index=False
    )
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


class EventDyad(models.Model):
    """An actor on one side of an event and an actor on the opposing side (events.models.SIDES),
    with a copy of the event's bounds: one row each way round.

    Derived from the links by database triggers (events/dyads.py), so every writer keeps it;
    a dyad's chronology (actor_a, actor_b) is one range of events_eventdyad_chrono_idx. Plain
    ids, not foreign keys: the triggers delete a pair with its link or event, and deleting an
    event through the ORM need not collect its pairs first.
    """

    # One row per pair and event: the key the triggers' inserts stand on, and the range a
    # link's change rebuilds (its event's rows).
    pk = models.CompositePrimaryKey("event_id", "actor_id", "opponent_id")
    event_id = models.BigIntegerField()
    actor_id = models.BigIntegerField()
    opponent_id = models.BigIntegerField()
    date_earliest = models.DateField()
    date_latest = models.DateField()

    objects = PeriodQuerySet.as_manager()

    class Meta:
        verbose_name = "event dyad"
        indexes = [
            models.Index(
                fields=["actor_id", "opponent_id", "date_earliest", "date_latest", "event_id"],
                name="events_eventdyad_chrono_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"event {self.event_id}: actor {self.actor_id} v. {self.opponent_id}"


class ExportPieces(models.Model):
    """The parts of an event's CSV row that come from its links and citations, as the export's
    statement writes them (csv_layout.CSV_SQL's Parts), each the CSV text of its columns: the
    four actor slots, the actors, the outlets, and the excerpts, attributions and JSON of the
    claims; NULL where csv_row must write the row.

    Derived by database triggers (events/export_pieces.py) whenever a link, a citation, an
    actor's name or a cited article changes, so the export reads two texts per event instead of
    aggregating its links and citations each time. A plain id, not a foreign key, as EventDyad.
    """

    event_id = models.BigIntegerField(primary_key=True)
    actor_columns = models.TextField(null=True)
    actors = models.TextField(null=True)
    source = models.TextField(null=True)
    source_claims = models.TextField(null=True)

    class Meta:
        verbose_name = "event's export pieces"
        verbose_name_plural = "events' export pieces"

    def __str__(self) -> str:
        return f"event {self.event_id}'s export pieces"


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
        with transaction.atomic():
            if self.article_id is not None:
                # The article held as it is now, so that an edit of its text waits (Article.save);
                # if the text changed since the caller read it (clean() checked the excerpt
                # against that copy), the excerpt is checked again: a citation never quotes
                # what its article no longer says. Shared: citations of the same articles saved
                # at once neither wait for nor deadlock each other.
                field = self._meta.get_field("article")
                read = self.article if field.is_cached(self) else None
                try:
                    held = hold_shared(Article, self.article_id)
                except Article.DoesNotExist:
                    raise ValidationError(
                        {"article": f"Article #{self.article_id} no longer exists (deleted)."}
                    ) from None
                if read is not None and read.sha256 != held.sha256:
                    self.article = held
                    validators.validate_source(self)
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
