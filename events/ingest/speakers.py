"""Who said it when the database does not know them: the person or body named before "said"."""

# Copy without commas runs the reported words into the source ("… is to defeat Daesh Secretary
# of State Rex Tillerson said"): the speaker is the name that stands last before the verb, with
# the title in front of it; what comes before the title belongs to the words reported. A
# speaker found so is pending (gazetteer.pending_actor): the draft carries it, the editor adds
# it. A state named in the title ("Turkish Foreign Minister …") takes part through its
# government, as coders name the institution of a speaker's title.

import re
from dataclasses import dataclass

from events.dates import CALENDAR_ABBREVIATIONS
from events.ingest.clauses import Attribution
from events.ingest.gazetteer import (
    DEMONYMS,
    GOVERNMENT_KINDS,
    ActorEntry,
    Gazetteer,
    Mention,
    pending_actor,
)
from events.ingest.nameforms import DEMONYM_KEYS
from events.ingest.persons import OFFICE
from events.ingest.triage import ORGANISATION_WORDS, OUTLET_WORDS, actor_kind
from events.ingest.unknown import NOT_NAMES
from events.models import ActorRole
from events.text import fold

# Words of a title before a person's name ("Major General", "Secretary of State", "spokesman").
_TITLE_WORDS = frozenset(
    """
    president vice-president prime minister foreign defence defense interior secretary
    state general major lieutenant colonel col. gen. brigadier commander chief deputy vice
    spokesman spokeswoman envoy special ambassador adviser advisor national security high
    commissioner under humanitarian affairs human rights refugees leader head director sheikh
    cleric king prince senator governor mayor official officer scientist figure the of for to
    on and a an
    ministry department office council committee coalition opposition leading influential
    senior top his her its their
    """.split()  # noqa: SIM905 - a word list reads better as words
)
# Sources that only attribute (monitors, witnesses, agencies): never the speaker of a statement.
ATTRIBUTING = re.compile(
    r"\b(?:observatory|monitor(?:ing)?|activists?|residents?|witness(?:es)?|sources?"
    r"|reports?|photographer|correspondent|reporter)\b",
    re.IGNORECASE,
)
# The last name before the reporting verb: two or three capitalised words (a particle such as
# "al" between), or one capitalised word after a lower-case one ("… rebels Pillay said").
_PERSON_AT_END = re.compile(
    r"(?:^|(?<=\s))(?P<name>[A-Z][\w'’.-]+(?:\s+(?:(?:al|el|bin|ibn|abu|de|van|von)[-\s]+)?"
    r"[A-Z][\w'’-]+){0,2})$"
)
# What makes a country's adjective in a title name its state ("Turkish Foreign Minister"), not
# a people ("Syrian opposition figure").
_OFFICE = (
    r"(?:Foreign|Defen[cs]e|Interior|Prime|President|Ministry|Minister|Deputy|Ambassador|Envoy"
    r"|Government|government|Army|army|State|military|Military|Presidential|Embassy)\b"
)
_BODY_AT_END = re.compile(
    r"(?P<name>[A-Z][\w'’.-]*(?:\s+(?:(?:of|for|and|on|the)\s+)*[A-Z][\w'’.-]*)*)$"
)


@dataclass(frozen=True)
class NamedSpeaker:
    """A speaker the text names and the database does not hold, and where its title starts."""

    actor: ActorEntry
    title_start: int
    # States named in the title, taking part through their governments.
    institutions: tuple[ActorEntry, ...] = ()


def pending_speaker(
    text: str, attribution: Attribution, known: list[Mention], gazetteer: Gazetteer
) -> NamedSpeaker | None:
    """The person or body the attribution names last, when no known name stands there."""
    # "The International Committee of the Red Cross (ICRC) said": the name, its short form
    # in brackets left out.
    who = _SHORT_FORM.sub("", text[attribution.who_start : attribution.who_end].rstrip(" ,"))
    if not who or attribution.pronoun or ATTRIBUTING.search(who) or OUTLET_WORDS.search(who):
        return None
    named_first = _named_first(who)
    if named_first is not None:
        # "Peter Salama Executive Director of the WHO Health Emergencies Programme said",
        # "John Smith, a spokesman for the United Nations, said": the name, then the title
        # that follows it (a body the title names takes part).
        name, at = named_first
        start = attribution.who_start + at
        # The person may be one the database holds ("Mohammed Rasheed, a spokesman for …").
        person = next(
            (
                m.actor
                for m in known
                if m.actor is not None
                and m.actor.kind == "person"
                and m.overlaps(start, start + len(name))
            ),
            None,
        )
        title = who[at + len(name) :]
        return NamedSpeaker(
            person or pending_actor(name, "person"), start, _title_states(title, gazetteer)
        )
    end = attribution.who_start + len(who)
    if any(
        attribution.covers(m.start, m.end) and m.end >= end - 1 and m.inferred != OFFICE
        for m in known
    ):
        # A known actor stands right before the verb: it is the speaker.
        return None
    person = _PERSON_AT_END.search(who)
    words = person["name"].split() if person else []
    while words and (
        words[0].lower() in _TITLE_WORDS or words[0].isupper() or _RANK.match(words[0])
    ):
        words.pop(0)
    body = _BODY_AT_END.search(who)
    if (
        body is not None
        and ORGANISATION_WORDS.search(body["name"])
        and (not words or ORGANISATION_WORDS.search(" ".join(words)))
    ):
        name = _without_leading_title(body["name"])
        if name and not OUTLET_WORDS.search(name):
            start = attribution.who_start + body.start("name")
            return NamedSpeaker(pending_actor(name, actor_kind(name)), start)
        return None
    if not words or any(fold(w) in NOT_NAMES or fold(w) in DEMONYM_KEYS for w in words):
        # No name of a person: perhaps an office ("the Turkish Foreign Minister said").
        return _office_speaker(who, attribution, gazetteer)
    name = " ".join(words)
    name_at = who.rindex(name)
    if len(words) == 1 and (len(name) < 3 or re.search(r"\bthe\s+$", who[:name_at])):
        return None
    start = attribution.who_start + name_at
    title_start = start - len(_title_before(who[:name_at]))
    institutions = _title_states(text[title_start:start], gazetteer)
    # "… Khalil said" after "PYD spokesman Nawaf Khalil": the person named with an office.
    person = next(
        (m.actor for m in known if m.inferred == OFFICE and m.overlaps(start, end) and m.actor),
        None,
    )
    return NamedSpeaker(person or pending_actor(name, "person"), title_start, institutions)


_TITLE_MODIFIER = re.compile(
    r"Executive|Deputy|Regional|General|Managing|Assistant|Senior|Chief|Vice|Under|Special"
)
# A title that a person's name opens: "Executive Director of", "Spokesman for".
_TITLE_AFTER_NAME = (
    r"(?:(?:Executive|Deputy|Regional|General|Managing|Assistant|Senior|Chief|Vice|Under)\s+)*"
    r"(?:Director|Head|Spokes(?:man|woman)|Chair(?:man|woman)?|Coordinator|Secretary"
    r"|Representative|Adviser|Advisor)(?:[\s-]+General)?\s+(?:of|for|at)\b"
)
# A person's name followed by its title: "Name, a spokesman for …," (any case after the
# comma) or, the commas lost, "Name Executive Director of …" (the title in capitals).
_NAME_THEN_TITLE = re.compile(
    r"(?:^|(?<=\s))(?P<name>[A-Z][a-z][\w'’-]+(?:\s+(?:(?:al|el|bin|ibn|abu|de|van|von)[-\s]+)?"
    rf"[A-Z][a-z][\w'’-]+){{1,3}}?)(?:\s+{_TITLE_AFTER_NAME}"
    rf"|,\s+(?:(?:a|an|the)\s+)?(?i:{_TITLE_AFTER_NAME}))"
)


def _named_first(who: str) -> tuple[str, int] | None:
    """The person's name that opens "Name Title of the Body" (a title followed by "of", not by
    a name: "Amnesty International Regional Director Philip Luther" names Luther last), with
    the words before it that name no one ("Saturday") left out; and where it starts."""
    for match in _NAME_THEN_TITLE.finditer(who):
        words = match["name"].split()
        while len(words) > 2 and (fold(words[0]) in NOT_NAMES or fold(words[0]) in DEMONYM_KEYS):
            words.pop(0)
        while words and _TITLE_MODIFIER.fullmatch(words[-1]):
            words.pop()
        # ("Jan Egeland": a month's abbreviation is a first name too.)
        if len(words) < 2 or any(
            (fold(w) in NOT_NAMES and fold(w) not in CALENDAR_ABBREVIATIONS)
            or fold(w) in DEMONYM_KEYS
            or ORGANISATION_WORDS.search(w)
            for w in words
        ):
            continue
        name = " ".join(words)
        return name, match.start("name") + match["name"].index(name)
    return None


# "the UN Secretary General", "Turkish Foreign Minister": an office named without its holder,
# qualified by the body or the state it belongs to.
_OFFICE_AT_END = re.compile(
    r"(?P<office>(?:U\.N\.|UN|EU|NATO|[A-Z][a-z]+)\s+(?:(?:Under|Deputy|Vice|Foreign|Defen[cs]e"
    r"|Interior|Prime|High|Special|Chief)[\s-]+)*(?:Secretary[\s-]General|Secretary\s+of\s+State"
    r"|Secretary|Minister|President|Commissioner|Envoy|Ambassador|Spokes(?:man|woman)"
    r"|Chancellor))$"
)


def _office_speaker(
    who: str, attribution: Attribution, gazetteer: Gazetteer
) -> NamedSpeaker | None:
    """The holder of an office the attribution names without a name ("a report from the UN
    Secretary General says"): a pending person known by the office; a state whose adjective
    qualifies it takes part through its government."""
    match = _OFFICE_AT_END.search(who)
    if match is None:
        return None
    office = match["office"]
    qualifier = fold(office.split()[0])
    if qualifier in NOT_NAMES and qualifier not in DEMONYM_KEYS:
        return None
    start = attribution.who_start + match.start("office")
    return NamedSpeaker(pending_actor(office, "person"), start, _title_states(office, gazetteer))


_SHORT_FORM = re.compile(r"\s*\([A-Z][\w.&-]{1,11}\)$")
# "Major-General", "Lieutenant-Colonel": a rank written as one word.
_RANK = re.compile(r"^[A-Z][a-z]+-(?:[Gg]eneral|[Cc]olonel|[Cc]ommander|[Aa]dmiral)$")


def speakers_with(
    found: NamedSpeaker, known: list[tuple[ActorEntry, str]], mentions: list[Mention]
) -> list[tuple[ActorEntry, str]]:
    """The pending speaker, the states of its title, and the known actors named inside its
    title ("a spokesman for Jaish al-Nasr …" keeps the group); actors named before the title
    belong to the words reported, not to the source."""
    inside = {m.actor.id for m in mentions if m.actor is not None and m.start >= found.title_start}
    cast = [(found.actor, ActorRole.SPEAKER)]
    for actor in found.institutions:
        cast.append((actor, ActorRole.PARTICIPANT))
    for actor, _role in known:
        if actor.id in inside and all(a.id != actor.id for a, _ in cast):
            cast.append((actor, ActorRole.PARTICIPANT))
    return cast


def _without_leading_title(name: str) -> str:
    words = name.split()
    while words and words[0].lower() in ("the", "a", "an"):
        words.pop(0)
    return " ".join(words)


def _title_before(text: str) -> str:
    """The title words that end text ("Turkish Foreign Minister "), with their spaces."""
    match = re.search(r"(?:(?:[\w.'’-]+)\s+)*$", text)
    words = text[match.start() :].split() if match else []
    kept: list[str] = []
    for word in reversed(words):
        lowered = word.lower()
        if lowered in _TITLE_WORDS or fold(word) in DEMONYM_KEYS or lowered.endswith("-general"):
            kept.insert(0, word)
            continue
        break
    if not kept:
        return ""
    tail = text.rstrip()
    index = len(tail)
    for word in reversed(kept):
        index = tail.rfind(word, 0, index)
    return text[index:]


def _title_states(title: str, gazetteer: Gazetteer) -> tuple[ActorEntry, ...]:
    """The governments of the states whose adjective the title carries ("Turkish Foreign
    Minister", "Russian Defence Ministry spokesman")."""
    found = []
    for key, adjective in DEMONYMS.items():
        if re.search(rf"\b{re.escape(adjective)}\s+{_OFFICE}", title):
            government = gazetteer.state_actor(gazetteer.country_place(key), GOVERNMENT_KINDS)
            if government is not None:
                found.append(government)
    return tuple(found)
