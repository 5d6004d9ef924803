"""Across sentences: a re-telling joins the event it tells again; followed objects place events."""

import dataclasses
import re
from datetime import date

from events.dates import FuzzyDate, Precision
from events.ingest.casts import TOLD_BEFORE_REACH, before_trigger, gain_cast, same_area
from events.ingest.drafts import PlaceBasis, ProposalDraft, clip
from events.ingest.gazetteer import COUNTRY
from events.ingest.participants import ONE_SIDED
from events.text import fold

# The type of violence named by no more than "an attack".
GENERIC_ATTACK = "attack"
# UCDP's "a span of 2–6 days": the longest a present-perfect account may stretch an event.
_FEW_DAYS = 6


def retold(draft: ProposalDraft, dated: list[ProposalDraft]) -> ProposalDraft | None:
    """The dated proposal an undated clause tells again: the same type and trigger word, and
    either an actor in the same role or "the <trigger word>" pointing back ("the letter").
    Two claims from different sources are never merged: they may disagree (one says the
    convoy turned back, another that it headed north), and both are kept; nor is a clause
    with a toll of its own in another place."""
    lemma = _lemma(draft.trigger)
    pairs = {(actor.id, role) for actor, role in draft.actors}
    claimed = fold(draft.sources[0].attributed_to)
    told_before = _attack_told_before(draft, dated)
    if told_before is not None:
        return told_before
    fits = []
    for proposal in dated:
        if proposal.type_slug != draft.type_slug or _lemma(proposal.trigger) != lemma:
            continue
        if _another_toll_elsewhere(draft, proposal):
            continue
        sources = {fold(source.attributed_to) for source in proposal.sources} - {""}
        if claimed and sources and claimed not in sources:
            continue
        shared = pairs & {(actor.id, role) for actor, role in proposal.actors}
        definite = re.compile(rf"\bthe\s+{re.escape(proposal.trigger)}\b", re.IGNORECASE)
        if shared or any(definite.search(p.excerpt) for p in (draft, proposal)):
            fits.append(proposal)
    return min(fits, key=lambda p: abs(p.sentence_index - draft.sentence_index), default=None)


# Words any act of violence is called by again ("… a chemical attack near Damascus …
# Washington blames the government for the attack"), and the violence they can name.
# ("since the attack on Khan Sheikhoun", "deadlier than the raid": another, recalled.)
_THE_ATTACK = re.compile(
    r"\b(?:(?P<recalled>since|than|before|after|like|unlike)\s+)?the\s+(?:attack|assault|raid)s?\b",
    re.IGNORECASE,
)
_VIOLENCE = ONE_SIDED - {"arrests", "looting-property-destruction"}


def _attack_told_before(draft: ProposalDraft, dated: list[ProposalDraft]) -> ProposalDraft | None:
    """The act of violence that "the attack" of an undated clause names again ("the attack
    which it says killed 1,400"): the one told in the two sentences before (or earlier in the
    same one), when it is the only one there, in the same area and from the same source."""
    the_attack = _THE_ATTACK.search(before_trigger(draft) + draft.trigger)
    if draft.type_slug != GENERIC_ATTACK or the_attack is None or the_attack["recalled"]:
        return None
    near = [
        p
        for p in dated
        if p is not draft
        and p.type_slug in _VIOLENCE
        and draft.sentence_index - TOLD_BEFORE_REACH <= p.sentence_index <= draft.sentence_index
        and p.sources[0].start < draft.sources[0].start
    ]
    if len(near) != 1:
        return None
    (told,) = near
    claimed = fold(draft.sources[0].attributed_to)
    sources = {fold(source.attributed_to) for source in told.sources} - {""}
    if (claimed and sources and claimed not in sources) or _another_toll_elsewhere(draft, told):
        return None
    if not same_area(draft, told) or (not unplaced(draft) and unplaced(told)):
        # "Islamic State claimed the attack in Baghdad": not the strikes told in Syria, nor
        # strikes told with no place of their own.
        return None
    return told


def _another_toll_elsewhere(draft: ProposalDraft, proposal: ProposalDraft) -> bool:
    """ "Strikes across the country killed 44 … In Jassem 16 civilians were killed in four
    air strikes": a toll of its own (no figure in common) in another place, not one the draft's
    own place holds, is a part or another event, not a re-telling ("the toll rose to 53 in
    Syria" may still tell again the 34 killed in Aleppo)."""
    mine, theirs = _figures(draft), _figures(proposal)
    here, there = draft.place, proposal.place
    return bool(
        mine
        and theirs
        and not mine & theirs
        and here is not None
        and there is not None
        and here.id != there.id
        and not there.path.startswith(here.path)
    )


def _figures(draft: ProposalDraft) -> set[int]:
    """The numbers of a draft's toll ("at least 15" and "15" tell the same toll)."""
    deaths = draft.fatalities
    return {n for n in (deaths.low, deaths.best, deaths.high) if n is not None}


def merge_retelling(target: ProposalDraft, draft: ProposalDraft, *, reference: date) -> None:
    """Add the re-telling as another citation of target, with the place and actors target
    lacks. An account in the present perfect ("we have struck every fighter that tried"),
    given on the day of the report, takes the event up to that day when it is a few days
    earlier."""
    source = draft.sources[0]
    first = target.sources[0]
    dated_by = f"“{first.date_phrase}”" if first.date_phrase else "its first citation"
    resolution = (
        f"no date phrase: tells again the event dated by {dated_by} "
        f"({target.fuzzy.display}) in “{clip(target.excerpt, 80)}”"
    )
    fuzzy = target.fuzzy
    perfect = re.search(
        rf"\b(?:have|has)\s+(?:\w+\s+)?{re.escape(draft.trigger)}\b", source.excerpt, re.I
    )
    if (
        perfect is not None
        and source.attributed_to
        and fuzzy.latest < reference
        and (reference - fuzzy.earliest).days <= _FEW_DAYS
    ):
        # "We have struck every fighter that tried to approach", said on the day of the report
        # (an undated statement is taken as made then): it may have gone on until that day.
        target.fuzzy = FuzzyDate(fuzzy.earliest, reference, Precision.DAYS)
        until = (
            f"; “{perfect.group()}” in an account given on {target.fuzzy.latest:%-d %b %Y} (the "
            f"day of the report) takes it up to that day: {target.fuzzy.display}"
        )
        resolution += until
        first.resolution = clip(first.resolution + until, 300)
    target.sources.append(
        dataclasses.replace(source, date_phrase="", basis="", resolution=clip(resolution, 300))
    )
    if unplaced(target) and draft.place is not None and not unplaced(draft):
        target.place = draft.place
        target.place_note = f"{draft.place_note}, where the report tells it again"
        target.place_basis = PlaceBasis.THREAD
    gain_cast(target, draft)
    if not target.fatalities.known and draft.fatalities.known:
        # "Air strikes hit Saraqeb on Wednesday. The attack killed 20 people": the toll told
        # again is the event's toll.
        target.fatalities = draft.fatalities
    target.threads |= draft.threads


def place_threads(proposals: list[ProposalDraft]) -> None:
    """ "Halted in the desert" puts the convoy there: events about "the convoy" that name no
    place of their own happened where the report puts it (when it puts it in one place)."""
    located: dict[str, dict[int, ProposalDraft]] = {}
    for proposal in proposals:
        if proposal.place is None or proposal.place.kind == COUNTRY:
            continue
        if proposal.place_basis not in (PlaceBasis.NAMED, PlaceBasis.NEAR, PlaceBasis.REFERENCE):
            continue
        for noun in proposal.threads:
            located.setdefault(noun, {})[proposal.place.id] = proposal
    for proposal in proposals:
        if not unplaced(proposal):
            continue
        for noun in sorted(proposal.threads):
            where = located.get(noun, {})
            if len(where) == 1:
                (source,) = where.values()
                proposal.place = source.place
                proposal.place_note = (
                    f"where the report puts “the {noun}”: {source.place_note} "
                    f"(“{clip(source.excerpt, 60)}”)"
                )
                proposal.place_basis = PlaceBasis.THREAD
                break


def unplaced(proposal: ProposalDraft) -> bool:
    """Whether the text gives no place of its own: none, or only the report's country."""
    return proposal.place is None or proposal.place_basis == PlaceBasis.REPORT


def _lemma(word: str) -> str:
    return re.sub(r"(?:es|s)$", "", fold(word))
