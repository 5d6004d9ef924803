"""The full event beside its entry: typed links to other events; for editors, status and history."""

from collections import defaultdict
from collections.abc import Sequence

from django.db import models
from django.db.models import Q

from events.chronology.entries import UrlFor
from events.models import Event, EventRelation


def related_by_event(
    ids: list[int],
    *,
    visible: models.QuerySet,
    url_for: UrlFor | None = None,
    hidden_kinds: Sequence[str] = (),
) -> dict[int, list[dict]]:
    """Typed links to and from these events, to visible events only (one query)."""
    visible_ids = visible.values("id")
    links = (
        EventRelation.objects.filter(
            Q(from_event_id__in=ids, to_event_id__in=visible_ids)
            | Q(to_event_id__in=ids, from_event_id__in=visible_ids)
        )
        .exclude(kind__in=hidden_kinds)
        .order_by("id")
        .values_list(
            "from_event_id",
            "to_event_id",
            "kind",
            "note",
            "from_event__headline",
            "to_event__headline",
        )
    )
    wanted = set(ids)
    found: dict[int, list[dict]] = defaultdict(list)
    for from_id, to_id, kind, note, from_headline, to_headline in links:
        for this, other, headline, direction in (
            (from_id, to_id, to_headline, "outgoing"),
            (to_id, from_id, from_headline, "incoming"),
        ):
            if this in wanted:
                link = {
                    "id": other,
                    "headline": headline,
                    "kind": kind,
                    "direction": direction,
                    "note": note,
                }
                if url_for is not None:
                    link["url"] = url_for(other)
                found[this].append(link)
    return found


# --- The full event (events/ and events/{id}/) ---------------------------------------------------


def add_event_details(
    entries: list[dict],
    *,
    visible: models.QuerySet,
    editor: bool,
    with_history: bool = False,
    url_for: UrlFor | None = None,
    history_url_for: UrlFor | None = None,
) -> list[dict]:
    """Add typed links to visible events and, for editors, status and history (in place).

    One query for the links, one for statuses and one for the history records: the count
    does not grow with the number of entries.
    """
    ids = [entry["id"] for entry in entries]
    if not ids:
        return entries
    # An ingestion's "possible duplicate" flag is a note to editors, not a public claim.
    hidden = () if editor else ("possible_duplicate",)
    related = related_by_event(ids, visible=visible, url_for=url_for, hidden_kinds=hidden)
    for entry in entries:
        entry["related"] = related.get(entry["id"], [])
    if not editor:
        return entries

    statuses = dict(Event.objects.filter(id__in=ids).values_list("id", "status"))
    history: dict[int, list[dict]] = defaultdict(list)
    if with_history:
        records = (
            Event.history.filter(id__in=ids)
            .order_by("-history_date", "-history_id")
            .values_list(
                "id",
                "history_date",
                "history_user__username",
                "history_type",
                "history_change_reason",
                "status",
            )
        )
        for pk, when, user, change, reason, status in records:
            history[pk].append(
                {
                    "date": when.isoformat(),
                    "user": user,
                    "change": change,
                    "reason": reason,
                    "status": status,
                }
            )
    for entry in entries:
        entry["status"] = statuses.get(entry["id"])
        if history_url_for is not None:
            entry["history_url"] = history_url_for(entry["id"])
        if with_history:
            entry["history"] = history.get(entry["id"], [])
    return entries
