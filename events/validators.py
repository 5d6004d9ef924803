"""One validation path for every write: Model.clean(), admin, API, importers and seed loading."""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from functools import lru_cache
from numbers import Real

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from events.change_reasons import REASON_MAX
from events.dates import Precision
from events.text import fingerprint, fold, normalise_newlines

# Which status may follow which: publishing goes through review, retracting keeps the record.
TRANSITIONS: dict[str, set[str]] = {
    "draft": {"review"},
    "review": {"draft", "published"},
    "published": {"review", "retracted"},
    "retracted": {"review"},
}
PUBLISHER_STATUSES = {"published", "retracted"}
NUL_MESSAGE = "NUL characters (\\x00) are not allowed in text."


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def event_date_window(*, today: date | None = None) -> tuple[date, date]:
    """The days an event may lie in: settings.EVENT_DATE_MIN to today plus
    EVENT_DATE_MAX_YEARS_AHEAD years (planned and announced events lie ahead)."""
    today = today or timezone.now().date()
    return _window(settings.EVENT_DATE_MIN, today, settings.EVENT_DATE_MAX_YEARS_AHEAD)


@lru_cache(maxsize=16)
def _window(first: date, today: date, years: int) -> tuple[date, date]:
    # Worked out once a day (and settings): an import validates every row with it, and the
    # relativedelta addition cost more than the rest of the checks of a row.
    return first, today + relativedelta(years=years)


def validate_event_dates(
    earliest: date | None,
    latest: date | None,
    *,
    fields: tuple[str, str] = ("date_earliest", "date_latest"),
    today: date | None = None,
) -> None:
    """Both bounds inside event_date_window(), each error keyed by its field (fields names
    them: ("when", "when") for a date typed as one phrase)."""
    first, last = event_date_window(today=today)
    errors: dict[str, list[str]] = {}
    for name, value in zip(fields, (earliest, latest), strict=True):
        if isinstance(value, date) and not first <= value <= last:
            errors.setdefault(name, []).append(
                f"{value.isoformat()} is outside the dates events may have: {first.isoformat()} "
                f"to {last.isoformat()} ({settings.EVENT_DATE_MAX_YEARS_AHEAD} years from today)."
            )
    _raise(errors)


# The names of actors, places and their aliases, and the folded lookup key stored beside each
# (events.text.fold): both columns hold this many characters.
NAME_MAX = 200


def name_length_problem(name: str) -> str | None:
    """What is wrong with a name's length, or None: folding can lengthen a name ("ß" → "ss",
    a ligature spelled out), so a name within the limit may still not fit once folded."""
    if len(name) > NAME_MAX:
        return f"{name[:40]!r}… is {len(name)} characters long; the limit is {NAME_MAX}"
    folded = fold(name)
    if len(folded) > NAME_MAX:
        return (
            f"{name[:40]!r}… is {len(folded)} characters long once folded for lookups "
            f"(accents dropped, ß as ss, ligatures spelled out); the limit is {NAME_MAX}"
        )
    return None


def validate_name_length(obj) -> None:
    """An actor's, a place's or an alias's name fits its columns (name_length_problem)."""
    problem = name_length_problem(obj.name or "")
    if problem:
        raise ValidationError({"name": problem})


REPEATED_CITATION = "this excerpt of this article is listed twice with the same attribution"


def repeated_citations(citations: Sequence[tuple[int, str, str]]) -> list[int]:
    """The positions of the (article id, excerpt, attribution) citations that repeat an earlier
    one: an excerpt may be cited twice only with two attributions ("…, rebels and a monitor
    said"), for every writer of an event's sources."""
    seen, repeated = set(), []
    for position, citation in enumerate(citations):
        if citation in seen:
            repeated.append(position)
        seen.add(citation)
    return repeated


def validate_published_sources(status: str, sources: int) -> None:
    """A published event keeps at least one source excerpt (sources: how many it keeps)."""
    if status == "published" and sources < 1:
        raise ValidationError(
            {
                "sources": [
                    "A published event keeps at least one source excerpt: add another before "
                    "removing the last, or send the event back to review first."
                ]
            }
        )


def validate_text(text: str, *, field: str) -> None:
    """No NUL character (PostgreSQL cannot store one; nothing a source says contains one).
    Line endings are normalised, not refused: events.text.normalise_newlines()."""
    if "\x00" in text:
        raise ValidationError({field: [NUL_MESSAGE]})


def validate_event(event) -> None:
    """Dates, precision and fatalities of an event, each error keyed by the field at fault."""
    errors: dict[str, list[str]] = {}
    earliest, latest = event.date_earliest, event.date_latest
    try:
        validate_event_dates(earliest, latest)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if earliest and latest and earliest > latest:
        errors.setdefault("date_latest", []).append(
            f"The latest possible date ({latest}) is before the earliest ({earliest})."
        )
    if event.date_precision and event.date_precision not in Precision._value2member_map_:
        errors.setdefault("date_precision", []).append(
            f"Unknown precision {event.date_precision!r}."
        )
    elif (
        event.date_precision == Precision.DAY
        and earliest
        and latest
        and earliest != latest
        and not event.date_approximate
    ):
        # A day-precise event is one day; anything wider must say how wide it is.
        errors.setdefault("date_precision", []).append(
            f"Day precision needs one day, but the bounds span {earliest} to {latest}."
        )
    low, best, high = event.fatalities_low, event.fatalities_best, event.fatalities_high
    if low is not None and best is not None and low > best:
        errors.setdefault("fatalities_low", []).append(
            f"The low estimate ({low}) is above the best estimate ({best})."
        )
    if best is not None and high is not None and best > high:
        errors.setdefault("fatalities_high", []).append(
            f"The high estimate ({high}) is below the best estimate ({best})."
        )
    if low is not None and high is not None and low > high:
        errors.setdefault("fatalities_high", []).append(
            f"The high estimate ({high}) is below the low estimate ({low})."
        )
    _raise(errors)


def validate_reason(reason: str) -> None:
    """An editor's reason for a change is recorded as given: no longer than its column."""
    if len(reason) > REASON_MAX:
        raise ValidationError(
            {
                "reason": f"Keep it to {REASON_MAX} characters, as the history records it "
                f"(this one has {len(reason)})."
            }
        )


def validate_transition(event, to_status: str, *, user=None, reason: str = "") -> None:
    """May this event move to to_status, and may this user move it there?"""
    validate_reason(reason)
    current = event.status
    if to_status not in TRANSITIONS:
        raise ValidationError({"status": f"Unknown status {to_status!r}."})
    if to_status not in TRANSITIONS.get(current, set()):
        allowed = ", ".join(sorted(TRANSITIONS.get(current, set()))) or "nothing"
        raise ValidationError(
            {"status": f"A {current} event cannot become {to_status}; it can become {allowed}."}
        )
    if (
        user is not None
        and to_status in PUBLISHER_STATUSES
        and not user.has_perm("events.publish_event")
    ):
        verb = "publish" if to_status == "published" else "retract"
        raise PermissionDenied(f"Only editors with the publish permission can {verb} events.")
    if to_status == "published" and (event.pk is None or not event.sources.exists()):
        raise ValidationError(
            {"status": "An event needs at least one source excerpt before it is published."}
        )


def locate_excerpt(text: str, excerpt: str, start: int | None = None) -> int:
    """Return where excerpt stands verbatim in text (checking start if given); ValueError if not."""
    if not excerpt:
        raise ValueError("The excerpt is empty.")
    if start is not None:
        if text[start : start + len(excerpt)] == excerpt:
            return start
        raise ValueError(
            f"The excerpt does not stand at offset {start} of the article text "
            f"(found {text[start : start + 40]!r} there)."
        )
    found = text.find(excerpt)
    if found < 0:
        raise ValueError(
            f"The excerpt does not occur verbatim in the article text: {excerpt[:80]!r}"
        )
    return found


def validate_source(source) -> None:
    """The excerpt must be verbatim article text; offsets are found when not given."""
    errors: dict[str, list[str]] = {}
    if source.article_id is None:
        return  # The required-field check names the missing article.
    text = source.article.text
    try:
        source.excerpt_start = locate_excerpt(text, source.excerpt, source.excerpt_start)
        source.excerpt_end = source.excerpt_start + len(source.excerpt)
    except ValueError as exc:
        field = "excerpt_start" if source.excerpt_start is not None else "excerpt"
        errors.setdefault(field, []).append(f"{exc} (article: {source.article.title!r})")
    phrase = source.date_phrase.strip()
    if phrase and phrase.casefold() not in text.casefold():
        errors.setdefault("date_phrase", []).append(
            f"The date phrase {phrase!r} does not occur in the article text."
        )
    _raise(errors)


def validate_coordinates(latitude: float | None, longitude: float | None) -> None:
    errors: dict[str, list[str]] = {}
    for name, value in (("latitude", latitude), ("longitude", longitude)):
        # Text or a list from a fixture or an import would otherwise fail the range check below
        # with a TypeError; a boolean is not a coordinate either.
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, (Real, Decimal))
        ):
            errors.setdefault(name, []).append(f"The {name} {value!r} is not a number.")
    if errors:
        _raise(errors)
    if (latitude is None) != (longitude is None):
        missing = "longitude" if longitude is None else "latitude"
        errors.setdefault(missing, []).append("Give both latitude and longitude, or neither.")
    if latitude is not None and not -90 <= latitude <= 90:
        errors.setdefault("latitude", []).append(
            f"Latitude {latitude} is outside -90..90 (did you swap latitude and longitude?)."
        )
    if longitude is not None and not -180 <= longitude <= 180:
        errors.setdefault("longitude", []).append(f"Longitude {longitude} is outside -180..180.")
    _raise(errors)


def validate_location_parent(location) -> None:
    parent = location.parent if location.parent_id else None
    if parent is None:
        return
    if location.pk and (parent.pk == location.pk or f"/{location.pk}/" in parent.path):
        raise ValidationError(
            {"parent": f"{parent} is inside {location}; a place cannot be its own ancestor."}
        )
    if location.kind == "country" and parent.kind not in {"region"}:
        raise ValidationError({"parent": "A country can only sit inside a region, if anything."})


def validate_event_type_parent(event_type) -> None:
    parent = event_type.parent if event_type.parent_id else None
    if parent is None:
        return
    if parent.parent_id is not None:
        raise ValidationError(
            {"parent": f"{parent} is itself a sub-type; event types have two levels."}
        )
    if event_type.pk and (parent.pk == event_type.pk or event_type.subtypes.exists()):
        raise ValidationError({"parent": f"{event_type} has sub-types, so it must stay top-level."})


def alias_clashes(names: Sequence[str]) -> dict[int, str]:
    """The names that fold like an earlier one of the list ("isis" after "ISIS"), by position,
    each with that earlier name: one actor's or place's aliases given together, of which the
    database keeps one per folded name."""
    first: dict[str, str] = {}
    clashes = {}
    for index, name in enumerate(names):
        folded = fold(name)
        if folded in first:
            clashes[index] = first[folded]
        else:
            first[folded] = name
    return clashes


def validate_alias_once(alias, *, owner: str) -> None:
    """An alias folding like another stored alias of its actor or place (`owner`, the field
    naming it) is that name again, which the database refuses: refused here on the name."""
    twin = (
        type(alias)
        ._default_manager.filter(**{f"{owner}_id": getattr(alias, f"{owner}_id")})
        .filter(name_folded=fold(alias.name))
        .exclude(pk=alias.pk)
        .select_related(owner)
        .first()
    )
    if twin is not None:
        named = getattr(twin, owner)
        raise ValidationError(
            {"name": f"{alias.name!r} reads as {twin.name!r}, already an alias of {named}."}
        )


def validate_actor_alias(alias) -> None:
    # The models come from the instance: events.models imports this module, not the reverse.
    ActorAlias, Actor = type(alias), alias._meta.get_field("actor").related_model

    validate_alias_once(alias, owner="actor")
    taken = ActorAlias.objects.filter(name_folded=alias.name_folded).exclude(pk=alias.pk)
    other = taken.select_related("actor").first()
    if other and other.actor_id != alias.actor_id:
        raise ValidationError(
            {"name": f"{alias.name!r} already names another actor: {other.actor}."}
        )
    named = Actor.objects.filter(name_folded=alias.name_folded).exclude(pk=alias.actor_id).first()
    if named:
        raise ValidationError({"name": f"{alias.name!r} is the name of another actor: {named}."})


def validate_actor_name_unclaimed(actor) -> None:
    ActorAlias = actor._meta.get_field("aliases").related_model

    other = (
        ActorAlias.objects.filter(name_folded=fold(actor.name))
        .exclude(actor_id=actor.pk)
        .select_related("actor")
        .first()
    )
    if other:
        raise ValidationError({"name": f"{actor.name!r} is already an alias of {other.actor}."})


def validate_alliance_kind(actor) -> None:
    """An actor that has members stays an alliance while it has them."""
    if actor.pk and actor.kind != "alliance" and actor.memberships.exists():
        raise ValidationError(
            {
                "kind": f"{actor} has members: remove its memberships before it stops being "
                "an alliance."
            }
        )


def _within(memberships, actor_id: int, alliance_id: int) -> bool:
    """Whether actor_id is a member of alliance_id, directly or through alliances that are its
    members (a query per level of nesting)."""
    seen, level = {alliance_id}, {alliance_id}
    while level:
        members = set(
            memberships._default_manager.filter(alliance_id__in=level).values_list(
                "member_id", flat=True
            )
        )
        if actor_id in members:
            return True
        level = members - seen
        seen |= members
    return False


def membership_cycle(membership) -> str | None:
    """What is wrong when the membership would make alliances members of each other, or None
    (a query per level of nesting)."""
    if not (membership.alliance_id and membership.member_id):
        return None
    if not _within(type(membership), membership.alliance_id, membership.member_id):
        return None
    return (
        f"{membership.alliance} is already a member of {membership.member}, directly or "
        "through another alliance: alliances cannot be members of each other."
    )


def validate_membership(membership) -> None:
    errors: dict[str, list[str]] = {}
    if membership.alliance_id and membership.alliance.kind != "alliance":
        errors.setdefault("alliance", []).append(
            f"{membership.alliance} is a {membership.alliance.get_kind_display()}, not an alliance."
        )
    if membership.alliance_id and membership.alliance_id == membership.member_id:
        errors.setdefault("member", []).append("An alliance cannot be its own member.")
    elif problem := membership_cycle(membership):
        errors.setdefault("member", []).append(problem)
    if membership.since and membership.until and membership.since > membership.until:
        errors.setdefault("until", []).append("The membership ends before it starts.")
    _raise(errors)


def validate_article_keeps_citations(article) -> None:
    """A stored article's new text must still hold every excerpt its citations quote, where
    they say it stands (and their date phrases): rewriting the text under them, by an edit or
    a revert, would make them quote what the article no longer says. One query, only when the
    text changed."""
    if article.pk is None or not article.text:
        return
    text = normalise_newlines(article.text)
    stored = type(article)._default_manager.filter(pk=article.pk).values_list("sha256", flat=True)
    if stored.first() == fingerprint(text):
        return
    broken = []
    for source in article.citations.order_by("event_id", "id").only(
        "event_id", "excerpt", "excerpt_start", "date_phrase"
    ):
        try:
            locate_excerpt(text, source.excerpt, source.excerpt_start)
        except ValueError:
            broken.append(f"event #{source.event_id} quotes {source.excerpt[:60]!r}")
            continue
        phrase = source.date_phrase.strip()
        if phrase and phrase.casefold() not in text.casefold():
            broken.append(f"event #{source.event_id} takes its date from {phrase!r}")
    if broken:
        shown = "; ".join(broken[:5]) + (f"; and {len(broken) - 5} more" if len(broken) > 5 else "")
        raise ValidationError(
            {
                "text": f"This text no longer holds what {len(broken)} citation(s) of the "
                f"article quote where they say it stands ({shown}). Change or remove those "
                "citations on their events first."
            }
        )


def validate_article_text_unique(article) -> None:
    if not article.text:
        return
    articles = type(article)._default_manager
    same = articles.filter(sha256=fingerprint(article.text)).exclude(pk=article.pk).first()
    if same:
        raise ValidationError(
            {"text": f"This exact text is already stored as article #{same.pk}: {same.title!r}."}
        )
