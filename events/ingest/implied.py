"""Places and actors the text implies rather than names: borders, features, holders, allies."""

# Each finder reads a form a news report uses for something the gazetteer knows under another
# name, and resolves it through the gazetteer's places, aliases, countries and alliances — never
# through a list of names of its own:
# - "Syria's western border with Lebanon", "the Turkish-Syrian border": the border area that
#   lies in one of the two countries and whose names name the other;
# - "in the desert": the one place of the report's country whose names have that word;
# - "government-controlled Hama", "IS-held territory": who holds the place;
# - "militants backed by Turkey": the actor known as "Turkish-backed militants";
# - "the United States has led a coalition": the actor known as the "US-led coalition";
# - "government forces and their allies": the forces, and the alliance they belong to;
# - "the coalition", "the militant group": the latest actor named before whose names say so;
# - "a convoy of Islamic State fighters" … "the convoy": the object the story follows, whose.

import re
from dataclasses import replace

from events.ingest.gazetteer import COUNTRY, DEMONYMS, Gazetteer, Mention, Place, fold_with_offsets
from events.text import fold

BORDER_AREA = "border_area"
# What Mention.hint says about an implied actor, for the role it takes in an event.
HOLDER = "holder"
# "Regime-besieged Madaya": the name is who lays the siege, not who holds the town.
BESIEGER = "besieger"
ALLIES = "allies"
REFERENCE = "reference"
# Mention.inferred of "the convoy" is THREAD + "convoy": the thread's noun, for its place.
THREAD = "thread:"

# Common nouns of landforms and waters that gazetteer names carry ("Syrian Desert").
FEATURE_NOUNS = (
    "desert",
    "steppe",
    "valley",
    "plain",
    "plains",
    "coast",
    "mountains",
    "hills",
    "river",
    "lake",
    "dam",
    "delta",
    "marshes",
    "oasis",
)
_FEATURE = re.compile(
    rf"\bthe\s+(?:[a-z-]+\s+)?(?P<noun>{'|'.join(FEATURE_NOUNS)})\b(?![\w-])", re.IGNORECASE
)
_HELD = re.compile(
    r"(?<![\w-])(?P<holder>[A-Za-z][\w.]*)-(?P<how>held|controlled|besieged|occupied)\b",
    re.IGNORECASE,
)
_BACKED_BY = re.compile(
    r"(?<![\w-])(?P<noun>militants|fighters|rebels|insurgents|forces|militias?|troops|factions)"
    r"\s+(?:backed|supported|armed)\s+by\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_DEFINITE_ACTOR = re.compile(
    r"\bthe\s+(?:[\w‘’'-]+\s+){0,2}?(?P<noun>coalition|alliance|group|militia|movement"
    r"|organi[sz]ation)(?![\w-])",
    re.IGNORECASE,
)
# "A convoy of Islamic State fighters": an object introduced as belonging to an actor.
_INTRODUCED = re.compile(
    r"(?<![\w-])[Aa]n?\s+(?:[a-z-]+\s+){0,2}?(?P<noun>[a-z]+)\s+of\s+(?:the\s+)?$"
)
# Words before "of" that count or rank people rather than name a thing the story follows.
_NOT_OBJECTS = frozenset(
    [
        "number",
        "group",
        "couple",
        "total",
        "series",
        "lot",
        "majority",
        "part",
        "member",
        "members",
        "leader",
        "commander",
        "spokesman",
        "spokeswoman",
        "official",
        "head",
        "chief",
        "fighter",
        "fighters",
        "source",
        "sources",
        "statement",
        "copy",
        "half",
        "third",
        "quarter",
        "dozen",
        "handful",
        "range",
        "variety",
        "kind",
        "sort",
        "type",
    ]
)
# "… has led a coalition", with an aside between the name and the verb allowed.
_LED_BY_NAME = re.compile(
    r"(?:\s+[—–]\s[^—–]{1,200}?\s[—–]|,\s+(?:which|who)\b[^,;]{1,160},)?"
    r"\s+(?:has\s+|had\s+)?led\s+(?:a|an|the)\s+(?:[\w-]+\s+)?(?P<noun>coalition|alliance|forces?)\b"
)
_AND_ALLIES = re.compile(r"^\s+and\s+(?P<allies>(?:their|its)\s+allies)\b", re.IGNORECASE)
_ALLIES_SUFFIX = re.compile(r"\s+and\s+(?P<allies>(?:their|its)\s+allies)$", re.IGNORECASE)


def find_borders(text: str, gazetteer: Gazetteer, *, focus: Place | None) -> list[Mention]:
    """Border phrases that name two countries, read as the border area between them."""
    countries = _country_words(gazetteer)
    if not countries:
        return []
    folded, origin = fold_with_offsets(text)
    word = "|".join(re.escape(key) for key in sorted(countries, key=len, reverse=True))
    c1, c2 = rf"(?P<c1>{word})", rf"(?P<c2>{word})"
    patterns = [
        # "Syria's western border with Lebanon"
        rf"(?<![\w-]){c1}'s?\s+(?:[a-z-]+\s+){{0,2}}border\s+with\s+(?:the\s+)?{c2}(?![\w-])",
        # "the Syrian-Turkish border", "the Syria-Lebanon border"
        rf"(?<![\w-]){c1}\s?-\s?{c2}\s+border(?![\w-])",
        # "the border between Turkey and Syria"
        rf"(?<![\w-])border\s+between\s+(?:the\s+)?{c1}\s+and\s+(?:the\s+)?{c2}(?![\w-])",
        # "the border with Iraq", in a report about Syria
        rf"(?<![\w-])(?:the|its)\s+(?:[a-z-]+\s+)?border\s+with\s+(?:the\s+)?{c2}(?![\w-])",
    ]
    found: list[Mention] = []
    for pattern in patterns:
        for match in re.finditer(pattern, folded):
            first = countries[match["c1"]] if "c1" in match.groupdict() else focus
            second = countries[match["c2"]]
            if first is None or first.id == second.id:
                continue
            place = border_between(gazetteer, first, second)
            start, end = origin[match.start()], origin[match.end() - 1] + 1
            if place is None or any(m.overlaps(start, end) for m in found):
                continue
            found.append(Mention(start, end, text[start:end], (), (place,), inferred="border"))
    return found


def border_between(gazetteer: Gazetteer, first: Place, second: Place) -> Place | None:
    """The one border area that lies in one country and is named after the other."""
    matches = []
    for place in gazetteer.places.values():
        if place.kind != BORDER_AREA:
            continue
        inside = gazetteer.country_of(place)
        if inside is None or inside.id not in (first.id, second.id):
            continue
        other = second if inside.id == first.id else first
        words = _words_for(gazetteer, other)
        if any(_names_word(name, words) for name in gazetteer.names_of_place(place)):
            matches.append(place)
    return matches[0] if len(matches) == 1 else None


def find_features(text: str, gazetteer: Gazetteer, *, focus: Place | None) -> list[Mention]:
    """ "In the desert": the one place of the report's country whose names have the word."""
    if focus is None:
        return []
    found = []
    for match in _FEATURE.finditer(text):
        noun = fold(match["noun"])
        places = {
            place.id: place
            for place in gazetteer.places.values()
            if place.kind != COUNTRY
            and gazetteer.contains(focus, place)
            and any(_names_word(name, {noun}) for name in gazetteer.names_of_place(place))
        }
        if len(places) == 1:
            (place,) = places.values()
            found.append(
                Mention(match.start(), match.end(), match.group(), (), (place,), inferred=noun)
            )
    return found


def find_holders(
    text: str, gazetteer: Gazetteer, *, focus: Place | None, taken: list[Mention]
) -> list[Mention]:
    """ "Government-controlled Hama", "militant-held eastern Aleppo": who holds the place;
    "regime-besieged Madaya": who besieges it."""
    demonym = DEMONYMS.get(fold(focus.name)) if focus else None
    found = []
    for match in _HELD.finditer(text):
        start, end = match.span("holder")
        if any(m.actors and m.overlaps(start, end) for m in taken):
            continue  # "IS-held": the name is already read as the actor.
        holder = match["holder"]
        tries = [holder] + ([f"{demonym} {holder}", f"{demonym} {holder}s"] if demonym else [])
        for name in tries:
            actors, _places = gazetteer.lookup(name)
            if len(actors) == 1:
                role = BESIEGER if fold(match["how"]) == "besieged" else HOLDER
                found.append(Mention(start, end, holder, (actors[0],), (), inferred=role))
                break
    return found


def find_backed(text: str, gazetteer: Gazetteer, mentions: list[Mention]) -> list[Mention]:
    """ "Militants backed by Turkey" is the actor known as "Turkish-backed militants"."""
    found = []
    for backer in mentions:
        match = _BACKED_BY.search(text, max(0, backer.start - 80), backer.start)
        country = backer.place if backer.place and backer.place.kind == COUNTRY else None
        if match is None or country is None:
            continue
        adjective = DEMONYMS.get(fold(country.name))
        actors, _places = gazetteer.lookup(f"{adjective}-backed {match['noun']}")
        if adjective and len(actors) == 1:
            start, end = match.span("noun")
            found.append(Mention(start, end, match["noun"], (actors[0],), (), inferred="backed"))
    return found


def find_led(text: str, gazetteer: Gazetteer, mentions: list[Mention]) -> list[Mention]:
    """ "The United States — which opposes Assad — has led a coalition": the actor known as
    the "US-led coalition". The mention runs from the leader's name to the noun, so that the
    leader is not read again as an actor of its own."""
    found = []
    for leader in mentions:
        country = leader.place if leader.place and leader.place.kind == COUNTRY else None
        match = _LED_BY_NAME.match(text[leader.end :])
        adjective = DEMONYMS.get(fold(country.name)) if country else None
        if match is None or adjective is None:
            continue
        actors, _places = gazetteer.lookup(f"{adjective}-led {match['noun']}")
        if len(actors) == 1:
            end = leader.end + match.end()
            found.append(
                Mention(leader.start, end, text[leader.start : end], (actors[0],), (), "led")
            )
    return found


def split_allies(
    text: str, gazetteer: Gazetteer, mentions: list[Mention], *, focus: Place | None
) -> list[Mention]:
    """ "Government forces and their allies" names two actors: the forces, and the alliance
    they belong to. The alliance's mention is marked ALLIES: it takes an associated role."""
    demonym = DEMONYMS.get(fold(focus.name)) if focus else None
    result: list[Mention] = []
    for mention in mentions:
        actor = mention.actor
        whole = _ALLIES_SUFFIX.search(mention.surface)
        if actor is not None and actor.kind == "alliance" and whole is not None:
            # The alliance's own alias spells it out: the head is the member it names.
            head = mention.surface[: whole.start()].rstrip()
            tries = [head] + ([f"{demonym} {head}"] if demonym else [])
            members = gazetteer.members_of(actor)
            heads = [a for name in tries for a in gazetteer.lookup(name)[0] if a.id in members]
            if heads:
                allies_start = mention.start + whole.start("allies")
                result.append(
                    replace(
                        mention, end=mention.start + len(head), surface=head, actors=(heads[0],)
                    )
                )
                result.append(
                    replace(
                        mention,
                        start=allies_start,
                        surface=text[allies_start : mention.end],
                        inferred=ALLIES,
                    )
                )
                continue
        result.append(mention)
        tail = _AND_ALLIES.match(text[mention.end :]) if actor is not None else None
        alliance = gazetteer.alliance_of(actor) if tail is not None else None
        if alliance is not None:
            start, end = mention.end + tail.start("allies"), mention.end + tail.end()
            result.append(Mention(start, end, text[start:end], (alliance,), (), inferred=ALLIES))
    return result


def find_back_references(text: str, gazetteer: Gazetteer, mentions: list[Mention]) -> list[Mention]:
    """ "The coalition", "the ultra-hardline group": the latest actor named before whose
    name or alias has that noun ("US-led coalition", "Islamic State group")."""
    found = []
    for match in _DEFINITE_ACTOR.finditer(text):
        start, end = match.span()
        if any(m.overlaps(start, end) for m in mentions):
            continue
        if re.match(r"\s+(?:[A-Z]|of\b)", text[end:]):
            continue  # "the Lebanese Shi'ite group Hezbollah", "the group of …": named there.
        noun = fold(match["noun"])
        for earlier in sorted(mentions, key=lambda m: m.end, reverse=True):
            actor = earlier.actor
            if earlier.end > start or actor is None:
                continue
            if any(_names_word(name, {noun}) for name in gazetteer.names_of_actor(actor)):
                found.append(Mention(start, end, match.group(), (actor,), (), inferred=REFERENCE))
                break
    return found


def find_threads(text: str, mentions: list[Mention]) -> list[Mention]:
    """ "A convoy of Islamic State fighters" … "the convoy": each later definite mention of
    the object stands for the actor it belongs to, and carries the object's noun."""
    found: list[Mention] = []
    owners: dict[str, tuple[int, Mention]] = {}
    for mention in sorted(mentions, key=lambda m: m.start):
        intro = _INTRODUCED.search(text, max(0, mention.start - 60), mention.start)
        if mention.actor is None or intro is None or intro["noun"] in _NOT_OBJECTS:
            continue
        owners.setdefault(intro["noun"], (mention.end, mention))
    for noun, (after, owner) in owners.items():
        definite = re.compile(rf"\b[Tt]he\s+(?:[a-z-]+\s+)?{noun}\b(?![\w-])")
        for match in definite.finditer(text, after):
            start, end = match.span()
            if any(m.overlaps(start, end) for m in mentions + found):
                continue
            found.append(
                Mention(start, end, match.group(), owner.actors, (), inferred=THREAD + noun)
            )
    return found


def _country_words(gazetteer: Gazetteer) -> dict[str, Place]:
    """Folded country names, aliases and adjectives, each naming one country."""
    words: dict[str, Place] = {}
    for place in gazetteer.places.values():
        if place.kind == COUNTRY:
            for word in _words_for(gazetteer, place):
                words[word] = place
    return words


def _words_for(gazetteer: Gazetteer, country: Place) -> set[str]:
    words = set(gazetteer.names_of_place(country))
    adjective = DEMONYMS.get(fold(country.name))
    if adjective:
        words.add(fold(adjective))
    return {word for word in words if len(word) > 2}


def _names_word(name: str, words: set[str]) -> bool:
    tokens = set(re.split(r"[^\w']+", name))
    return bool(tokens & words) or any(
        re.search(rf"(?<![\w]){re.escape(word)}(?![\w])", name) for word in words if " " in word
    )


def with_implied(
    text: str, gazetteer: Gazetteer, mentions: list[Mention], focus: Place | None
) -> list[Mention]:
    """The names found, with what the text implies: borders, backers' clients, generic nouns
    read through the report's country, features, holders, and "… and their allies"."""
    borders = [
        b
        for b in find_borders(text, gazetteer, focus=focus)
        if not any(
            m.overlaps(b.start, b.end) and m.place and m.place.kind == BORDER_AREA for m in mentions
        )
    ]
    led = find_led(text, gazetteer, mentions)
    borders += led
    mentions = [m for m in mentions if not any(b.overlaps(m.start, m.end) for b in borders)]
    mentions += borders
    mentions += find_backed(text, gazetteer, mentions)
    mentions += gazetteer.find_inferred(text, country=focus, taken=mentions)
    mentions += [
        f
        for f in find_features(text, gazetteer, focus=focus)
        if not any(m.overlaps(f.start, f.end) for m in mentions)
    ]
    mentions += find_holders(text, gazetteer, focus=focus, taken=mentions)
    mentions += find_back_references(text, gazetteer, mentions)
    mentions += find_threads(text, mentions)
    mentions.sort(key=lambda m: m.start)
    return split_allies(text, gazetteer, mentions, focus=focus)
