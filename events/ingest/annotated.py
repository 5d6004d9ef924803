"""Measure ingestion against hand-annotated articles: happenings found, dated, placed, cast."""

# Definitions (docs/ingestion.md says the same, for readers of the figures):
# - A proposal *matches* a happening when one of its excerpts overlaps one of the happening's
#   excerpts (character ranges in the article text). A happening is judged by its best match.
# - Recall: happenings with a matching proposal; "dated": ... whose bounds contain the
#   happening's bounds (earliest ≤ its earliest and latest ≥ its latest).
# - Precision: proposals that match a happening; "dated": ... whose bounds contain it.
# - Actors right: matched happenings whose proposal names every annotated actor in a role of
#   the right side, and no actor that is not annotated or stands on the wrong side. Names match
#   through the annotation's aliases and the stored actor's aliases, folded, a distinguishing
#   bracket left out ("Civilians (Syria)" is "civilians"); a state's government and armed forces
#   are also known by the state's name ("Israel" for the Israeli forces that struck). Reported
#   beside it: the same among happenings whose annotated actors the database all holds (a
#   proposal names only stored actors; the others are listed as names to add).
# - Places right: the proposal's place is the annotated place (names folded, transliterations
#   alike); or a correct ancestor: it is one of the annotated place's ancestors.
# - Types: the proposal's type slug is the annotated one (and, looser, under the same parent).
# - Fatalities: among matched happenings with a death figure, proposals with the same low, best
#   and high.
# - After publication: proposals not planned whose earliest day is after the publication date.
# - Verbatim: proposal excerpts equal to the article text at their offsets.

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from events.ingest.spelling import plain_key, spelling_key
from events.text import fold

# Words places carry in one source and not another ("Idlib province", "Aleppo Governorate").
# "Civilians (Syria)", "Military Forces of Syria (2000-)": a bracket that only tells stored
# names apart; a text and its annotation say "civilians".
_QUALIFIER = re.compile(r"\s*\([^()]*\)$")
_GENERIC_PLACE_WORDS = re.compile(
    r"\b(?:governorate|province|district|city|town|village|region|countryside|area|"
    r"sub-?district|municipality|camp)\b"
)
# Which side of an event a role puts an actor on, for comparing roles.
_SIDES = {
    "perpetrator": "one",
    "side_a": "one",
    "associated_a": "one",
    "target": "other",
    "side_b": "other",
    "associated_b": "other",
    "participant": "with",
    "supporter": "with",
    "mediator": "with",
    "speaker": "speaker",
}
# Roles whose two sides are interchangeable (a battle's side A and side B).
_SYMMETRIC = {"side_a", "side_b", "associated_a", "associated_b", "participant"}


@dataclass(frozen=True)
class AnnotatedActor:
    names: frozenset[str]
    role: str
    # The annotation's own name, for listing misses.
    label: str = ""


@dataclass(frozen=True)
class Happening:
    key: str
    article: str
    spans: tuple[tuple[int, int], ...]
    type: str
    earliest: date
    latest: date
    planned: bool
    background: bool
    place: str | None
    ancestors: tuple[str, ...]
    actors: tuple[AnnotatedActor, ...]
    # (low, best, high) deaths; all None when the text gives no number.
    fatalities: tuple[int | None, int | None, int | None] = (None, None, None)


@dataclass(frozen=True)
class Annotated:
    """One annotated article."""

    key: str
    title: str
    outlet: str
    publication_date: date
    language: str
    text: str
    happenings: tuple[Happening, ...]
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class Proposed:
    """One proposal, reduced to what the evaluation compares."""

    article: str
    spans: tuple[tuple[int, int], ...]
    earliest: date
    latest: date
    planned: bool
    type: str
    type_parent: str
    place_names: frozenset[str]
    actors: tuple[tuple[frozenset[str], str], ...]
    verbatim: bool
    fatalities: tuple[int | None, int | None, int | None] = (None, None, None)

    def matches(self, happening: Happening) -> bool:
        return self.article == happening.article and any(
            s1 < e2 and s2 < e1 for s1, e1 in self.spans for s2, e2 in happening.spans
        )

    def contains(self, happening: Happening) -> bool:
        return self.earliest <= happening.earliest and happening.latest <= self.latest


def load_set(folder: Path) -> list[Annotated]:
    """Every *.yaml article of folder, its excerpts located in its text."""
    return [load_article(path) for path in sorted(folder.glob("*.yaml"))]


def load_article(path: Path) -> Annotated:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    text = data["text"]
    key = str(data.get("id") or path.stem)
    problems = []
    happenings = []
    for item in data.get("happenings") or []:
        spans = []
        for excerpt in item.get("excerpts") or []:
            start = text.find(excerpt)
            if start < 0:
                problems.append(f"{key} {item.get('key')}: excerpt not in the text: {excerpt!r}")
                continue
            spans.append((start, start + len(excerpt)))
        actors = tuple(
            AnnotatedActor(
                frozenset(name_keys([actor["name"], *(actor.get("aliases") or [])])),
                actor.get("role") or "participant",
                str(actor["name"]),
            )
            for actor in item.get("actors") or []
        )
        happenings.append(
            Happening(
                key=f"{key}/{item.get('key')}",
                article=key,
                spans=tuple(spans),
                type=item.get("type") or "",
                earliest=_day(item["earliest"]),
                latest=_day(item["latest"]),
                planned=bool(item.get("planned")),
                background=bool(item.get("background")),
                place=item.get("place"),
                ancestors=tuple(item.get("place_ancestors") or []),
                actors=actors,
                fatalities=_fatalities(item.get("fatalities") or {}),
            )
        )
    return Annotated(
        key=key,
        title=data.get("title") or "",
        outlet=data.get("outlet") or "",
        publication_date=_day(data["publication_date"]),
        language=data.get("language") or "",
        text=text,
        happenings=tuple(happenings),
        problems=tuple(problems),
    )


def _fatalities(figures: dict) -> tuple[int | None, int | None, int | None]:
    return (figures.get("low"), figures.get("best"), figures.get("high"))


def _day(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def name_keys(names) -> set[str]:
    """Folded names (also without hyphens, apostrophes and a leading article) and their
    transliteration keys, generic place words left out."""
    keys = set()
    for name in names:
        if not name:
            continue
        plain = fold(name)
        unqualified = _QUALIFIER.sub("", plain)
        bare = " ".join(_GENERIC_PLACE_WORDS.sub(" ", unqualified).split())
        for variant in {plain, unqualified, bare} - {""}:
            keys |= {variant, plain_key(variant)} - {""}
            spelled = spelling_key(variant)
            if spelled:
                keys.add(f"~{spelled}")
    return keys


@dataclass
class Rate:
    hits: int = 0
    total: int = 0

    def add(self, hit: bool) -> None:
        self.hits += bool(hit)
        self.total += 1

    @property
    def rate(self) -> float:
        return self.hits / self.total if self.total else 0.0

    def __str__(self) -> str:
        return f"{self.rate:6.1%} ({self.hits}/{self.total})"


@dataclass
class Scores:
    """The figures of one set."""

    articles: int = 0
    happenings: int = 0
    proposals: int = 0
    recall: Rate = field(default_factory=Rate)
    recall_dated: Rate = field(default_factory=Rate)
    recall_foreground: Rate = field(default_factory=Rate)
    precision: Rate = field(default_factory=Rate)
    precision_dated: Rate = field(default_factory=Rate)
    actors_right: Rate = field(default_factory=Rate)
    # ... among matched happenings whose annotated actors the database all holds.
    actors_right_known: Rate = field(default_factory=Rate)
    actor_recall: Rate = field(default_factory=Rate)
    actor_precision: Rate = field(default_factory=Rate)
    places_right: Rate = field(default_factory=Rate)
    places_or_ancestor: Rate = field(default_factory=Rate)
    types_exact: Rate = field(default_factory=Rate)
    types_parent: Rate = field(default_factory=Rate)
    # Matched happenings with a death figure whose proposal has the same low, best and high.
    fatalities: Rate = field(default_factory=Rate)
    after_publication: int = 0
    verbatim: Rate = field(default_factory=Rate)
    language: Rate = field(default_factory=Rate)
    misses: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)


def score(
    articles: list[Annotated],
    proposals: list[Proposed],
    *,
    publication: dict,
    known_actor_names: frozenset[str] = frozenset(),
) -> Scores:
    """Compare proposals with the annotated happenings of articles (definitions above).
    known_actor_names: the name keys of the actors the database holds, to tell the happenings
    whose actors ingestion could name at all."""
    scores = Scores(articles=len(articles), proposals=len(proposals))
    happenings = [h for article in articles for h in article.happenings]
    scores.happenings = len(happenings)
    for happening in happenings:
        _judge_happening(scores, happening, proposals, known_actor_names)
    for proposal in proposals:
        matched = [h for h in happenings if proposal.matches(h)]
        scores.precision.add(bool(matched))
        scores.precision_dated.add(any(proposal.contains(h) for h in matched))
        scores.verbatim.add(proposal.verbatim)
        if not proposal.planned and proposal.earliest > publication[proposal.article]:
            scores.after_publication += 1
        if not matched:
            scores.spurious.append(f"{proposal.article} {proposal.spans[0]}: {proposal.type}")
    return scores


def _judge_happening(
    scores: Scores, happening: Happening, proposals: list[Proposed], known: frozenset[str]
) -> None:
    matching = [p for p in proposals if p.matches(happening)]
    best = max(matching, key=lambda p: _fit(happening, p), default=None)
    scores.recall.add(best is not None)
    scores.recall_dated.add(best is not None and best.contains(happening))
    if not happening.background:
        scores.recall_foreground.add(best is not None and best.contains(happening))
    if best is None:
        scores.misses.append(f"{happening.key} ({happening.type})")
        return
    if not best.contains(happening):
        scores.wrong.append(
            f"{happening.key}: date {best.earliest}..{best.latest}, "
            f"wanted {happening.earliest}..{happening.latest}"
        )
    right, found, proposed, _swap = _actors(happening, best)
    scores.actors_right.add(right)
    if all(actor.names & known for actor in happening.actors):
        scores.actors_right_known.add(right)
    scores.actor_recall.hits += found
    scores.actor_recall.total += len(happening.actors)
    scores.actor_precision.hits += proposed[0]
    scores.actor_precision.total += proposed[1]
    if not right:
        scores.wrong.append(f"{happening.key}: actors {_cast(best)}")
        scores.wrong.append(f"{happening.key}:   {_actor_diff(happening, best)}")
    place, ancestor = _place(happening, best)
    scores.places_right.add(place)
    scores.places_or_ancestor.add(place or ancestor)
    if not (place or ancestor):
        scores.wrong.append(f"{happening.key}: place {sorted(best.place_names)[:2]}")
    if any(value is not None for value in happening.fatalities):
        scores.fatalities.add(best.fatalities == happening.fatalities)
    scores.types_exact.add(best.type == happening.type)
    scores.types_parent.add(happening.type in (best.type, best.type_parent))


def _fit(happening: Happening, proposal: Proposed) -> tuple[bool, bool, int, int]:
    """The proposal that gets most of the happening right: bounds containing its first; then
    one of its type (a sentence may propose a strike and the statement reporting it: a
    statement is judged by the statement, the strike by the strike); then how many of actors,
    place (or an ancestor), type and deaths are right; then most actors found. (Bounds and
    actors alone would judge a happening by one proposal and its place by a worse one than the
    same sentence offers.)"""
    right, found, _proposed, _swap = _actors(happening, proposal)
    place, ancestor = _place(happening, proposal)
    same_type = happening.type in (proposal.type, proposal.type_parent)
    deaths = any(v is not None for v in happening.fatalities) and (
        proposal.fatalities == happening.fatalities
    )
    aspects = right + (place or ancestor) + (proposal.type == happening.type) + deaths
    return proposal.contains(happening), same_type, aspects, found


def _cast(proposal: Proposed) -> str:
    return ", ".join(f"{sorted(n)[0]} ({role})" for n, role in proposal.actors) or "none"


def _actor_diff(happening: Happening, proposal: Proposed) -> str:
    """How the proposal's cast differs from the annotation's: annotated actors it lacks, those
    it names on the wrong side, and actors the annotation does not have ("lacks civilians
    (target); side Syrian army (perpetrator, got target); extra SOHR (target)")."""
    swap = _actors(happening, proposal)[3]
    lacks, sides = [], []
    for a in happening.actors:
        if any(n & a.names and _same_side(a.role, r, swap) for n, r in proposal.actors):
            continue
        got = [r for n, r in proposal.actors if n & a.names]
        if got:
            sides.append(f"{a.label} ({a.role}, got {'/'.join(got)})")
        else:
            lacks.append(f"{a.label} ({a.role})")
    extra = [
        f"{sorted(names)[0]} ({role})"
        for names, role in proposal.actors
        if not any(names & a.names for a in happening.actors)
    ]
    parts = [("lacks", lacks), ("side", sides), ("extra", extra)]
    return "; ".join(f"{label} {', '.join(items)}" for label, items in parts if items)


def _actors(happening: Happening, proposal: Proposed) -> tuple[bool, int, tuple[int, int], bool]:
    """(all right, annotated actors found in a right role, (proposed actors right, proposed),
    whether the battle's sides were swapped to get there)."""
    best = (False, 0, (0, len(proposal.actors)), False)
    for swap in (False, True):
        if swap and not all(a.role in _SYMMETRIC for a in happening.actors):
            continue
        found = sum(
            any(
                names & a.names and _same_side(a.role, role, swap)
                for names, role in proposal.actors
            )
            for a in happening.actors
        )
        good = sum(
            any(names & a.names and _same_side(a.role, role, swap) for a in happening.actors)
            for names, role in proposal.actors
        )
        right = found == len(happening.actors) and good == len(proposal.actors)
        best = max(best, (right, found, (good, len(proposal.actors)), swap))
    return best


def _same_side(annotated: str, proposed: str, swap: bool) -> bool:
    """Whether two roles put an actor on the same side (a battle's sides may be swapped)."""
    if "participant" in (annotated, proposed) and {annotated, proposed} <= _SYMMETRIC:
        return True
    want, got = _SIDES.get(annotated, "with"), _SIDES.get(proposed, "with")
    if swap and want in ("one", "other"):
        want = "other" if want == "one" else "one"
    return want == got


def _place(happening: Happening, proposal: Proposed) -> tuple[bool, bool]:
    """(the place is right, or it is a correct ancestor of the annotated place)."""
    if happening.place is None and not happening.ancestors:
        return not proposal.place_names, False
    if not proposal.place_names:
        return False, False
    right = happening.place is not None and bool(
        proposal.place_names & name_keys([happening.place])
    )
    ancestor = bool(proposal.place_names & name_keys(happening.ancestors))
    return right, ancestor
