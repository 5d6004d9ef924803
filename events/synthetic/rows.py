"""One batch of synthetic events with their actors, articles and sources, not yet written."""

import random
import uuid
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime

from events.dates import Precision, display_text
from events.models import (
    Article,
    Event,
    EventActor,
    EventSource,
)
from events.synthetic.distributions import (
    _AGENCIES,
    _ATTRIBUTIONS,
    _OUTLETS,
    _PRECISION_WORDS,
    _VERBS,
    EVENTS_PER_ARTICLE,
    FIRST_DAY,
    LAST_DAY,
    PRECISION_MIX,
    STATUS_MIX,
    Batch,
    Reference,
    _day_between,
    _pick,
    _weighted,
)
from events.text import fingerprint


def random_bounds(rng: random.Random) -> tuple[date, date, Precision, bool]:
    """Bounds consistent with a precision drawn from PRECISION_MIX."""
    precision = _weighted(rng, PRECISION_MIX)
    day = _day_between(rng, FIRST_DAY, LAST_DAY)
    if precision is Precision.DAY:
        return day, day, precision, False
    if precision is Precision.DAYS:
        return day, day + timedelta(days=rng.randint(1, 5)), precision, False
    if precision is Precision.WEEK:
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=6), precision, False
    if precision is Precision.MONTH:
        first = day.replace(day=1)
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        return first, last, precision, rng.random() < 0.1
    return date(day.year, 1, 1), date(day.year, 12, 31), precision, rng.random() < 0.1


def random_fatalities(rng: random.Random) -> tuple[int | None, int | None, int | None]:
    """(low, best, high): mostly unknown, else a best figure, sometimes a range around it."""
    roll = rng.random()
    if roll < 0.7:
        return None, None, None
    best = int(rng.paretovariate(1.3)) - 1
    if roll < 0.85:
        return None, best, None
    low, high = max(0, best - rng.randint(0, 5)), best + rng.randint(0, 20)
    if roll < 0.95:
        return low, best, high
    return low, None, high


def _verb(type_name: str) -> str:
    return next((verb for key, verb in _VERBS if key in type_name), "confronted")


def generate_batch(rng: random.Random, ref: Reference, count: int, *, token: str) -> Batch:
    """count unsaved events with their actor links, sources and the articles they cite.

    token makes every article text unique (Article.sha256 is unique), so use a fresh one per
    batch. No database access: the rows are saved by write_batch().
    """
    events: list[Event] = []
    links: list[EventActor] = []
    sentences: list[tuple[str, str, str]] = []  # (excerpt, date phrase, wire wording)
    for _ in range(count):
        earliest, latest, precision, approximate = random_bounds(rng)
        low, best, high = random_fatalities(rng)
        type_id, type_name = rng.choice(ref.types)
        place_id, place_name, parent_name = ref.places[_pick(rng, ref.place_weights)]
        chosen: list[int] = []
        for _ in range(rng.choices((1, 2, 3), (30, 55, 15))[0]):
            index = _pick(rng, ref.actor_weights)
            if index not in chosen:
                chosen.append(index)
        names = [ref.actors[i][1] for i in chosen]
        roles = _roles(rng, len(chosen))
        status = _weighted(rng, STATUS_MIX)
        display = display_text(earliest, latest, precision, approximate=approximate)
        verb = _verb(type_name)
        where = f"{place_name}, {parent_name}" if parent_name else place_name
        if len(names) == 1:
            action = f"{names[0]} was involved in {type_name.split(' › ')[-1]}"
        else:
            action = f"{names[0]} {verb} {' and '.join(names[1:])}"
        event = Event(
            uid=uuid.UUID(int=rng.getrandbits(128), version=4),
            headline=f"{action} in {place_name}"[:300],
            summary=f"{action} in {where}.",
            type_id=type_id,
            location_id=place_id,
            date_earliest=earliest,
            date_latest=latest,
            date_precision=precision.value,
            date_approximate=approximate,
            date_display=display,
            fatalities_low=low,
            fatalities_best=best,
            fatalities_high=high,
            status=status,
            published_at=datetime.combine(latest + timedelta(days=2), dtime(12), tzinfo=UTC)
            if status in {"published", "retracted"}
            else None,
        )
        events.append(event)
        for i, role in zip(chosen, roles, strict=False):
            links.append(
                # The bounds' copy on the link is the database's (events.link_bounds).
                EventActor(event=event, actor_id=ref.actors[i][0], role=role)
            )
        phrase = f"{_PRECISION_WORDS[precision]} {display}"
        toll = ""
        if best:
            toll = f", killing {best}"
        elif high:
            toll = f", killing between {low} and {high}"
        sentences.append(
            (
                f"{phrase}, {action} in {where}{toll}.",
                phrase,
                f"Reports said {action} near {place_name} ({display}).",
            )
        )
    articles, sources = _articles(rng, events, sentences, token=token)
    return Batch(articles=articles, events=events, actor_links=links, sources=sources)


def _roles(rng: random.Random, n: int) -> list[str]:
    if n == 1:
        return [rng.choice(("perpetrator", "participant", "side_a"))]
    if n == 2:
        return list(rng.choice((("side_a", "side_b"), ("perpetrator", "target"))))
    return ["side_a", "side_b", rng.choice(("associated_a", "associated_b", "mediator"))]


def _articles(
    rng: random.Random, events: list[Event], sentences: list[tuple[str, str, str]], *, token: str
) -> tuple[list[Article], list[EventSource]]:
    # Nearby dates share an article, as a weekly round-up would; a third get a wire report too.
    order = sorted(range(len(events)), key=lambda i: events[i].date_earliest)
    articles: list[Article] = []
    sources: list[EventSource] = []
    wire = [i for i in order if rng.random() < 0.3]
    for kind, indices in (("report", order), ("wire", wire)):
        for start in range(0, len(indices), EVENTS_PER_ARTICLE):
            group = indices[start : start + EVENTS_PER_ARTICLE]
            outlet = rng.choice(_OUTLETS)
            text = f"{outlet} ({kind} {token}-{len(articles)}) —\n\n"
            pending: list[EventSource] = []
            for i in group:
                excerpt, phrase, wording = sentences[i]
                if kind == "wire":
                    excerpt, phrase = wording, ""
                offset = len(text)
                text += excerpt + "\n\n"
                pending.append(
                    EventSource(
                        event=events[i],
                        excerpt=excerpt,
                        excerpt_start=offset,
                        excerpt_end=offset + len(excerpt),
                        date_phrase=phrase,
                        attributed_to=rng.choice(_ATTRIBUTIONS),
                    )
                )
            text += f"Ref. {token}-{len(articles)}."
            published = max(events[i].date_latest for i in group) + timedelta(days=1)
            article = Article(
                title=f"{kind.capitalize()}: {len(group)} incidents to {published:%d %b %Y}",
                outlet=outlet,
                original_agency=rng.choice(_AGENCIES),
                publication_date=published,
                text=text,
                sha256=fingerprint(text),
            )
            for source in pending:
                source.article = article
            articles.append(article)
            sources.extend(pending)
    return articles, sources


# Writing ----------------------------------------------------------------------------------
