"""Who takes part in an event and in what role, read from how the sentence names them."""

import dataclasses
import re
from collections.abc import Sequence

from events.ingest.clauses import Attribution, Clause
from events.ingest.context import ArticleContext, Memory
from events.ingest.gazetteer import (
    COUNTRY,
    GOVERNMENT_KINDS,
    STATE_FORCE_KINDS,
    ActorEntry,
    Gazetteer,
    Mention,
)
from events.ingest.implied import ALLIES, BESIEGER, HOLDER, THREAD
from events.ingest.nameforms import DEMONYM_KEYS
from events.ingest.pending import CALENDAR
from events.ingest.persons import OFFICE
from events.ingest.view import SentenceView
from events.ingest.vocabulary import Domain, Trigger
from events.models import ActorRole
from events.text import fold

Cast = list[tuple[ActorEntry, str]]

PERSON = "person"
# Event types with a doer and a receiver (ACLED's remote violence and violence against
# civilians), and types everyone named simply takes part in.
ONE_SIDED = {
    "chemical-weapon",
    "grenade",
    "explosions-remote-violence",
    "killing",
    "looting-property-destruction",
    "arrests",
    "air-drone-strike",
    "shelling-artillery-missile-attack",
    "suicide-bomb",
    "remote-explosive-landmine-ied",
    "attack",
    "abduction-forced-disappearance",
    "excessive-force-against-protesters",
}
EVACUATION = "evacuation-under-deal"
TOGETHER = {
    "troop-movement",
    "evacuation-under-deal",
    "supply-disruption",
    "conflict-onset",
    "humanitarian",
}
# "Civilians were killed", "Aleppo was shelled by …": the subject is on the receiving end.
_PASSIVE_BEFORE = re.compile(
    r"\b(?:was|were|been|being|be|is|are|got)\s+(?:\w+ly\s+)?(?:\w+\s+and\s+)?$", re.IGNORECASE
)
# "12 civilians killed in the raids": a participle with no object after it.
# ("killed at least 12 soldiers", "killed at most two": a count, the verb's object, follows.)
_REDUCED_PASSIVE_AFTER = re.compile(
    r"^\s*(?:$|[,.;:]|(?:in|by|during|when|as|after|at(?!\s+(?:least|most)\b)|near|on)\b)"
)
# A side's allies and speakers: "government forces and their allies", a group's spokesman.
ASSOCIATED = {
    ActorRole.SIDE_A: ActorRole.ASSOCIATED_A,
    ActorRole.PERPETRATOR: ActorRole.ASSOCIATED_A,
    ActorRole.SIDE_B: ActorRole.ASSOCIATED_B,
    ActorRole.TARGET: ActorRole.ASSOCIATED_B,
}

# "backed by the U.S.-led coalition", "with support from Turkish tanks"; the words between
# are a name's ("Turkey drove IS" is not Turkey backing IS).
_SUPPORT = re.compile(
    r"(?i:\b(?:backed|supported|aided)\s+by|\bsupport\s+from|\bhelp\s+of|\ballied)"
    r"\s+(?:(?:the|a|an|and|[A-Z][\w'’.-]*|\w+-\w+)\s+){0,3}$"
)
# "a coalition backing Kurdish and Arab militias"
_BACKING = re.compile(r"^\s+(?:backing|supporting|aiding|arming)\b", re.IGNORECASE)
_BROKERED_BY = re.compile(r"\b(?:brokered|mediated|sponsored)\b[^.;]*\bby\b[^.;]*$", re.I)
# "advances by the insurgents": all that stands between the event's noun and its agent.
_BY_AGENT = re.compile(r"\s+by\s+(?:the\s+)?", re.IGNORECASE)
# "Obama's plan for Syria strikes", "the Iraq raids": a country's name (not its adjective)
# before a violent event's noun, itself after a preposition, an article or a possessive, says
# where the violence falls, not who does it ("Syrian strikes" are Syria's).
_NOUN_ADJUNCT_BEFORE = re.compile(
    r"(?:\b(?i:for|of|against|about|the|a|an|any|possible|planned|proposed|threatened|limited"
    r"|new|more|further)|['’]s?)\s+$"
)
# The nouns a country's name can stand before as where they fall ("Syria strikes").
_STRIKE_NOUN = re.compile(
    r"(?:air\s*)?strikes?|airstrikes?|raids?|attacks?|bombings?|bombardments?|shelling",
    re.IGNORECASE,
)
# "Israel strikes on Gaza": the place struck named after the noun makes the country its doer.
_STRUCK_AFTER = re.compile(
    rf"\s+(?:on|against|in|at|targeting|near)\s+(?!(?:{CALENDAR}|the\s+weekend|\d)\b)",
    re.IGNORECASE,
)
# "was condemned", "were strongly criticised": a statement word in the passive.
_STATEMENT_PASSIVE = re.compile(r"\b(?:was|were|is|are|been|being|be)\s+(?:\w+ly\s+)?$", re.I)
# A verb right before "the convoy" makes it an object (not "said the convoy …", "of the …").
_OBJECT_POSITION = re.compile(
    r"(?<![\w'’-])(?!(?:of|in|on|at|by|for|with|from|to|into|onto|that|and|or|but|said|says"
    r"|told|added|while|as|than)\b)[a-z]+\s+$"
)
# A title that makes a person a state official ("US Secretary of State John Kerry").
_OFFICE = re.compile(
    r"\b(?:President|Prime\s+Minister|Secretary(?:\s+of\s+State)?|Minister|[Ee]nvoy"
    r"|[Aa]mbassador|Chancellor|King|Premier)\W+(?:[A-Z][\w.]*\s+){0,2}$"
)
# "A letter from Washington's envoy, Michael Ratney, to the armed opposition, …": its parties.
_DOCUMENT_PARTIES = re.compile(
    r"^\s+(?:from|by|to|sent\s+to|addressed\s+to)\b.*?(?=,\s+(?:a|an|the|which|who)\b"
    r"|\s+(?:laid|said|says|set|sets|called|calls|urged|urges|was|were|has|had|is)\b|[.;]|$)"
)
_MODAL_BEFORE = re.compile(r"\b(?:would|will|shall|could|must|should)\b", re.IGNORECASE)


# "Hundreds of civilians died in a gas attack", "12 people were killed in the strikes": the
# subject of a victim's verb is on the receiving end of the event named after it.
_VICTIM_VERB = re.compile(
    r"\b(?:died|perished|(?:were|was|have\s+been|has\s+been|had\s+been|been|being)\s+"
    r"(?:\w+ly\s+)?(?:killed|wounded|injured|slain|executed|massacred|targeted|hit|struck)"
    r"|lost\s+their\s+lives)\b",
    re.IGNORECASE,
)
# "… killed in the bombing campaign by the Assad regime and Russian air forces": the agent of
# a passive or of an event noun, after "by" and at most a few words (its first conjuncts).
_BY_BEFORE = re.compile(
    r"(?<![\w-])by\s+(?:the\s+)?(?:[\w'’.-]+\s+){0,4}?(?:(?:and|,)\s+(?:the\s+)?"
    r"(?:[\w'’.-]+\s+){0,3}?)?$",
    re.IGNORECASE,
)
# What a "by" that follows these words names is no agent of the event.
_NOT_AGENT_BY = re.compile(
    r"\b(?:backed|supported|aided|brokered|mediated|sponsored|reported|said|claimed|cited"
    r"|quoted|monitored|documented|seen|led|run|held|controlled|surrounded|besieged|founded"
    r"|formed)\s+by\s+(?:the\s+)?(?:[\w'’.-]+\s+){0,4}?(?:(?:and|,)\s+(?:the\s+)?"
    r"(?:[\w'’.-]+\s+){0,3}?)?$",
    re.IGNORECASE,
)
# Roles that make an actor a doer or a fighting side; civilians are neither (ACLED codes them
# only as victims of violence or as the people an event moves).
_ACTING_ROLES = {
    ActorRole.PERPETRATOR,
    ActorRole.SIDE_A,
    ActorRole.SIDE_B,
    ActorRole.ASSOCIATED_A,
    ActorRole.ASSOCIATED_B,
    ActorRole.SUPPORTER,
}
CIVILIANS = "civilians"
# Non-state armed groups (Actor.Kind values).
_GROUPS = ("rebel_group", "alliance", "political_militia", "identity_militia")
# "backed by coalition air strikes": a backer lending air power or guns supports, whoever it is.
_AIR_POWER = re.compile(
    r"^\s+(?:air\s*strikes?|air\s+power|air\s+support|air\s+cover|warplanes|jets|aircraft"
    r"|artillery|drones?)\b",
    re.IGNORECASE,
)


def role_of(s: str, mention: Mention, trigger: Trigger) -> str:
    """The part the actor named by mention plays in the event trigger names."""
    role = _role_of(s, mention, trigger)
    if mention.actor is not None and mention.actor.kind == CIVILIANS and role in _ACTING_ROLES:
        # Civilians are never a side of a fight or the doers of violence: whatever the
        # sentence's shape, they are on its receiving end.
        return ActorRole.TARGET
    return role


def _role_of(s: str, mention: Mention, trigger: Trigger) -> str:
    if mention.inferred == BESIEGER:
        # "the regime-besieged town": who lays the siege imposes it.
        return ActorRole.PERPETRATOR
    if mention.inferred == HOLDER:
        # "laid siege to militant-held Aleppo": who holds the place is on the receiving end.
        return ActorRole.TARGET if trigger.slug in ONE_SIDED else ActorRole.SIDE_B
    if mention.inferred == ALLIES:
        side = role_of(s, dataclasses.replace(mention, inferred=""), trigger)
        return ASSOCIATED.get(side, side)
    if mention.inferred.startswith(THREAD) and _OBJECT_POSITION.search(s[: mention.start]):
        # "used warplanes to halt the convoy", "struck the convoy": the convoy is acted upon.
        if trigger.slug in ONE_SIDED:
            return ActorRole.TARGET
        if trigger.slug in TOGETHER:
            return ActorRole.PARTICIPANT
    before = s[: mention.start]
    if trigger.domain is not Domain.DIPLOMATIC and _BY_AGENT.fullmatch(
        s[trigger.end : mention.start]
    ):
        # "Advances by the insurgents", "an attack by IS": the agent right after the event.
        return ActorRole.PERPETRATOR if trigger.slug in ONE_SIDED else ActorRole.SIDE_A
    if (
        trigger.domain is not Domain.DIPLOMATIC
        and mention.start >= trigger.end
        and _AS_SUBJECT.search(s[trigger.end : mention.start])
        and _STRIKING.match(s[mention.end :])
    ):
        # "Two people were killed as regime forces attacked the village": the subject of the
        # attack that killed them.
        return ActorRole.PERPETRATOR if trigger.slug in ONE_SIDED else ActorRole.SIDE_A
    if (
        trigger.domain is not Domain.DIPLOMATIC
        and mention.start >= trigger.end
        and _BY_BEFORE.search(s[trigger.end : mention.start])
        and not _NOT_AGENT_BY.search(s[trigger.end : mention.start])
        and not _SUPPORT.search(s[: mention.start])
    ):
        # "were killed in air strikes by government forces", "the campaign by the regime and
        # Russian air forces": the agent named after "by".
        return ActorRole.PERPETRATOR if trigger.slug in ONE_SIDED else ActorRole.SIDE_A
    if (
        trigger.domain is not Domain.DIPLOMATIC
        and mention.end <= trigger.start
        and _VICTIM_VERB.search(s[mention.end : trigger.start])
    ):
        # "Civilians died in a sarin attack", "troops were killed in clashes with …".
        return ActorRole.TARGET if trigger.slug in ONE_SIDED else ActorRole.SIDE_B
    if trigger.domain is not Domain.DIPLOMATIC and _BACKING.match(s[mention.end :]):
        # "a coalition backing Kurdish and Arab militias as they assault Raqqa"
        return ActorRole.SUPPORTER
    if trigger.slug == "public-statement":
        # "Iran condemned …", "the regime has denied …": who speaks, and whom it concerns;
        # not a name in a clause before the one the word opens ("… calls to fight Kurds are
        # unknown and that the PKK has announced …": the Kurds do not announce).
        speaks = mention.start < trigger.start and not _THAT.search(s[mention.end : trigger.start])
        if speaks and _STATEMENT_PASSIVE.search(s[: trigger.start]):
            # "Islamic State was condemned in a Security Council resolution": whom the words
            # are about, not who speaks.
            speaks = False
        return ActorRole.SPEAKER if speaks else ActorRole.PARTICIPANT
    if trigger.domain is Domain.DIPLOMATIC:
        return ActorRole.MEDIATOR if _BROKERED_BY.search(before) else ActorRole.PARTICIPANT
    if (
        _SUPPORT.search(before)
        and mention.actor is not None
        and mention.actor.kind in _GROUPS
        # An international coalition (no country of its own) lends support.
        and (mention.actor.kind != "alliance" or mention.actor.country_id is not None)
        and not _AIR_POWER.match(s[mention.end :])
    ):
        # "YPG units backed by Syrian rebels": an armed group fighting beside a side is
        # associated with it; a state backing it (air power, arms) is its supporter.
        return ActorRole.ASSOCIATED_A if mention.start < trigger.start else ActorRole.ASSOCIATED_B
    if _SUPPORT.search(before) or (
        trigger.slug == "foreign-military-support" and 0 <= trigger.start - mention.end <= 2
    ):
        return ActorRole.SUPPORTER
    if trigger.slug in ONE_SIDED:
        if _country_name_on_noun(s, mention, trigger):
            return ActorRole.TARGET
        if mention.start < trigger.start and not passive(s, trigger):
            return ActorRole.PERPETRATOR
        return ActorRole.TARGET
    if trigger.slug in TOGETHER:
        if (
            mention.actor is not None
            and mention.actor.kind == "civilians"
            and trigger.slug != EVACUATION
        ):
            # The people a siege or a supply cut befalls; those evacuated take part.
            return ActorRole.TARGET
        return ActorRole.PARTICIPANT
    return ActorRole.SIDE_A if mention.start < trigger.start else ActorRole.SIDE_B


def _country_name_on_noun(s: str, mention: Mention, trigger: Trigger) -> bool:
    """Whether mention is a country's name standing as the noun adjunct of the event's noun
    ("for Syria strikes"): the country struck. Not a short form ("U.S. air strikes" are the
    United States'), nor before a verb ("after Russia bombed") or a place struck ("in
    retaliation for Israel strikes on Gaza")."""
    return (
        mention.place is not None
        and mention.place.kind == COUNTRY
        and mention.end <= trigger.start
        and not s[mention.end : trigger.start].strip()
        and fold(mention.surface) not in DEMONYM_KEYS
        # "a string of U.S. air strikes": a short form in capitals stands for the adjective.
        and not re.fullmatch(r"[A-Z.]+", mention.surface)
        and bool(_NOUN_ADJUNCT_BEFORE.search(s[: mention.start]))
        # A noun, not a verb ("after Russia bombed a hospital"), and no place struck after it.
        and bool(_STRIKE_NOUN.fullmatch(trigger.text))
        and not _STRUCK_AFTER.match(s, trigger.end)
    )


def passive(s: str, trigger: Trigger) -> bool:
    """Whether the event word is a passive ("were killed", "was shelled", "civilians killed
    in the raids"), which puts the subject on the receiving end."""
    if not trigger.text.lower().endswith("ed") and trigger.text.lower() not in ("struck", "hit"):
        return False
    return bool(
        _PASSIVE_BEFORE.search(s[: trigger.start]) or _REDUCED_PASSIVE_AFTER.match(s[trigger.end :])
    )


def acting(gazetteer: Gazetteer, actor: ActorEntry, trigger: Trigger) -> ActorEntry:
    """In a military event a government acts through its armed forces (ACLED codes
    "the government gained ground" to the state's military forces)."""
    if trigger.domain is not Domain.MILITARY or actor.kind not in GOVERNMENT_KINDS:
        return actor
    country = gazetteer.places.get(actor.country_id) if actor.country_id else None
    return gazetteer.country_actors(country, STATE_FORCE_KINDS) or actor


def represented(
    gazetteer: Gazetteer, officials: set[int], actor: ActorEntry, trigger: Trigger
) -> ActorEntry | None:
    """In talks, deals and letters a state official acts for a government: "Kerry
    traveled to Moscow with a proposal" is the US government's proposal too."""
    if trigger.domain is not Domain.DIPLOMATIC or actor.id not in officials:
        return None
    country = gazetteer.places.get(actor.country_id) if actor.country_id else None
    return gazetteer.country_actors(country, GOVERNMENT_KINDS)


def sources_sides(
    gazetteer: Gazetteer,
    actors: list[tuple[ActorEntry, str]],
    attribution: Attribution | None,
    local: list[Mention],
) -> list[tuple[ActorEntry, str]]:
    """ "…, said a spokesman for militant group Jaish al-Nasr": a group that speaks for a
    side the event names through its alliance is associated with that side."""
    if attribution is None or attribution.pronoun:
        return []
    roles = {actor.id: role for actor, role in actors}
    added: list[tuple[ActorEntry, str]] = []
    for mention in local:
        group = mention.actor
        if (
            group is None
            or group.kind == PERSON
            or not attribution.covers(mention.start, mention.end)
        ):
            continue
        if group.id in roles or any(a.id == group.id for a, _ in added):
            continue
        for alliance_id in gazetteer.alliances.get(group.id, []):
            if alliance_id in roles:
                added.append((group, ASSOCIATED.get(roles[alliance_id], roles[alliance_id])))
                break
    return added


def document_party(s: str, clause: Clause, trigger: Trigger, mention: Mention) -> bool:
    """Who sent a letter and to whom, not who its terms name ("It would oblige Russia to …,
    said the letter"): before the trigger outside a modal, or in its "from … to …"."""
    if mention.end <= trigger.start:
        return not _MODAL_BEFORE.search(s[clause.start : mention.start])
    parties = _DOCUMENT_PARTIES.match(s[trigger.end :])
    return parties is not None and mention.end <= trigger.end + parties.end()


def officials(text: str, mentions: list[Mention]) -> set[int]:
    """Persons the text names with a state office in front ("Russian Foreign Minister Sergei
    Lavrov", "Washington's Syria envoy, Michael Ratney"), anywhere in the article."""
    return {
        m.actor.id
        for m in mentions
        if m.actor is not None
        and m.actor.kind == PERSON
        and _OFFICE.search(text[max(0, m.start - 60) : m.start])
    }


# Events in which who holds a place makes them a party ("besieged militant-held Aleppo").
_HOLDING_MATTERS = {
    "territory",
    "siege",
    "armed-clash",
    "offensive-launched",
    "cross-border-incursion",
    "air-drone-strike",
    "shelling-artillery-missile-attack",
    "attack",
}
# "in Syria", "in eastern Syria": the country as where, not who.
LOCATIVE = re.compile(
    r"\b(?:in|into|inside|across|throughout|within|around|near)\s+(?:both\s+)?(?:the\s+)?"
    r"(?:(?:north|south|east|west)(?:[\w-]*ern|-?(?:east|west))?\s+)?$",
    re.IGNORECASE,
)
# "northern Syria", "south-eastern Turkey", "north-east Syria", "south central Turkey": a part
# of a country is a region, never a party.
_COMPASS = re.compile(
    r"\b(?:(?:north|south|east|west)(?:[\w-]*ern|-?(?:east|west))"
    r"|(?:(?:north|south|east|west)[\w-]*\s+)?central)"
    r"\s+$",
    re.IGNORECASE,
)
# "in Syria and Iraq": what joins a country to the one before it.
# "in Syria and Iraq", "in Syria, Iraq and Lebanon": what joins a country to the one before.
_JOINED = re.compile(r"^\s*(?:,|,?\s+(?:and|or))\s+(?:in\s+)?$")
# After a bare comma, the list must go on ("Iraq and …", "Iraq, …"): a country that opens a
# clause of its own ("… in Syria, Turkey said") is not one of the places.
_LIST_GOES_ON = re.compile(r"^\s*(?:,|\s(?:and|or)\s)")
# A country name used as a modifier: "Syria envoy", "Russia policy", "the Syria conflict".
_ATTRIBUTIVE = re.compile(
    r"^\s+(?:envoy|ambassador|representative|policy|desk|experts?|analysts?|correspondent"
    r"|bureau|file|conflict|war|crisis)\b"
)
# "the government of President Bashar al-Assad", "forces of …": a person naming whose they are.
_DESCRIBED_PERSON = re.compile(
    r"\b(?:government|forces|army|troops|regime|administration|loyalists|supporters|men)\s+of\s+"
    r"(?:[A-Z][\w.]*\s+){0,3}$"
)
# "the Assad regime", "Assads government", "Assad's forces", "Assad's air force": a leader's
# name naming his state or its arms.
_PERSONS_STATE = re.compile(
    r"^(?:['’]s|s)?\s+(?:regime|government|forces|troops|army|loyalists|administration"
    r"|air\s+force|warplanes|jets|aircraft|helicopters|artillery|tanks|militias?)\b"
)
# A reporting verb between a name and the event: the name is the source of the report.
_REPORTS_IT = re.compile(
    r"^(?:(?!\b(?:and|but|while|after|before|when|as)\b)[^.;])*?\b(?:said|says|say|reported"
    r"|reports|announced|claimed|told|stated|believes|believed|accused|blamed|denied)\b",
    re.IGNORECASE,
)
# "made by Damascus": the capital stands for its government, it is not where it happened.
_AGENT = re.compile(r"\bby\s+(?:the\s+)?$", re.IGNORECASE)
# "… are unknown and that the PKK has announced": "that" opening a clause of its own after a
# conjunction or a reporting verb (not "later that day", nor "a country that hosts …").
_THAT = re.compile(
    r"\b(?:and|but|or|said|says|saying|added|adding|stated|claimed|announced|reported)\s+"
    r"that\s",
    re.IGNORECASE,
)
_ORIGIN = re.compile(r"\bfrom\s+(?:the\s+)?$", re.IGNORECASE)
# "Kurdish fighters from Turkey": where the fighters come from, not the state.
_PEOPLE_FROM = re.compile(
    r"\b(?:fighters|militants|rebels|jihadists|volunteers|men|refugees|people|civilians|Kurds"
    r"|Arabs|Turkmens)\s+from\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_SEPARATES = re.compile(r"\bseparat\w+\s+(?:[\w'’-]+\s+){0,3}from\s+(?:the\s+)?$", re.I)
_TOPIC_BEFORE = re.compile(
    r"\b(?:about|over|regarding|concerning|on\s+the\s+(?:situation|crisis|war)\s+in)\s+"
    r"(?:the\s+)?$",
    re.IGNORECASE,
)
# "They …", "Later that day it …", "However, earlier this month it …": a sentence that opens
# with the pronoun, after a connective or a time.
_PRONOUN_SUBJECT = re.compile(
    r"^\W*(?:(?:however|meanwhile|but|and|yet|still|instead|nevertheless|since\s+then)\b,?\s+)?"
    r"(?:(?:on|in|at|during|by|later|then|earlier)\b[^,;]{0,30}?,?\s+)?(?P<pronoun>it|they)\b",
    re.IGNORECASE,
)


# What stands between a place and the country after it ("Deraa, Syria", "Deraa Governorate
# Syria" in copy without commas).
_THEN_COUNTRY = re.compile(r"^\s*,?\s*$")
_DIVISION_BEFORE = re.compile(
    r"\b(?:governorate|province|district|region|city|town|village)\s*,?\s*$", re.IGNORECASE
)

# A country in the possessive ("Syria's", "Syrias" in copy without apostrophes), and the
# nouns after it that are the state itself acting ("Syria's army", "Russia's government").
_OWNS = re.compile(r"(?:['’]s|s|['’])\s+")
_STATE_NOUN = re.compile(
    r"(?:(?:own|main|new|top|former|current)\s+)?(?:army|armed\s+forces|forces|military|troops"
    r"|soldiers|government|regime|authorities|air\s+force|warplanes|jets|aircraft|navy|artillery"
    r"|tanks|president|leader|foreign\s+minist|defen[cs]e\s+minist|minist|officials|state)",
    re.IGNORECASE,
)


def _qualifies(text: str, country: Mention, inside: list[Mention]) -> bool:
    """Whether a country's name only says where the place named before it lies."""
    if _DIVISION_BEFORE.search(text[: country.start]):
        return True
    owned = _OWNS.match(text[country.end :])
    if owned is not None and not _STATE_NOUN.match(text[country.end + owned.end() :]):
        # "Syria's town of …", "Iraq's influential Shia cleric", "Syria's Muslim Brotherhood":
        # the country owns what is named next, which acts or suffers in its stead.
        return True
    return any(
        (
            other.place is not None
            and other.end <= country.start
            and _THEN_COUNTRY.match(text[other.end : country.start])
        )
        for other in inside
    )


def _joined_to(text: str, country: Mention, where: list[Mention]) -> bool:
    """Whether a country is the next conjunct of a country named as where ("in Syria and
    Iraq", "in Syria, Iraq and Lebanon"), not a clause's subject after a comma."""
    for other in where:
        joint = _JOINED.match(text[other.end : country.start])
        if joint and (
            joint.group(0).strip(" ,") or _LIST_GOES_ON.match(text[country.end : country.end + 8])
        ):
            return True
    return False


# What makes a name after the event word a party to another event the clause names: the doer
# of a deal, talks or an attack only feared ("a US-Russia truce deal", "a possible US attack"),
# or the one an uprising is against.
_ANOTHER_EVENT_AFTER = re.compile(
    r"^(?:['’]s?)?(?:-[A-Z][\w.]*)?[\s-]+(?:[\w-]+\s+)?(?:truce|ceasefire|deal|agreement|talks"
    r"|proposal|plan|initiative|resolution)\b"
)
# "in response to an alleged chemical attack": the event word names what is answered.
_ANSWERED = re.compile(
    r"\bin\s+(?:response|retaliation|reaction|reply)\s+(?:to|for)\s+(?:[\w'’-]+\s+){0,5}$",
    re.IGNORECASE,
)
# "a day after", "two weeks before", "hours after": what joins two events of one sentence.
_ANOTHER_TIME = re.compile(
    r"\b(?:a|an|one|two|three|four|five|six|several|few|\d+)\s+(?:hours?|days?|weeks?|months?"
    r"|years?)\s+(?:after|before)\b",
    re.IGNORECASE,
)
# "a possible US attack": the doer of an attack only feared.
_FEARED_BEFORE = re.compile(
    r"\b(?:possible|potential|expected|planned|threatened|feared|imminent|looming"
    r"|(?:threats?|fears?|prospects?|risk)\s+of(?:\s+(?:further|more|new|fresh|renewed))?)\s+$",
    re.IGNORECASE,
)
_FEARED_EVENT_AFTER = re.compile(
    r"^(?:-[A-Z][\w.]*)?\s+(?:military\s+|air\s+)?(?:attack|strikes?|action|intervention"
    r"|invasion|offensive)\b"
)
# "the uprising against President Assad": whom an uprising is against.
_UPRISING_AGAINST = re.compile(
    r"\b(?:uprising|revolt|rebellion|revolution|insurgency|protests?|demonstrations?)\s+"
    r"(?:against|on)\s+(?:the\s+)?(?:(?:President|rule\s+of|regime\s+of)\s+)?$",
    re.IGNORECASE,
)


# "under a deal between the regime and the armed opposition", "after it had been agreed between
# them and the Reconciliation Commission": the parties of a deal or talks the clause names
# after its own event word, up to the second conjunct.
_PARTIES_OF = re.compile(
    r"\b(?:deal|agreement|accord|truce|ceasefire|talks|negotiations|agreed|signed|brokered)"
    r"\s+(?:(?:reached|struck|signed|concluded|hammered\s+out)\s+)?between\s+(?:the\s+)?"
    r"(?:[\w'’.-]+\s+){0,4}?(?:and\s+(?:the\s+)?(?:[\w'’.-]+\s+){0,3}?)?$",
    re.IGNORECASE,
)


def _of_another_event(text: str, mention: Mention, trigger: Trigger) -> bool:
    """Whether a name after the clause's event word belongs to another event it names."""
    before = text[max(0, mention.start - 60) : mention.start]
    after = text[mention.end : mention.end + 60]
    return bool(
        _ANOTHER_EVENT_AFTER.match(after)
        or (
            # Not the deal's own parties ("a truce deal between …" when the truce is the event).
            trigger.domain is not Domain.DIPLOMATIC
            and _PARTIES_OF.search(text[trigger.end : mention.start])
        )
        or _UPRISING_AGAINST.search(before)
        or (_FEARED_BEFORE.search(before) and _FEARED_EVENT_AFTER.match(after))
    )


def participants(
    text: str,
    inside: list[Mention],
    trigger: Trigger,
    article: ArticleContext,
    *,
    named: Sequence[Mention] = (),
) -> tuple[Cast, list[Mention]]:
    """The actors of one event, with their roles, and the places its clause names. named: every
    name of the sentence, its attribution's too (the source nearest a reporting verb)."""
    actors: Cast = []
    places: list[Mention] = []
    placed: list[tuple[Mention, ActorEntry]] = []
    # Countries the clause names as where ("in Syria"), for the ones joined to them.
    where: list[Mention] = []
    for mention in inside:
        reports = (
            _REPORTS_IT.search(text[mention.end : trigger.start])
            if trigger.slug != "public-statement" and mention.end <= trigger.start
            else None
        )
        if reports is not None and not _SELF_REPORT.match(
            text[mention.end + reports.end() : trigger.start]
        ):
            # "The Observatory also reported the new siege", "Russia has said it believes
            # gas leaked from a depot struck by …": the speaker is a speaker, not a side
            # (unless it tells of its own act: "the coalition said it had launched …").
            continue
        if (
            mention.inferred == OFFICE
            and trigger.domain is not Domain.DIPLOMATIC
            and trigger.slug != "public-statement"
        ):
            # "U.S. ambassador Robert Ford visited Hama" beside a protest: a person read from
            # an office takes part in talks, visits and statements, not in the fighting.
            continue
        if trigger.domain is Domain.DIPLOMATIC and _TOPIC_BEFORE.search(text[: mention.start]):
            # "spoke with Cameron about Syria", "talks over Aleppo": what the talks are about
            # neither takes part nor is where they were held.
            continue
        if mention.inferred == HOLDER and trigger.slug not in _HOLDING_MATTERS:
            # Who holds the areas a supply cut hits is background, not a party.
            continue
        if mention.inferred == BESIEGER and trigger.slug != "siege":
            # "Residents of the regime-besieged town were evacuated": the siege is background.
            continue
        country = mention.place if mention.place and mention.place.kind == COUNTRY else None
        if country is not None and _ATTRIBUTIVE.match(text[mention.end :]):
            # "Washington's Syria envoy": the country is what the envoy deals with.
            continue
        if country is not None and (
            _COMPASS.search(text[: mention.start]) or _joined_to(text, mention, where)
        ):
            # "shelled northern Syria", "in both Syria and Iraq": where, not who.
            places.append(mention)
            where.append(mention)
            continue
        if country is not None and LOCATIVE.search(text[: mention.start]):
            where.append(mention)
        if country is not None and _qualifies(text, mention, inside):
            # "the town of Dael in Deraa, Syria": the country says where another place lies;
            # it takes no part of its own, and places nothing the other name does not.
            continue
        actor = mention.actor
        if (
            country is not None
            and _ORIGIN.search(text[: mention.start])
            and (
                trigger.slug in TOGETHER
                or _SEPARATES.search(text[: mention.start])
                or _PEOPLE_FROM.search(text[: mention.start])
            )
        ):
            # "a convoy has yet to cross into Syria from Turkey", "the crossing that separates
            # Kobani from Turkey": where people and goods move from, not who acts.
            places.append(mention)
            continue
        if actor is None and country is not None and not LOCATIVE.search(text[: mention.start]):
            # "Turkey mounted an incursion": the country acting is its army or government.
            kinds = GOVERNMENT_KINDS if trigger.domain is Domain.DIPLOMATIC else STATE_FORCE_KINDS
            actor = article.gazetteer.country_actors(country, kinds)
            acts = mention.end <= trigger.start or _AGENT.search(text[: mention.start])
            if actor is None and acts:
                # A state the database holds no actor of, as the subject or the agent ("Israel
                # struck …"): its army or government, pending until an editor adds it.
                actor = article.gazetteer.state_actor(country, kinds)
            if actor is None:
                continue
        if actor is None:
            if mention.place is not None and not _AGENT.search(text[: mention.start]):
                places.append(mention)
            continue
        if _ANOTHER_TIME.search(
            text[min(mention.end, trigger.end) : max(mention.start, trigger.start)]
        ):
            # "Assad sacked the governor a day after protesters massed": a name on the far side
            # of "a day after" acts in the other clause's event.
            continue
        if mention.end <= trigger.start and _ANSWERED.search(text[mention.end : trigger.start]):
            # "Obama is seeking backing for strikes in response to an alleged chemical attack":
            # who answers an event is no party to it.
            continue
        if mention.start >= trigger.end and _of_another_event(text, mention, trigger):
            # "… killed four as citizens brace for a possible US attack", "… since the
            # uprising against President Assad": a party to another event the clause names.
            continue
        if actor.kind == PERSON and _DESCRIBED_PERSON.search(text[: mention.start]):
            # "the government of President Assad": he names whose government it is.
            continue
        if actor.kind == PERSON and _PERSONS_STATE.match(text[mention.end :]):
            # "the Assad regime", "Assad's forces": the state he leads, not the man.
            country = article.gazetteer.places.get(actor.country_id) if actor.country_id else None
            state = article.gazetteer.state_actor(country, GOVERNMENT_KINDS)
            if state is None:
                continue
            actor = state
        if (
            actor.kind in SOURCE_KINDS or (mention.start >= trigger.end and actor.kind != CIVILIANS)
        ) and _cites(text, mention, named or inside):
            # "… the Observatory said", "… killing five the United Nations said": a source,
            # not a side (copy without commas hides the attribution).
            continue
        if (actor.kind in SOURCE_KINDS and _CITING.search(text[: mention.start])) or (
            actor.kind != CIVILIANS and _ACCORDING_TO.search(text[: mention.start])
        ):
            # "… were wounded said the Syrian Observatory", "according to the Observatory":
            # the monitor after its reporting verb is the source; whoever "according to"
            # names is ("according to the Syria Turks Association, tanks were used …").
            continue
        if reports is not None and actor.kind in (PERSON, CIVILIANS, *SOURCE_KINDS):
            continue
        actor = acting(article.gazetteer, actor, trigger)
        role = role_of(text, mention, trigger)
        _add(actors, actor, role)
        placed.append((mention, actor))
        government = represented(article.gazetteer, article.officials, actor, trigger)
        if government is not None:
            _add(actors, government, role)
    actors = _noun_doer(text, _victims_not_holders(actors, placed, trigger), placed, trigger)
    return _facing(text, actors, placed, trigger), places


# Monitors, NGOs and other bodies a report cites; and the reporting verb that follows them.
SOURCE_KINDS = ("other",)
# The words between may not open a relative clause ("blames the government for the attack
# which it says killed 1400": the attack's clause says it, not the government).
# The verbs in lower case only: "Port Said", "Khaled Said" are names, not reports.
_CITED = re.compile(
    r"(?:\s+(?!(?:which|that|who|whom|Which|That|Who|Whom)\b)[\w'’()-]+){0,6}?\s+"
    r"(?P<verb>said|says|reported|documented|added|told|confirmed|stated|announced"
    # "a meeting to discuss reports of …": the noun, not the verb.
    r"|(?<!discuss\s)(?<!the\s)(?<!of\s)(?<!amid\s)(?<!about\s)reports)\b"
)


def _cites(text: str, mention: Mention, named: Sequence[Mention]) -> bool:
    """Whether a reporting verb follows the name as its own ("… the Observatory said"): not
    when another name stands nearer the verb ("… and the Nusra Front on the other hand the
    SOHR announced": the nearest name is the source)."""
    cited = _CITED.match(text, mention.end)
    return cited is not None and not any(
        other.start >= mention.end
        and other.end <= cited.start("verb")
        # "the Syrian Observatory for Human Rights (SOHR) said": the same body again.
        and other.actors != mention.actors
        for other in named
    )


_ACCORDING_TO = re.compile(r"\baccording\s+to\s+(?:the\s+)?(?:[\w'’-]+\s+){0,3}$", re.I)
# A reporting verb, the words of a title between it and the name ("said the UK-based …").
_CITING = re.compile(
    r"\b(?:said|says|reported|reports|according\s+to|told|citing|cited\s+by)\s+"
    r"(?:the\s+)?(?:[\w'’-]+\s+){0,3}$",
    re.IGNORECASE,
)
# "… reported Monday it had launched 10 air strikes": the reported clause's subject is the
# reporter itself.
# "… said one of its soldiers had been killed": what is its own is the reporter's as well.
# The possessive only as "one of its soldiers": "said their bodies were found" is no party.
_SELF_REPORT = re.compile(
    r"^\s+(?:[\w-]+\s+){0,2}?(?:that\s+)?(?P<pronoun>it|they"
    r"|(?:one|some|two|three|several|dozens|many)\s+of\s+(?:its|their)"
    r"(?=\s+(?:own\s+)?(?:soldiers|troops|fighters|members|men|officers|personnel|forces)\b))"
    r"\b[^,;]{0,40}$"
)
# "clashes with IS", "fighting the Nusra Front", "an offensive against rebels": the actor named
# after faces the one named before.
_FACING = re.compile(
    r"\b(?:clash(?:es|ed)?\s+with|battles?\s+with|fighting|battling|against|versus)\s+"
    r"(?:the\s+)?(?:[\w'’-]+\s+){0,2}$",
    re.IGNORECASE,
)
# "killed as / when / after regime forces attacked …": the clause's subject, then its verb.
_AS_SUBJECT = re.compile(
    r"\b(?:as|when|after|while)\s+(?:the\s+)?(?:[\w'’-]+\s+){0,2}$", re.IGNORECASE
)
_STRIKING = re.compile(
    r"^\s+(?:[\w'’-]+\s+)?(?:attacked|shelled|bombed|struck|stormed|raided|bombarded"
    r"|fired|opened\s+fire|targeted|hit)\b",
    re.IGNORECASE,
)
_BETWEEN = re.compile(r"\bbetween\s+(?:the\s+)?(?:[\w'’-]+\s+){0,3}$", re.IGNORECASE)
_OPPOSITE = {
    ActorRole.SIDE_A: ActorRole.SIDE_B,
    ActorRole.SIDE_B: ActorRole.SIDE_A,
    ActorRole.PERPETRATOR: ActorRole.TARGET,
    ActorRole.TARGET: ActorRole.PERPETRATOR,
}


def _facing(
    text: str, actors: Cast, placed: list[tuple[Mention, ActorEntry]], trigger: Trigger
) -> Cast:
    """ "Three SDF soldiers were killed fighting IS": an actor named after "fighting",
    "clashes with" or "against" stands on the other side from the one named before it,
    whatever the event word made of both; so does the subject of an event whose agent is named
    after "by" ("the army repelled an attack by IS")."""
    if trigger.domain is Domain.DIPLOMATIC or trigger.slug in TOGETHER:
        return actors
    roles = {actor.id: role for actor, role in actors}
    flipped: dict[int, str] = {}
    for index, (mention, actor) in enumerate(placed):
        if actor.kind == CIVILIANS or not _FACING.search(
            text[max(0, mention.start - 60) : mention.start]
        ):
            continue
        # The actor it faces: the nearest named before it, civilians aside.
        before = [a for m, a in placed[:index] if a.kind != CIVILIANS and m.end <= mention.start]
        if not before:
            continue
        subject_role = roles.get(before[-1].id)
        if roles.get(actor.id) == subject_role and subject_role in _OPPOSITE:
            flipped[actor.id] = _OPPOSITE[subject_role]
    for index, (mention, actor) in enumerate(placed):
        # "clashes between the army and IS": the first party faces the second.
        if not _BETWEEN.search(text[max(0, mention.start - 40) : mention.start]):
            continue
        after = [a for m, a in placed[index + 1 :] if a.kind != CIVILIANS and a.id != actor.id]
        if not after or actor.id in flipped or after[0].id in flipped:
            continue
        role = roles.get(actor.id)
        if role == roles.get(after[0].id) and role in _OPPOSITE:
            flipped[actor.id] = _OPPOSITE[role]
    # "Kurdish fighters repelled an assault by IS": the agent after "by" makes the event its
    # own; the subject before the event word, on the same side, is the other side.
    agents = [a for m, a in placed if m.start >= trigger.end and _by_agent(text, m, trigger)]
    if agents and roles.get(agents[0].id) in _OPPOSITE:
        agent_role = roles[agents[0].id]
        for mention, actor in placed:
            if (
                mention.end <= trigger.start
                and actor.kind != CIVILIANS
                and actor.id not in flipped
                and roles.get(actor.id) == agent_role
            ):
                flipped[actor.id] = _OPPOSITE[agent_role]
    return [(actor, flipped.get(actor.id, role)) for actor, role in actors]


# "Syrian and Russian air strikes": adjectives joined before one noun are all its doers.
_JOINED_DOERS = re.compile(r"^\s*(?:,|,?\s+and)\s+$")


# "repelled an assault by IS": "by" a few words after the event word, and its agent.
_NEAR_BY = re.compile(
    r"^\s*(?:[\w'’-]+\s+){0,3}?by\s+(?:the\s+)?(?:[\w'’.-]+\s+){0,3}?$", re.IGNORECASE
)


def _by_agent(text: str, mention: Mention, trigger: Trigger) -> bool:
    """Whether a name after the event word is its agent ("an assault by IS"), not a backer's
    or a source's ("backed by", "reported by")."""
    between = text[trigger.end : mention.start]
    return bool(
        _NEAR_BY.match(between)
        and not _NOT_AGENT_BY.search(between)
        and not _SUPPORT.search(text[: mention.start])
    )


def _noun_doer(
    text: str, actors: Cast, placed: list[tuple[Mention, ActorEntry]], trigger: Trigger
) -> Cast:
    """ "IS fighters advanced, prompting the first U.S. air strikes": a name right before a
    one-sided event's noun is its doer, and the actors named before that noun phrase are not
    (the strikes were the United States', against IS): they are on its receiving end."""
    if trigger.slug not in ONE_SIDED:
        return actors
    doers = [
        (m, a)
        for m, a in placed
        if m.end <= trigger.start
        and not text[m.end : trigger.start].strip(" -")
        and not _country_name_on_noun(text, m, trigger)
    ]
    if not doers:
        return actors
    first = doers[0][0]
    for mention, _actor in reversed(placed):
        if mention.end <= first.start and _JOINED_DOERS.match(text[mention.end : first.start]):
            first = mention
    if _SUPPORT.search(text[: first.start]):
        # "Regime forces, backed by Russian air strikes, killed …": the strikes back the ones
        # named before them, who stay the doers.
        return actors
    before = {a.id for m, a in placed if m.end <= first.start}
    before -= {a.id for _m, a in doers}
    return [
        (actor, ActorRole.TARGET if actor.id in before and role == ActorRole.PERPETRATOR else role)
        for actor, role in actors
    ]


def _victims_not_holders(
    actors: Cast, placed: list[tuple[Mention, ActorEntry]], trigger: Trigger
) -> Cast:
    """ "Air strikes on the rebel-held town killed 10 civilians": who holds the town is no
    target when the clause names the civilians it befell."""
    if trigger.slug not in ONE_SIDED or not any(
        actor.kind == CIVILIANS and role == ActorRole.TARGET for actor, role in actors
    ):
        return actors
    holders = {actor.id for mention, actor in placed if mention.inferred == HOLDER}
    return [(actor, role) for actor, role in actors if actor.id not in holders]


def _add(actors: Cast, actor: ActorEntry, role: str) -> None:
    if all(a.id != actor.id for a, _ in actors):
        actors.append((actor, role))


def carried_subjects(
    view: SentenceView, clause: Clause, trigger: Trigger, inside: list[Mention], memory: Memory
) -> Cast:
    """ "They sought to move …" after a sentence about IS fighters: a clause whose subject
    is "it" or "they", naming no actor before its trigger, goes on with the subject of the
    previous sentence of its paragraph."""
    pronoun = _PRONOUN_SUBJECT.match(view.text[clause.start : trigger.start])
    previous = memory.subjects
    if (
        pronoun is None
        or previous is None
        or not memory.follows(view.sentence, previous[0])
        or any(m.actor is not None and m.start < trigger.start for m in inside)
    ):
        return []
    at = clause.start + pronoun.start("pronoun")
    carried = []
    for actor in previous[1]:
        mention = Mention(at, at + len(pronoun["pronoun"]), pronoun["pronoun"], (actor,))
        carried.append((actor, role_of(view.text, mention, trigger)))
    return carried


def self_reported(view: SentenceView, trigger: Trigger, inside: list[Mention]) -> Cast:
    """ "The coalition said on Sunday it had launched 12 air strikes": a source that tells of
    its own act ("it", "they" right after the reporting verb) is its doer. Monitors, persons
    and civilians only tell of others' acts."""
    attribution = view.attribution
    if (
        attribution is None
        or attribution.pronoun
        or attribution.verb_end > trigger.start
        or any(m.actor is not None and m.start < trigger.start for m in inside)
    ):
        return []
    between = view.text[attribution.verb_end : trigger.start]
    pronoun = _SELF_REPORT.match(between)
    if pronoun is None:
        return []
    at = attribution.verb_end + between.index(pronoun["pronoun"], pronoun.start("pronoun"))
    for mention in view.local:
        actor = mention.actor
        if (
            actor is not None
            and attribution.covers(mention.start, mention.end)
            and actor.kind not in (PERSON, CIVILIANS, *SOURCE_KINDS)
        ):
            it = Mention(at, at + len(pronoun["pronoun"]), pronoun["pronoun"], (actor,))
            return [(actor, role_of(view.text, it, trigger))]
    return []


def sentence_subjects(view: SentenceView) -> tuple[ActorEntry, ...]:
    """The first actor a sentence names outside its attribution and asides: what "it" or
    "they" in the next sentence most likely stands for."""
    for mention in view.local:
        if mention.actor is not None and view.outside(mention.start, mention.end):
            return (mention.actor,)
    return ()
