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

RULES: list[Rule] = [
    _rule(
        TERRITORY,
        r"dr(?:ove|ive|iven|iving)\b(?=[^.;]{0,80}\b(?:out|from)\b)|recaptur\w*|retook|retak\w*"
        r"|captur(?:ed|ing|es)|seiz(?:ed|ing|es)|overr(?:an|un)|took\s+control|taken\s+control"
        r"|secured|gained\s+ground|made\s+(?:\w+\s+)?gains|regain\w*",
        M,
        10,
    ),
    _rule("armed-clash", r"clash(?:ed|es)?|fought|battl(?:ed|ing)|assault(?:ed|ing|s)?", M, 15),
    _rule("suicide-bomb", r"suicide\s+(?:bomb\w*|attack\w*)", M, 20),
    _rule(
        "remote-explosive-landmine-ied",
        r"roadside\s+bomb\w*|car\s+bomb\w*|IEDs?|landmines?|explosive\s+device",
        M,
        21,
    ),
    _rule(
        "air-drone-strike",
        r"air\s*strikes?|airstrikes?|air\s+raids?|drone\s+strikes?|warplanes?|bomb(?:ed|ing)"
        r"|struck|strikes?",
        M,
        22,
    ),
    _rule(
        "shelling-artillery-missile-attack",
        r"shell(?:ed|ing)|artillery|mortars?|rockets?|missiles?",
        M,
        23,
    ),
    _rule("attack", r"massacre\w*|executed|killed\s+civilians", M, 30),
    _rule("abduction-forced-disappearance", r"abduct\w*|kidnap\w*", M, 31),
    _rule("peaceful-protest", r"protest(?:ed|ers|s)?|demonstrat(?:ed|ors|ions?)", C, 40),
    _rule("arrests", r"arrest(?:ed|s)?|detained", C, 50),
    _rule("agreement-breakdown", r"fell\s+apart|collapsed|broke\s+down|violat(?:ed|ion)", D, 55),
    _rule("siege", r"siege|besieg\w*|encircl\w*", M, 60),
    _rule(
        "offensive-launched",
        r"launch(?:ed|es)?\s+(?:an?\s+|its\s+|their\s+)?(?:[\w-]+\s+)?"
        r"(?:campaign|offensive|operation|assault)",
        M,
        61,
    ),
    _rule("cross-border-incursion", r"incursion|invasion|invaded|crossed\s+the\s+border", M, 62),
    _rule(
        "troop-movement",
        r"convoy|head(?:ed|ing|s)?\s+(?:north|south|east|west|to|towards|for)|turned\s+back"
        r"|withdr(?:ew|awn|awal)|pulled\s+back|deploy(?:ed|ment)|move\s+into",
        M,
        63,
    ),
    _rule("foreign-military-support", r"air\s+support|military\s+support|military\s+aid", M, 64),
    _rule("evacuation-under-deal", r"evacuat(?:ed|ion|ing)", C, 65),
    _rule(
        "supply-disruption",
        r"cut\s+(?:off\s+)?(?:supplies|power|water|aid|electricity)|blockade",
        C,
        66,
    ),
    _rule("territory-advance", r"advanc(?:es|ed|ing)|gains", M, 67),
    _rule("armed-clash", r"fighting", M, 68),
    _rule(
        "agreement",
        r"(?:ceasefire|peace|truce)\s+(?:agreement|deal)|truce|deal|agreement|accord|brokered",
        D,
        70,
    ),
    _rule("negotiations", r"talks|negotiat(?:ed|ions?|ing)|meeting|met\s+with|summit", D, 71),
    _rule("proposal-presented", r"proposal|proposed", D, 72),
    _rule("diplomatic-communication", r"letter|memorandum", D, 73),
    _rule(
        "conflict-onset",
        r"(?:war|conflict|uprising|revolution|crisis)\s+(?:began|started|broke\s+out)",
        M,
        80,
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
# "sought to move", "tried to reach": an attempt is still something that happened; so is
# what "appears to have turned back".
_ATTEMPT = re.compile(
    r"\b(?:(?:sought|tried|attempted|began|started|continued|managed)\s+to|to\s+have)\s+$",
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
    return bool(_IRREALIS.search(window))


def pick(triggers: list[Trigger]) -> Trigger | None:
    """The trigger that names the event when a clause has several: the highest ranked."""
    return min(triggers, key=lambda t: (t.priority, t.start)) if triggers else None


def territory_slug(*, government_side: bool) -> str:
    return GOVERNMENT_GAINS if government_side else NON_STATE_GAINS
