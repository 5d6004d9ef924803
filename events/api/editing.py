"""Editors' writes through the API: an event with its actors and sources, all or nothing."""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from events import validators
from events.models import Event, EventActor, EventSource, Location
from events.versioning import Expected, lock_current

CHANGE_REASON = "API"
_DATE_FIELDS = ("date_earliest", "date_latest", "date_precision", "date_approximate")


def _record_as(obj, user) -> None:
    """Who made the change, for the history tables (token requests bypass the middleware)."""
    obj._history_user = user
    obj._change_reason = CHANGE_REASON


def _errors(exc: ValidationError, prefix: str = "") -> dict[str, list[str]]:
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
    return {
        (f"{prefix}.{name}" if prefix and name else prefix or name or "non_field_errors"): list(
            messages
        )
        for name, messages in detail.items()
    }


@transaction.atomic
def save_event(
    pk: int | None,
    *,
    values: dict,
    actors: list[dict] | None = None,
    sources: list[dict] | None = None,
    user,
    expected: Expected = None,
) -> Event:
    """Create (pk None) or change an event; actors and sources, when given, replace its links.

    A change re-reads the event under a lock (versioning.lock_current) and refuses it with
    StaleVersion unless its version is an expected one (None: any). Only the fields given are
    written (update_fields), so a change never writes back a status or a field it was not
    given. The links are replaced before the event is saved: Event.save() then checks that a
    published event keeps a source against what they leave.

    Every record goes through full_clean(), the admin's validation path. Errors are collected
    under the input's path ("sources[1].excerpt") and raised as one ValidationError; the
    transaction then rolls back, so nothing is half-written and no history is recorded.
    """
    # The place an event moves to is held before the event is locked: a merge or a delete of
    # it waits for this save, or this save for them (and then finds it gone). FOR NO KEY UPDATE
    # on PostgreSQL, so that other writers' foreign-key checks on the place (which take a key
    # share lock at their commit) never wait for it.
    if values.get("location") is not None:
        _hold_place(values["location"].pk)
    event = Event() if pk is None else lock_current(Event, pk, expected=expected)
    for name, value in values.items():
        setattr(event, name, value)
    written = set(values)
    if any(name in values for name in _DATE_FIELDS) and "date_display" not in values:
        event.date_display = ""  # New bounds: save() generates the display text again.
        written.add("date_display")
    try:
        event.full_clean()
    except ValidationError as exc:
        raise ValidationError(_errors(exc)) from exc
    _record_as(event, user)
    if pk is None:
        event.save()
    errors: dict[str, list[str]] = {}
    if actors is not None:
        errors.update(_replace_actors(event, actors, user=user))
    if sources is not None:
        errors.update(_replace_sources(event, sources, user=user))
    if errors:
        raise ValidationError(errors)
    if pk is not None:
        # Saved even when only links changed: its version moves on, so copies read before
        # the links changed are stale too.
        event.save(update_fields=written)
    return event


def _hold_place(pk: int) -> None:
    """The place an event moves to, locked until the save commits (PostgreSQL; SQLite's write
    lock holds every row): one merged or deleted meanwhile is refused on the field, rather than
    failing as a foreign key at commit. One query."""
    places = Location.objects.filter(pk=pk)
    if connection.features.has_select_for_update:
        places = places.select_for_update(no_key=connection.vendor == "postgresql")
    if not places.exists():
        raise ValidationError({"location": [f"Place #{pk} no longer exists (merged or deleted)."]})


def _replace_actors(event: Event, wanted: list[dict], *, user) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    existing = {(link.actor_id, link.role): link for link in event.actor_links.all()}
    keep = set()
    for position, item in enumerate(wanted):
        key = (item["actor"].pk, item["role"])
        if key in keep:
            errors[f"actors[{position}]"] = [f"{item['actor']} in this role is listed twice"]
            continue
        keep.add(key)
    for key, link in existing.items():
        if key not in keep:
            _record_as(link, user)
            link.delete()
    for position, item in enumerate(wanted):
        key = (item["actor"].pk, item["role"])
        if key in existing or f"actors[{position}]" in errors:
            continue
        link = EventActor(event=event, actor=item["actor"], role=item["role"])
        try:
            link.full_clean()
        except ValidationError as exc:
            errors.update(_errors(exc, f"actors[{position}]"))
            continue
        _record_as(link, user)
        link.save()
        existing[key] = link
    return errors


def _replace_sources(event: Event, wanted: list[dict], *, user) -> dict[str, list[str]]:
    """The event's sources become exactly those wanted. One excerpt may be cited twice with
    two attributions ("…, rebels and a monitor said"): a wanted source takes the stored one of
    its article, excerpt and attribution, else one of its excerpt no other took, and every
    stored source no wanted one took is deleted."""
    errors: dict[str, list[str]] = {}
    stored: dict[tuple, list[EventSource]] = defaultdict(list)
    for source in event.sources.order_by("id"):
        stored[(source.article_id, source.excerpt)].append(source)
    taken: dict[int, EventSource | None] = {}
    repeated = set(
        validators.repeated_citations(
            [
                (item["article"].pk, item["excerpt"], item.get("attributed_to") or "")
                for item in wanted
            ]
        )
    )
    for position in range(len(wanted)):
        if position in repeated:
            errors[f"sources[{position}]"] = [validators.REPEATED_CITATION]
            continue
        taken[position] = None
    # Those naming an attribution take the stored source that has it first; the others then
    # take what is left of their excerpt's, in order.
    for exact in (True, False):
        for position in taken:
            item = wanted[position]
            if taken[position] is not None or (exact and "attributed_to" not in item):
                continue
            pool = stored.get((item["article"].pk, item["excerpt"]), [])
            candidates = (
                [s for s in pool if s.attributed_to == item["attributed_to"]] if exact else pool
            )
            if candidates:
                taken[position] = candidates[0]
                pool.remove(candidates[0])
    for pool in stored.values():
        for source in pool:
            _record_as(source, user)
            source.delete()
    for position, source in taken.items():
        item = wanted[position]
        source = source or EventSource(
            event=event, article=item["article"], excerpt=item["excerpt"]
        )
        for name in ("excerpt_start", "attributed_to", "date_phrase"):
            if name in item:
                setattr(source, name, item[name])
        try:
            source.full_clean()
            _record_as(source, user)
            # save() checks the excerpt again against the article locked (EventSource.save).
            source.save()
        except ValidationError as exc:
            errors.update(_errors(exc, f"sources[{position}]"))
    return errors
