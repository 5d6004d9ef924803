"""Find known actors and places in text by name, alias and spelling of a name."""

import re
import zlib
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field

from events.ingest import reference
from events.ingest.nameforms import (
    APOSTROPHES,
    DEMONYMS,
    bare_possessive,
    capitals,
    fold_with_offsets,
    inside_longer_name,
    nested_choice,
    opens_sentence,
    with_apostrophes_dropped,
    with_in_for_of,
)
from events.ingest.spelling import spelling_key
from events.text import fold

# Nouns that name an actor of the country the report is about ("government forces" in a
# report about Syria are "Syrian government forces"). A singular noun counts only after "the"
# and not as an adjective ("military cooperation"); a capital only where a sentence opens.
_GENERIC = re.compile(
    r"(?<![\w-])(?:government\s+forces\s+and\s+their\s+allies|government\s+forces"
    r"|armed\s+opposition|opposition\s+fighters|insurgents|rebels|militants|jihadists|civilians"
    r"|(?<=the\s)(?:army|military|government|regime)(?![\w-]|\s+(?!of\b|and\b|has\b|have\b"
    r"|had\b|is\b|was\b|were\b|says\b|[a-z]+ed\b|(?:in|on|at|to|from|for|with|by|near"
    r"|after|before|since|last|this|which|who|also|still|would|will|could|dealt|took|began"
    r"|first|again|already|reportedly|repeatedly|allegedly|apparently|never|initially|quickly"
    r"|fought|hit|struck|shot|won|lost|seized|retook|broke|drove|now|later|[a-z]+s)\b)"
    r"[a-z]+\b))\b"
    # "the army's full control", "the armys advance" (copy without apostrophes): its possessive.
    r"|(?<=the\s)(?:army|military|government|regime)(?=['’]?s\s+(?:full\s+|own\s+)?(?:control"
    r"|forces|troops|soldiers|units|positions|advances?|offensive|siege|bombardment|shelling"
    r"|air\s*strikes?|warplanes|jets|helicopters|artillery|tanks)\b)",
    re.IGNORECASE,
)
# "A government siege", "Sunday's government advances": the state as the one doing it.
_STATE_ADJECTIVE = re.compile(
    r"(?<![\w-])(?:government|regime)(?=[\s-]+(?:sieges?|advances?|offensives?|assaults?"
    r"|attacks?|air\s*strikes?|air\s*raids?|raids?|shelling|bombardments?|bombings?|barrel"
    r"\s+bombs?|blockade|troops|soldiers|forces|warplanes|jets|aircraft|helicopters"
    r"|artillery|tanks)\b)",
    re.IGNORECASE,
)
# "jets believed to be Russian", "warplanes thought to be Syrian": arms whose state the text
# names only by its adjective after them.
_ARMS_BELIEVED = re.compile(
    r"\b(?:jets|warplanes|planes|aircraft|helicopters|drones|warships|gunboats)\s+"
    r"(?:(?:widely|probably|likely)\s+)?(?:believed|thought|suspected|said|reported)\s+to\s+be"
    r"\s+$",
    re.IGNORECASE,
)
# A side's men named by a common noun, read as the side of the report's country they usually
# are ("army units" → its army, "opposition forces" → its rebels); not after a name or an
# adjective ("US troops", "Kurdish fighters"), which says whose they are.
_FORCES_NOUN = re.compile(
    r"(?<![\w-])(?:army\s+units?|troops|soldiers|security\s+forces|opposition\s+forces"
    r"|rebel\s+(?:fighters|forces))\b",
    re.IGNORECASE,
)
_FORCES = {
    "army": "army",
    "troops": "army",
    "soldiers": "army",
    "security": "army",
    "opposition": "rebels",
    "rebel": "rebels",
}
# "its soldiers", "troops from a Kurdish-Arab alliance": the words say whose they are.
_OWNED_BEFORE = re.compile(
    r"\b(?:its|their|his|her|whose|special|foreign|forces|of)\s+$", re.IGNORECASE
)
_OWNER_AFTER = re.compile(r"\s+(?:from|of|loyal\s+to|backed\s+by)\b", re.IGNORECASE)
_NAME_BEFORE = re.compile(r"(?:[A-Z][\w.'’-]*|\w+-\w+|\d[\d,.]*)\s+$")
# "Nearly 2 million people", "thousands of residents", "four people": the report's civilians.
_PEOPLE = re.compile(
    r"(?<![\w-])(?:(?:\d[\d,.]*\s+(?:million\s+|thousand\s+)?|(?:scores|dozens|hundreds"
    r"|thousands|millions)\s+of\s+|(?:two|three|four|five|six|seven|eight|nine|ten|eleven"
    r"|twelve|(?:thir|four|fif|six|seven|eigh|nine)teen|(?:twen|thir|for|fif|six|seven|eigh"
    r"|nine)ty|several)\s+)(?:people|persons|residents|inhabitants|lives)|residents|inhabitants"
    r"|villagers|victims|worshippers|shoppers|patients|children"
    r"|women\s+and\s+children)\b",
    re.IGNORECASE,
)
_LED = re.compile(r"(?<![\w-])[A-Z][\w.]*(?:\s[A-Z][\w.]*)?-(?:led|backed)\b")
# What makes a country adjective mean that country's armed forces: its arms, and the strikes
# and attacks only armed forces make ("Russian air strikes", "an Israeli attack on a camp").
# ("Russian and regime bombing": each adjective of a coordination qualifies the noun.)
_MILITARY_NOUN = re.compile(
    # ("Syrian opposition forces", "Syrian rebel fighters": not the state's, whatever the noun.)
    r"^[\s-]+(?:and\s+[\w-]+\s+)?"
    r"(?!(?:opposition|rebel|insurgent|militia|tribal|Kurdish|Arab|Islamist|jihadist)\b)"
    r"(?:[\w-]+\s+)?(?:troops|forces|tanks|warplanes|jets|aircraft"
    r"|air\s+support|air\s*power|air\s+cover|air\s+defen[cs]es?|air\s+force|navy|warships?"
    r"|army|military|soldiers|artillery|air\s*strikes?|air\s*raids?"
    r"|strikes|bombing(?:\s+campaign)?|bombardments?|shelling|drones?|helicopters|missiles?"
    r"|bombs"
    # "an attack on a Syrian air base", "strikes on Turkish positions": what its forces hold.
    r"|air\s*bases?|airbases?|air\s*fields?|airfields?|bases|base|positions|posts|outposts"
    r"|checkpoints?|barracks)\b"
    r"|^\s+(?:attack|raid|strike)\s+on\b",
    re.IGNORECASE,
)
# A country's adjective before the nouns of its rebels: the rebels of that country.
_REBELS_OF = re.compile(
    rf"(?<![\w-])(?P<adjective>{'|'.join(DEMONYMS.values())})\s+"
    r"(?:opposition\s+(?:forces|fighters)|rebel\s+(?:forces|fighters|groups))(?![\w-])"
)
# What makes a country adjective mean that country's government: the people who speak and act
# for a state ("Russian officials", "the regime and its Russian and Iranian backers").
_GOVERNMENT_NOUN = re.compile(
    r"^[\s-]+(?:and\s+[\w-]+\s+)?(?:backers|allies|patrons|sponsors|officials|authorities"
    r"|diplomats)\b",
    re.IGNORECASE,
)
# An army on the ground, as a sentence names it before its "troops" ("the Turkish army").
_GROUND_FORCES = re.compile(
    r"^(?:army|military|troops|soldiers|forces)\b|\b(?:army|military|troops|soldiers|forces)$",
    re.IGNORECASE,
)
# "U.S.-led", "Aleppo-based", "IS-held": the name describes someone, it is not where it happened.
_DESCRIBING = re.compile(r"^-(?:led|backed|based|held|controlled|allied|affiliated|run)\b", re.I)
_LOCATIVE = re.compile(
    r"\b(?:in|into|inside|at|across|throughout|within|near|around|outside|towards?|from|of)\s+"
    r"(?:the\s+)?(?:[\w-]+\s+){0,2}$",
    re.IGNORECASE,
)

_GENERIC_SUFFIX = re.compile(
    r"^(.+?)\s+(?:strip|area|district|province|governorate|region|county)$"
)
# "Syrian Desert (central Badia)": the bracket only tells places apart, the text omits it.
_QUALIFIER = re.compile(r"^(.+?)\s*\([^()]*\)$")
# "The militants": a definite generic noun, which may point back to a name.
_THE_BEFORE = re.compile(r"\bthe\s+$", re.IGNORECASE)
# "A Damascus military source": a name after an indefinite article only qualifies a noun.
_INDEFINITE = re.compile(r"\b(?:a|an)\s+$", re.IGNORECASE)
# "Washington's envoy", "Damascus's forces": what a capital possesses is its government's.
_POSSESSIVE = re.compile(r"^['’]s?\b")
STATE_FORCE_KINDS = ("state_forces", "external")
GOVERNMENT_KINDS = ("government",)
COUNTRY = "country"


@dataclass(frozen=True)
class Place:
    """A place as reading sees it: stored (id > 0), or from the reference gazetteer (id < 0,
    with what an editor needs to add it)."""

    id: int
    name: str
    kind: str
    depth: int
    path: str
    latitude: float | None = None
    longitude: float | None = None
    iso_code: str = ""
    # Where a place not yet stored comes from ("GeoNames 170063", "ISO 3166 SY-ID"), and the
    # other names the reference gazetteer gives it.
    source: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def stored(self) -> bool:
        return self.id > 0

    @property
    def ancestor_ids(self) -> list[int]:
        """The ids on its path, from the country down to itself."""
        return [int(part) for part in self.path.strip("/").split("/") if part]


@dataclass(frozen=True)
class ActorEntry:
    """An actor as reading sees it: stored (id > 0), or pending (id < 0): a name the database
    does not hold yet, which a draft carries for the editor to add (with these aliases)."""

    id: int
    name: str
    kind: str
    country_id: int | None
    aliases: tuple[str, ...] = ()

    @property
    def stored(self) -> bool:
        return self.id > 0


def pending_actor(
    name: str, kind: str, country_id: int | None = None, aliases: tuple[str, ...] = ()
) -> ActorEntry:
    """An actor the database does not hold, known by name: the same name always has the same
    (negative) id, so two drafts naming it name the same pending actor."""
    return ActorEntry(-(zlib.crc32(fold(name).encode()) + 1), name, kind, country_id, aliases)


@dataclass(frozen=True)
class Mention:
    """A name found in the text: offsets into the original text and what it may name."""

    start: int
    end: int
    surface: str
    actors: tuple[ActorEntry, ...] = ()
    places: tuple[Place, ...] = ()
    # Read through the report's country ("government forces") or a country adjective.
    inferred: str = ""

    @property
    def place(self) -> Place | None:
        return self.places[0] if len(self.places) == 1 else None

    @property
    def actor(self) -> ActorEntry | None:
        return self.actors[0] if len(self.actors) == 1 else None

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end


@dataclass
class Gazetteer:
    """Every actor and place name and alias, folded, compiled into one pattern."""

    actors: dict[int, ActorEntry]
    places: dict[int, Place]
    names: dict[str, tuple[list[int], list[int]]]  # folded name -> (actor ids, place ids)
    # Folded names that must match in capitals: "IS" is not "is", "US" is not "us".
    acronyms: set[str] = field(default_factory=set)
    # Member id -> the alliances it belongs to ("government forces and their allies").
    alliances: dict[int, list[int]] = field(default_factory=dict)
    # Transliteration key -> place ids ("rk2" -> Raqqa), for spellings no name matches.
    spelled: dict[str, list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Which names each actor and place is known by, for reading "the coalition".
        self._actor_keys: dict[int, list[str]] = {}
        self._place_keys: dict[int, list[str]] = {}
        for key, (actor_ids, place_ids) in self.names.items():
            for pk in actor_ids:
                self._actor_keys.setdefault(pk, []).append(key)
            for pk in place_ids:
                self._place_keys.setdefault(pk, []).append(key)
        # Names are looked up by their stretch of text, not compiled into one pattern: the
        # cost of reading an article stays the same with 50 names or 50,000 (an import).
        self._longest = max((len(key) for key in self.names), default=0)
        self._country_places = {
            p.iso_code: p for p in self.places.values() if p.kind == COUNTRY and p.iso_code
        }

    @classmethod
    def current(cls) -> "Gazetteer":
        """The gazetteer of the database as it is now: built once, and again only when an
        actor, place, alias or alliance has changed since (five aggregate queries to tell)."""
        signature = _database_signature()
        cached = _CURRENT.get("gazetteer")
        if cached is None or cached[0] != signature:
            cached = (signature, cls.from_database())
            _CURRENT["gazetteer"] = cached
        return cached[1]

    @classmethod
    def from_database(cls) -> "Gazetteer":
        """Load every actor, place and alias: a few queries, a few thousand rows at most."""
        from events.models import Actor, ActorAlias, ActorMembership, Location, LocationAlias

        actors = {
            row[0]: ActorEntry(*row)
            for row in Actor.objects.order_by().values_list("id", "name", "kind", "country_id")
        }
        places = {
            row[0]: Place(*row)
            for row in Location.objects.order_by().values_list(
                "id", "name", "kind", "depth", "path", "latitude", "longitude", "iso_code"
            )
        }
        actor_names = [(a.name, a.id) for a in actors.values()]
        actor_names += list(ActorAlias.objects.order_by().values_list("name", "actor_id"))
        place_names = [(p.name, p.id) for p in places.values()]
        place_names += list(LocationAlias.objects.order_by().values_list("name", "location_id"))
        memberships = ActorMembership.objects.order_by().values_list("alliance_id", "member_id")
        return cls.build(actors, places, actor_names, place_names, memberships=memberships)

    @classmethod
    def build(
        cls,
        actors: dict[int, ActorEntry],
        places: dict[int, Place],
        actor_names: Iterable[tuple[str, int]],
        place_names: Iterable[tuple[str, int]],
        *,
        memberships: Iterable[tuple[int, int]] = (),
    ) -> "Gazetteer":
        names: dict[str, tuple[list[int], list[int]]] = {}
        acronyms: set[str] = set()
        place_names = list(place_names)
        place_names += _without_qualifier(place_names, {fold(name) for name, _ in place_names})
        actor_names = with_in_for_of(actor_names)
        for position, pairs in enumerate((actor_names, place_names)):
            for name, pk in with_apostrophes_dropped(pairs):
                key = fold(name)
                if len(key) < 2:
                    continue
                ids = names.setdefault(key, ([], []))[position]
                if pk not in ids:
                    ids.append(pk)
                letters = [c for c in name if c.isalpha()]
                if letters and all(c.isupper() for c in letters) and len(letters) <= 5:
                    acronyms.add(key)
        # "the Syrian-Turkish border" for "Syrian–Turkish border strip": a place is also known
        # by its name without a generic last word, when that shorter name is nobody else's.
        shorter: dict[str, set[int]] = {}
        for name, pk in place_names:
            match = _GENERIC_SUFFIX.search(fold(name))
            if match and len(match.group(1)) >= 4 and match.group(1) not in names:
                shorter.setdefault(match.group(1), set()).add(pk)
        for key, ids in shorter.items():
            if len(ids) == 1:
                names[key] = ([], list(ids))
        alliances: dict[int, list[int]] = {}
        for alliance_id, member_id in memberships:
            alliances.setdefault(member_id, []).append(alliance_id)
        return cls(actors, places, names, acronyms, alliances, _spelled(place_names))

    # -- lookups -------------------------------------------------------------------------------

    def lookup(self, name: str) -> tuple[list[ActorEntry], list[Place]]:
        actor_ids, place_ids = self.names.get(fold(name), ([], []))
        return [self.actors[i] for i in actor_ids], [self.places[i] for i in place_ids]

    def find(self, text: str) -> list[Mention]:
        """Known names in text, longest first where they overlap, with offsets into text.

        A known name inside a longer proper noun nobody has recorded is no mention of it:
        "Syrian Army" in "Free Syrian Army" is not the government's army.
        """
        folded, origin = fold_with_offsets(text)
        mentions = []
        # Copy without a single apostrophe has lost them: "Syrias town" is Syria's.
        bare_possessives = not APOSTROPHES.search(text)
        for first, last in self._stretches(folded, bare_possessives=bare_possessives):
            start, end = origin[first], origin[last - 1] + 1
            surface = text[start:end]
            key = folded[first:last]
            if key in self.acronyms and not capitals(surface):
                continue
            if inside_longer_name(text, start, end):
                continue
            mention = self._mention(text, start, end, key)
            if mention is not None:
                mentions.append(mention)
        return mentions

    def _stretches(self, folded: str, *, bare_possessives: bool = False) -> list[tuple[int, int]]:
        """Where names stand in folded text: at each place a name may start (not inside a
        word), the longest name that ends at a word's end; then on from its end."""
        ends = [m.start() for m in _NAME_END.finditer(folded)]
        found = []
        position = 0
        for match in _NAME_START.finditer(folded):
            start = match.start()
            if start < position:
                continue
            low = bisect_right(ends, start)
            high = bisect_right(ends, start + self._longest)
            for end in reversed(ends[low:high]):
                if folded[start:end] in self.names:
                    found.append((start, end))
                    position = end
                    break
                if (
                    bare_possessives
                    and bare_possessive(folded, start, end)
                    and folded[start : end - 1] in self.names
                ):
                    # "Syrias town", "Assads government": copy that lost its apostrophes.
                    found.append((start, end - 1))
                    position = end
                    break
        return found

    def _mention(self, text: str, start: int, end: int, key: str) -> Mention | None:
        actor_ids, place_ids = self.names[key]
        places = tuple(self.places[i] for i in place_ids)
        if places and _DESCRIBING.match(text[end:]):
            places = ()
        actors = tuple(self.actors[i] for i in actor_ids)
        if actors and places:
            # "Washington", "Ankara": the city after a preposition of place, else the actor;
            # "Washington's envoy" is the government's whatever the preposition before, and
            # "a Damascus military source" is a source there, not the government speaking.
            possessive = _POSSESSIVE.match(text[end:])
            if _INDEFINITE.search(text[:start]) or (
                _LOCATIVE.search(text[:start]) and not possessive
            ):
                actors = ()
            else:
                places = ()
        if not (actors or places):
            return None
        return Mention(start, end, text[start:end], actors, nested_choice(places, text[end:]))

    def spelled_places(self, name: str) -> list[Place]:
        """Stored places whose names are spelt otherwise ("Raqa" for Raqqa)."""
        key = spelling_key(name)
        return [self.places[i] for i in self.spelled.get(key, [])] if key else []

    def adopt(self, place: Place) -> Place:
        """Make a reference place known to this gazetteer (its ancestors are looked up by
        id like a stored place's); the same reference place always has the same id."""
        self.places.setdefault(place.id, place)
        return self.places[place.id]

    def country_by_iso(self, alpha_3: str) -> Place | None:
        return self._country_places.get(alpha_3)

    def find_inferred(self, text: str, *, country: Place | None, taken: list[Mention]) -> list:
        """Actors named without their country: "government forces" in a report about Syria are
        "Syrian government forces"; "Turkish tanks" are Turkey's armed forces."""
        found: list[Mention] = []
        demonym = DEMONYMS.get(fold(country.name)) if country else None
        if demonym:
            generic = [(m, m.group()) for m in _GENERIC.finditer(text)]
            generic += [(m, m.group()) for m in _STATE_ADJECTIVE.finditer(text)]
            generic += [(m, "civilians") for m in _PEOPLE.finditer(text)]
            generic += [
                (m, _FORCES[m.group().lower().split()[0]])
                for m in _FORCES_NOUN.finditer(text)
                if not _NAME_BEFORE.search(text, max(0, m.start() - 40), m.start())
                and not _OWNED_BEFORE.search(text, max(0, m.start() - 40), m.start())
                and not _OWNER_AFTER.match(text, m.end())
            ]
            for match, noun in sorted(generic, key=lambda pair: pair[0].start()):
                start, end = match.span()
                if any(m.overlaps(start, end) for m in taken + found):
                    continue
                if match.group()[0].isupper() and not opens_sentence(text, start):
                    continue
                if _modifies(text, start, taken + found):
                    # "IS militants", "Hezbollah fighters": the name says whose they are.
                    continue
                actors = _named_before(text, start, noun, taken + found)
                if not actors and fold(noun) in _FIGHTERS_BACK:
                    actors = _group_before(text, start, taken + found)
                if not actors and noun == "army":
                    actors = self._forces_of_sentence(text, start, taken + found)
                if not actors:
                    actors, _places = self.lookup(f"{demonym} {noun}")
                if len(actors) == 1:
                    found.append(
                        Mention(start, end, match.group(), tuple(actors), (), inferred=demonym)
                    )
        for match in _LED.finditer(text):
            # "U.S.-led strikes", "the Turkish-backed advance": every alias that begins so
            # names one actor (U.S.-led coalition, U.S.-led forces), so that actor is meant.
            start, end = match.span()
            if any(m.overlaps(start, end) for m in taken + found):
                continue
            prefix = fold(match.group()) + " "
            ids = {
                pk
                for key, (actor_ids, _) in self.names.items()
                if key.startswith(prefix)
                for pk in actor_ids
            }
            if len(ids) == 1:
                actor = self.actors[ids.pop()]
                found.append(Mention(start, end, match.group(), (actor,), (), inferred=prefix))
        for key, adjective in DEMONYMS.items():
            for match in re.finditer(rf"\b{re.escape(adjective)}\b", text):
                start, end = match.span()
                if any(m.overlaps(start, end) for m in taken + found):
                    continue
                if inside_longer_name(text, start, end):
                    # "Free Syrian Army" is no Syrian army.
                    continue
                if _MILITARY_NOUN.match(text[end:]) or _ARMS_BELIEVED.search(
                    text, max(0, start - 60), start
                ):
                    kinds = STATE_FORCE_KINDS
                elif _GOVERNMENT_NOUN.match(text[end:]):
                    kinds = GOVERNMENT_KINDS
                else:
                    continue
                state = self.state_actor(self.country_place(key), kinds)
                if state is not None:
                    found.append(Mention(start, end, match.group(), (state,), (), inferred=key))
        for match in _REBELS_OF.finditer(text):
            # "Syrian opposition forces", "Iraqi rebel fighters": that country's rebels.
            start, end = match.span()
            if any(m.overlaps(start, end) for m in taken + found):
                continue
            actors, _places = self.lookup(f"{match['adjective']} rebels")
            if len(actors) == 1:
                found.append(
                    Mention(start, end, match.group(), tuple(actors), (), inferred="rebels")
                )
        return found

    def _forces_of_sentence(self, text: str, start: int, mentions: list[Mention]) -> list:
        """ "The Turkish army stepped up security, deploying troops": troops, soldiers or army
        units after their sentence has named one state's armed forces, by name or by its
        adjective ("Turkish army"), are those forces."""
        opening = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start)) + 1
        forces = {
            m.actor.id: m.actor
            for m in mentions
            if opening <= m.start
            and m.end <= start
            and m.actor is not None
            and m.actor.kind in STATE_FORCE_KINDS
            and _GROUND_FORCES.search(m.surface)
        }
        for key, adjective in DEMONYMS.items():
            for match in re.finditer(rf"\b{re.escape(adjective)}\s+(?=\w)", text[opening:start]):
                if _GROUND_FORCES.match(text[opening + match.end() : start]):
                    actor = self.state_actor(self.country_place(key), STATE_FORCE_KINDS)
                    if actor is not None:
                        forces[actor.id] = actor
        return list(forces.values()) if len(forces) == 1 else []

    def country_named(self, folded_name: str) -> Place | None:
        _actors, places = self.lookup(folded_name)
        countries = [p for p in places if p.kind == COUNTRY]
        return countries[0] if len(countries) == 1 else None

    def country_actors(self, country: Place | None, kinds: tuple[str, ...]) -> ActorEntry | None:
        """The one actor of these kinds belonging to this country (its army, its government)."""
        if country is None:
            return None
        matches = [
            a for a in self.actors.values() if a.country_id == country.id and a.kind in kinds
        ]
        return matches[0] if len(matches) == 1 else None

    def state_actor(self, country: Place | None, kinds: tuple[str, ...]) -> ActorEntry | None:
        """The country's army or government (kinds say which): the stored one, else a pending
        one named as the stored ones are ("Military Forces of Israel"), for the editor to add."""
        stored = self.country_actors(country, kinds)
        if stored is not None or country is None:
            return stored
        demonym = DEMONYMS.get(fold(country.name))
        if kinds == GOVERNMENT_KINDS:
            name, nouns = f"Government of {country.name}", ("government",)
        else:
            name, nouns = f"Military Forces of {country.name}", ("forces", "military", "army")
        added, _places = self.lookup(name)
        if len(added) == 1:
            # Added since under the name it was proposed with (its country not yet stored).
            return added[0]
        aliases = (country.name, *(f"{demonym} {noun}" for noun in nouns if demonym))
        # A state whose forces the database lacks is seldom the conflict's own: its forces
        # are coded as external, acting abroad (ACLED's "external / other forces").
        return pending_actor(name, kinds[-1], country.id, aliases)

    def country_place(self, folded_name: str) -> Place | None:
        """The country of that name: stored, else from the reference gazetteer (not adopted:
        a pending actor only needs its id and name)."""
        stored = self.country_named(folded_name)
        if stored is not None:
            return stored
        found = reference.country_index().exact.get(folded_name)
        if not found:
            return None
        ref = found[0]
        by_iso = self.country_by_iso(ref.iso_code)
        if by_iso is not None:
            return by_iso
        path = f"/{ref.stable_id}/"
        return Place(ref.stable_id, ref.name, COUNTRY, 0, path, iso_code=ref.iso_code)

    def alliance_of(self, actor: ActorEntry) -> ActorEntry | None:
        """The one alliance the actor belongs to, when it belongs to exactly one."""
        ids = self.alliances.get(actor.id, [])
        return self.actors.get(ids[0]) if len(ids) == 1 else None

    def members_of(self, alliance: ActorEntry) -> set[int]:
        return {member for member, ids in self.alliances.items() if alliance.id in ids}

    def names_of_actor(self, actor: ActorEntry) -> list[str]:
        """Every folded name the actor is known by."""
        return self._actor_keys.get(actor.id, [])

    def names_of_place(self, place: Place) -> list[str]:
        """Every folded name the place is known by."""
        return self._place_keys.get(place.id, [])

    def country_of(self, place: Place) -> Place | None:
        """The country a place lies in (the first element of its materialised path)."""
        for pk in place.ancestor_ids:
            ancestor = self.places.get(pk)
            if ancestor is not None and ancestor.kind == COUNTRY:
                return ancestor
        return None

    def parent_of(self, place: Place) -> Place | None:
        ids = place.ancestor_ids
        return self.places.get(ids[-2]) if len(ids) >= 2 else None

    def stored_ancestor(self, place: Place) -> Place | None:
        """The place itself when stored, else the nearest stored place it lies in."""
        for pk in reversed(place.ancestor_ids):
            if pk > 0 and pk in self.places:
                return self.places[pk]
        return None

    def contains(self, outer: Place, inner: Place) -> bool:
        return bool(outer.path) and inner.path.startswith(outer.path)


# The process's gazetteer and the database signature it was built from (see current()).
_CURRENT: dict[str, tuple[tuple, "Gazetteer"]] = {}


def _database_signature() -> tuple:
    """What the gazetteer is built from, as of now: the actors' and places' last change, and
    the last history record of their aliases and memberships (every save and delete writes one,
    a renamed alias included, which neither their count nor their highest id would show)."""
    from django.db.models import Count, Max

    from events.models import Actor, ActorAlias, ActorMembership, Location, LocationAlias

    return tuple(
        tuple(model.objects.order_by().aggregate(n=Count("pk"), last=Max(field)).values())
        for model, field in (
            (Actor, "updated"),
            (Location, "updated"),
            (ActorAlias.history.model, "history_id"),
            (LocationAlias.history.model, "history_id"),
            (ActorMembership.history.model, "history_id"),
        )
    )


def _spelled(place_names: list[tuple[str, int]]) -> dict[str, list[int]]:
    """Place ids by transliteration key of each name, with and without a generic last word."""
    spelled: dict[str, list[int]] = {}
    for name, pk in place_names:
        folded = fold(name)
        generic = _GENERIC_SUFFIX.search(folded)
        for variant in {folded, generic.group(1) if generic else folded}:
            key = spelling_key(variant)
            if key and pk not in spelled.setdefault(key, []):
                spelled[key].append(pk)
    return spelled


# Where a name may start and end in folded text (not inside a word, not after a hyphen).
_NAME_START = re.compile(r"(?<![\w-])[\w.'’]")
_NAME_END = re.compile(r"(?<=[\w.'’)])(?!\w)")


def _without_qualifier(
    place_names: list[tuple[str, int]], known: set[str]
) -> list[tuple[str, int]]:
    """Names with a bracketed qualifier, also known without it when nobody else is."""
    shorter: dict[str, set[int]] = {}
    for name, pk in place_names:
        match = _QUALIFIER.match(name)
        if match and fold(match.group(1)) not in known:
            shorter.setdefault(fold(match.group(1)), set()).add(pk)
    return [(key, ids.pop()) for key, ids in shorter.items() if len(ids) == 1]


def _named_before(text: str, start: int, noun: str, mentions: list[Mention]) -> list:
    """ "The militants" after "militants backed by Turkey": a definite generic noun stands for
    the actor last called so, when there is one."""
    if not _THE_BEFORE.search(text, max(0, start - 5), start):
        return []
    earlier = [
        m
        for m in mentions
        if m.end <= start and m.actor is not None and fold(m.surface) == fold(noun)
    ]
    return [max(earlier, key=lambda m: m.start).actor] if earlier else []


# "The militants", "the jihadists": a definite noun for fighters points back to the armed group
# the text has just named ("Islamic State stormed the town … the militants took over").
_FIGHTERS_BACK = {"militants", "jihadists", "insurgents"}
_ARMED_GROUPS = ("rebel_group", "political_militia", "identity_militia")
_BACK_REACH = 400


def _group_before(text: str, start: int, mentions: list[Mention]) -> list:
    """The armed group last named in the few sentences before "the militants", if any."""
    if not _THE_BEFORE.search(text, max(0, start - 5), start):
        return []
    earlier = [
        m
        for m in mentions
        if start - _BACK_REACH <= m.start
        and m.end <= start
        and m.actor is not None
        and m.actor.kind in _ARMED_GROUPS
        and m.actor.stored
    ]
    return [max(earlier, key=lambda m: m.start).actor] if earlier else []


def _modifies(text: str, start: int, mentions: list[Mention]) -> bool:
    """Whether a known actor's name stands right before start, as its modifier."""
    return any(m.actors and m.end <= start and not text[m.end : start].strip() for m in mentions)
