"""Unknown names sorted for the editor: a likely place, actor, person, outlet, or noise."""

# Each rule reads how the name is written and how the text uses it; the reference gazetteer
# decides places. Noise (a capitalised fragment of a heading or a common word: "Aid",
# "Children Killed") is dropped from the review page; the rest come with what to add them as.

import re
from dataclasses import dataclass
from enum import StrEnum

from events.ingest import reference
from events.ingest.gazetteer import Gazetteer, Place
from events.ingest.placenames import adopt
from events.ingest.unknown import Candidate
from events.text import fold


class Kind(StrEnum):
    PLACE = "place"
    ACTOR = "actor"
    PERSON = "person"
    OUTLET = "outlet"
    NOISE = "noise"


OUTLET_WORDS = re.compile(
    r"\b(?:News|Agency|Press|Times|Post|Journal|Radio|TV|Television|Network|Media|Daily"
    r"|Gazette|Channel|Tribune|Herald|Telegraph|Guardian|Reuters|AFP|Associated\s+Press"
    r"|Anadolu|SANA|TASS|Interfax|Sputnik|Al\s+Jazeera|BBC|CNN|Xinhua|Fars|Tasnim|IRNA"
    r"|Enab\s+Baladi|Al\s+Arabiya|Al\s+Mayadeen|Al-Masdar)\b"
)
ORGANISATION_WORDS = re.compile(
    r"\b(?:Army|Front|Brigades?|Forces|Force|Movement|Group|Council|Party|Committee|Coalition"
    r"|Units?|Corps|Battalions?|Division|Regiment|Guards?|Militias?|Organi[sz]ation|State"
    r"|Jaish|Liwa|Harakat|Ahrar|Jabhat|Hayat|Hay'at|Tahrir|Faylaq|Kataib|Ansar|Shura|Union"
    r"|Nations|Ministry|Office|Commission|Observatory|Institute|Centre|Center|Foundation"
    r"|Crescent|Cross|Agency|Authority|Administration|Alliance|League|Assembly|Court|Staff)\b"
)
_TITLE_BEFORE = re.compile(
    r"\b(?:President|Minister|Secretary|General|Gen\.|Colonel|Col\.|Commander|Spokesman"
    r"|Spokeswoman|spokesman|spokeswoman|Mr\.?|Mrs\.?|Ms\.?|Dr\.?|Sheikh|Imam|Lt\.|envoy"
    r"|Envoy|Ambassador|ambassador|King|Prince|leader|chief|Chief|official|commander"
    r"|activist|resident|journalist|analyst|researcher)\s+(?:[A-Z][\w.'-]*\s+){0,2}$"
)
_SAID_AFTER = re.compile(r"^,?\s+(?:said|says|told|added|wrote|tweeted|a\s|an\s|the\s)")
_PLACE_BEFORE = re.compile(
    r"\b(?:in|near|at|from|into|outside|towards?|village\s+of|town\s+of|city\s+of)\s+"
    r"(?:the\s+)?$"
)
_ACRONYM = re.compile(r"^[A-Z]{2,6}$")
# Kinds an actor's name suggests, in the admin's terms (Actor.Kind values).
_ACTOR_KINDS = (
    (
        re.compile(
            r"\b(?:Nations|Crescent|Cross|Commission|Organi[sz]ation|Court|Security\s+Council"
            r"|U\.?N\.?\s+[A-Z]\w+)\b"
        ),
        "international_organisation",
    ),
    (re.compile(r"\b(?:Ministry|Government|Office|Administration|Authority)\b"), "government"),
    (re.compile(r"\b(?:Coalition|Alliance|League)\b"), "alliance"),
    (re.compile(r"\b(?:Party|Council|Committee|Shura)\b"), "political_militia"),
)


@dataclass(frozen=True)
class Triaged:
    """An unknown name, what it likely is, and what adding it would pre-fill."""

    candidate: Candidate
    kind: Kind
    reason: str
    # For a place: the reference place it is, under its nearest stored ancestor.
    place: Place | None = None
    parent: Place | None = None
    actor_kind: str = ""

    @property
    def name(self) -> str:
        return self.candidate.name


def triage(
    text: str,
    candidates: list[Candidate],
    gazetteer: Gazetteer,
    *,
    countries: list[str],
    outlet: str = "",
) -> list[Triaged]:
    """Each candidate with its likely kind (noise included: the caller drops it); places are
    looked up in the reference gazetteer of countries (ISO alpha-2, the report's)."""
    return [_judge(text, c, gazetteer, countries, outlet) for c in candidates]


def _judge(
    text: str, candidate: Candidate, gazetteer: Gazetteer, countries: list[str], outlet: str
) -> Triaged:
    name = candidate.name
    uses = [m.start() for m in re.finditer(re.escape(name), text)] or [candidate.first_offset]
    if fold(name) == fold(outlet) or OUTLET_WORDS.search(name):
        return Triaged(candidate, Kind.OUTLET, "a news organisation's name")
    place = _reference_place(name, countries)
    if place is not None:
        adopted = adopt(gazetteer, place)
        parent = gazetteer.stored_ancestor(gazetteer.parent_of(adopted) or adopted)
        return Triaged(candidate, Kind.PLACE, adopted.source, adopted, parent)
    if ORGANISATION_WORDS.search(name) or _ACRONYM.match(name):
        return Triaged(candidate, Kind.ACTOR, "an organisation's name", actor_kind=actor_kind(name))
    words = name.split()
    if any(_TITLE_BEFORE.search(text[max(0, at - 60) : at]) for at in uses) or (
        len(words) >= 2 and any(_SAID_AFTER.match(text[at + len(name) :]) for at in uses)
    ):
        return Triaged(
            candidate, Kind.PERSON, "named with a title or as a speaker", actor_kind="person"
        )
    if any(_PLACE_BEFORE.search(text[max(0, at - 30) : at]) for at in uses):
        return Triaged(candidate, Kind.PLACE, "used as a place (“in …”, “near …”)")
    if _common_word(text, name):
        return Triaged(candidate, Kind.NOISE, "a common word capitalised")
    if len(words) >= 2:
        return Triaged(candidate, Kind.PERSON, "a name of two words or more", actor_kind="person")
    return Triaged(candidate, Kind.NOISE, "one capitalised word with nothing to place it")


def _common_word(text: str, name: str) -> bool:
    """A word of the name also stands in the text in lower case: "Children Killed" beside
    "the children were killed" is words of a heading, not a name."""
    words = [w for w in re.findall(r"[A-Za-z']+", name) if len(w) > 2]
    return any(re.search(rf"(?<![\w-]){re.escape(w.lower())}(?![\w-])", text) for w in words)


def actor_kind(name: str) -> str:
    for pattern, kind in _ACTOR_KINDS:
        if pattern.search(name):
            return kind
    return "rebel_group"


def _reference_place(name: str, countries: list[str]) -> reference.RefPlace | None:
    countries_found = reference.country_index().exact.get(fold(name))
    if countries_found:
        return countries_found[0]
    for code in countries:
        found = reference.places_in(code).exact.get(fold(name)) or reference.places_in(
            code
        ).lookup_spelled(name)
        if found:
            return max(found, key=lambda p: (p.kind == reference.SUBDIVISION, p.population))
    return None
