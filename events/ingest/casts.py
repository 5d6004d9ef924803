"""Across sentences: a happening's cast gathered from every sentence that tells of it."""

import re
from collections.abc import Sequence

from events.ingest.drafts import ProposalDraft, clip
from events.ingest.gazetteer import ActorEntry, Mention
from events.ingest.participants import CIVILIANS, ONE_SIDED, SOURCE_KINDS
from events.ingest.statements import BRIEFING, STATEMENT
from events.models import SIDES, ActorRole

# The roles that make a side's lead: one actor in each is the event's (a second doer is another
# account's, not more of the same one).
_LEADS = (ActorRole.PERPETRATOR, ActorRole.SIDE_A, ActorRole.SIDE_B)
# "the strikes", "during the shelling", "the two air raids", and the victims told of before
# ("those who were executed", "the civilians were massacred"): a determiner, then at most two
# words that are no preposition, right before the event word ("that" only right before it:
# "a group that includes …" points nowhere).
_DEFINITE = re.compile(
    r"\b(?:(?i:the|these|those)\s+"
    r"(?:(?!(?:of|in|on|at|by|for|from|with|to|and|or|than|over|after|before)\b)[a-z0-9][\w-]*\s+)"
    r"{0,2}|(?i:this|that)\s+)$"
)
# "Another 12 were killed in air strikes", "a second car bomb", "were also killed in the raid".
_ANOTHER = re.compile(
    r"\b(?:another|also|(?:a|the)\s+(?:second|third|fourth|fifth|further))\b", re.IGNORECASE
)


def side_of(role: str) -> int | None:
    """0 for side A (its lead, associates and doer), 1 for side B, None for neither."""
    return next((i for i, roles in enumerate(SIDES) if role in roles), None)


def gain_cast(target: ProposalDraft, told: ProposalDraft) -> None:
    """Add to target the actors a re-telling of it names that it lacks. A role target already
    has for an actor stands; speakers and sources (monitors, agencies) tell of the event and
    take no part in it; civilians are never a side's lead or a doer; a doer or a side's lead is
    not added beside one target already has. A re-telling that puts an actor of target on the
    other side reads the sides otherwise: none of its sides are taken."""
    mine = {actor.id: role for actor, role in target.actors}
    crossed = any(
        actor.id in mine and _opposed(role, mine[actor.id]) for actor, role in told.actors
    )
    for actor, role in told.actors:
        if actor.id in mine or role == ActorRole.SPEAKER or actor.kind in SOURCE_KINDS:
            continue
        if actor.kind == CIVILIANS and role not in (ActorRole.TARGET, ActorRole.PARTICIPANT):
            continue
        if (crossed and side_of(role) is not None) or (role in _LEADS and role in mine.values()):
            continue
        target.actors.append((actor, role))
        mine[actor.id] = role


def _opposed(one: str, other: str) -> bool:
    sides = side_of(one), side_of(other)
    return None not in sides and sides[0] != sides[1]


def inherit_doers(proposals: list[ProposalDraft]) -> None:
    """ "Russian warplanes struck the market on Sunday … Another 12 were killed in air strikes
    on the town": a one-sided event whose word points back ("the strikes", "another", "also",
    "a second car bomb") and whose own clause names no doer takes the doer of the event of its
    type it goes on with, when their dates meet: the one told in the sentence before, or else
    the only doer the report has named for that type so far. Only the doer: whom it struck may
    differ. proposals: in the order of the text."""
    for index, draft in enumerate(proposals):
        if draft.type_slug not in ONE_SIDED or draft.planned or _doers(draft):
            continue
        if not _points_back(draft):
            continue
        earlier = [
            p
            for p in proposals[:index]
            if p.type_slug == draft.type_slug and not p.planned and _doers(p)
        ]
        if not earlier:
            continue
        nearest = earlier[-1]
        told_just_before = nearest.sentence_index >= draft.sentence_index - 1
        only_doer = len({frozenset(a.id for a in _doers(p)) for p in earlier}) == 1
        if not (told_just_before or only_doer) or not _meet(draft, nearest):
            continue
        named = {actor.id for actor, _role in draft.actors}
        doers = [a for a in _doers(nearest) if a.id not in named]
        if not doers:
            continue
        draft.actors += [(actor, ActorRole.PERPETRATOR) for actor in doers]
        who = ", ".join(actor.name for actor in doers)
        draft.cast_note = f"{who}: the doer of “{clip(nearest.excerpt, 80)}”, which it goes on with"


# Violence against civilians (ACLED's family): killings of captives, abductions, arrests,
# torching. A report about one group's campaign of it names the group once and tells the rest
# in the passive ("the churches have been torched", "220 were abducted").
_AGAINST_CIVILIANS = frozenset(
    {"attack", "abduction-forced-disappearance", "looting-property-destruction", "arrests"}
)


def inherit_campaign_doer(proposals: list[ProposalDraft]) -> None:
    """ "ISIS began murdering the hostages … 220 were abducted … the churches have been
    torched": violence against civilians whose clause names no doer takes the doer of the
    report's other such violence, when the report names exactly one and their dates meet.
    Bombings, shelling and strikes are never so attributed: reports tell of them apart."""
    done = [
        (p, frozenset(a.id for a in _doers(p)))
        for p in proposals
        if p.type_slug in _AGAINST_CIVILIANS and not p.planned and _doers(p)
    ]
    if len({doers for _p, doers in done}) != 1:
        return
    for draft in proposals:
        if (
            draft.type_slug not in _AGAINST_CIVILIANS
            or draft.planned
            or _doers(draft)
            or not _CAMPAIGN_WORD.match(draft.trigger)
        ):
            continue
        if not (_victims(draft) or _PASSIVE.search(before_trigger(draft) + draft.trigger)):
            # "the site of a massacre in 1982": a noun alone may be anyone's.
            continue
        meeting = [p for p, _doers_of in done if _meet(draft, p) and same_area(draft, p)]
        if not meeting:
            continue
        named = {actor.id for actor, _role in draft.actors}
        doers = [a for a in _doers(meeting[0]) if a.id not in named]
        if not doers:
            continue
        draft.actors += [(actor, ActorRole.PERPETRATOR) for actor in doers]
        who = ", ".join(actor.name for actor in doers)
        draft.cast_note = (
            f"{who}: the only doer the report names of such violence "
            f"(“{clip(meeting[0].excerpt, 80)}”)"
        )


# "have been torched", "were abducted": a passive whose doer the report has told.
# (A past participle: "were abducting" names its own doer; "IS" is no verb.)
_PASSIVE = re.compile(r"\b(?:(?i:been|were|was|are|be|being)|is)\s+(?:\w+ly\s+)?[\w-]+(?:ed|en)$")
# The campaign's own words: executions, abductions, arrests, torching and looting. Killings,
# shootings and torture are told of every party to a war.
_CAMPAIGN_WORD = re.compile(
    r"(?i:execut|behead|abduct|kidnap|taken\s+hostage|arrest|detain|rounded\s+up|torch|loot"
    r"|set\s+\w*\s*on\s+fire|raz|demolish)"
)


def same_area(draft: ProposalDraft, other: ProposalDraft) -> bool:
    """Whether two proposals' places are the same or one lies within the other (either
    without a place counts: the report did not say it was elsewhere)."""
    if draft.place is None or other.place is None:
        return True
    return (
        draft.place.id == other.place.id
        or draft.place.id in other.place.ancestor_ids
        or other.place.id in draft.place.ancestor_ids
    )


def _victims(draft: ProposalDraft) -> list:
    return [actor for actor, role in draft.actors if role == ActorRole.TARGET]


def before_trigger(draft: ProposalDraft) -> str:
    word = re.search(rf"\b{re.escape(draft.trigger)}\b", draft.excerpt, re.IGNORECASE)
    return draft.excerpt[: word.start()] if word is not None else ""


def _doers(draft: ProposalDraft) -> list:
    return [actor for actor, role in draft.actors if role == ActorRole.PERPETRATOR]


def _points_back(draft: ProposalDraft) -> bool:
    """Whether the clause's event word refers to an event told before."""
    text = draft.excerpt
    word = re.search(rf"\b{re.escape(draft.trigger)}\b", text, re.IGNORECASE)
    before = text[: word.start()] if word is not None else text
    return bool(_DEFINITE.search(before) or _ANOTHER.search(before))


def _meet(draft: ProposalDraft, other: ProposalDraft) -> bool:
    """Whether two proposals' bounds share a day."""
    return draft.fuzzy.earliest <= other.fuzzy.latest and other.fuzzy.earliest <= draft.fuzzy.latest


# "Washington blames the Syrian government for the attack", "accused the regime of carrying
# out the strikes", "held IS responsible for the bombing": a statement naming who did it.
_BLAME = re.compile(
    r"\b(?:blam(?:es|ed|ing)|accus(?:es|ed|ing)|held|holds|holding)\s+(?P<who>[^,;.]{1,80}?)\s+"
    r"(?:responsible\s+)?(?:for|of)\s+(?:(?:carrying\s+out|launching|conducting|staging)\s+)?"
    r"(?:the|this|that|these|those)\s+(?:[\w-]+\s+){0,3}?(?:attacks?|strikes?|air\s*strikes?"
    r"|bombings?|bombardments?|shelling|massacres?|raids?|assaults?|killings?)\b",
    re.IGNORECASE,
)
# "denied blaming Damascus", "did not accuse …", "rejected claims it blamed …": no accusation.
_DENIED = re.compile(
    r"\b(?:den(?:y|ies|ied|ying)|rejected|refused|not|never|no\s+longer)\s+(?:[\w'’-]+\s+){0,3}$",
    re.IGNORECASE,
)
# How far back, in sentences, "the attack" or an accusation reaches for the violence it names.
TOLD_BEFORE_REACH = 2


def blamed_doers(proposals: list[ProposalDraft], mentions: Sequence[Mention]) -> None:
    """ "… a chemical attack near Damascus … Washington blames the Syrian government for the
    attack": violence with no doer takes the one actor a statement blames for it, told in the
    statement's sentence, or else the only such violence of the two sentences before, as an
    alleged doer (the note says who blames it). Two statements blaming different actors for it
    (the government blames the rebels, the opposition the government) leave it without a doer.
    proposals: in the order of the text; mentions: the report's names, with offsets into it."""
    # Per act of violence, whom each accusation blames (None: an actor the database lacks,
    # which still contradicts another accusation).
    blamed: dict[int, set[int | None]] = {}
    # Per act of violence, the first accusation: whom, by whom, in what words.
    first: dict[int, tuple[ActorEntry, list[ActorEntry], str]] = {}
    for statement in proposals:
        if statement.type_slug not in (STATEMENT, BRIEFING):
            continue
        source = statement.sources[0]
        blame = _BLAME.search(source.excerpt)
        if blame is None or _DENIED.search(source.excerpt, 0, blame.start()):
            continue
        # Only whom the accusation names (the body of the speaker's title takes part too).
        start, end = source.start + blame.start("who"), source.start + blame.end("who")
        accused = list(
            {
                m.actor.id: m.actor
                for m in mentions
                if start <= m.start
                and m.end <= end
                and m.actor is not None
                and m.actor.kind not in (CIVILIANS, *SOURCE_KINDS)
            }.values()
        )
        speakers = [a for a, role in statement.actors if role == ActorRole.SPEAKER]
        if len(accused) > 1:
            continue
        told = [
            (index, p)
            for index, p in enumerate(proposals)
            if p.type_slug in ONE_SIDED
            and not p.planned
            and not _doers(p)
            and statement.sentence_index - TOLD_BEFORE_REACH <= p.sentence_index
            and p.sources[0].start <= source.end
        ]
        same_sentence = [t for t in told if t[1].sentence_index == statement.sentence_index]
        if len(same_sentence) == 1:
            # "… blames the government for the attack which it says killed 1,400": the
            # violence the accusation's own sentence tells.
            told = same_sentence
        if len(told) != 1:
            continue
        (index, _violence) = told[0]
        blamed.setdefault(index, set()).add(accused[0].id if accused else None)
        if accused:
            first.setdefault(index, (accused[0], speakers, source.excerpt))
    for index, ids in blamed.items():
        if len(ids) != 1 or None in ids:
            continue
        actor, speakers, excerpt = first[index]
        draft = proposals[index]
        draft.actors.append((actor, ActorRole.PERPETRATOR))
        by = ", ".join(speaker.name for speaker in speakers) or "a statement"
        draft.cast_note = f"{actor.name}: alleged, blamed by {by} (“{clip(excerpt, 80)}”)"
