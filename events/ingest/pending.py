"""Organisations nobody has recorded, named in full in the text: pending actors for the drafts."""

# An unknown capitalised name ending in an organisation's word ("Free Syrian Army", "Security
# Council", "Democratic Union Party", "Syrian Institute of Justice") names an actor whatever
# the database holds; reading treats each of its uses as a mention of one pending actor
# (gazetteer.pending_actor), so drafts carry it in its role and the editor adds it once.
# Outlets, heading fragments and long runs of title-case words are left to the names list.

import re

from events.dates import CALENDAR_WORDS
from events.ingest.gazetteer import Mention, opens_sentence, pending_actor
from events.ingest.triage import OUTLET_WORDS, actor_kind
from events.ingest.unknown import unmatched_names

# The organisation's word that ends its name (or its head before "of …").
_ORGANISATION_END = re.compile(
    r"\b(?:Army|Front|Brigades?|Forces|Movement|Council|Party|Committee|Coalition|Units"
    r"|Corps|Battalions?|Division|Guards?|Militias?|Organi[sz]ation|Nations|Ministry"
    r"|Commission|Observatory|Institute|Centre|Center|Foundation|Crescent|Cross|Agency"
    r"|Authority|Alliance|League|Assembly|Court|Union|Brotherhood|Association|Federation)$"
)
CALENDAR = "|".join(sorted((w.capitalize() for w in CALENDAR_WORDS), key=len, reverse=True))
# Armed groups named in Arabic open with the group's word ("Ahrar al-Sham", "Jaish al Fateh",
# "Liwa al-Quds"): a name of its own wherever it stands in a sentence.
_ARABIC_GROUP = re.compile(
    r"(?<![\w'’-])(?:Jaish|Jaysh|Liwa|Harakat|Ahrar|Jabhat|Hay['’]?at|Faylaq|Kataib|Kata['’]ib"
    r"|Ansar|Saraya|Tajammu|Firqat|Jund|Alwiya|Jamaat|Jama['’]at)"
    # The article's particle: "al", "el"…; "as", "at", "an" are English words unless
    # hyphenated ("Jabhat an-Nusra"), and a weekday or a month is no part of the name.
    r"(?:\s+(?:(?:al|el|ash|ad|ar|az)[-\s]+|(?:as|at|an)-)[A-Z][\w'’-]+"
    rf"|\s+(?!(?:{CALENDAR})\b)[A-Z][\w'’-]+){{1,3}}"
)
# "the Democratic Union Party (PYD)": the short form the text gives the name, in brackets.
_SHORT_FORM = re.compile(r"\s*\((?P<short>[A-Z][A-Z.&-]{1,9})\)")
_HEAD_OF = re.compile(r"^(?P<head>.+?)\s+(?:of|for)\s+[A-Z]")
_NOT_BODIES = ("person", "civilians")
_IN_CAPITALS = re.compile(r"\b[A-Z]{2,}\s+$")
_IN_CAPITALS_AFTER = re.compile(r"\s+[A-Z]{2,}\b")
_MAX_WORDS = 6
_JOINED_AFTER = re.compile(r"\s+(?:of|for)\s+(?:the\s+)?[A-Z]")
_JOINED_BEFORE = re.compile(r"(?<![\w'’.-])[A-Z][\w'’.-]*\s+(?:of|for)\s+(?:the\s+)?$")
# Monitors and research bodies a report cites (Actor.Kind "other": sources, never sides).
_MONITOR = re.compile(r"\b(?:Observatory|Institute|Centre|Center|Network|Monitor)\b")


def pending_mentions(text: str, known: list[Mention]) -> list[Mention]:
    """Each use of an organisation's name no known mention covers, as a pending actor; and of
    its short form, the one the text gives it in brackets or its initials ("Free Syrian Army"
    → "FSA")."""
    found = _named_organisations(text, known)
    found += _arabic_groups(text, known + found)
    return found + _short_forms(text, known + found)


def _arabic_groups(text: str, known: list[Mention]) -> list[Mention]:
    found: list[Mention] = []
    for match in _ARABIC_GROUP.finditer(text):
        start, end = match.span()
        if any(m.overlaps(start, end) for m in known + found):
            continue
        name = " ".join(match.group().split())
        found.append(Mention(start, end, match.group(), (pending_actor(name, "rebel_group"),)))
    return found


def _short_forms(text: str, found: list[Mention]) -> list[Mention]:
    """Uses of a pending organisation's short form: the bracket after its name, or the
    initials of its capitalised words when they stand alone in capitals."""
    organisations = [
        m
        for m in found
        if m.actor is not None and not m.actor.stored and m.actor.kind not in _NOT_BODIES
    ]
    # The short form the text gives in brackets wins over initials guessed for another name;
    # initials two names share name neither.
    forms: dict[str, object] = {}
    for mention in organisations:
        bracket = _SHORT_FORM.match(text, mention.end)
        if bracket is not None:
            forms.setdefault(bracket["short"], mention.actor)
    guessed: dict[str, set] = {}
    for mention in organisations:
        initials = "".join(w[0] for w in mention.surface.split() if w[0].isupper())
        if len(initials) >= 3 and initials not in forms:
            guessed.setdefault(initials, set()).add(mention.actor)
    forms |= {short: actors.pop() for short, actors in guessed.items() if len(actors) == 1}
    shorts: list[Mention] = []
    for short, actor in forms.items():
        for match in re.finditer(rf"(?<![\w-]){re.escape(short)}(?![\w-])", text):
            start, end = match.span()
            if _IN_CAPITALS.search(text, max(0, start - 20), start) or _IN_CAPITALS_AFTER.match(
                text, end
            ):
                # "REBELS WHO FLED …": a word of a line set in capitals.
                continue
            if not any(m.overlaps(start, end) for m in found + shorts):
                shorts.append(Mention(start, end, short, (actor,)))
    return shorts


def _named_organisations(text: str, known: list[Mention]) -> list[Mention]:
    found: list[Mention] = []
    for candidate in unmatched_names(text, known):
        name = candidate.name
        words = name.split()
        head = _HEAD_OF.match(name)
        if not 2 <= len(words) <= _MAX_WORDS or OUTLET_WORDS.search(name):
            continue
        if not _ORGANISATION_END.search(head["head"] if head else name):
            continue
        kind = "other" if _MONITOR.search(name) else actor_kind(name)
        actor = pending_actor(name, kind)
        for match in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text):
            start, end = match.span()
            before = _JOINED_BEFORE.search(text, max(0, start - 60), start)
            if _JOINED_AFTER.match(text, end) or (
                before is not None and not opens_sentence(text, before.start())
            ):
                # Part of a longer name ("International Committee of the Red Cross").
                continue
            if not any(m.overlaps(start, end) for m in known + found):
                found.append(Mention(start, end, name, (actor,)))
    return found
