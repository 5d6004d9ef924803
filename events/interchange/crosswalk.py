"""Our event types in the datasets' terms: ACLED's disorder/event/sub-event types, UCDP's
type_of_violence, and which events have no equivalent (left out of those layouts)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from events.text import fold

POLITICAL_VIOLENCE = "Political violence"
DEMONSTRATIONS = "Demonstrations"
STRATEGIC = "Strategic developments"

# ACLED's own taxonomy (its codebook): each event type with its sub-event types and the
# disorder type of each.
ACLED_TAXONOMY: dict[str, dict[str, str]] = {
    "Battles": dict.fromkeys(
        ("Government regains territory", "Non-state actor overtakes territory", "Armed clash"),
        POLITICAL_VIOLENCE,
    ),
    "Explosions/Remote violence": dict.fromkeys(
        (
            "Chemical weapon",
            "Air/drone strike",
            "Suicide bomb",
            "Shelling/artillery/missile attack",
            "Remote explosive/landmine/IED",
            "Grenade",
        ),
        POLITICAL_VIOLENCE,
    ),
    "Violence against civilians": dict.fromkeys(
        ("Sexual violence", "Attack", "Abduction/forced disappearance"), POLITICAL_VIOLENCE
    ),
    "Protests": {
        "Peaceful protest": DEMONSTRATIONS,
        "Protest with intervention": DEMONSTRATIONS,
        "Excessive force against protesters": f"{POLITICAL_VIOLENCE}; {DEMONSTRATIONS}",
    },
    "Riots": {"Violent demonstration": DEMONSTRATIONS, "Mob violence": POLITICAL_VIOLENCE},
    "Strategic developments": dict.fromkeys(
        (
            "Agreement",
            "Arrests",
            "Change to group/activity",
            "Disrupted weapons use",
            "Headquarters or base established",
            "Looting/property destruction",
            "Non-violent transfer of territory",
            "Other",
        ),
        STRATEGIC,
    ),
}
# The disorder type of an event type given without a sub-type (its most common one).
ACLED_TOP_DISORDER = {
    "Battles": POLITICAL_VIOLENCE,
    "Explosions/Remote violence": POLITICAL_VIOLENCE,
    "Violence against civilians": POLITICAL_VIOLENCE,
    "Protests": DEMONSTRATIONS,
    "Riots": DEMONSTRATIONS,
    "Strategic developments": STRATEGIC,
}

_CHANGE = (STRATEGIC, "Strategic developments", "Change to group/activity")
_OTHER = (STRATEGIC, "Strategic developments", "Other")
_CLASH = (POLITICAL_VIOLENCE, "Battles", "Armed clash")
_ATTACK = (POLITICAL_VIOLENCE, "Violence against civilians", "Attack")

# Our own types → ACLED (disorder_type, event_type, sub_event_type), by (top-level name,
# sub-type name or ""). None: ACLED has no equivalent, and the event is left out of its layout.
OWN_TO_ACLED: dict[tuple[str, str], tuple[str, str, str] | None] = {
    ("Military operations", ""): _OTHER,
    ("Military operations", "Siege imposed"): _OTHER,
    ("Military operations", "Offensive or campaign launched"): _CHANGE,
    ("Military operations", "Cross-border incursion"): _CHANGE,
    ("Military operations", "Foreign military support"): _CHANGE,
    ("Military operations", "Troop or convoy movement"): _CHANGE,
    ("Humanitarian and population movements", ""): _OTHER,
    ("Humanitarian and population movements", "Evacuation under a deal"): _OTHER,
    ("Humanitarian and population movements", "Supplies or services cut"): _OTHER,
    ("Diplomacy and negotiations", ""): None,
    ("Statements and claims", ""): None,
    ("Conflict milestones", ""): None,
    # UCDP's types, imported as sub-types of "Organised violence".
    ("Organised violence", ""): _CLASH,
    ("Organised violence", "State-based conflict"): _CLASH,
    ("Organised violence", "Non-state conflict"): _CLASH,
    ("Organised violence", "One-sided violence"): _ATTACK,
}

# UCDP's type_of_violence.
STATE_BASED, NON_STATE, ONE_SIDED = 1, 2, 3
UCDP_VIOLENCE = {
    STATE_BASED: "State-based conflict",
    NON_STATE: "Non-state conflict",
    ONE_SIDED: "One-sided violence",
}
# How a type becomes a type_of_violence: a fixed code, "sides" (state-based when a state takes
# part, else non-state), "targets" (one-sided when civilians are the target, else as "sides"),
# or None (UCDP has no equivalent: not organised lethal violence).
TO_UCDP: dict[tuple[str, str], int | str | None] = {
    ("Battles", ""): "sides",
    ("Explosions/Remote violence", ""): "targets",
    ("Violence against civilians", ""): ONE_SIDED,
    ("Protests", ""): None,
    ("Riots", ""): None,
    ("Strategic developments", ""): None,
    ("Military operations", ""): None,
    ("Humanitarian and population movements", ""): None,
    ("Diplomacy and negotiations", ""): None,
    ("Statements and claims", ""): None,
    ("Conflict milestones", ""): None,
    ("Organised violence", ""): "sides",
    ("Organised violence", "State-based conflict"): STATE_BASED,
    ("Organised violence", "Non-state conflict"): NON_STATE,
    ("Organised violence", "One-sided violence"): ONE_SIDED,
}
# Actor types that make a side a state (UCDP's "Government of …").
STATE_KINDS = frozenset({"state_forces", "government"})
CIVILIAN_KINDS = frozenset({"civilians"})
# Roles that stand for the attacked side when an event names no sides.
TARGET_ROLES = ("side_b", "target")


def _key(top: str, sub: str) -> tuple[str, str]:
    return fold(top), fold(sub)


_ACLED = {
    _key(top, sub): (disorder, top, sub)
    for top, subs in ACLED_TAXONOMY.items()
    for sub, disorder in subs.items()
} | {_key(top, ""): (disorder, top, "") for top, disorder in ACLED_TOP_DISORDER.items()}
_OWN = {_key(top, sub): value for (top, sub), value in OWN_TO_ACLED.items()}
_UCDP = {_key(top, sub): value for (top, sub), value in TO_UCDP.items()}


@dataclass(frozen=True)
class TypeNames:
    """An event type by name: its top-level type and its sub-type ("" for a top-level one)."""

    top: str
    sub: str = ""

    @classmethod
    def of(cls, entry: Mapping[str, Any]) -> "TypeNames":
        event_type = entry.get("type") or {}
        parent = event_type.get("parent") or {}
        name = event_type.get("name") or ""
        return cls(parent["name"], name) if parent.get("name") else cls(name)


def _lookup(table: dict, names: TypeNames, missing=None):
    """A type's entry in table: its own, else its top-level type's (an editor's own sub-type
    of a known type is exported as that type)."""
    own = _key(names.top, names.sub)
    if own in table:
        return table[own]
    return table.get(_key(names.top, ""), missing)


_UNKNOWN = object()


@lru_cache(maxsize=4096)
def acled_type(names: TypeNames) -> tuple[str, str, str] | None:
    """(disorder_type, event_type, sub_event_type) for a type, or None without an equivalent."""
    found = _lookup(_ACLED, names, _UNKNOWN)
    if found is _UNKNOWN:
        found = _lookup(_OWN, names)
    return found


@lru_cache(maxsize=4096)
def ucdp_rule(names: TypeNames) -> int | str | None:
    return _lookup(_UCDP, names)


def ucdp_violence(names: TypeNames, actors: Iterable[Mapping[str, Any]]) -> int | None:
    """type_of_violence for a type and its actors (each with "role" and "kind", the kind
    in this event first), or None without an equivalent."""
    rule = ucdp_rule(names)
    if rule is None or isinstance(rule, int):
        return rule
    actors = list(actors)
    if rule == "targets" and civilians_targeted(actors):
        return ONE_SIDED
    return STATE_BASED if any(actor.get("kind") in STATE_KINDS for actor in actors) else NON_STATE


def civilians_targeted(actors: Iterable[Mapping[str, Any]]) -> bool:
    """Whether the attacked side of an event (side B or the target) is civilians."""
    return any(
        actor.get("role") in TARGET_ROLES and actor.get("kind") in CIVILIAN_KINDS
        for actor in actors
    )


def civilian_targeting(names: TypeNames, actors: Iterable[Mapping[str, Any]]) -> str:
    """ACLED's civilian_targeting: "Civilian targeting" for political violence whose target is
    civilians (every violence against civilians is), else empty."""
    mapped = acled_type(names)
    if mapped is None or POLITICAL_VIOLENCE not in mapped[0]:
        return ""
    if mapped[1] == "Violence against civilians" or civilians_targeted(actors):
        return "Civilian targeting"
    return ""


def is_planned(entry: Mapping[str, Any], *, today: date | None = None) -> bool:
    """An event that cannot have happened yet (its earliest day is after today)."""
    earliest = (entry.get("date") or {}).get("earliest") or ""
    return earliest > (today or date.today()).isoformat()


def has_equivalent(layout: str, entry: Mapping[str, Any]) -> bool:
    """Whether the dataset's layout can say what this event is: not planned, and of a type with
    an equivalent there."""
    if is_planned(entry):
        return False
    names = TypeNames.of(entry)
    return (acled_type(names) if layout == "acled" else ucdp_rule(names)) is not None


def unmapped_type_ids(layout: str, types: Iterable[tuple[int, str, str]]) -> list[int]:
    """The ids of the types, given as (id, top-level name, sub-type name), with no equivalent
    in the layout: what a count of left-out events filters on."""
    check = acled_type if layout == "acled" else ucdp_rule
    return [pk for pk, top, sub in types if check(TypeNames(top, sub)) is None]
