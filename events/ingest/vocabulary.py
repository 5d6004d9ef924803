"""Pick an event type from trigger words ("drove … out", "airstrikes", "laid siege", "talks")."""

import re
from dataclasses import dataclass
from enum import StrEnum


class Domain(StrEnum):
    """What kind of happening a trigger names: it decides how a bare country name is read.

    "Turkey mounted an incursion" means Turkey's armed forces; "the United States and Russia
    brokered a deal" means their governments.
    """

    MILITARY = "military"
    DIPLOMATIC = "diplomatic"
    CIVIL = "civil"


# The slug a territorial trigger becomes depends on who takes the ground (ACLED's two types).
TERRITORY = "territory"
GOVERNMENT_GAINS = "government-regains-territory"
# Killings without another event word: an attack on civilians, or a clash (ACLED).
KILLING = "killing"
# A visit is diplomacy of no finer kind.
VISIT = "diplomacy"
NON_STATE_GAINS = "non-state-actor-overtakes-territory"


@dataclass(frozen=True)
class Rule:
    slug: str
    pattern: re.Pattern[str]
    domain: Domain
    # Lower wins when one clause has several triggers (ACLED: "the higher row wins").
    priority: int


def _rule(slug: str, words: str, domain: Domain, priority: int) -> Rule:
    return Rule(slug, re.compile(rf"\b(?:{words})\b", re.IGNORECASE), domain, priority)


M, D, C = Domain.MILITARY, Domain.DIPLOMATIC, Domain.CIVIL

# Event words from the field's codebooks: ACLED's event and sub-event definitions (battles,
# explosions/remote violence, violence against civilians, protests, riots, strategic
# developments) and UCDP's types of violence, with the sieges, movements, deals and statements
# news reports carry. Verbs, passives ("were killed") and nouns ("the bombing campaign") alike.
RULES: list[Rule] = [
    _rule(
        TERRITORY,
        r"(?:dr(?:ove|ive|iven|iving)|chas(?:ed|e|es|ing))\b(?=[^.;]{0,80}\b(?:out|from)\b)"
        r"|recaptur\w*|retook|retak\w*"
        r"|captur(?:ed|ing|es)|seiz(?:ed|ing|es)|overr(?:an|un)|took\s+(?:full\s+)?control"
        r"|taken\s+(?:full\s+)?control|took\s+over|taken\s+over|secured|gained\s+ground"
        r"|made\s+(?:\w+\s+)?gains|regain\w*|liberat(?:ed|ing)|stormed|fell\s+to"
        r"|br(?:oke|oken|eak|eaking)\s+(?:the\s+)?siege",
        M,
        10,
    ),
    _rule(
        "armed-clash",
        r"clash(?:ed|es|ing)?|fought|battl(?:ed|ing)|battles|assault(?:ed|ing|s)?|ambush\w*"
        r"|repel(?:led|ling|s)?|counter-?attack\w*|fierce\s+fighting|firefights?|gun\s*battles?",
        M,
        15,
    ),
    # ACLED's disrupted weapons use: a drone shot down, a missile intercepted, a bomb defused.
    _rule(
        "disrupted-weapons-use",
        r"(?:shot|shoots?|shooting)\s+down|downed|intercept(?:ed|s|ing)?"
        r"(?=\s+(?:[\w'’-]+\s+){0,3}?(?:drones?|missiles?|rockets?|planes?|aircraft|jets?"
        r"|helicopters?|projectiles?|shells?)\b)|defus(?:ed|ing)",
        M,
        16,
    ),
    _rule(
        "chemical-weapon",
        r"chemical\s+(?:weapons?\s+)?attacks?|chemical\s+weapons?|gas\s+attacks?|poison(?:ous)?\s+"
        r"gas|sarin|chlorine\s+(?:gas|attacks?|bombs?)|toxic\s+gas|nerve\s+(?:gas|agents?)",
        M,
        18,
    ),
    _rule(
        "suicide-bomb",
        r"suicide\s+(?:bomb\w*|attack\w*|car\s+bomb\w*|vests?)|blew\s+(?:himself|herself|"
        r"themselves)\s+up",
        M,
        20,
    ),
    _rule(
        "remote-explosive-landmine-ied",
        r"roadside\s+bomb\w*|car\s+bomb\w*|truck\s+bomb\w*|bomb\s+attacks?|booby-?trap\w*|IEDs?"
        r"|landmines?|explosive\s+devices?|bombings?(?=\s+(?:in|at|near|on|targeting)\b)"
        r"|twin\s+(?:car\s+)?bomb\w*",
        M,
        21,
    ),
    _rule(
        "air-drone-strike",
        r"air\s*strikes?|airstrikes?|air\s+raids?|raids?(?=\s+(?:on|against|by)\b)|drone\s+strikes?"
        r"|warplanes?|war\s+planes|fighter\s+jets?|helicopters?|barrel\s+bombs?|bombing\s+campaign"
        r"|air\s+attacks?|bomb(?:ed|ing)|struck|strikes?",
        M,
        22,
    ),
    _rule(
        "shelling-artillery-missile-attack",
        r"shell(?:ed|ing|s)|artillery|mortars?|rockets?|missiles?|pounded|pounding"
        r"|bombard(?:ed|ing|ment|ments)|projectiles|tomahawks?",
        M,
        23,
    ),
    _rule("grenade", r"grenades?", M, 24),
    _rule(
        "explosions-remote-violence",
        r"explosions?|exploded|blasts?|detonat(?:ed|ion)|went\s+off",
        M,
        25,
    ),
    _rule(
        "attack",
        r"massacre\w*|executed|executions?|execut(?:ing|es)|behead\w*|slaughter\w*|killed\s+civilians"
        r"|shot\s+dead|gunned\s+down|murder\w*|assassinat\w*|tortur\w*",
        M,
        30,
    ),
    _rule("abduction-forced-disappearance", r"abduct\w*|kidnap\w*|taken\s+hostage", M, 31),
    # "Syrian forces killed at least 60 protesters", "fired on crowds of demonstrators": force
    # used on a protest is the violence, not the protest.
    _rule(
        "excessive-force-against-protesters",
        r"(?:kill(?:ed|ing)|shot|shooting|fired\s+(?:on|at|into)|opened\s+fire\s+on|attacked"
        r"|beat|cracked\s+down\s+on|crackdown\s+on|used\s+(?:excessive\s+|lethal\s+|live\s+)?"
        r"(?:force|fire|ammunition|tear\s+gas)(?:\s+(?:against|on))?)"
        r"(?=\s+(?:[\w'’-]+\s+){0,5}?(?:protesters|demonstrators|protests|crowds)\b)",
        M,
        39,
    ),
    _rule(
        "peaceful-protest",
        r"protest(?:ed|ers|s|ing)?|demonstrat(?:ed|ors|ions?|ing)|rall(?:y|ies|ied)",
        C,
        40,
    ),
    _rule("violent-demonstration", r"riot(?:s|ed|ing|ers)?", C, 41),
    _rule("arrests", r"arrest(?:ed|s|ing)?|detain(?:ed|ing|s)?|rounded\s+up", C, 50),
    _rule(
        "agreement-breakdown",
        r"fell\s+apart|collapsed|broke\s+down|violat(?:ed|ion|ions)|(?:truce|ceasefire)\s+"
        r"(?:ended|expired)",
        D,
        55,
    ),
    _rule(
        "looting-property-destruction",
        r"loot(?:ed|ing)|torch(?:ed|ing)|set\s+(?:\w+\s+){0,2}on\s+fire|razed|demolish(?:ed|ing)"
        r"|destroy(?:ed|ing)",
        C,
        57,
    ),
    _rule("siege", r"siege|besieg\w*|encircl\w*|blockade", M, 60),
    _rule(
        "offensive-launched",
        r"launch(?:ed|es|ing)?\s+(?:an?\s+|its\s+|their\s+|the\s+)?(?:[\w-]+\s+){0,2}"
        r"(?:campaign|offensive|operation|assault|battle|attack)s?"
        r"|(?:began|begun|started|begin|start)\s+(?:an?\s+|its\s+|their\s+|the\s+)?(?:[\w-]+\s+){0,2}"
        r"(?:offensive|operation|assault|campaign)",
        M,
        61,
    ),
    _rule("cross-border-incursion", r"incursion|invasion|invaded|crossed\s+the\s+border", M, 62),
    _rule(
        "troop-movement",
        r"convoy|head(?:ed|ing|s)?\s+(?:north|south|east|west|to|towards|for)|turned\s+back"
        r"|withdr(?:ew|awn|awal|awing)|pulled\s+(?:back|out)|retreat(?:ed|ing)|deploy(?:ed|ing"
        r"|ment|ments|s)?|reinforcements?|reinforc(?:ed|ing)|move\s+into|moved\s+(?:into|to"
        r"|towards)|sent\s+(?:\w+\s+){0,3}(?:troops|forces|fighters|reinforcements|warships"
        r"|tanks)|dispatch(?:ed|ing)|arrived|arriving|warships?|stepped\s+up\s+security"
        r"|massed|massing",
        M,
        63,
    ),
    _rule("foreign-military-support", r"air\s+support|military\s+support|military\s+aid", M, 64),
    _rule("evacuation-under-deal", r"evacuat(?:ed|ion|ions|ing)", C, 65),
    _rule(
        "supply-disruption",
        r"cut\s+(?:off\s+)?(?:supplies|power|water|aid|electricity|supply\s+lines?)|blocked\s+"
        r"(?:\w+\s+){0,2}(?:aid|convoys?|supplies)",
        C,
        66,
    ),
    _rule("territory-advance", r"advanc(?:es|ed|ing)|gains", M, 67),
    _rule("armed-clash", r"fighting|battle", M, 68),
    _rule("offensive-launched", r"offensive", M, 69),
    _rule(
        "agreement",
        r"(?:ceasefire|peace|truce|reconciliation)\s+(?:agreement|deal)|truce|ceasefire|cease-fire"
        r"|deal|agreement|accord|brokered|signed",
        D,
        70,
    ),
    _rule(
        "negotiations",
        r"talks|negotiat(?:ed|ions?|ing)|meeting|met\s+with|summit|phone\s+(?:call|conversation)"
        # ("spoke with reporters", "who spoke with the Associated Press": an interview.)
        r"|spoke\s+(?:by\s+(?:tele)?phone|(?:by\s+(?:tele)?phone\s+)?with(?!\s+(?:the\s+)?"
        r"(?:reporters|journalists|press|media|correspondents?|[\w.-]+\s+(?:News|Press|TV"
        r"|Radio|Agency)|Associated\s+Press|AFP|Reuters|CNN|BBC|Al\s+Jazeera|Al\s+Arabiya)\b))"
        r"|held\s+(?:a\s+)?(?:phone\s+)?(?:call|conversation)"
        r"|discuss(?:es|ed)",
        D,
        71,
    ),
    _rule("proposal-presented", r"proposal|proposed|draft\s+resolution", D, 72),
    # A visit is diplomacy of no finer kind: a show of support, an inspection, a state visit.
    _rule(VISIT, r"visit(?:ed|ing|s)?|paid\s+a\s+visit", D, 73),
    _rule("diplomatic-communication", r"letter|memorandum", D, 73),
    _rule(
        "other-strategic-development",
        r"vetoed|veto|voted|vote|sanctions|resolution|investigation|inquiry|appointed|resigned"
        r"|summoned|expelled",
        D,
        74,
    ),
    _rule("humanitarian", r"fled|flee(?:ing)?|displac(?:ed|ement|ing)|exodus", C, 76),
    _rule(
        "conflict-onset",
        r"(?:war|conflict|uprising|revolution|crisis)\s+(?:(?:first|initially|originally)\s+)?"
        r"(?:began|started|broke\s+out|erupted)",
        M,
        80,
    ),
    # Deaths and wounds without another event word: what happened is read from who died.
    _rule(KILLING, r"killed|killing|kills|dead|died|deaths|wounded|injured", M, 85),
    _rule(
        "public-statement",
        r"condemn(?:ed|s|ing)|denied|denies|accus(?:ed|es|ing)|warned|urged|called\s+(?:on|for)"
        r"|demanded|vowed|threatened|claimed\s+responsibility|blam(?:ed|es)|announced|declared"
        r"|decr(?:ied|ies)|denounc(?:ed|es)"
        # "described the reports as completely untrue", "dismissed it as unjustified": denials.
        r"|(?:dismiss|describ|brand|reject)(?:ed|es)(?=\s[^.;]{0,100}?\bas\s+(?:\w+\s+)?"
        r"(?:untrue|false|baseless|groundless|unfounded|unjustified|lies|fabricat\w+|nonsense"
        r"|propaganda|fake)\b)",
        D,
        90,
    ),
]

# "Advances" alone say ground changed hands, less firmly than "captured".
_ALIASES = {"territory-advance": TERRITORY}

# Words in the clause before a trigger that make it something that did not (yet) happen:
# a modal or a negation a few words back, or "to" before a verb ("efforts to reach a deal";
# not "to the border").
_IRREALIS = re.compile(
    r"(?:\b(?:would|could|might|should|may|if|not|never|no|without|efforts?|aim(?:ed|s)?)\b"
    r"|n't|n’t)(?:\s+[\w'’-]+){0,3}\s*$|\bto(?!\s+(?:the|a|an|its|their|his|her)\b)"
    r"(?:\s+[\w'’-]+){0,3}\s*$",
    re.IGNORECASE,
)
# A sentence whose main verb is a modal reports terms or hopes, not events ("It would oblige
# Russia to …", "The plan would need …", "An agreement that would stop the fighting …").
_HYPOTHETICAL = re.compile(r"^\W*(?:[\w'’-]+,?\s+){0,5}(?:would|could|might)\s", re.IGNORECASE)
# Documents: a letter "dated Sept. 3" is an event even when it is also the source of a claim.
DOCUMENTS = frozenset({"diplomatic-communication"})
# "Kerry discussed the chemical attack with …": what talks are about is their topic; the
# event word names nothing that happened in this clause (it is told where it is reported).
_TOPIC = re.compile(r"\bdiscuss(?:es|ed|ing)?(?:\s+[\w'’-]+){0,3}\s*$", re.IGNORECASE)
# "sought to move", "tried to reach": an attempt is still something that happened; so is
# what "appears to have turned back".
_ATTEMPT = re.compile(
    r"\b(?:(?:sought|tried|attempted|began|started|continued|managed)\s+to|to\s+have)\s+$"
    # "jets believed to be Russian killed …": who the doers are thought to be, not an aim.
    r"|\b(?:believed|thought|said|reported|suspected|understood|known|alleged|likely"
    r"|appeared|seemed)\s+to\s+be\s+(?:[\w'’-]+\s+){1,2}$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Trigger:
    """A word in the text that names an event, and the event type slug it points to."""

    slug: str
    start: int
    end: int
    text: str
    domain: Domain
    priority: int
    # Under "would", "will", "could": kept only where a date phrase points to the future
    # ("the two sides would resume talks on Monday").
    modal: bool = False
    # In an irrealis clause ("efforts to reach a deal", "would halt the fighting", "We haven't
    # struck the convoy") or a hypothetical sentence: it names nothing that happened.
    unreal: bool = False


# "the hostages were captured by IS", "three journalists it had captured", "hostages captured
# from villages": people taken, no ground won ("fighters captured 16 villages" is ground).
_PEOPLE_TAKEN = re.compile(
    r"\b(?:hostages|prisoners|captives|journalists|reporters|activists|aid\s+workers|pilots?"
    r"|soldiers|civilians|men|women|children|fighters)\s+(?:(?:who|that|whom|it|they|he|she)"
    r"\s+)?(?:(?:had|have|has|were|was|been|being|are|is)\s+)*(?:\w+ly\s+)?$",
    re.IGNORECASE,
)
_GROUND_AFTER = re.compile(r"\s+(?:the\s+)?(?:\d|town|city|village|area|district|base|hill)")


def _people_taken(text: str, start: int, end: int) -> bool:
    """Whether "captured" at start:end tells of people taken rather than ground won."""
    if not text[start:end].lower().startswith("captur"):
        return False
    before = text[max(0, start - 60) : start]
    return bool(_PEOPLE_TAKEN.search(before)) and not _GROUND_AFTER.match(text, end)


def find_triggers(text: str) -> list[Trigger]:
    """The triggers of a sentence, left to right; those in an irrealis clause ("efforts to
    reach a deal", "would halt the fighting", "We haven't struck the convoy") and, in a
    hypothetical sentence, all but documents, are marked unreal."""
    hypothetical = bool(_HYPOTHETICAL.match(text))
    found: list[Trigger] = []
    taken: list[tuple[int, int]] = []
    for rule in sorted(RULES, key=lambda r: r.priority):
        for match in rule.pattern.finditer(text):
            start, end = match.span()
            if any(start < e and s < end for s, e in taken):
                continue
            if rule.slug == TERRITORY and _people_taken(text, start, end):
                continue
            modal = _modal(text, start)
            unreal = not modal and (_irrealis(text, start) or hypothetical)
            taken.append((start, end))
            slug = _ALIASES.get(rule.slug, rule.slug)
            found.append(
                Trigger(
                    slug,
                    start,
                    end,
                    match.group(),
                    rule.domain,
                    rule.priority,
                    modal=modal,
                    unreal=unreal and rule.slug not in DOCUMENTS,
                )
            )
    return sorted(found, key=lambda t: t.start)


_MODAL = re.compile(r"\b(?:will|would|shall|'ll|’ll)(?:\s+[\w'’-]+){0,2}\s*$", re.IGNORECASE)


def _modal(text: str, start: int) -> bool:
    before = re.split(r"[,;:—–()“”\"]", text[max(0, start - 40) : start])[-1]
    return bool(_MODAL.search(before)) and not re.search(r"\bnot\b|n't|n’t", before)


def _irrealis(text: str, start: int) -> bool:
    before = text[max(0, start - 40) : start]
    # Only the words since the last clause break count.
    before = re.split(r"[,;:—–()“”\"]", before)[-1]
    words = before.split()
    window = " ".join(words[-4:]) + (" " if words else "")
    if _ATTEMPT.search(window):
        return False
    return bool(_IRREALIS.search(window) or _TOPIC.search(window))


def pick(triggers: list[Trigger]) -> Trigger | None:
    """The trigger that names the event when a clause has several: the highest ranked."""
    return min(triggers, key=lambda t: (t.priority, t.start)) if triggers else None


def territory_slug(*, government_side: bool) -> str:
    return GOVERNMENT_GAINS if government_side else NON_STATE_GAINS
