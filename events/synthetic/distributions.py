"""The shapes of synthetic data: precision, status and Zipf mixes, word lists, seeded picks."""

import random
from bisect import bisect
from dataclasses import dataclass, field
from datetime import date, timedelta

from events.dates import Precision
from events.models import (
    Article,
    Event,
    EventActor,
    EventSource,
)

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


def _day_between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))


# Events -----------------------------------------------------------------------------------
