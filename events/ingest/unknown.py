"""Names nobody has recorded yet: capitalised names no actor or place is known by."""

import re
from collections import Counter
from dataclasses import dataclass

from events.dates import CALENDAR_WORDS
from events.ingest.gazetteer import Mention, opens_sentence
from events.ingest.nameforms import DEMONYM_KEYS
from events.text import fold

_CAPITALISED = re.compile(
    r"(?<![\w'’‘-])(?:[A-Z][\w'’‘.-]*[\w]|[A-Z])"
    # "the" joins only after "of" ("Organisation of the Islamic Cooperation"): "in Syria the
    # Democratic Union Party" is a place and then a name.
    r"(?:\s+(?:(?:al|el|ad|as|ash|ar|bin|ibn|de|of(?:\s+the)?)[-\s]+)?[A-Z][\w'’‘.-]*[\w])*"
)
# Words a capitalised run starts or ends with that are no part of a name.
_NOT_NAME_WORDS = (
    "a an the on in at of and but or if as by for from to with without after before "
    "since while when where which who whose what this that these those there their "
    "they them he she it its we our you your i me my his her however meanwhile also "
    "even some more most two three four five six several many both all other another "
    "one no not yet still now then here more than president minister secretary general "
    "lieutenant colonel major captain commander spokesman spokeswoman envoy foreign "
    "state army forces force military government officials official sources source "
    "photo file click graphic deal yet no shi'ite shiite sunni kurdish arab alawite "
    "christian druze islamist jihadist fighters fighter militants militant rebels rebel "
    "troops soldiers members supporters residents civilians people leaders units regime "
    "earlier later separately elsewhere overnight initially previously recently already"
)
NOT_NAMES = frozenset(_NOT_NAME_WORDS.split()) | CALENDAR_WORDS
# An institution's or organisation's words: its name includes the adjective before it
# ("Russian Defence Ministry", "Syrian Institute of Justice"); a monitor's ("Syrian
# Observatory") only tells whom the report cites.
_BODY_WORDS = re.compile(
    r"\b(?:Ministry|General\s+Staff|Foreign\s+Office|Embassy|Parliament|Navy|Air\s+Force"
    r"|Institute|Coalition|Council|Committee|Commission|Organi[sz]ation|Agency|Party"
    r"|Movement|Crescent|Union|League|Association)\b"
)


@dataclass(frozen=True)
class Candidate:
    """A capitalised name no actor or place is known by: for the editor to create or ignore."""

    name: str
    count: int
    first_offset: int


def unmatched_names(
    text: str, known: list[Mention], *, known_names: set[str] = frozenset()
) -> list[Candidate]:
    """Capitalised names in text that no known actor or place covers, most frequent first.

    A single capitalised word that opens a sentence is skipped (it is capitalised for being
    first), as are titles, weekdays, months and country adjectives.
    """
    adjectives = DEMONYM_KEYS
    known_names = set(known_names) | {fold(m.surface) for m in known}
    headings = _headings(text)
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for match in _CAPITALISED.finditer(text):
        if any(s <= match.start() < e for s, e in headings):
            continue
        for start, end in _name_parts(text, match.start(), match.end(), known):
            name = text[start:end].strip(" .’'‘-").removesuffix("’s").removesuffix("'s")
            name = _DESCRIBING_SUFFIX.sub("", name)
            parts = [fold(part) for part in name.split("-")]
            if all(part in adjectives or part in known_names for part in parts if part):
                continue
            words = [w for w in re.split(r"\s+", name) if w]
            if words and not words[0][0].isupper():
                continue
            while words and fold(words[0]) in NOT_NAMES | adjectives:
                if fold(words[0]) in adjectives - NOT_NAMES and _BODY_WORDS.search(name):
                    # "Russian Defence Ministry", "Syrian Institute of Justice": a body is
                    # named with its state.
                    break
                words.pop(0)
            while (
                words
                and fold(words[-1]) in NOT_NAMES | adjectives
                # "Free Syrian Army": a capitalised word that ends a name of its own stays.
                and not (words[-1][0].isupper() and _names(words[:-1], adjectives))
            ):
                words.pop()
            if not words:
                continue
            name = " ".join(words)
            if len(words) == 1 and opens_sentence(text, text.find(name, start)):
                continue
            if len(name) < 2 or name.isdigit():
                continue
            counts[name] += 1
            first.setdefault(name, start)
    return [
        Candidate(name, count, first[name])
        for name, count in sorted(counts.items(), key=lambda item: (-item[1], first[item[0]]))
    ]


def _names(words: list[str], adjectives: set[str]) -> bool:
    """Whether a word names rather than describes: capitalised, no title, demonym or noun."""
    return any(w[0].isupper() and fold(w) not in NOT_NAMES | adjectives for w in words)


_DESCRIBING_SUFFIX = re.compile(
    r"-(?:led|backed|based|held|controlled|allied|affiliated|run)$", re.IGNORECASE
)


def _headings(text: str) -> list[tuple[int, int]]:
    """Lines set in title case without a full stop ("Turkish Offensive Drives Out IS")."""
    spans = []
    for line in re.finditer(r"[^\n]+", text):
        words = re.findall(r"[A-Za-z][\w'’-]*", line.group())
        if not words or line.group().rstrip().endswith((".", "?", "!", "”", '"')):
            continue
        capitalised = sum(1 for w in words if w[0].isupper())
        if len(words) <= 12 and capitalised / len(words) >= 0.6:
            spans.append(line.span())
    return spans


def _name_parts(text: str, start: int, end: int, known: list[Mention]) -> list[tuple[int, int]]:
    """The stretch start:end minus any known mention inside it."""
    parts, cursor = [], start
    for mention in sorted(known, key=lambda m: m.start):
        if mention.end <= cursor or mention.start >= end:
            continue
        if mention.start > cursor:
            parts.append((cursor, mention.start))
        cursor = max(cursor, mention.end)
    if cursor < end:
        parts.append((cursor, end))
    return [(s, e) for s, e in parts if text[s:e].strip()]
