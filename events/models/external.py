"""Rows of external datasets (ACLED, UCDP GED) kept beside their events, and place suggestions."""

from django.db import models
from django.db.models import F, Q

from events.models.events import Event
from events.models.places import Location


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
            # The newest change an import made, which the dataset exports' ETags read
            # (events.api.caching): one step back along it.
            models.Index(fields=["changed_at"], name="events_externalrecord_changed"),
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
