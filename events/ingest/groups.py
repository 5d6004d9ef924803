"""Groups the text names by a common noun ("Kurdish fighters", "protesters"): pending actors."""

# News copy names many parties by what they are rather than by a name: an ethnic or religious
# group's fighters ("Kurdish fighters", "Alawite militiamen"), a community ("Assyrian
# Christians", "Syrian Kurds"), or a crowd ("protesters", "gunmen", "a mob"). No stored actor
# answers to these, yet they are who acted or suffered: each distinct phrase is one pending
# actor of the article (gazetteer.pending_actor), named as the text names it, so drafts carry
# it in its role and the editor adds it, or links a stored actor, once. Generic nouns that the
# report's country resolves ("rebels", "opposition fighters", "government forces", "civilians"
# in a report about Syria) are the gazetteer's, and any name the text gives wins over these.

import re

from events.ingest.gazetteer import Mention, pending_actor

# Ethnic and religious adjectives that make a group of a community, not of a state.
_COMMUNITY = (
    r"Kurdish|Kurd|Arab|Turkmen|Assyrian|Armenian|Alawite|Sunni|Shiite|Shi['’]ite|Shia|Druze"
    r"|Christian|Yazidi|Circassian|Bedouin|Chechen|Islamist|Jihadist|Salafist|Salafi"
)
# Nouns for armed men: with a community's adjective they are that community's fighters.
_ARMED = (
    r"fighters|militants|militiamen|militias?|gunmen|forces|defenders|rebels|insurgents"
    r"|tribesmen|Islamists|jihadists|extremists|units"
)
# Communities named by their plural, alone or after a state's or a community's adjective.
_PEOPLE = r"Kurds|Christians|Alawites|Turkmens|Assyrians|Yazidis|Druze|Armenians|Sunnis|Shiites"
_STATE_ADJECTIVE = r"Syrian|Iraqi|Turkish|Lebanese|Iranian"
_GROUP = re.compile(
    rf"(?<![\w'’-])(?:(?P<armed_adj>(?:(?:{_COMMUNITY})\s+){{1,2}})(?i:(?P<armed>{_ARMED}))"
    rf"|(?P<people>(?:(?:{_STATE_ADJECTIVE}|{_COMMUNITY})\s+)?(?:{_PEOPLE}))"
    r"|(?P<crowd>(?i:protesters|demonstrators|gunmen|Islamists))"
    r"|(?<=\b[Aa]\s)(?P<mob>mob))(?![\w'’-])"
)
# "Syrian Kurds fighting IS": the community's armed men, not its civilians.
_FIGHTING_AFTER = re.compile(r"^\s+(?:fighting|battling|who\s+(?:fight|fought|battled))\b")
# "Kurdish Arab Assyrian and Turkmen fighters": a coordination of communities describes a
# mixed force, which the text names elsewhere ("the SDF, a coalition of …").
_COORDINATED = re.compile(rf"(?<![\w'’-])(?:{_COMMUNITY})[\s,]+(?:(?:and|or)\s+)?$")
# Who acts in crowds (Actor.Kind).
_CROWDS = {"protesters": "protesters", "demonstrators": "protesters", "mob": "rioters"}
_CRUSADING = re.compile(r"^(?:Islamist|Jihadist|Salafist|Salafi)\b", re.IGNORECASE)


def group_mentions(text: str, known: list[Mention]) -> list[Mention]:
    """Each use of a group named by a common noun that no known mention covers, as one
    pending actor per phrase."""
    found: list[Mention] = []
    for match in _GROUP.finditer(text):
        start, end = match.span()
        if any(m.overlaps(start, end) for m in known) or _COORDINATED.search(
            text, max(0, start - 30), start
        ):
            continue
        name = " ".join(match.group().split())
        actor = pending_actor(name, _kind(match, text[end:]))
        found.append(Mention(start, end, match.group(), (actor,), inferred="group"))
    return found


def _kind(match: re.Match, after: str) -> str:
    """Armed men of a faith's politics are a rebel group, of a people an identity militia; a
    community is civilians unless the text has it fighting; crowds protest or riot."""
    if match["armed"]:
        return "rebel_group" if _CRUSADING.match(match["armed_adj"]) else "identity_militia"
    if match["people"]:
        return "identity_militia" if _FIGHTING_AFTER.match(after) else "civilians"
    crowd = (match["crowd"] or match["mob"]).lower()
    if crowd == "islamists":
        return "rebel_group"
    return _CROWDS.get(crowd, "political_militia")
