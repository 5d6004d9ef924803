"""Where an event happened: the notes and rules for places found in or beyond its clause."""

from events.ingest.drafts import PlaceBasis
from events.ingest.gazetteer import ActorEntry, Gazetteer, Mention, Place
from events.ingest.implied import FEATURE_NOUNS
from events.ingest.vocabulary import Domain, Trigger
from events.models import ActorRole

_COUNTRY_WIDE = {
    "conflict-onset": "the conflict of the country the report is about",
    "agreement-breakdown": "a deal falls apart where it applied: the country the report is about",
}

# Roles of actors who help, mediate or speak: they do not say where the event happened.
_NOT_PRINCIPAL = {
    ActorRole.SUPPORTER,
    ActorRole.MEDIATOR,
    ActorRole.SPEAKER,
    ActorRole.ASSOCIATED_A,
    ActorRole.ASSOCIATED_B,
}

# A state's own forces and government; "external" forces act abroad.
_DOMESTIC_KINDS = ("state_forces", "government")


def country_place(
    gazetteer: Gazetteer,
    focus: Place | None,
    trigger: Trigger,
    actors: list[tuple[ActorEntry, str]],
) -> tuple[Place | None, str, str]:
    """A country when nothing finer is named: the report's, for the onset of its conflict
    or a deal falling apart; its own, for a state's forces acting with no place named."""
    if trigger.slug in _COUNTRY_WIDE and focus is not None:
        note = f"{_COUNTRY_WIDE[trigger.slug]} ({focus.name})"
        return focus, note, PlaceBasis.REPORT
    if trigger.domain is Domain.DIPLOMATIC:
        return None, "", ""
    principal = [a for a, role in actors if role not in _NOT_PRINCIPAL]
    countries = {a.country_id for a in principal}
    if len(countries) != 1 or not any(a.kind in _DOMESTIC_KINDS for a in principal):
        return None, "", ""
    country = gazetteer.places.get(next(iter(countries)) or 0)
    if country is None:
        return None, "", ""
    names = ", ".join(a.name for a in principal)
    note = f"{country.name}, the country of its actors ({names}); no place is named"
    return country, note, PlaceBasis.ACTORS


def named_note(mention: Mention) -> str:
    """How a place named in the clause was read, for the editor."""
    if mention.inferred == "border":
        return f"“{mention.surface}” → {mention.place.name}, the border area between the two"
    if mention.inferred in FEATURE_NOUNS:
        return (
            f"“{mention.surface}” → {mention.place.name}, the one place of the report's country "
            f"so called"
        )
    return f"“{mention.surface}” → {mention.place.name}"


def basis_of(mention: Mention, note: str) -> str:
    """The rule behind a place found in the clause itself."""
    if mention.inferred in FEATURE_NOUNS or "named just before" in note:
        return PlaceBasis.REFERENCE
    return PlaceBasis.NEAR if note else PlaceBasis.NAMED
