"""Actors: armed groups, states and people, their aliases and their alliances."""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from events import validators
from events.fields import NormalisedCharField, NormalisedTextField
from events.models.places import Location
from events.querysets import (
    ActorQuerySet,
)
from events.text import fold
from events.versioning import VersionedModel
from events.write_locks import hold_actor_name, hold_alliances


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
        with transaction.atomic():
            # Again under the name's lock: an alias of this name saved since clean() ran.
            hold_actor_name(self.name_folded)
            validators.validate_actor_name_unclaimed(self)
            super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("admin:events_actor_change", args=[self.pk])

    def clean(self) -> None:
        validators.validate_name_length(self)
        validators.validate_actor_name_unclaimed(self)
        validators.validate_alliance_kind(self)


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
        with transaction.atomic():
            # Again under the name's lock: an actor renamed to it since clean() ran.
            hold_actor_name(self.name_folded)
            validators.validate_actor_alias(self)
            super().save(*args, **kwargs)

    def clean(self) -> None:
        validators.validate_name_length(self)
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

    def save(self, *args, **kwargs) -> None:
        with transaction.atomic():
            # The cycle checked again under the alliances' lock: a membership saved since
            # clean() ran could close one.
            hold_alliances()
            if problem := validators.membership_cycle(self):
                raise ValidationError({"member": problem})
            super().save(*args, **kwargs)

    def clean(self) -> None:
        validators.validate_membership(self)
