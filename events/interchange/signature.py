"""What an import wrote into an event, group by group: the fingerprints that tell an editor's
change (a group that differs from what the import wrote) from the dataset's own content."""

# Each group stands for a set of the layouts' columns (see GROUP_COLUMNS in acled and ucdp):
# an export writes the stored row's cells for the groups nobody changed and derives the others
# from the event. The same fingerprints are computed from an import's plan, from the database
# and from an export's entries, so each takes plain values: ids, ISO dates, text.

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache

from events.models import Event, EventActor, EventSource

GROUPS = (
    "headline",
    "summary",
    "date",
    "date_text",
    "type",
    "place",
    "fatalities",
    "actors",
    "sources",
)
# Groups a snapshot written before they were kept lacks: nothing can be said of them there, so
# such a snapshot counts them as unchanged (as they were judged when it was written).
_ADDED_LATER = frozenset({"date_text"})
# The groups held in rows of their own, by their model: an event's actor links and sources.
LINKS = {"actors": EventActor, "sources": EventSource}
# Values per IN (...) list: under SQLite's default limit of 999 bound variables.
IN_LIST = 500

Links = Iterable[tuple[int, str, str]]  # (actor id, role, kind in this event)
Citations = Iterable[tuple[int, str, str]]  # (article id, excerpt, attributed_to)


def digest(value) -> str:
    """A group's fingerprint: a short hash of its value's repr."""
    return hashlib.blake2b(repr(value).encode("utf-8"), digest_size=6).hexdigest()


# The groups whose values repeat from event to event (a few thousand days, types, places and
# counts): each distinct one is hashed once, of the import's rows and of an export's entries.
_repeated = lru_cache(maxsize=65_536, typed=True)(digest)


def signature(
    *,
    headline: str,
    summary: str,
    earliest: str,
    latest: str,
    precision: str,
    display: str,
    approximate: bool,
    type_id: int,
    location_id: int | None,
    fatalities: tuple[int | None, int | None, int | None],
    actors: Links,
    sources: Citations,
) -> dict[str, str]:
    """{group: fingerprint}. Dates are ISO text; fatalities (best, low, high); links and
    citations count as sets with repeats (their order in the database is not the editor's)."""
    return {
        "headline": digest(headline),
        "summary": digest(summary),
        "date": _repeated((earliest, latest, precision)),
        # The date as an editor words it ("Wednesday 30 August 2017 (local time)") and whether
        # it is hedged: an import writes both, so an editor's change to either is theirs.
        "date_text": _repeated((display, bool(approximate))),
        "type": _repeated(type_id),
        "place": _repeated(location_id),
        "fatalities": _repeated(tuple(fatalities)),
        "actors": links(actors),
        "sources": links(sources),
    }


def links(values: Links | Citations) -> str:
    """The fingerprint of an event's actor links or of its citations."""
    return digest(sorted(values))


def changed_groups(snapshot: dict[str, str], current: dict[str, str]) -> set[str]:
    """The groups whose fingerprint differs; every group when nothing was recorded (a record
    from before snapshots were kept)."""
    if not snapshot:
        return set(GROUPS)
    return {
        group
        for group in GROUPS
        if (group in snapshot or group not in _ADDED_LATER)
        and snapshot.get(group) != current.get(group)
    }


def current(event_ids: Sequence[int]) -> dict[int, dict[str, str]]:
    """{event id: signature} of events as the database holds them now: three queries per
    500 events."""
    found: dict[int, dict[str, str]] = {}
    for start in range(0, len(event_ids), IN_LIST):
        part = list(event_ids[start : start + IN_LIST])
        links: dict[int, list] = defaultdict(list)
        for event_id, *link in EventActor.objects.filter(event_id__in=part).values_list(
            "event_id", "actor_id", "role", "kind"
        ):
            links[event_id].append(tuple(link))
        citations: dict[int, list] = defaultdict(list)
        for event_id, *citation in EventSource.objects.filter(event_id__in=part).values_list(
            "event_id", "article_id", "excerpt", "attributed_to"
        ):
            citations[event_id].append(tuple(citation))
        rows = Event.objects.filter(id__in=part).values_list(
            "id",
            "headline",
            "summary",
            "date_earliest",
            "date_latest",
            "date_precision",
            "date_display",
            "date_approximate",
            "type_id",
            "location_id",
            "fatalities_best",
            "fatalities_low",
            "fatalities_high",
        )
        for (
            pk,
            headline,
            summary,
            earliest,
            latest,
            precision,
            display,
            approximate,
            type_id,
            place,
            *deaths,
        ) in rows:
            found[pk] = signature(
                headline=headline,
                summary=summary,
                earliest=earliest.isoformat(),
                latest=latest.isoformat(),
                precision=precision,
                display=display,
                approximate=approximate,
                type_id=type_id,
                location_id=place,
                fatalities=tuple(deaths),
                actors=links[pk],
                sources=citations[pk],
            )
    return found


def entry_signature(entry: dict, *, type_id: int, links: Links) -> dict[str, str]:
    """The signature of a chronology entry (an export's view of the event); its type's id and
    its links with their kinds come from the exporter's own query."""
    when = entry.get("date") or {}
    fatalities = entry.get("fatalities") or {}
    location = entry.get("location") or {}
    return signature(
        headline=entry.get("headline") or "",
        summary=entry.get("summary") or "",
        earliest=when.get("earliest") or "",
        latest=when.get("latest") or "",
        precision=when.get("precision") or "",
        display=when.get("display") or "",
        approximate=bool(when.get("approximate")),
        type_id=type_id,
        location_id=location.get("id"),
        fatalities=(fatalities.get("best"), fatalities.get("low"), fatalities.get("high")),
        actors=links,
        sources=[
            (source.get("article"), source.get("excerpt") or "", source.get("attributed_to") or "")
            for source in entry.get("sources") or []
        ],
    )
