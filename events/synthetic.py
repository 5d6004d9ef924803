"""Synthetic data at scale: a seeded generator of realistic rows and the bulk writer behind it."""

import itertools
import random
import sys
import time
import uuid
from bisect import bisect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from operator import attrgetter

from django.db import connection, models, transaction
from django.db.models import Max, Model, OuterRef, Subquery, Value
from django.db.models.expressions import DatabaseDefault
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from events import triggers
from events.dates import Precision, display_text
from events.models import (
    Actor,
    ActorAlias,
    ActorMembership,
    Article,
    Event,
    EventActor,
    EventSource,
    EventType,
    Location,
    LocationAlias,
)
from events.text import fingerprint, fold

# Every generated reference row carries this slug prefix, so a later run finds and reuses it.
PREFIX = "syn-"
BATCH_SIZE = 5_000
EVENTS_PER_ARTICLE = 6
FIRST_DAY = date(2011, 3, 15)
LAST_DAY = date(2024, 12, 31)

# Share of events per value: the real mix of a curated conflict dataset, roughly.
PRECISION_MIX = {
    Precision.DAY: 70,
    Precision.DAYS: 10,
    Precision.WEEK: 7,
    Precision.MONTH: 8,
    Precision.YEAR: 5,
}
STATUS_MIX = {"published": 85, "review": 6, "draft": 6, "retracted": 3}
ZIPF_EXPONENT = 1.1

_PLACE_PREFIXES = (
    "Tal", "Kafr", "Deir", "Ain", "Jisr", "Khan", "Beit", "Ras", "Bir", "Umm", "Abu", "Tell",
    "Qasr", "Marj", "Wadi", "Hawsh", "Mazraat", "Bab",
)  # fmt: skip
_PLACE_STEMS = (
    "Hamra", "Sabil", "Nour", "Zahra", "Rumman", "Shams", "Qamar", "Tin", "Jaz", "Salam",
    "Hadid", "Maleh", "Abyad", "Aswad", "Kabir", "Saghir", "Zaytun", "Ghazal", "Harir",
    "Mansura", "Tuffah", "Basal", "Sukkar", "Jabal", "Nahr", "Hajar", "Ward", "Loz",
)  # fmt: skip
_PLACE_QUARTERS = ("", "", "", " al-Sharqi", " al-Gharbi", " al-Shamali", " al-Janubi")
_COUNTRIES = (
    ("Arvania", "ARV", 35.5, 38.5),
    ("Qadesh", "QDS", 33.0, 41.0),
    ("Mirun", "MRN", 31.0, 36.5),
)
_ACTOR_ADJECTIVES = (
    "Free", "Northern", "Southern", "Eastern", "Western", "Revolutionary", "Islamic", "Popular",
    "National", "United", "Independent", "Martyrs'", "Tribal", "Democratic",
)  # fmt: skip
_ACTOR_NOUNS = (
    "Dawn", "Banner", "Shield", "Sword", "Lions", "Eagles", "Falcons", "Victory", "Liberation",
    "Resistance", "Unity", "Mountain", "Desert", "River",
)  # fmt: skip
_ACTOR_UNITS = (
    "Brigade", "Battalion", "Front", "Movement", "Army", "Legion", "Regiment", "Corps",
    "Division", "Gathering",
)  # fmt: skip
_ACTOR_KINDS = (
    ("rebel_group", 45),
    ("political_militia", 15),
    ("identity_militia", 15),
    ("external", 5),
)
_OUTLETS = ("Levant Wire", "Syn Press Agency", "Frontline Daily", "Al-Minbar", "Crossroads News")
_AGENCIES = ("", "", "Reuters", "AFP", "AP")
_ATTRIBUTIONS = ("", "", "local sources", "a monitoring group", "a military spokesman")
# Used when the database has no event types at all: ACLED's types with a few sub-types each.
_ACLED_TYPES = {
    "Battles": ("Armed clash", "Government regains territory", "Non-state actor takes territory"),
    "Explosions/Remote violence": ("Shelling/artillery/missile attack", "Air/drone strike"),
    "Violence against civilians": ("Attack", "Abduction/forced disappearance"),
    "Protests": ("Peaceful protest", "Protest with intervention"),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Strategic developments": ("Agreement", "Arrests", "Change to group/activity"),
}
_VERBS = (
    ("clash", "clashed with"),
    ("battle", "fought"),
    ("territory", "fought for control of positions held by"),
    ("shell", "shelled positions of"),
    ("strike", "carried out a strike against"),
    ("explosion", "detonated explosives against"),
    ("abduct", "abducted members of"),
    ("civilian", "attacked"),
    ("attack", "attacked"),
    ("protest", "protested against"),
    ("riot", "rioted against"),
    ("mob", "rioted against"),
    ("agreement", "reached an agreement with"),
    ("arrest", "arrested members of"),
)
_PRECISION_WORDS = {
    Precision.DAY: "On",
    Precision.DAYS: "Over",
    Precision.WEEK: "In the",
    Precision.MONTH: "In",
    Precision.YEAR: "In",
}


@dataclass
class Reference:
    """The actors, places and types events are drawn from, with their Zipf ranks."""

    actors: list[tuple[int, str]]  # (id, name), in rank order: the first is the most active
    places: list[tuple[int, str, str]]  # (id, name, name of its parent), in rank order
    types: list[tuple[int, str]]  # (id, lower-case name with its parent's)
    actor_weights: list[float] = field(default_factory=list)
    place_weights: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.actor_weights = _zipf_cumulative(len(self.actors))
        self.place_weights = _zipf_cumulative(len(self.places))


@dataclass
class Batch:
    """Unsaved rows for one transaction; links and sources point at the unsaved events."""

    articles: list[Article]
    events: list[Event]
    actor_links: list[EventActor]
    sources: list[EventSource]


@dataclass
class Report:
    """What a run created, and how fast."""

    created: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, name: str, count: int) -> None:
        self.created[name] = self.created.get(name, 0) + count

    @property
    def rows(self) -> int:
        return sum(self.created.values())

    def lines(self) -> list[str]:
        lines = [f"{name}: {count:,}" for name, count in self.created.items()]
        rate = self.rows / self.seconds if self.seconds else 0.0
        events = self.created.get("events", 0)
        event_rate = events / self.seconds if self.seconds else 0.0
        lines.append(
            f"{self.rows:,} rows in {self.seconds:.1f} s: {rate:,.0f} rows/s, "
            f"{event_rate:,.0f} events/s"
        )
        return lines


def _zipf_cumulative(n: int) -> list[float]:
    total, out = 0.0, []
    for rank in range(1, n + 1):
        total += rank**-ZIPF_EXPONENT
        out.append(total)
    return out


def _pick(rng: random.Random, cumulative: list[float]) -> int:
    return bisect(cumulative, rng.random() * cumulative[-1])


def _weighted(rng: random.Random, mix: dict) -> object:
    return rng.choices(list(mix), weights=list(mix.values()))[0]


# Reference data ---------------------------------------------------------------------------


def build_places(
    rng: random.Random, *, governorates: int = 8, districts: int = 5, places: int = 25
):
    """Unsaved Locations, country › governorate › district › place; parents are set as objects.

    Returns (levels, aliases): a list of levels, top first, and LocationAliases of places.
    """
    levels: list[list[Location]] = [[], [], [], []]
    aliases: list[LocationAlias] = []
    number = itertools.count(1)

    def place(name: str, kind: str, parent, lat: float, lon: float, precision: int) -> Location:
        n = next(number)
        slug = f"{PREFIX}p{n}-{fold(name).replace(' ', '-').replace(chr(39), '')}"
        return Location(
            name=name,
            name_folded=fold(name),
            slug=slug[:200],
            kind=kind,
            parent=parent,
            latitude=round(lat, 5),
            longitude=round(lon, 5),
            geo_precision=precision,
        )

    for country_name, iso, lat0, lon0 in _COUNTRIES:
        country = place(country_name, "country", None, lat0, lon0, 6)
        country.iso_code = iso
        levels[0].append(country)
        for _ in range(governorates):
            glat, glon = lat0 + rng.uniform(-2, 2), lon0 + rng.uniform(-2, 2)
            gov = place(_place_name(rng), "governorate", country, glat, glon, 4)
            levels[1].append(gov)
            for _ in range(districts):
                dlat, dlon = glat + rng.uniform(-0.4, 0.4), glon + rng.uniform(-0.4, 0.4)
                district = place(_place_name(rng), "district", gov, dlat, dlon, 3)
                levels[2].append(district)
                for _ in range(places):
                    kind = rng.choices(("village", "city", "neighbourhood", "site"), (70, 20, 5, 5))
                    lat, lon = dlat + rng.uniform(-0.1, 0.1), dlon + rng.uniform(-0.1, 0.1)
                    leaf = place(_place_name(rng), kind[0], district, lat, lon, 1)
                    levels[3].append(leaf)
                    variant = _transliteration(leaf.name)
                    if fold(variant) != leaf.name_folded:
                        aliases.append(
                            LocationAlias(location=leaf, name=variant, name_folded=fold(variant))
                        )
    return levels, aliases


def _place_name(rng: random.Random) -> str:
    article = rng.choice(("", "al-"))
    return f"{rng.choice(_PLACE_PREFIXES)} {article}{rng.choice(_PLACE_STEMS)}" + rng.choice(
        _PLACE_QUARTERS
    )


def _transliteration(name: str) -> str:
    # The spellings that vary between outlets: Tell/Tal, Kfar/Kafr, el-/al-.
    return name.replace("Kafr", "Kfar").replace("Tal ", "Tell ").replace("al-", "el-")


def build_actors(
    rng: random.Random, countries: list[Location], *, count: int = 300, taken: set[str]
) -> tuple[list[Actor], list[ActorAlias], list[ActorMembership]]:
    """Unsaved actors (states, armed groups, alliances, civilians) with aliases and memberships.

    taken holds the folded names and aliases already in the database: no new alias repeats one.
    """
    actors: list[Actor] = []
    for country in countries:
        for label, kind in (
            (f"Military Forces of {country.name}", "state_forces"),
            (f"Police Forces of {country.name}", "state_forces"),
            (f"Government of {country.name}", "government"),
            (f"Civilians ({country.name})", "civilians"),
            (f"Protesters ({country.name})", "protesters"),
            (f"Rioters ({country.name})", "rioters"),
        ):
            actors.append(Actor(name=label, kind=kind, country=country))
    alliance_count = max(2, count // 25)
    names = [f"{a} {n} {u}" for a in _ACTOR_ADJECTIVES for n in _ACTOR_NOUNS for u in _ACTOR_UNITS]
    rng.shuffle(names)
    kinds, weights = zip(*_ACTOR_KINDS, strict=True)
    for _ in range(alliance_count):
        name = names.pop().rsplit(" ", 1)[0] + rng.choice((" Coalition", " Operations Room"))
        actors.append(Actor(name=name, kind="alliance", country=rng.choice(countries)))
    while len(actors) < count and names:
        kind = rng.choices(kinds, weights)[0]
        actors.append(Actor(name=names.pop(), kind=kind, country=rng.choice(countries)))
    used = set(taken)
    for number, actor in enumerate(actors, 1):
        actor.name_folded = fold(actor.name)
        actor.slug = f"{PREFIX}a{number}-{actor.name_folded.replace(' ', '-')}"[:200]
        actor.slug = "".join(ch for ch in actor.slug if ch.isalnum() or ch in "-_")
        actor.description = f"Synthetic {actor.get_kind_display()} for load tests."
        used.add(actor.name_folded)
    aliases: list[ActorAlias] = []
    for actor in actors:
        words = [w for w in actor.name.replace("(", "").replace(")", "").split() if w[0].isupper()]
        for candidate in ("".join(w[0] for w in words), f"{actor.name} ({actor.country.iso_code})"):
            folded = fold(candidate)
            if len(candidate) > 1 and folded not in used:
                used.add(folded)
                aliases.append(ActorAlias(actor=actor, name=candidate, name_folded=folded))
    memberships: list[ActorMembership] = []
    alliances = [a for a in actors if a.kind == "alliance"]
    fighters = [a for a in actors if a.kind not in {"alliance", "civilians", "government"}]
    for alliance in alliances:
        for member in rng.sample(fighters, min(len(fighters), rng.randint(3, 8))):
            since = _day_between(rng, FIRST_DAY, LAST_DAY) if rng.random() < 0.6 else None
            until = None
            if since and rng.random() < 0.3:
                until = min(LAST_DAY, since + timedelta(days=rng.randint(30, 1500)))
            memberships.append(
                ActorMembership(alliance=alliance, member=member, since=since, until=until)
            )
    return actors, aliases, memberships


def _day_between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))


# Events -----------------------------------------------------------------------------------


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


def ensure_event_types() -> Report:
    """Create a small ACLED-like taxonomy when the database has no event types at all."""
    report = Report()
    if EventType.objects.exists():
        return report
    with transaction.atomic():
        for parent_name, children in _ACLED_TYPES.items():
            slug = PREFIX + fold(parent_name).replace("/", "-").replace(" ", "-")
            parent = EventType.objects.create(name=parent_name, slug=slug)
            EventType.objects.bulk_create(
                EventType(
                    name=name,
                    slug=f"{slug}-{fold(name).replace('/', '-').replace(' ', '-')}"[:120],
                    parent=parent,
                )
                for name in children
            )
            report.add("event types", 1 + len(children))
    return report


def ensure_reference(*, seed: int, actors: int = 300) -> Report:
    """Create the synthetic places and actors unless a generated set (slug "syn-…") exists."""
    report = Report()
    rng = random.Random(f"{seed}:reference")
    with transaction.atomic():
        if not Location.objects.filter(slug__startswith=PREFIX).exists():
            levels, aliases = build_places(rng)
            for depth, level in enumerate(levels):
                Location.objects.bulk_create(level, batch_size=2_000)
                # Location.save() computes the materialised path; bulk_create bypasses it, so one
                # UPDATE per level appends each id to its parent's path (bulk_update is 20x slower).
                parent_path = Subquery(
                    Location.objects.filter(pk=OuterRef("parent_id")).values("path")
                )
                Location.objects.filter(pk__in=[p.pk for p in level]).update(
                    path=Concat(
                        parent_path if depth else Value("/"),
                        Cast("id", output_field=models.CharField()),
                        Value("/"),
                    ),
                    depth=depth,
                )
                report.add("places", len(level))
            LocationAlias.objects.bulk_create(aliases, batch_size=2_000)
            report.add("place aliases", len(aliases))
        if not Actor.objects.filter(slug__startswith=PREFIX).exists():
            countries = list(
                Location.objects.filter(slug__startswith=PREFIX, kind="country").order_by("id")
            )
            taken = set(ActorAlias.objects.values_list("name_folded", flat=True))
            taken.update(Actor.objects.values_list("name_folded", flat=True))
            new_actors, aliases, memberships = build_actors(
                rng, countries, count=actors, taken=taken
            )
            Actor.objects.bulk_create(new_actors, batch_size=2_000)
            ActorAlias.objects.bulk_create(aliases, batch_size=2_000)
            ActorMembership.objects.bulk_create(memberships, batch_size=2_000)
            report.add("actors", len(new_actors))
            report.add("actor aliases", len(aliases))
            report.add("alliance memberships", len(memberships))
    return report


def load_reference(*, seed: int) -> Reference:
    """The generated actors and places (and every leaf event type), ranked for this seed."""
    rng = random.Random(f"{seed}:ranks")
    actors = list(
        Actor.objects.filter(slug__startswith=PREFIX).order_by("id").values_list("id", "name")
    )
    rng.shuffle(actors)
    places = list(
        Location.objects.filter(slug__startswith=PREFIX)
        .exclude(kind="country")
        .order_by("id")
        .values_list("id", "name", "parent__name")
    )
    rng.shuffle(places)
    types = [
        (pk, f"{parent} › {name}".lower() if parent else name.lower())
        for pk, name, parent in EventType.objects.filter(subtypes__isnull=True)
        .order_by("id")
        .values_list("id", "name", "parent__name")
    ]
    if not actors or not places or not types:
        raise ValueError("No synthetic actors, places or event types: run ensure_reference().")
    return Reference(actors=actors, places=[(i, n, p or "") for i, n, p in places], types=types)


def write_batch(batch: Batch) -> None:
    """Insert one batch in one transaction, parents before the rows that point at them."""
    with transaction.atomic():
        insert_rows(Article, batch.articles)
        _fetch_ids(Article, batch.articles, "sha256")
        insert_rows(Event, batch.events)
        _fetch_ids(Event, batch.events, "uid")
        for link in batch.actor_links:
            link.event_id = link.event.pk
        insert_rows(EventActor, batch.actor_links)
        for source in batch.sources:
            source.event_id, source.article_id = source.event.pk, source.article.pk
        insert_rows(EventSource, batch.sources)


def insert_rows(model: type[Model], objs: list[Model]) -> None:
    """One executemany INSERT of unsaved instances, as bulk_create would write them.

    bulk_create compiles SQL value by value (about 3x the cost of the insert itself at this
    size); here each column's conversion is looked up once. Like bulk_create it runs no save()
    and sends no signals, so the caller fills derived fields (paths, folded names); columns left
    to the database (a db_default the first row does not override) are left out.
    """
    if not objs:
        return
    ops = connection.ops
    now = timezone.now()
    columns, getters = [], []
    for f in model._meta.concrete_fields:
        if f.primary_key or f.generated:
            continue
        if f.has_db_default() and isinstance(getattr(objs[0], f.attname), DatabaseDefault):
            continue
        columns.append(ops.quote_name(f.column))
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value = ops.adapt_datetimefield_value(now)
            getters.append(lambda obj, value=value: value)
        elif isinstance(f, models.DateTimeField):
            getters.append(lambda obj, a=f.attname: ops.adapt_datetimefield_value(getattr(obj, a)))
        elif isinstance(f, models.DateField):
            getters.append(lambda obj, a=f.attname: ops.adapt_datefield_value(getattr(obj, a)))
        elif isinstance(f, models.UUIDField):
            getters.append(
                lambda obj, f=f: f.get_db_prep_value(getattr(obj, f.attname), connection)
            )
        else:
            getters.append(attrgetter(f.attname))
    sql = (
        f"INSERT INTO {ops.quote_name(model._meta.db_table)} ({', '.join(columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, [tuple(get(obj) for get in getters) for obj in objs])


def _fetch_ids(model: type[Model], objs: list[Model], key: str) -> None:
    # One indexed IN lookup on a unique column gives the new rows their ids.
    ids = dict(
        model.objects.filter(**{f"{key}__in": [getattr(o, key) for o in objs]}).values_list(
            key, "id"
        )
    )
    for obj in objs:
        obj.pk = ids[getattr(obj, key)]
        obj._state.adding = False


def generate(
    count: int,
    *,
    seed: int = 0,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int, int, float], None] | None = None,
) -> Report:
    """Add count synthetic events (and, the first time, the reference data) to the database.

    The same seed on the same database gives the same rows. Each run draws from a stream keyed
    by the seed and the highest event id, so a second run adds new events and new articles.
    """
    if count < 0:
        raise ValueError(f"count must be 0 or more, not {count}.")
    if batch_size < 1:
        raise ValueError(f"batch_size must be 1 or more, not {batch_size}.")
    started = time.perf_counter()
    report = ensure_event_types()
    for name, n in ensure_reference(seed=seed).created.items():
        report.add(name, n)
    ref = load_reference(seed=seed)
    offset = Event.objects.aggregate(last=Max("id"))["last"] or 0
    rng = random.Random(f"{seed}:events:{offset}")
    done = 0
    # The full-text index and the day-pair counts are built once at the end, from every event,
    # rather than by their triggers row by row (on PostgreSQL, 300 events/s instead of 1,000s).
    with triggers.set_aside():
        for number, size in enumerate(_batch_sizes(count, batch_size)):
            batch = generate_batch(rng, ref, size, token=f"syn-{seed}-{offset}-{number}")
            write_batch(batch)
            done += size
            report.add("articles", len(batch.articles))
            report.add("events", len(batch.events))
            report.add("event actors", len(batch.actor_links))
            report.add("event sources", len(batch.sources))
            if progress:
                progress(done, count, time.perf_counter() - started)
    report.seconds = time.perf_counter() - started
    return report


def _batch_sizes(count: int, size: int) -> Iterator[int]:
    while count > 0:
        yield min(size, count)
        count -= size


def text_progress(stream=None, *, step: float = 0.05) -> Callable[[int, int, float], None]:
    """A plain-text progress line every step (5%) of the way, on stderr."""
    stream = stream or sys.stderr
    shown = [-1.0]

    def report(done: int, total: int, seconds: float) -> None:
        share = done / total if total else 1.0
        if share < 1.0 and share - shown[0] < step:
            return
        shown[0] = share
        rate = done / seconds if seconds else 0.0
        stream.write(
            f"{share:5.0%}  {done:,}/{total:,} events  {seconds:,.1f} s  {rate:,.0f} events/s\n"
        )
        stream.flush()

    return report
