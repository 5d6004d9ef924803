"""How names stand in copy: without apostrophes, as bare possessives, shared by nested places."""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import pairwise
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from events.ingest.gazetteer import Place

APOSTROPHES = re.compile(r"['’]")


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
