"""Compare ingestion's proposals with curated seed events and with hand-annotated article sets."""

# A proposal and a curated event are *aligned* when one of the proposal's excerpts overlaps one
# of the curated event's excerpts in the same article. Each curated event is judged by its best
# aligned proposal (same bounds first, then same place, then most actors in common):
# - recall of dates: curated events whose best proposal has the same earliest and latest day;
# - recall of places: ... the same place (both without a place counts as the same);
# - recall of actors: curated (event, actor) pairs found among the best proposal's actors;
# - precision: proposals whose bounds (place; each actor) equal those of an aligned curated
#   event.

import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml
from django.db import transaction

from events.ingest.annotated import Annotated, Proposed, Rate, Scores, load_set, name_keys, score
from events.ingest.drafts import ProposalDraft
from events.ingest.gazetteer import (
    GOVERNMENT_KINDS,
    STATE_FORCE_KINDS,
    ActorEntry,
    Gazetteer,
)
from events.ingest.language import detect_language
from events.ingest.pipeline import ingest_article
from events.ingest.reading import read_article
from events.models import Article, Event, EventType
from events.seeding import article_text, load_seeds

REPRODUCE = "python bench/ingest_eval.py"


@dataclass(frozen=True)
class Judged:
    """One event, curated or proposed, reduced to what the evaluation compares."""

    key: str
    article: str
    spans: tuple[tuple[int, int], ...]
    bounds: tuple[date, date]
    place: str | None
    actors: frozenset[str]

    def aligned(self, other: "Judged") -> bool:
        return self.article == other.article and any(
            s1 < e2 and s2 < e1 for s1, e1 in self.spans for s2, e2 in other.spans
        )


# A share of hits, printed as "86.2% (25/29)".
Score = Rate


@dataclass
class Evaluation:
    curated: int
    proposed: int
    date_recall: Score = field(default_factory=Score)
    place_recall: Score = field(default_factory=Score)
    date_and_place_recall: Score = field(default_factory=Score)
    actor_recall: Score = field(default_factory=Score)
    date_precision: Score = field(default_factory=Score)
    place_precision: Score = field(default_factory=Score)
    actor_precision: Score = field(default_factory=Score)
    missed_dates: list[str] = field(default_factory=list)
    missed_places: list[str] = field(default_factory=list)
    missed_actors: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [
            f"Ingestion of the seed articles: {self.curated} curated events, "
            f"{self.proposed} proposals.",
            f"{'':24}{'precision':>18}  {'recall':>18}",
            f"{'event dates (bounds)':24}{self.date_precision!s:>18}  {self.date_recall!s:>18}",
            f"{'places':24}{self.place_precision!s:>18}  {self.place_recall!s:>18}",
            f"{'actors':24}{self.actor_precision!s:>18}  {self.actor_recall!s:>18}",
            f"{'dates and places':24}{'':>18}  {self.date_and_place_recall!s:>18}",
            "Curated events whose bounds no aligned proposal has:",
            *(f"  {line}" for line in self.missed_dates),
            "Curated events whose place no aligned proposal has:",
            *(f"  {line}" for line in self.missed_places),
            "Curated actors the best aligned proposal lacks:",
            *(f"  {line}" for line in self.missed_actors),
            f"Reproduce: {REPRODUCE}",
        ]


def load_gazetteer_only(fixtures_dir: Path, *, base_dir: Path) -> None:
    """Load the seed actors, places and types, and nothing ingestion could copy from."""
    with transaction.atomic():
        load_seeds(fixtures_dir, base_dir=base_dir)
        # Deleting the whole table at once: no tombstones are due, nobody has copied them.
        Event.objects.all().delete()
        Article.objects.all().delete()


def evaluate_seeds(fixtures_dir: Path, *, base_dir: Path) -> Evaluation:
    """Re-ingest the seed articles into a database holding only the seed actors, places and
    types, and compare the proposals with fixtures/events.yaml."""
    load_gazetteer_only(fixtures_dir, base_dir=base_dir)
    records = yaml.safe_load((fixtures_dir / "articles.yaml").read_text(encoding="utf-8"))
    gazetteer = Gazetteer.from_database()
    texts: dict[str, str] = {}
    proposals: list[Judged] = []
    for record in records:
        text = article_text(base_dir / record["file"])
        texts[record["key"]] = text
        result = ingest_article(
            text=text,
            publication_date=record["publication_date"],
            title=record["title"],
            outlet=record["outlet"],
            original_agency=record.get("original_agency") or "",
            new_outlet=True,
            gazetteer=gazetteer,
        )
        for stored in result.proposals:
            event = stored.event
            proposals.append(
                Judged(
                    key=f"#{event.pk}",
                    article=record["key"],
                    spans=tuple(
                        (s.excerpt_start, s.excerpt_end) for s in event.sources.order_by("id")
                    ),
                    bounds=(event.date_earliest, event.date_latest),
                    place=event.location.slug if event.location_id else None,
                    actors=frozenset(link.actor.slug for link in event.actor_links.all()),
                )
            )
    curated = _curated(fixtures_dir, texts)
    return compare(curated, proposals)


def _curated(fixtures_dir: Path, texts: dict[str, str]) -> list[Judged]:
    records = yaml.safe_load((fixtures_dir / "events.yaml").read_text(encoding="utf-8"))
    judged = []
    for record in records:
        by_article: dict[str, list[tuple[int, int]]] = {}
        for source in record.get("sources") or []:
            text = texts[source["article"]]
            start = text.find(source["excerpt"])
            by_article.setdefault(source["article"], []).append(
                (start, start + len(source["excerpt"]))
            )
        # An event reported by both articles is judged once, against each article's proposals.
        for article, spans in by_article.items():
            judged.append(
                Judged(
                    key=record["key"],
                    article=article,
                    spans=tuple(spans),
                    bounds=(record["date_earliest"], record["date_latest"]),
                    place=record.get("location"),
                    actors=frozenset(link["actor"] for link in record.get("actors") or []),
                )
            )
    return judged


def compare(curated: list[Judged], proposals: list[Judged]) -> Evaluation:
    keys = sorted({c.key for c in curated})
    result = Evaluation(curated=len(keys), proposed=len(proposals))
    for key in keys:
        views = [c for c in curated if c.key == key]
        candidates = [(c, p) for c in views for p in proposals if c.aligned(p)]
        best = max(candidates, key=lambda pair: _fit(*pair), default=None)
        same_bounds = best is not None and best[1].bounds == best[0].bounds
        same_place = best is not None and best[1].place == best[0].place
        result.date_recall.total += 1
        result.place_recall.total += 1
        result.date_and_place_recall.total += 1
        result.date_recall.hits += same_bounds
        result.place_recall.hits += same_place
        result.date_and_place_recall.hits += same_bounds and same_place
        result.actor_recall.total += len(views[0].actors)
        found_actors = best[1].actors if best is not None else frozenset()
        result.actor_recall.hits += len(views[0].actors & found_actors)
        if views[0].actors - found_actors:
            missing = ", ".join(sorted(views[0].actors - found_actors))
            result.missed_actors.append(f"{key}: {missing}")
        if not same_bounds:
            found = f"{best[1].bounds[0]}..{best[1].bounds[1]}" if best else "no aligned proposal"
            want = f"{views[0].bounds[0]}..{views[0].bounds[1]}"
            result.missed_dates.append(f"{key}: wanted {want}, best {found}")
        if not same_place:
            found = (best[1].place or "no place") if best else "no aligned proposal"
            result.missed_places.append(f"{key}: wanted {views[0].place}, best {found}")
    for proposal in proposals:
        aligned = [c for c in curated if c.aligned(proposal)]
        result.date_precision.total += 1
        result.date_precision.hits += any(c.bounds == proposal.bounds for c in aligned)
        if proposal.place is not None:
            result.place_precision.total += 1
            result.place_precision.hits += any(c.place == proposal.place for c in aligned)
        result.actor_precision.total += len(proposal.actors)
        result.actor_precision.hits += len(
            {a for a in proposal.actors if any(a in c.actors for c in aligned)}
        )
    return result


def _fit(curated: Judged, proposal: Judged) -> tuple[bool, bool, int]:
    return (
        proposal.bounds == curated.bounds,
        proposal.place == curated.place,
        len(proposal.actors & curated.actors),
    )


@dataclass
class SetEvaluation:
    """An annotated set's figures, with the time ingestion took."""

    scores: Scores
    problems: list[str]
    words: int
    seconds: float
    # Seconds per 1,000 words of each article, slowest first: on the clock, and of this
    # process's CPU (what the article costs when other processes share the cores).
    per_thousand_words: list[float]
    cpu_per_thousand_words: list[float]


def evaluate_set(folder: Path) -> SetEvaluation:
    """Ingest every annotated article of folder into the database as it is (the seed actors,
    places and types) and score the proposals against the annotated happenings."""
    articles = load_set(folder)
    gazetteer = Gazetteer.from_database()
    # Indexes and the language model are loaded once per process (a country's towns when
    # first named): load them before timing, as a running server has.
    for article in articles:
        detect_language(article.text)
        read_article(article.text, publication_date=article.publication_date, gazetteer=gazetteer)
    if articles:
        # One ingestion undone, so that storing's first-use costs (query compilation, the
        # history models' set-up) are paid before timing too.
        with transaction.atomic():
            _ingest(articles[0], gazetteer)
            transaction.set_rollback(True)
    parents = dict(EventType.objects.values_list("slug", "parent__slug"))
    proposals: list[Proposed] = []
    languages = Rate()
    timings = []
    cpu_timings = []
    for article in articles:
        started, cpu_started = time.perf_counter(), time.process_time()
        result = _ingest(article, gazetteer)
        elapsed = time.perf_counter() - started
        words = len(article.text.split())
        timings.append((elapsed, words))
        cpu_timings.append((time.process_time() - cpu_started, words))
        languages.add(result.article.language == (article.language or "en"))
        stored_text = result.article.text
        for stored in result.proposals:
            proposals.append(_proposed(article, stored.draft, stored_text, gazetteer, parents))
    publication = {article.key: article.publication_date for article in articles}
    known = frozenset(
        key
        for actor in gazetteer.actors.values()
        for key in name_keys(_names_of_actor(gazetteer, actor))
    )
    scores = score(articles, proposals, publication=publication, known_actor_names=known)
    scores.language = languages
    return SetEvaluation(
        scores=scores,
        problems=[problem for article in articles for problem in article.problems],
        words=sum(words for _, words in timings),
        seconds=sum(elapsed for elapsed, _ in timings),
        per_thousand_words=_per_thousand_words(timings),
        cpu_per_thousand_words=_per_thousand_words(cpu_timings),
    )


def _ingest(article: Annotated, gazetteer: Gazetteer):
    return ingest_article(
        text=article.text,
        publication_date=article.publication_date,
        title=article.title,
        outlet=article.outlet or "unknown outlet",
        new_outlet=True,
        gazetteer=gazetteer,
    )


def _per_thousand_words(timings: list[tuple[float, int]]) -> list[float]:
    """Seconds per 1,000 words of each article, slowest first."""
    return sorted((elapsed * 1000 / max(words, 1) for elapsed, words in timings), reverse=True)


def _names_of_actor(gazetteer: Gazetteer, actor: ActorEntry) -> list[str]:
    """An actor's names; a state's government and armed forces also go by the state's name
    ("Russia said", "Israel struck"), as coders name them."""
    names = [actor.name, *actor.aliases, *gazetteer.names_of_actor(actor)]
    if actor.kind in (*GOVERNMENT_KINDS, *STATE_FORCE_KINDS) and actor.country_id:
        country = gazetteer.places.get(actor.country_id)
        if country is not None:
            names += [country.name, *gazetteer.names_of_place(country)]
    return names


def _proposed(
    article: Annotated, draft: ProposalDraft, stored_text: str, gazetteer: Gazetteer, parents
) -> Proposed:
    place = draft.place
    place_names = (
        name_keys([place.name, *place.aliases, *gazetteer.names_of_place(place)])
        if place
        else set()
    )
    actors = tuple(
        (frozenset(name_keys(_names_of_actor(gazetteer, actor))), role)
        for actor, role in draft.actors
    )
    # The stored text is the annotated text stripped: offsets shift by what was stripped.
    shift = article.text.find(stored_text) if stored_text else 0
    return Proposed(
        article=article.key,
        spans=tuple((s.start + shift, s.end + shift) for s in draft.sources),
        earliest=draft.fuzzy.earliest,
        latest=draft.fuzzy.latest,
        planned=draft.planned,
        type=draft.type_slug,
        type_parent=parents.get(draft.type_slug) or "",
        place_names=frozenset(place_names),
        actors=actors,
        verbatim=all(stored_text[s.start : s.end] == s.excerpt for s in draft.sources),
        fatalities=(draft.fatalities.low, draft.fatalities.best, draft.fatalities.high),
    )
