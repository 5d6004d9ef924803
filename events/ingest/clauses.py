"""Read a sentence's shape: its asides, who a claim is attributed to, and one clause per event."""

import re
from dataclasses import dataclass, field

from events.ingest.phrases import DatePhrase
from events.ingest.vocabulary import Trigger

PRONOUNS = frozenset({"he", "she", "they", "it", "we"})

# Text that describes rather than reports: names in it are not the event's actors or places.
_ASIDES = [
    re.compile(r"\s[—–]\s[^—–]{1,200}?\s[—–]\s"),  # " — which opposes Assad, Iran and Hezbollah — "
    re.compile(r"—[^—\s][^—]{0,200}?—"),  # "—two potential turning points …—"
    re.compile(r"\([^()]{0,200}\)"),
    re.compile(r",\s+(?:which|who|whose|where)\b[^,;]*(?=,|;|\.?$)"),
    re.compile(r",\s+(?:a|an)\s+[^,;]{3,120},"),  # ", a Britain-based group monitoring the war,"
]

_VERB = (
    r"said|says|say|added|reported|stated|announced|claimed|told\s+reporters"
    r"|told\s+(?:a|an|the)\s+[\w\s-]{0,40}?(?:briefing|conference|meeting)|told\s+\w+"
)
_LEAD = (
    r"(?:\([^()]{0,200}\)\s*)?"
    r"(?:(?:However|But|And|Meanwhile|Yet|Still|Even\s[^,]{0,80}|Separately),\s*|But\s+|And\s+)?"
)

# Capitalised words that date rather than name ("on Thursday the U.S. said").
_CALENDAR = (
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April"
    r"|May|June|July|August|September|October|November|December"
)

# Tried in order; each names the group "who" and the group "verb".
_ATTRIBUTIONS = [
    re.compile(r"\baccording\s+to\s+(?P<who>[^.;]+?)\s*[.;]?$"),
    re.compile(r"[,”\"]\s*(?P<who>he|she|they|it|we)\s+(?P<verb>" + _VERB + r")\b"),
    # "… the worst levels of violence since 2016 it said." (copy without the comma): the
    # pronoun and its verb closing the sentence.
    re.compile(
        r"\s(?P<who>he|she|they|it|we)\s+(?P<verb>said|says|added)"
        r"(?:\s+(?:on|late|early|last|this)\s+\w+)?\s*\.?$"
    ),
    re.compile(
        r"[,”\"]\s*(?P<verb>said|says|added|reported|told\s+reporters)\s+"
        # ("…, said on Monday.", "…, said in a statement": when and how, not who.)
        r"(?P<who>(?!(?:that|on|in|at|late|early|last|this|yesterday|today|earlier|later"
        r"|again|also|after|before|during|while)\b)[^,.;]+(?:,\s+(?:a|an|the)\s+[^,.;]+)?)"
    ),
    # "“…,” Kerry said.", "“…” Peter Salama … said in the WHO statement."
    re.compile(
        r"[,”\"]\s*(?P<who>[A-Z][^,;“”\"]{1,120}?)\s+(?P<verb>said|says|added|told\s+reporters)"
        r"(?:\s+in\s+(?:a|an|the|his|her|its|their)\s+(?:[\w.'’-]+\s+){0,3}?(?:statement"
        r"|interview|speech|letter|communiqu[eé]))?(?:\s+(?:on|late|early|last|this)\s+\w+)?"
        r"\s*\.?$"
    ),
    # "…,” Peter Salama, Executive Director of the WHO Health Emergencies Programme, said.":
    # a name, then its title between commas.
    re.compile(
        r"[,”\"]\s*(?P<who>[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){1,3},\s+[^,;“”\"]{2,120}?),?"
        r"\s+(?P<verb>said|says|added|told\s+reporters)(?:\s+in\s+(?:a|an|the|his|her|its|their)"
        r"\s+(?:[\w.'’-]+\s+){0,3}?(?:statement|interview|speech|letter|communiqu[eé]))?"
        r"(?:\s+(?:on|late|early|last|this)\s+\w+)?\s*\.?$"
    ),
    re.compile(
        r"\bthat\s+(?P<who>[A-Z][\w-]+(?:\s+[A-Z][\w-]+)*)\s+(?P<verb>has\s+said|had\s+said|said)\b"
    ),
    re.compile(r",\s*(?P<who>[^,;”\"]{3,160}?)\s+(?P<verb>" + _VERB + r")(?:\s+[^,;]*)?\s*\.?$"),
    # "… a nerve agent the World Health Organization said on Wednesday." (copy without the
    # comma): a proper name closing the sentence with its reporting verb and a date.
    re.compile(
        r"\s(?!(?:" + _CALENDAR + r")\b)(?P<who>(?:the\s+)?[A-Z][\w.'’-]*"
        # ("the" only after "of" or "for": "in neighbouring Iraq the Pentagon said" and "in
        # Aleppo and the Observatory said" are a place, then the source.)
        r"(?:\s+(?:(?:of|for)\s+(?:the\s+)?|and\s+)?[A-Z][\w.'’-]*){0,8})"
        r"\s+(?P<verb>said|says|added|reported|announced)"
        r"(?:\s+(?:on|late|early|last|this)\s+\w+(?:\s+\w+)?)?\s*\.?$"
    ),
    re.compile(
        # "The International Committee of the Red Cross (ICRC) said": a short form in brackets.
        r"^" + _LEAD + r"(?P<who>[^,;“”\"()]{2,120}?(?:\s\([A-Z][\w.&-]{1,11}\))?"
        r"(?:,\s+(?:the|a|an)\s[^,;]{2,120},)?)\s+"
        r"(?P<verb>" + _VERB + r"|has\s+said|emerged\s+(?:\w+\s+)?to\s+say)\b"
    ),
]
_SIGNATURE = re.compile(
    r"(?<=[.!?”\"])\s*(?:[-–—]\s*(?:REUTERS|AFP|AP|ANADOLU|SANA|XINHUA)|\((?:Reuters|AFP|AP)\))\s*$"
)
# An event word in the past tense: what a subject did, not what names it.
_PAST_VERB = re.compile(
    r"(?:ed|\b(?:struck|hit|took|fought|shot|overran|fled|began|won|lost|blew|withdrew))$",
    re.IGNORECASE,
)
# "A commander … said": the source as the sentence's opening words.
_OPENING_ATTRIBUTION = _ATTRIBUTIONS[-1]
# Where a statement was made: the reporting verb's own object and the phrases of place that
# follow it ("told reporters at the G20 summit in …", "told a Pentagon briefing"), never the
# words it reports ("said the two countries …").
STATEMENT_VENUE = re.compile(
    r"^(?:told\s+(?:reporters|journalists|(?:a|an|the)\s+[\w-]+(?:\s+[\w-]+)?\s+"
    r"(?:briefing|conference|meeting))|[\w-]+(?:\s+[\w-]+)??)"
    # Each phrase of place runs a few words, never past "that", which opens what was said
    # ("announced on Sunday that it had retaken villages in Latakia").
    r"(?:\s+(?:at|in|from|during|via|on)(?:\s+(?!(?:that|at|in|from|during|via|on)\b)"
    r"[^\s,;.“”\"]+){1,6})*",
    re.IGNORECASE,
)

# Where a sentence with several events divides, best first. The divider goes with the clause
# it opens ("while Turkish-backed fighters drove …").
# Copy that lost its commas still divides before "while" or "but" opening a clause with a
# subject of its own ("Daesh chased the army out but the army returned a week later"), not
# before a participle ("killed while fleeing") or "but also".
_STRONG_BREAKS = re.compile(
    r";\s+|,\s+(?=(?:while|whereas|but)\s)"
    # Not "all but two", "nothing but", "while in …": a quantity or a phrase, not a clause.
    r"|(?<!\ball)(?<!\bnothing)(?<!\banyone)(?<!\banything)"
    r"\s(?=(?:while|whereas|but)\s+(?!(?:also|not|only|then|still|rather|in|on|under|at)\b"
    r"|\w+ing\b))"
    # "… said one soldier had been killed and that 11 militants died": two reported clauses.
    r"|\s(?=and\s+that\s)",
    re.IGNORECASE,
)
_BREAKS = [
    re.compile(r";\s+"),
    re.compile(r",\s+(?=(?:while|whereas|but|although|though)\s)", re.IGNORECASE),
    re.compile(r"\s(?=(?:after|before|since|when|until|because)\s)", re.IGNORECASE),
    re.compile(r",\s+"),
    # "and" joins clauses, but not two names ("the United States and Russia").
    re.compile(r"\s(?=and\s+(?![A-Z]))"),
]
_SUBORDINATOR = re.compile(r"\s(?:since|after|before|when|until|because)\s", re.IGNORECASE)
_SUBORDINATE = re.compile(r"^[\s,]*(?:since|after|before|when|until|because)\s", re.IGNORECASE)


@dataclass(frozen=True)
class Attribution:
    """Who a sentence says the claim comes from, and the reporting verb."""

    who: str
    who_start: int
    who_end: int
    verb: str
    verb_start: int
    verb_end: int

    @property
    def pronoun(self) -> bool:
        return self.who.lower() in PRONOUNS

    def covers(self, start: int, end: int) -> bool:
        return self.who_start <= start and end <= self.who_end


@dataclass
class Clause:
    """Part of a sentence that reports one event: its stretches of text, phrase and triggers."""

    spans: list[tuple[int, int]]
    phrase: DatePhrase | None
    triggers: list[Trigger] = field(default_factory=list)

    @property
    def start(self) -> int:
        return min(start for start, _ in self.spans)

    @property
    def end(self) -> int:
        return max(end for _, end in self.spans)

    def covers(self, start: int, end: int) -> bool:
        return any(s <= start and end <= e for s, e in self.spans)


def asides(text: str) -> list[tuple[int, int]]:
    """Stretches between dashes, in brackets, relative clauses and appositives."""
    return [match.span() for pattern in _ASIDES for match in pattern.finditer(text)]


def in_asides(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in spans)


def find_attribution(text: str, events: tuple[Trigger, ...] = ()) -> Attribution | None:
    """The source of the claim: "…, said Zakaria Malahifji of the Fastaqim group.", "according
    to militants and a monitoring group", "A commander … said", "he told reporters".

    events: the sentence's event words. A source read from the sentence's opening words that
    holds one as a verb in the past is no source but the report itself ("Syrian tanks shelled
    Hama Monday killing four civilians residents said", copy without commas): that reading is
    passed over ("the commander of forces fighting IS told a briefing" is a source).
    """
    # "… said in the WHO statement. - REUTERS": the agency's signature closes the copy, not
    # the sentence (the patterns read the source at the sentence's end).
    signature = _SIGNATURE.search(text)
    body = text[: signature.start()] if signature else text
    for pattern in _ATTRIBUTIONS:
        match = pattern.search(body)
        if match is None:
            continue
        who = match.group("who").strip()
        who = re.sub(r"[\s,]+$", "", who)
        if not who or len(who) > 200:
            continue
        who_start = match.start("who") + (
            len(match.group("who")) - len(match.group("who").lstrip())
        )
        if pattern is _OPENING_ATTRIBUTION and any(
            not event.unreal
            and who_start <= event.start
            and event.end <= who_start + len(who)
            and _PAST_VERB.search(event.text)
            for event in events
        ):
            continue
        verb = match.group("verb") if "verb" in match.groupdict() and match.group("verb") else ""
        verb_start = match.start("verb") if verb else match.start()
        verb_end = match.end("verb") if verb else match.start()
        return Attribution(
            who, who_start, who_start + len(who), verb or "according to", verb_start, verb_end
        )
    return None


def split_clauses(text: str, phrases: list[DatePhrase], triggers: list[Trigger]) -> list[Clause]:
    """One clause per event the sentence reports.

    A sentence first divides where it joins two reports (", while …", "; "), when each side
    names an event; then each part divides between its date phrases, at the best break between
    the words each phrase dates (every trigger goes with the nearest phrase). A clause opened by
    "since", "after", … ends at the next comma; what follows belongs to the main clause again.
    """
    parts = _strong_parts(text, triggers)
    clauses: list[Clause] = []
    for part_start, part_end in parts:
        own = [p for p in phrases if part_start <= p.start and p.end <= part_end]
        clauses.extend(_split_part(text, part_start, part_end, own, triggers))
    for clause in clauses:
        clause.triggers = [t for t in triggers if clause.covers(t.start, t.end)]
    return clauses


def _strong_parts(text: str, triggers: list[Trigger]) -> list[tuple[int, int]]:
    cuts = [0]
    for match in _STRONG_BREAKS.finditer(text):
        left = [t for t in triggers if cuts[-1] <= t.start < match.start()]
        right = [t for t in triggers if match.end() <= t.start]
        if left and right:
            cuts.append(match.start() if text[match.start()] == "," else match.end())
    cuts.append(len(text))
    return [(cuts[i], cuts[i + 1]) for i in range(len(cuts) - 1)]


def _split_part(
    text: str, start: int, end: int, phrases: list[DatePhrase], triggers: list[Trigger]
) -> list[Clause]:
    if len(phrases) <= 1:
        return _split_subordinate(text, start, end, phrases[0] if phrases else None, triggers)
    own_triggers = [t for t in triggers if start <= t.start and t.end <= end]
    nearest: dict[int, list[Trigger]] = {i: [] for i in range(len(phrases))}
    for trigger in own_triggers:
        index = min(range(len(phrases)), key=lambda i: _distance(phrases[i], trigger))
        nearest[index].append(trigger)
    cores = []
    for index, phrase in enumerate(phrases):
        items = [(phrase.start, phrase.end)] + [(t.start, t.end) for t in nearest[index]]
        cores.append((min(s for s, _ in items), max(e for _, e in items)))
    cuts = [start]
    for index in range(len(phrases) - 1):
        gap_start = max(cores[index][1], cuts[-1])
        gap_end = max(cores[index + 1][0], gap_start)
        cuts.append(_best_break(text, gap_start, gap_end, fallback=phrases[index + 1].start))
    cuts.append(end)
    clauses = [Clause([(cuts[i], cuts[i + 1])], phrases[i]) for i in range(len(phrases))]
    _return_tails(text, clauses)
    return clauses


def _split_subordinate(
    text: str, start: int, end: int, phrase: DatePhrase | None, triggers: list[Trigger]
) -> list[Clause]:
    """ "Officials have been meeting since Kerry traveled to Moscow in July with a proposal":
    a subordinate clause that names an event of its own is a clause of its own. It ends at
    the next comma; what follows goes back to the main clause. The date phrase stays in the
    clause it stands in; the other shares it (see reading)."""
    for match in _SUBORDINATOR.finditer(text, start, end):
        sub_start = match.start() + 1
        comma = text.find(",", match.end(), end)
        sub_end = comma if comma >= 0 else end
        main = [t for t in triggers if start <= t.start and t.end <= match.start() and not t.modal]
        sub = [t for t in triggers if sub_start <= t.start and t.end <= sub_end and not t.modal]
        if not main or not sub:
            continue
        in_sub = phrase is not None and sub_start <= phrase.start < sub_end
        main_spans = [(start, match.start())] + ([(sub_end, end)] if sub_end < end else [])
        return [
            Clause(main_spans, None if in_sub or phrase is None else phrase),
            Clause([(sub_start, sub_end)], phrase if in_sub else None),
        ]
    return [Clause([(start, end)], phrase)]


def _distance(phrase: DatePhrase, trigger: Trigger) -> int:
    if trigger.end <= phrase.start:
        return phrase.start - trigger.end
    if phrase.end <= trigger.start:
        return trigger.start - phrase.end
    return 0


def _best_break(text: str, start: int, end: int, *, fallback: int) -> int:
    gap = text[start:end]
    for pattern in _BREAKS:
        matches = list(pattern.finditer(gap))
        if matches:
            match = matches[-1]
            return start + (match.end() if match.group().startswith(";") else match.start())
    # No break between the two: the next clause starts at its first trigger or phrase.
    return end if end > start else fallback


def _return_tails(text: str, clauses: list[Clause]) -> None:
    """ "Turkey mounted an incursion since the conflict began in 2011, aimed at IS": the
    subordinate clause stops at its comma and "aimed at IS" goes back to the incursion."""
    for index in range(1, len(clauses)):
        clause = clauses[index]
        (start, end), phrase = clause.spans[0], clause.phrase
        if len(clause.spans) != 1 or not _SUBORDINATE.match(text[start:end]) or phrase is None:
            continue
        comma = text.find(",", phrase.end, end)
        if comma < 0:
            continue
        clause.spans = [(start, comma)]
        clauses[index - 1].spans.append((comma, end))
