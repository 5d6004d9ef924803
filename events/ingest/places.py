"""Where an event happened: the notes and rules for places found in or beyond its clause."""

import dataclasses
import re

from events.ingest.clauses import Clause
from events.ingest.context import ArticleContext, Memory
from events.ingest.dating import CONTINUES
from events.ingest.drafts import PlaceBasis
from events.ingest.gazetteer import COUNTRY, ActorEntry, Gazetteer, Mention, Place
from events.ingest.implied import FEATURE_NOUNS
from events.ingest.participants import LOCATIVE
from events.ingest.spelling import spelling_key
from events.ingest.view import SentenceView
from events.ingest.vocabulary import Domain, Trigger
from events.models import ActorRole

# Where it happened, how that was read, and the rule (PlaceBasis) that says so.
Placing = tuple[Place | None, str, str]
NOWHERE: Placing = (None, "", "")

_COUNTRY_WIDE = {
    "conflict-onset": "the conflict of the country the report is about",
    "agreement-breakdown": "a deal falls apart where it applied: the country the report is about",
}

_TRUCE = re.compile(r"truce|cease-?fire", re.IGNORECASE)
_TRUCE_WIDE = "a truce holds where it applies: the country the report is about"

# Roles of actors who help, mediate or speak: they do not say where the event happened.
_NOT_PRINCIPAL = {
    ActorRole.SUPPORTER,
    ActorRole.MEDIATOR,
    ActorRole.SPEAKER,
    ActorRole.ASSOCIATED_A,
    ActorRole.ASSOCIATED_B,
}

# A state's own forces and government; "external" forces act abroad.
_DOMESTIC_KINDS = ("state_forces", "government")


def country_place(
    gazetteer: Gazetteer,
    report_country: Place | None,
    trigger: Trigger,
    actors: list[tuple[ActorEntry, str]],
) -> Placing:
    """A country when nothing finer is named: the report's, for the onset of its conflict
    or a deal falling apart; its own, for a state's forces acting with no place named; else
    the report's, for anything but talks and statements."""
    wide = _COUNTRY_WIDE.get(trigger.slug) or (
        _TRUCE_WIDE if trigger.slug == "agreement" and _TRUCE.search(trigger.text) else ""
    )
    if wide and report_country is not None:
        return report_country, f"{wide} ({report_country.name})", PlaceBasis.REPORT
    if trigger.domain is Domain.DIPLOMATIC:
        # Talks, votes and letters happen in capitals and council chambers, not in the
        # country they are about.
        return NOWHERE
    principal = [a for a, role in actors if role not in _NOT_PRINCIPAL]
    # Where foreign forces act is their opponents' country, not their own.
    countries = {a.country_id for a in principal if a.kind != "external"}
    if len(countries) == 1 and any(a.kind in _DOMESTIC_KINDS for a in principal):
        country = gazetteer.places.get(next(iter(countries)) or 0)
        if country is not None:
            names = ", ".join(a.name for a in principal)
            note = f"{country.name}, the country of its actors ({names}); no place is named"
            return country, note, PlaceBasis.ACTORS
    if report_country is None:
        return NOWHERE
    # A report about a war tells what happened in it: a fight, a strike or a flight with no
    # place named happened somewhere in the country the report is about.
    note = f"{report_country.name}, the country the report is about; no place is named"
    return report_country, note, PlaceBasis.REPORT


def named_note(mention: Mention) -> str:
    """How a place named in the clause was read, for the editor."""
    if mention.inferred == "border":
        return f"“{mention.surface}” → {mention.place.name}, the border area between the two"
    if not mention.place.stored:
        return (
            f"“{mention.surface}” → {mention.place.name}, a {mention.place.kind} not yet stored "
            f"({mention.place.source})"
        )
    if mention.inferred in FEATURE_NOUNS:
        return (
            f"“{mention.surface}” → {mention.place.name}, the one place of the report's country "
            f"so called"
        )
    return f"“{mention.surface}” → {mention.place.name}"


def basis_of(mention: Mention, note: str) -> str:
    """The rule behind a place found in the clause itself."""
    if mention.inferred in FEATURE_NOUNS or "named just before" in note:
        return PlaceBasis.REFERENCE
    return PlaceBasis.NEAR if note else PlaceBasis.NAMED


# "towards the town of Sukhna", "to reach Deir al-Zor": where it was going, not where it was.
_DESTINATION = re.compile(
    r"\b(?:towards?|reach(?:ed|ing)?|head(?:ed|ing|s)?\s+(?:for|to)|bound\s+for|en\s+route\s+to"
    r"|via|(?:bus(?:s)?ed|taken|transferred|moved|evacuated|sent|deported|relocated|driven"
    r"|travell?ed|returned)\s+(?:[\w'’-]+\s+){0,2}?to)"
    r"\s+(?:[\w'’-]+\s+){0,4}$",
    re.IGNORECASE,
)
# "Sabra said in Turkey the attack …": where the statement was made, not the attack; and
# "criticism from Moscow": a capital as a voice.
_VENUE = re.compile(
    r"\b(?:said|says|told\s+[\w-]+(?:\s+[\w-]+)?|speaking|announced|stated)\s+(?:in|at)\s+"
    r"(?:the\s+)?(?:[\w-]+\s+){0,2}$"
    r"|\b(?:criticism|condemnation|warnings?|response|reaction|pressure|protests?|objections?"
    r"|anger|outrage)\s+(?:from|by)\s+$",
    re.IGNORECASE,
)
# "the complex", "the area": a place named in a sentence just before ("the city of Hama" names
# its place there).
_ANAPHORA = re.compile(
    r"\bthe\s+(complex|area|town|city|village|province|region|base|airport|district|enclave)\b"
    r"(?!\s+(?:of\s+)?(?-i:[A-Z]))",
    re.IGNORECASE,
)
_ANAPHORA_KINDS = {
    "complex": ("site",),
    "base": ("site",),
    "airport": ("site",),
    "town": ("city", "village"),
    "city": ("city",),
    "village": ("village",),
    "province": ("governorate",),
    "district": ("district",),
    "region": ("region", "governorate"),
}
_NEAR = re.compile(
    r"\b(?:within\s+\d+\s*(?:km|kilometres|kilometers|miles)\s+of|near|outside|close\s+to"
    r"|on\s+the\s+outskirts\s+of|(?:north|south|east|west)(?:-?(?:east|west))?\s+of)"
    r"\s+(?:the\s+)?(?:[\w-]+\s+){0,2}$",
    re.IGNORECASE,
)
# "160 km southwest of", "30 miles from": a distance from a town, not a place near it.
_FAR = re.compile(
    r"\b(?P<distance>\d+(?:\.\d+)?)\s*(?P<unit>km|kilometres|kilometers|miles)\s+"
    r"(?:(?:north|south|east|west)(?:-?(?:east|west))?\s+(?:of|from)|from|away\s+from)"
    r"\s+(?:the\s+)?(?:[\w-]+\s+){0,2}$",
    re.IGNORECASE,
)
_KM = {"km": 1.0, "ki": 1.0, "mi": 1.6}
# "in Syria", "in neighbouring Iraq", "inside war-torn Syria": the event is in that country.
_IN_COUNTRY = re.compile(
    r"\b(?:in|into|inside|across|throughout|within|around|near)\s+(?:the\s+)?"
    r"(?:[a-z][\w-]*\s+)?$"
)
_POINT_KINDS = ("city", "village", "site", "neighbourhood")
# The finer of two places a clause names, by kind: stored trees and the reference gazetteer
# have different depths (a town the reference knows no province of sits right under its
# country), so depth alone does not tell a town from a province.
_FINENESS = {
    "site": 5,
    "neighbourhood": 5,
    "village": 4,
    "city": 4,
    "subdistrict": 3,
    "district": 3,
    "border_area": 3,
    "route": 3,
    "governorate": 2,
    "region": 2,
}
IN_OR_AT = re.compile(r"\b(?:in|at)\s+(?:the\s+)?(?:[\w-]+\s+){0,3}$", re.IGNORECASE)


def place_of(
    view: SentenceView,
    clause: Clause,
    trigger: Trigger,
    places: list[Mention],
    memory: Memory,
    article: ArticleContext,
    actors: list[tuple[ActorEntry, str]],
) -> Placing:
    """Where a clause's event happened: a place it names, the previous sentence's place when
    it goes on with it, or a country its actors or the report imply."""
    if trigger.slug == "conflict-onset":
        # "The uprising erupted in Deraa": a war is the whole country's.
        return country_place(article.gazetteer, article.theatre, trigger, actors)
    return (
        named_place(view, clause, trigger, places, memory, article.gazetteer)
        or continued_place(view, clause, trigger, memory)
        or country_place(article.gazetteer, article.theatre, trigger, actors)
    )


def named_place(
    view: SentenceView,
    clause: Clause,
    trigger: Trigger,
    places: list[Mention],
    memory: Memory,
    gazetteer: Gazetteer,
) -> Placing | None:
    """The finest place the clause names (or refers to: "the city"), nearest its trigger."""
    s = view.text
    # "in neighbouring Iraq": a country the clause puts the event in, whoever else it may be.
    places = places + [
        m
        for m in view.mentions_in(clause)
        if m.place is not None
        and m.place.kind == COUNTRY
        and _IN_COUNTRY.search(s[: m.start])
        and all(p.start != m.start for p in places)
    ]
    candidates = [
        pair
        for pair in (
            _near(gazetteer, s, m)
            for m in places
            if not _VENUE.search(s[: m.start]) and not _acting(s, clause, m)
        )
        if pair is not None
    ]
    where = [(m, n) for m, n in candidates if not _DESTINATION.search(s[: m.start])]
    if where:
        # "headed towards Sukhna after being halted in the desert": it was in the desert.
        candidates = where
    for match in _ANAPHORA.finditer(s):
        if not clause.covers(*match.span()):
            continue
        before = [m for m in view.local if m.end <= match.start()]
        earlier = _antecedent(match.group(1).lower(), view, before, memory)
        if earlier is not None:
            note = f"“{match.group()}” read as {earlier.place.name}, named just before"
            candidates.append((dataclasses.replace(earlier, start=match.start()), note))
    finer = [(m, n) for m, n in candidates if m.place.kind != COUNTRY]
    spread = _spread(s, gazetteer, [m for m, _n in finer])
    if spread is not None:
        return spread
    if finer:
        mention, note = max(
            finer,
            key=lambda pair: (
                _FINENESS.get(pair[0].place.kind, 0),
                -abs(pair[0].start - trigger.start),
            ),
        )
        return mention.place, note or named_note(mention), basis_of(mention, note)
    countries = {m.place.id: m for m, _ in candidates}
    if len(countries) == 1:
        mention = next(iter(countries.values()))
        if LOCATIVE.search(s[: mention.start]) or _IN_COUNTRY.search(s[: mention.start]):
            note = f"“{mention.surface}” → {mention.place.name} (country only)"
            return mention.place, note, PlaceBasis.NAMED
    return None


def _spread(s: str, gazetteer: Gazetteer, mentions: list[Mention]) -> Placing | None:
    """ "Three were killed in strikes, one in Aleppo province, a second in Damascus province
    and a third in Busra": an event the clause puts in places of different provinces
    happened in the smallest area holding them all, which is their country."""
    places = {m.place.id: m.place for m in mentions if IN_OR_AT.search(s[: m.start])}
    provinces = {_province(gazetteer, place) for place in places.values()} - {None}
    if len(provinces) < 2:
        # Places of one province (or whose province the gazetteer does not know): the
        # finest stays; it is seldom a list.
        return None
    countries = {gazetteer.country_of(place) for place in places.values()}
    if len(countries) != 1 or None in countries:
        return None
    country = countries.pop()
    names = ", ".join(place.name for place in places.values())
    note = f"{country.name}, the country holding the provinces the clause names ({names})"
    return country, note, PlaceBasis.NAMED


def _province(gazetteer: Gazetteer, place: Place) -> int | None:
    """The first-level division a place lies in (or is), when the gazetteer knows it."""
    for pk in place.ancestor_ids:
        ancestor = gazetteer.places.get(pk)
        if ancestor is not None and ancestor.kind == "governorate":
            return ancestor.id
    return place.id if place.kind == "governorate" else None


# "The Pentagon has deployed …", "The U.S. said …": a place that opens the clause as the
# subject of its verb stands for who acts there, not for where the event happened (unless
# the verb tells what befell it: "Aleppo witnessed heavy clashes").
_CLAUSE_OPENING = re.compile(r"^\W*(?:(?:but|and|however|meanwhile),?\s+)?(?:the\s+)?$", re.I)
_VERB_AFTER = re.compile(
    r"^\s+(?:(?:has|have|had|also|reportedly|now|later|then)\s+){0,2}"
    r"(?!witness|suffer|experienc|endur|remain|receiv|host|calm|return|reel|shook|shak)"
    r"(?-i:[a-z]+ed|said|says|sent|told|struck|hit|took|began|warns|sends)\b",
    re.IGNORECASE,
)


def _acting(s: str, clause: Clause, mention: Mention) -> bool:
    return bool(
        _CLAUSE_OPENING.match(s[clause.start : mention.start])
        and _VERB_AFTER.match(s[mention.end :])
    )


def continued_place(
    view: SentenceView, clause: Clause, trigger: Trigger, memory: Memory
) -> Placing | None:
    """ "It also struck fighters …": a clause that goes on with the previous sentence of
    its paragraph, and names no place, happened where that sentence's event did."""
    previous = memory.previous_place
    if previous is None or not memory.follows(view.sentence, previous[0]):
        return None
    if not CONTINUES.search(view.text[clause.start : trigger.start]):
        return None
    _sentence, place, note = previous
    return place, f"continues the previous sentence, placed by {note}", PlaceBasis.PREVIOUS


def scene(view: SentenceView, speakers: frozenset[int], memory: Memory) -> tuple[Place | None, str]:
    """Where a speaker was last placed, a sentence or two before ("… Kerry … in Hangzhou",
    then "Kerry emerged alone to say …")."""
    index = view.sentence.index
    for at, named, mention in reversed(memory.scenes):
        if index - 2 <= at < index and speakers & named:
            return mention.place, f"“{mention.surface}”, where the sentence before puts them"
    return None, ""


def scenes_of(view: SentenceView) -> tuple[tuple[int, frozenset[int], Mention], ...]:
    """The places a sentence puts the actors it names in ("… in Hangzhou")."""
    named = frozenset(m.actor.id for m in view.local if m.actor is not None)
    return tuple(
        (view.sentence.index, named, m)
        for m in view.local
        if m.place is not None and m.place.kind != COUNTRY and IN_OR_AT.search(view.text[: m.start])
    )


def _near(gazetteer: Gazetteer, s: str, mention: Mention) -> tuple[Mention, str] | None:
    """ "Within 10 km of Hama", "north of Hama": near a town is in the area around it, the
    district named after it or else its governorate. "160 km southwest of Raqqa" only
    measures from the town: None, it says nothing of where the event was."""
    place = mention.place
    before = s[: mention.start]
    far = _FAR.search(before)
    if far is not None and float(far["distance"]) * _KM.get(far["unit"].lower()[:2], 1) > 30:
        return None
    if place.kind not in _POINT_KINDS or not _NEAR.search(before):
        return mention, ""
    area = _area_around(gazetteer, place)
    if area is None:
        return mention, ""
    note = f"“{mention.surface}” with “near”: the area around it, {area.name}"
    return dataclasses.replace(mention, places=(area,)), note


def _area_around(gazetteer: Gazetteer, place: Place) -> Place | None:
    """The district named after a town ("Hama District" around Hama), else the first-level
    division it lies in, else its parent; never its country."""
    ancestors = [gazetteer.places.get(pk) for pk in place.ancestor_ids[:-1]]
    known = [a for a in ancestors if a is not None and a.kind != COUNTRY]
    key = spelling_key(place.name)
    for area in reversed(known):
        if area.kind == "district" and key and spelling_key(_bare(area.name)) == key:
            return area
    division = next((a for a in known if a.kind == "governorate"), None)
    return division or (known[-1] if known else None)


def _bare(name: str) -> str:
    return re.sub(r"\s+(?:district|governorate|province)$", "", name, flags=re.IGNORECASE)


def _antecedent(
    noun: str, view: SentenceView, before: list[Mention], memory: Memory
) -> Mention | None:
    """The place "the city" stands for: the latest fitting one named earlier in the
    sentence, or in the two sentences before it."""
    index = view.sentence.index
    kinds = _ANAPHORA_KINDS.get(noun)
    recent = [(i, m) for i, m in memory.recent_places if index - 2 <= i]
    recent += [(index, m) for m in before if m.place and m.place.kind != COUNTRY]
    for _index, mention in reversed(recent):
        place = mention.place
        if kinds is None or place.kind in kinds or noun in place.name.lower():
            return mention
    return None
