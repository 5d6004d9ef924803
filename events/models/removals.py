"""Tombstones: which events were deleted or left the published record (the sync feed)."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from events.models.choices import EventStatus
from events.querysets import (
    EventRemovalQuerySet,
)


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
