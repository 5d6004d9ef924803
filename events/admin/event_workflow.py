"""The editorial workflow in the admin: status badges, workflow buttons, allowed moves, history."""

from django.core.exceptions import ValidationError
from django.utils.html import format_html

from events.models import (
    Event,
    EventActor,
    EventRelation,
    EventSource,
)
from events.validators import (
    PUBLISHER_STATUSES,
    TRANSITIONS,
)
from events.versioning import StaleVersion


def status_badge(status: str) -> str:
    label = Event.Status(status).label if status in Event.Status.values else status
    return format_html('<span class="status-badge status-badge--{}">{}</span>', status, label)


# The submit button that saves the form and moves the event to its value (a status).
WORKFLOW_BUTTON = "_transition"
STATUS_ORDER = list(Event.Status.values).index


def workflow_label(current: str, to_status: str) -> str:
    """What a workflow button says: it saves the form, then moves the event."""
    if to_status == Event.Status.REVIEW:
        return "Save and send for review" if current == "draft" else "Save and send back to review"
    return {
        Event.Status.DRAFT: "Save and send back to draft",
        Event.Status.PUBLISHED: "Save and publish",
        Event.Status.RETRACTED: "Save and retract",
    }[to_status]


def allowed_transitions(event: Event, user) -> set[str]:
    allowed = set(TRANSITIONS.get(event.status, set()))
    if not user.has_perm("events.publish_event"):
        allowed -= PUBLISHER_STATUSES
    return allowed


def error_message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    if isinstance(exc, StaleVersion):
        return exc.message
    return str(exc)


def link_history(event_id: int) -> list[dict]:
    """Changes to an event's actors, sources and links, newest first, for its history page."""
    rows = []
    for model, label in (
        (EventActor.history.model, "actor"),
        (EventSource.history.model, "source"),
    ):
        for record in model.objects.filter(event_id=event_id).select_related("history_user"):
            rows.append({"record": record, "what": label})
    for record in EventRelation.history.model.objects.filter(from_event_id=event_id).select_related(
        "history_user"
    ):
        rows.append({"record": record, "what": "link"})
    rows.sort(key=lambda row: row["record"].history_date, reverse=True)
    return rows
