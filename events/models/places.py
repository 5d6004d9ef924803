"""Places: a hierarchy of locations kept as materialised paths, with their aliases."""

from django.db import models, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Substr
from django.urls import reverse
from simple_history.models import HistoricalRecords

from events import validators
from events.fields import NormalisedCharField
from events.querysets import (
    LocationQuerySet,
    beneath,
)
from events.text import fold
from events.versioning import VersionedModel


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
        validators.validate_name_length(self)
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


def unname_deleted_place(sender, instance: Location, **kwargs) -> None:
    """Before a place is deleted, the actors whose country and the articles whose dateline it
    is lose it as an edit of their own: a new version (copies read before are stale) and a
    history record saying why, rather than the database's silent SET NULL. A query per model,
    and a save per record that named the place. Connected as a pre_delete receiver."""
    from events.models import Actor, Article

    for model, field in ((Actor, "country"), (Article, "dateline")):
        for record in model.objects.filter(**{field: instance}):
            setattr(record, field, None)
            record._change_reason = f"its {field} {instance.name!r} (#{instance.pk}) was deleted"
            record.save(update_fields=[field])


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

    def clean(self) -> None:
        validators.validate_name_length(self)
        self.name_folded = fold(self.name)
        validators.validate_alias_once(self, owner="location")
