"""Flag a proposal that may report an event already recorded: same time, place or actors, words."""

import re
from dataclasses import dataclass

from django.db.models import Prefetch, Q

from events.models import Event, EventRelation, EventSource, Location
from events.text import fold

# Share at least this much of the shorter text's content words, and at least two of them.
THRESHOLD = 0.4
MIN_SHARED = 2
# Overlapping dates and a shared place or actor leave a handful of candidates; this caps a
# pathological case (a country-wide event in a busy month) at a bounded amount of work.
MAX_CANDIDATES = 50

_STOPWORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "and",
        "or",
        "but",
        "of",
        "in",
        "on",
        "at",
        "to",
        "from",
        "by",
        "for",
        "with",
        "without",
        "into",
        "onto",
        "over",
        "under",
        "after",
        "before",
        "since",
        "while",
        "as",
        "that",
        "this",
        "these",
        "those",
        "it",
        "its",
        "they",
        "their",
        "them",
        "he",
        "she",
        "his",
        "her",
        "we",
        "our",
        "you",
        "your",
        "was",
        "were",
        "is",
        "are",
        "be",
        "been",
        "being",
        "has",
        "have",
        "had",
        "do",
        "does",
        "did",
        "not",
        "no",
        "yet",
        "also",
        "again",
        "said",
        "says",
        "say",
        "told",
        "would",
        "could",
        "will",
        "should",
        "may",
        "might",
        "can",
        "than",
        "then",
        "there",
        "here",
        "which",
        "who",
        "whom",
        "whose",
        "what",
        "when",
        "where",
        "some",
        "any",
        "all",
        "more",
        "most",
        "other",
        "such",
        "only",
        "own",
        "same",
        "very",
        "about",
        "around",
        "near",
    ]
)


@dataclass(frozen=True)
class DuplicateMatch:
    """An existing event a proposal may duplicate, and why it looks like one."""

    event: Event
    similarity: float
    reasons: tuple[str, ...]

    @property
    def note(self) -> str:
        return "; ".join(self.reasons)[:300]


def stems(text: str) -> set[str]:
    """Content words, folded and cut to five letters ("advances" ~ "advanced")."""
    words = re.findall(r"[a-z0-9]+", fold(text))
    return {w[:5] for w in words if len(w) >= 3 and w not in _STOPWORDS}


def similarity(ours: set[str], theirs: set[str]) -> tuple[float, int]:
    shared = len(ours & theirs)
    if not ours or not theirs:
        return 0.0, 0
    return shared / min(len(ours), len(theirs)), shared


def related_places(location: Location) -> list[int]:
    """The place, everything within it, and what it lies within below the governorate level."""
    ids = list(Location.objects.subtree(location).values_list("id", flat=True))
    ancestors = [int(part) for part in location.path.strip("/").split("/")[:-1] if part]
    # Depth 0 is a country and 1 a governorate: sharing one of those says little.
    ids += list(
        Location.objects.filter(id__in=ancestors, depth__gte=2).values_list("id", flat=True)
    )
    return ids


def find_possible_duplicates(event: Event) -> list[DuplicateMatch]:
    """Existing events whose bounds intersect event's, that share its place (or a place within
    or around it) or one of its actors, and whose words are similar; best first."""
    actor_ids = list(event.actor_links.values_list("actor_id", flat=True))
    condition = Q()
    if event.location_id is not None:
        condition |= Q(location_id__in=related_places(event.location))
    if actor_ids:
        condition |= Q(actor_links__actor_id__in=actor_ids)
    if not condition:
        return []
    own_sources = list(event.sources.all())
    articles = {source.article_id for source in own_sources}
    ours = stems(" ".join([event.headline, *(s.excerpt for s in own_sources)]))
    candidates = (
        Event.objects.overlapping(event.date_earliest, event.date_latest)
        .exclude(pk=event.pk)
        .exclude(status=Event.Status.RETRACTED)
        # Proposals from the same article are the same reading, not a second report.
        .exclude(sources__article_id__in=articles)
        .filter(condition)
        .distinct()
        # The candidates' excerpts and actors, one query each, for the comparison below.
        .prefetch_related(
            Prefetch("sources", queryset=EventSource.objects.only("id", "event_id", "excerpt")),
            "actor_links",
        )
        .order_by("date_earliest", "id")[:MAX_CANDIDATES]
    )
    matches = []
    for candidate in candidates:
        texts = [candidate.headline, candidate.summary]
        texts += [source.excerpt for source in candidate.sources.all()]
        score, shared = max(similarity(ours, stems(text)) for text in texts if text)
        if score < THRESHOLD or shared < MIN_SHARED:
            continue
        reasons = [f"dates overlap ({candidate.display_date})"]
        if event.location_id is not None and candidate.location_id is not None:
            reasons.append("same place or a place within it")
        common = set(actor_ids) & {link.actor_id for link in candidate.actor_links.all()}
        if common:
            reasons.append(f"{len(common)} actor(s) in common")
        reasons.append(f"similar wording ({score:.0%} of words shared)")
        matches.append(DuplicateMatch(candidate, round(score, 2), tuple(reasons)))
    return sorted(matches, key=lambda m: -m.similarity)


def flag_possible_duplicates(event: Event) -> list[DuplicateMatch]:
    """Record each possible duplicate as a 'possible_duplicate' link from event to it."""
    matches = find_possible_duplicates(event)
    for match in matches:
        link = EventRelation(
            from_event=event,
            to_event=match.event,
            kind=EventRelation.Kind.POSSIBLE_DUPLICATE,
            note=match.note,
        )
        link.full_clean()
        link._change_reason = "flagged by article ingestion"
        link.save()
    return matches
