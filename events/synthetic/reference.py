"""The reference data synthetic events point to: places, actors, event types, built once."""

import itertools
import random
from datetime import timedelta

from django.db import models, transaction
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Cast, Concat

from events.models import (
    Actor,
    ActorAlias,
    ActorMembership,
    EventType,
    Location,
    LocationAlias,
)
from events.synthetic.distributions import (
    _ACLED_TYPES,
    _ACTOR_ADJECTIVES,
    _ACTOR_KINDS,
    _ACTOR_NOUNS,
    _ACTOR_UNITS,
    _COUNTRIES,
    _PLACE_PREFIXES,
    _PLACE_QUARTERS,
    _PLACE_STEMS,
    FIRST_DAY,
    LAST_DAY,
    PREFIX,
    Reference,
    Report,
    _day_between,
)
from events.text import fold


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
