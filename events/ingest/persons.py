"""People named with their office ("U.S. ambassador Robert Ford"): pending persons."""

# A speaker the database lacks is read before its "said" (speakers.py). A person who visits,
# meets, phones, is summoned or sacked is named the same way, office first, and takes part in
# what the sentence tells: each is one pending person of the article (gazetteer.pending_actor,
# so the speaker read elsewhere is the same actor), and the surname alone names them again
# further on ("Ford had only arrived in January"). Military ranks are left out: a commander
# killed in a raid is the raid's toll, which the editor reads from the excerpt.

import re

from events.ingest.gazetteer import ActorEntry, Mention, pending_actor
from events.ingest.nameforms import DEMONYM_KEYS
from events.ingest.unknown import NOT_NAMES
from events.text import fold

_OFFICE = (
    r"ambassador|envoy|minister|president|secretary|governor|senator|king|prince|chancellor"
    r"|premier|spokes(?:man|woman)|commissioner|coordinator|director|mayor|cleric|chief|head"
)
# The office, then two or three capitalised words (a particle between: "Saud al-Faisal"), on
# one line: a heading's last words do not run into the next paragraph's first.
_TITLED = re.compile(
    rf"(?<![\w'’-])(?i:{_OFFICE})[ \t]+"
    r"(?P<name>[A-Z][a-z][\w'’-]*(?:[ \t]+(?:(?:al|el|bin|ibn|abu|de|van|von)[- \t]+)?"
    r"[A-Z][a-z][\w'’-]*){1,3})(?![\w'’-])"
)
# A rank or an honorific between the office and the name ("spokesman Major General Igor
# Konashenkov"): part of the title, not of the name.
_RANKS = re.compile(
    r"^(?:(?:Major|Lieutenant|Brigadier|Colonel|Col\.|General|Gen\.|Admiral|Dr\.?|Mr\.?"
    r"|Mrs\.?|Ms\.?|Sheikh|Sir|Grand|Ayatollah|Imam|Archbishop|Patriarch|Bishop|Father"
    r"|Archimandrite|Mufti|Crown|Prince|Emir)(?:-General)?\s+)+"
)
_POSSESSIVE = re.compile(r"['’]s?$")
# A capitalised word right before or after a surname makes it part of another name (an
# acronym before it does not: copy without commas runs "… the PKK Khalil said" together).
_IN_LONGER_NAME_BEFORE = re.compile(
    r"(?:(?<![.!?]\s)(?<!^)\b[A-Z][a-z][\w'’-]*"
    rf"|\b(?:King|Queen|Emir|Sheikh|Crown|Prince|General|Mr|Mrs|Ms|Dr|(?i:{_OFFICE}))\.?)\s+$"
)
_IN_LONGER_NAME_AFTER = re.compile(r"\s+[A-Z][a-z]")
# Mention.inferred of a person read from their office.
OFFICE = "office"
# A surname found alone must be this long: "Ford" names him, "Al" does not.
_SHORTEST_SURNAME = 4


def person_mentions(text: str, known: list[Mention]) -> list[Mention]:
    """Each person named after an office, and each later use of their surname, that no known
    mention covers."""
    found: list[Mention] = []
    surnames: dict[str, tuple[int, ActorEntry]] = {}
    for match in _TITLED.finditer(text):
        start, end = match.span("name")
        ranks = _RANKS.match(match["name"])
        if ranks is not None:
            start += ranks.end()
        name = text[start:end]
        words = name.split()
        if _POSSESSIVE.search(name):
            # "President Vladimir Putin's spokesman": whose office it is, not who acts.
            continue
        if len(words) < 2 or any(fold(w) in NOT_NAMES or fold(w) in DEMONYM_KEYS for w in words):
            continue
        if any(m.overlaps(start, end) for m in known + found):
            continue
        actor = pending_actor(name, "person")
        found.append(Mention(start, end, name, (actor,), inferred=OFFICE))
        surname = words[-1]
        if len(surname) >= _SHORTEST_SURNAME:
            surnames.setdefault(surname, (end, actor))
    for surname, (after, actor) in surnames.items():
        for match in re.finditer(rf"(?<![\w'’-]){re.escape(surname)}(?![\w'’-])", text):
            start, end = match.span()
            if start < after or any(m.overlaps(start, end) for m in known + found):
                continue
            if _IN_LONGER_NAME_BEFORE.search(text, max(0, start - 40), start) or (
                _IN_LONGER_NAME_AFTER.match(text, end)
            ):
                # "The Hague", "Capitol Hill", "King Salman": another name that ends or
                # begins with the same word.
                continue
            found.append(Mention(start, end, surname, (actor,), inferred=OFFICE))
    return found
