"""How names stand in copy: without apostrophes, as bare possessives, shared by nested places."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from itertools import pairwise
from typing import TYPE_CHECKING

from events.text import fold

if TYPE_CHECKING:
    from events.ingest.gazetteer import Place

APOSTROPHES = re.compile(r"['’]")

# Country adjectives, for "Syrian government forces" read from "government forces" in a report
# about Syria, and "Turkish tanks" read as Turkey's armed forces. Keys are folded country names.
DEMONYMS = {
    "syria": "Syrian",
    "iraq": "Iraqi",
    "turkey": "Turkish",
    "russia": "Russian",
    "iran": "Iranian",
    "lebanon": "Lebanese",
    "israel": "Israeli",
    "jordan": "Jordanian",
    "yemen": "Yemeni",
    "libya": "Libyan",
    "egypt": "Egyptian",
    "sudan": "Sudanese",
    "ukraine": "Ukrainian",
    "afghanistan": "Afghan",
    "saudi arabia": "Saudi",
    "china": "Chinese",
    "france": "French",
    "united kingdom": "British",
    "united states": "US",
}
# The same adjectives folded, to tell a country's adjective from a name ("Syrian" in a title).
DEMONYM_KEYS = frozenset(fold(adjective) for adjective in DEMONYMS.values())


# "Idlib province", "Aleppo countryside": the governorate of a name its city shares.
_DIVISION_AFTER = re.compile(
    r"^(?:['’]s)?\s+(?:province|governorate|countryside|region)\b", re.IGNORECASE
)
_DISTRICT_AFTER = re.compile(r"^(?:['’]s)?\s+district\b", re.IGNORECASE)


def nested_choice(places: tuple[Place, ...], after: str) -> tuple[Place, ...]:
    """One place for a name that places within one another share (the city, district and
    governorate of Hama): the governorate before "province" or "countryside", the district
    before "district", else the finest. Places that do not nest stay ambiguous."""
    if len(places) < 2:
        return places
    chain = sorted(places, key=lambda p: p.depth)
    if not all(inner.path.startswith(outer.path) for outer, inner in pairwise(chain)):
        return places
    if _DIVISION_AFTER.match(after):
        return (chain[0],)
    if _DISTRICT_AFTER.match(after):
        districts = [p for p in chain if p.kind == "district"]
        return (districts[0],) if districts else (chain[0],)
    return (chain[-1],)


def with_apostrophes_dropped(pairs: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    """Names, and those with an apostrophe also without it: much copy loses them ("Peoples
    Protection Units", "Jaish al Islam" for "People's …")."""
    pairs = list(pairs)
    return pairs + [
        (APOSTROPHES.sub("", name), pk) for name, pk in pairs if APOSTROPHES.search(name)
    ]


_OF_A_NAME = re.compile(r"^([A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)+)\s+of\s+(?=[A-Z])")


def with_in_for_of(pairs: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    """Organisations' names, and those "of" a place also "in" it, as copy often writes them
    ("Islamic State in Iraq and Syria" for "… of Iraq and Syria")."""
    pairs = list(pairs)
    return pairs + [
        (_OF_A_NAME.sub(r"\1 in ", name, count=1), pk)
        for name, pk in pairs
        if _OF_A_NAME.search(name)
    ]


def bare_possessive(folded: str, start: int, end: int) -> bool:
    """Whether folded[start:end] is a name of four letters or more with a possessive "s" and no
    apostrophe ("syrias"), not a name ending in s ("homs"), a plural of an acronym, nor a name
    after "the" ("the Hamas envoy", "the Aleppos of this world")."""
    return (
        end - start >= 5
        and folded[max(0, start - 4) : start] != "the "
        and folded[end - 1] == "s"
        and folded[end - 2].isalpha()
        and folded[end - 2] != "s"
    )


# Words that may stand before a name without being part of it: titles, ranks, directions,
# words that open sentences ("Russian President Vladimir Putin", "Northern Aleppo").
_BEFORE_A_NAME_WORDS = (
    "president prime minister foreign defence defense interior secretary general gen gen. "
    "lieutenant lt lt. colonel col col. major maj brigadier commander chief deputy vice "
    "king prince sheikh emir ambassador envoy spokesman spokeswoman leader mr mr. mrs ms "
    "dr dr. senator sen. governor mayor state the a an and or of in on at to for from by "
    "with near north south east west northern southern eastern western central greater "
    "upper lower rural old new however meanwhile but if as while when after before since "
    "said says told according syrian russian iranian turkish iraqi lebanese israeli us "
    "u.s. american british french kurdish arab saudi jordanian egyptian qatari emirati "
    "pro-government pro-regime opposition rebel islamist jihadist militant"
)
_BEFORE_A_NAME = frozenset(_BEFORE_A_NAME_WORDS.split())


# Abbreviations a name follows ("Gen. Qassem Soleimani", "St. Petersburg"): their full stop
# ends no sentence.
_ABBREVIATION = re.compile(
    r"(?:Gen|Col|Lt|Maj|Sgt|Capt|Cpl|Adm|Brig|Cmdr|St|Mt|Ft|Dr|Mr|Mrs|Ms|Sen|Rep|Gov|Pres|Prof"
    r"|Rev|Jr|Sr|No|Vol)\.$",
    re.IGNORECASE,
)


def inside_longer_name(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is the tail of a longer capitalised name ("Free Syrian Army")."""
    if not text[start : start + 1].isupper():
        return False
    before = re.search(r"([A-Z][\w'’.-]*) $", text[max(0, start - 40) : start])
    if before is None:
        return False
    word = before.group(1)
    if word.lower() in _BEFORE_A_NAME or word.isupper():
        return False
    if word.endswith(".") and "." not in word[:-1] and not _ABBREVIATION.match(word):
        return False  # "… on Sunday. Russian jets struck": the sentence before ends there.
    return not opens_sentence(text, start - len(word) - 1)


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    return fold(char) if not char.isspace() else " "


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """events.text.fold applied character by character, with where each folded character came
    from, so a match in the folded text maps back to the original ("Karkamış" ~ "Karkamis")."""
    out: list[str] = []
    origin: list[int] = []
    previous_space = False
    for index, char in enumerate(text):
        folded = _fold_char(char)
        if folded == " ":
            if previous_space:
                continue
            previous_space = True
        else:
            previous_space = False
        for piece in folded:
            out.append(piece)
            origin.append(index)
    return "".join(out), origin


def opens_sentence(text: str, start: int) -> bool:
    """Whether start opens a sentence or a line (a capital there says nothing of a name)."""
    before = text[:start].rstrip(" “\"‘'(")
    return not before or before[-1] in ".!?\n:—–"


def capitals(surface: str) -> bool:
    letters = [c for c in surface if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)
