"""Names to rows: actors, places, event types and stub articles, looked up in memory."""

# Each resolver loads its table once (a few queries, whatever the file's size) and answers
# lookups from dicts. A name it does not know becomes a pending, unsaved row that later rows
# reuse; flush() writes the pending ones in bulk, with their "+" history records.

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection, models
from django.utils import timezone
from django.utils.text import slugify

from events.interchange.mapping import (
    ActorSpec,
    PlaceSpec,
    RowError,
    SourceSpec,
    TypeSpec,
    fold,
)
from events.interchange.mapping import place_key as key_of
from events.interchange.writing import Table, allocate_ids, ids_by, in_lists, insert_objects
from events.models import (
    Actor,
    ActorAlias,
    Article,
    EventType,
    Location,
    LocationAlias,
    PlaceSuggestion,
)

# A new place with a like name within this distance of a known one is suggested as a possible
# duplicate: gazetteers put one town's centroid a kilometre or two apart, while two places of
# one name are villages far apart (Maan in Hama, Ma'an in Jordan).
PLACE_TOLERANCE_KM = 3.0
SUGGESTIONS_PER_PLACE = 3
# Actor specs a resolver remembers the answer for before it starts again (memory stays flat).
REMEMBERED_SPECS = 16_384
KM_PER_DEGREE = 111.195
ADMIN_KINDS = ("country", "governorate", "district", "subdistrict")

# A reference to a row: the id of an existing one, or the instance (or, for stub articles, the
# dict of values) of one created, or pending creation, by this import.
Ref = int | models.Model | dict


def ref_id(ref: Ref) -> int | None:
    # type() rather than isinstance, and .id rather than .pk (a property that looks the primary
    # key up in the model's options): called several times for every row. Every model an
    # import creates has "id" for its primary key.
    kind = type(ref)
    if kind is int:
        return ref
    return ref.get("id") if kind is dict else ref.id


def ref_token(ref: Ref) -> tuple:
    """A hashable identity for a ref (an unsaved instance has no pk and cannot be hashed)."""
    return ("id", ref) if type(ref) is int else ("new", id(ref))


class Slugs:
    """Unique slugs for new rows of one model: slugify, then -2, -3 … past those taken."""

    def __init__(self, model: type[models.Model]):
        self.taken = set(model.objects.values_list("slug", flat=True))

    def allocate(self, name: str, fallback: str) -> str:
        base = slugify(name)[:190].strip("-") or fallback
        slug, number = base, 1
        while slug in self.taken:
            number += 1
            slug = f"{base}-{number}"
        self.taken.add(slug)
        return slug


@dataclass
class History:
    """Who an import's history records name, and why."""

    user: object | None = None
    reason: str = ""
    when: object = field(default_factory=timezone.now)

    def row(self, values: dict, change: str) -> dict:
        """A history table row for a row written from values ("+" created, "~" changed)."""
        return {
            **values,
            "history_date": self.when,
            "history_type": change,
            "history_change_reason": self.reason,
            "history_user_id": getattr(self.user, "pk", None),
        }

    def copy(self, model: type[models.Model], ids: list[int], change: str, *, by: str = "") -> None:
        """History rows ("+" created, "~" changed, "-" about to be deleted) for the rows of
        model whose field `by` (the primary key unless given; "event_id" for an event's links)
        is one of ids, copied by the database from the rows themselves: one INSERT … SELECT
        per 500 ids, nothing built in Python."""
        if not ids:
            return
        history = model.history.model
        quote = connection.ops.quote_name
        where = quote(model._meta.get_field(by).column if by else model._meta.pk.column)
        source = {field.attname: field.column for field in model._meta.concrete_fields}
        names = [f.attname for f in history._meta.concrete_fields if f.attname in source]
        columns = ", ".join(quote(source[name]) for name in names)
        extra = ("history_date", "history_type", "history_change_reason", "history_user_id")
        targets = [quote(history._meta.get_field(name).column) for name in names]
        targets += [quote(history._meta.get_field(name).attname) for name in extra]
        when = connection.ops.adapt_datetimefield_value(self.when)
        fixed = [when, change, self.reason, getattr(self.user, "pk", None)]
        with connection.cursor() as cursor:
            for part, marks in in_lists(ids):
                cursor.execute(
                    f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(targets)}) "
                    f"SELECT {columns}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} "
                    f"WHERE {where} IN ({marks})",
                    [*fixed, *part],
                )

    def record(self, model: type[models.Model], objs: list, *, update: bool = False) -> None:
        if objs:
            model.history.bulk_history_create(
                objs,
                update=update,
                default_user=self.user,
                default_change_reason=self.reason,
                default_date=self.when,
            )


# --- Actors ------------------------------------------------------------------------------------


class ActorResolver:
    """Actor names as Actor.objects.matching reads them: a slug, a name or any alias, folded."""

    def __init__(self, history: History):
        self.history = history
        self.slugs = Slugs(Actor)
        self.known: dict[str, Ref] = {}
        self.by_slug: dict[str, int] = {}
        self.names: dict[int, str] = {}
        # By id, so that of two actors with one name the older one wins, every time.
        for pk, slug, name in Actor.objects.order_by("id").values_list("id", "slug", "name"):
            self.by_slug.setdefault(slug, pk)
            self.known.setdefault(fold(name), pk)
            self.names[pk] = name
        for actor_id, name in ActorAlias.objects.order_by("id").values_list("actor_id", "name"):
            self.known.setdefault(fold(name), actor_id)
        self.pending: list[Actor] = []
        self.resolved: dict[int, tuple[ActorSpec, list[Ref]]] = {}

    def find(self, name: str) -> Ref | None:
        return self.by_slug.get(name.strip().lower()) or self.known.get(fold(name))

    def name_of(self, ref: Ref) -> str:
        return self.names[ref] if isinstance(ref, int) else ref.name

    def resolve(self, spec: ActorSpec) -> list[Ref]:
        """The actors a name stands for: one known or new actor, or for a list-like name that
        names no one actor, each of its parts. The mapping shares the spec of each distinct
        name, and a name once resolved stays resolved to the same actors: each spec is resolved
        once (kept with its answer, so that its id stays its own)."""
        seen = self.resolved.get(id(spec))
        if seen is not None and seen[0] is spec:
            return seen[1]
        refs = self._resolve(spec)
        if len(self.resolved) >= REMEMBERED_SPECS:
            self.resolved.clear()
        self.resolved[id(spec)] = (spec, refs)
        return refs

    def _resolve(self, spec: ActorSpec) -> list[Ref]:
        found = self.find(spec.name)
        if found is not None:
            return [found]
        if spec.parts:
            return [self.find(part.name) or self._new(part) for part in spec.parts]
        return [self._new(spec)]

    def _new(self, spec: ActorSpec) -> Actor:
        actor = Actor(
            name=spec.name,
            name_folded=fold(spec.name),
            slug=self.slugs.allocate(spec.name, "actor"),
            kind=spec.kind,
        )
        self.known[actor.name_folded] = actor
        self.pending.append(actor)
        return actor

    def flush(self) -> int:
        created, self.pending = self.pending, []
        if created:
            rows = insert_objects(Actor, created, self.history)
            ids = ids_by(Actor, "slug", [actor.slug for actor in created])
            for actor, row in zip(created, rows, strict=True):
                actor.pk = row["id"] = ids[actor.slug]
            Table(Actor.history.model, now=self.history.when).insert(
                self.history.row(row, "+") for row in rows
            )
        return len(created)


# --- Event types -------------------------------------------------------------------------------


class TypeResolver:
    """Types by name within their parent; a missing one is created only from the dataset's
    own names (TypeSpec.creatable), so a misspelt type is an error, not a new type."""

    def __init__(self, history: History):
        self.history = history
        self.slugs = Slugs(EventType)
        self.tops: dict[str, Ref] = {}
        self.subs: dict[tuple, Ref] = {}
        rows = EventType.objects.order_by("id").values_list("id", "name", "parent_id")
        for pk, name, parent_id in rows:
            if parent_id is None:
                self.tops.setdefault(fold(name), pk)
            else:
                self.subs.setdefault((("id", parent_id), fold(name)), pk)
        self.pending: list[EventType] = []

    def resolve(self, spec: TypeSpec, *, columns: tuple[str, str]) -> Ref:
        top = self.tops.get(fold(spec.top))
        if top is None:
            if not spec.creatable:
                raise RowError(
                    f"{columns[0]}: {spec.top!r} is not an event type here "
                    "(only the dataset's own type names are added)"
                )
            top = self.tops[fold(spec.top)] = self._new(spec.top, None)
        if not spec.sub:
            return top
        key = (ref_token(top), fold(spec.sub))
        sub = self.subs.get(key)
        if sub is None:
            if not spec.creatable:
                raise RowError(
                    f"{columns[1]}: {spec.sub!r} is not a sub-type of {spec.top!r} here "
                    "(only the dataset's own sub-types are added)"
                )
            sub = self.subs[key] = self._new(spec.sub, top)
        return sub

    def _new(self, name: str, parent: Ref | None) -> EventType:
        event_type = EventType(
            name=name,
            slug=self.slugs.allocate(name, "type"),
            description="Added by a dataset import.",
        )
        if isinstance(parent, int):
            event_type.parent_id = parent
        elif parent is not None:
            event_type.parent = parent
        self.pending.append(event_type)
        return event_type

    def flush(self) -> int:
        # Parents are pending before their sub-types, so one pass in order saves both.
        created, self.pending = self.pending, []
        for event_type in created:
            EventType.objects.bulk_create([event_type])
        self.history.record(EventType, created)
        return len(created)


# --- Places ------------------------------------------------------------------------------------


@dataclass(eq=False)
class _Place:
    ref: Ref
    name: str
    kind: str
    parent: "_Place | None"
    latitude: float | None
    longitude: float | None
    path: str = ""
    fill_precision: int | None = None

    @property
    def token(self) -> tuple:
        return ref_token(self.ref)

    @property
    def country(self) -> "_Place | None":
        """The top of its hierarchy (its country, usually)."""
        place = self
        while place.parent is not None:
            place = place.parent
        return place


class PlaceResolver:
    """The row's own places: country › admin1 › admin2 (› admin3) by their exact names within
    their parent, and the event's place by its exact name, parent and coordinates.

    A place is reused only when all of these match exactly (a country also by its ISO code);
    otherwise a new one is made, and when a known place looks like the same one (the same name
    up to case, accents and a kind word such as "town" or "Governorate", or one of its aliases,
    within PLACE_TOLERANCE_KM or under the same country) the pair becomes a PlaceSuggestion
    for an editor to merge. A place is never snapped to another nearby or across an admin
    boundary.
    """

    def __init__(self, history: History):
        self.history = history
        self.slugs = Slugs(Location)
        self.children: dict[tuple, list[_Place]] = defaultdict(list)
        self.countries: dict[str, list[_Place]] = defaultdict(list)
        self.by_key: dict[str, list[_Place]] = defaultdict(list)
        self.pending: list[_Place] = []
        self.filled: dict[int, _Place] = {}
        self.suggestions: list[tuple[_Place, _Place, float | None, str]] = []
        self.resolved: dict[tuple, _Place | None] = {}
        rows = Location.objects.order_by("id").values_list(
            "id", "name", "kind", "parent_id", "latitude", "longitude", "path", "iso_code"
        )
        places: dict[int, _Place] = {}
        parents: dict[int, int | None] = {}
        isos: dict[int, str] = {}
        for pk, name, kind, parent_id, lat, lon, path, iso in rows:
            places[pk] = _Place(pk, name, kind, None, lat, lon, path)
            parents[pk] = parent_id
            isos[pk] = iso
        names: dict[int, list[str]] = defaultdict(list)
        for location_id, name in LocationAlias.objects.values_list("location_id", "name"):
            names[location_id].append(name)
        for pk, place in places.items():
            place.parent = places.get(parents[pk])
        for pk, place in places.items():
            self._index(place, iso=isos[pk], aliases=names[pk])

    def _index(self, place: _Place, *, iso: str = "", aliases: Iterable[str] = ()) -> None:
        parent = place.parent.token if place.parent else None
        self.children[(parent, place.name.strip())].append(place)
        if place.kind == "country":
            self.countries[place.name.strip()].append(place)
            if iso:
                self.countries[iso.upper()].append(place)
        for key in {key_of(name) for name in (place.name, *aliases)}:
            self.by_key[key].append(place)

    def resolve(self, admin: list[PlaceSpec], place: PlaceSpec | None) -> "_Place | None":
        """The event's place: its own place under its admin units (each found or made), or the
        deepest unit when the row names no place or names that unit. Rows repeat places: each
        distinct one is resolved once."""
        key = (*(_spec_key(unit) for unit in admin), place and _spec_key(place))
        found = self.resolved.get(key, _UNSEEN)
        if found is _UNSEEN:
            found = self.resolved[key] = self._resolve(admin, place)
        return found

    def _resolve(self, admin: list[PlaceSpec], place: PlaceSpec | None) -> "_Place | None":
        parent: _Place | None = None
        for unit in admin:
            found = self._admin(unit, parent)
            if found is not None and unit.latitude is not None:
                # The event sits at this unit: there when the unit has these coordinates or
                # none yet (it takes them), else at a place of that name beneath it.
                if found.latitude is None:
                    self._fill(found, unit)
                elif (found.latitude, found.longitude) != (unit.latitude, unit.longitude):
                    spec = PlaceSpec(
                        unit.name, "region", unit.latitude, unit.longitude, unit.geo_precision
                    )
                    return self._leaf(spec, found)
            parent = found or self._new(unit, parent)
        if place is None:
            return parent
        return self._leaf(place, parent)

    def _admin(self, unit: PlaceSpec, parent: _Place | None) -> _Place | None:
        if unit.kind == "country":
            same = self.countries.get(unit.name) or self.countries.get(unit.iso_code.upper(), [])
            return same[0] if same else None
        token = parent.token if parent else None
        same = self.children.get((token, unit.name), ())
        return next((p for p in same if p.kind == unit.kind), None)

    def _leaf(self, spec: PlaceSpec, parent: _Place | None) -> _Place:
        token = parent.token if parent else None
        for candidate in self.children.get((token, spec.name), ()):
            if (
                candidate.kind not in ADMIN_KINDS
                and candidate.latitude == spec.latitude
                and candidate.longitude == spec.longitude
            ):
                return candidate
        return self._new(spec, parent)

    def _new(self, spec: PlaceSpec, parent: _Place | None) -> _Place:
        location = Location(
            name=spec.name,
            name_folded=fold(spec.name),
            slug=self.slugs.allocate(spec.name, "place"),
            kind=spec.kind,
            latitude=spec.latitude,
            longitude=spec.longitude,
            geo_precision=spec.geo_precision if spec.latitude is not None else None,
            iso_code=spec.iso_code[:10],
        )
        if parent is not None:
            if isinstance(parent.ref, int):
                location.parent_id = parent.ref
            else:
                location.parent = parent.ref
        place = _Place(location, spec.name, spec.kind, parent, spec.latitude, spec.longitude)
        self._suggest(place)
        self._index(place, iso=spec.iso_code)
        self.pending.append(place)
        return place

    def _suggest(self, place: _Place) -> None:
        """Known places that may be this new one: the nearest few of a like name."""
        found = []
        country = place.country
        for other in self.by_key.get(key_of(place.name), ()):
            admin = place.kind in ADMIN_KINDS
            if admin != (other.kind in ADMIN_KINDS) or (admin and other.kind != place.kind):
                continue
            if place.latitude is not None and other.latitude is not None:
                km = distance_km(place.latitude, place.longitude, other.latitude, other.longitude)
                if km <= PLACE_TOLERANCE_KM:
                    found.append((km, other, f"a like name {km:.1f} km away"))
            elif other.country is country and (admin or other.parent is place.parent):
                found.append((None, other, f"a like name in {country.name if country else 'it'}"))
        found.sort(key=lambda item: (item[0] is None, item[0] or 0))
        for km, other, reason in found[:SUGGESTIONS_PER_PLACE]:
            self.suggestions.append((place, other, km, reason))

    def _fill(self, place: _Place, spec: PlaceSpec) -> None:
        """Give an admin unit that has no coordinates the row's, for the events placed at it."""
        place.latitude, place.longitude = spec.latitude, spec.longitude
        place.fill_precision = spec.geo_precision
        if ref_id(place.ref) is None:
            place.ref.latitude, place.ref.longitude = spec.latitude, spec.longitude
            place.ref.geo_precision = spec.geo_precision
        else:
            self.filled[ref_id(place.ref)] = place

    def flush(self) -> int:
        """Insert pending places parents first; then their paths, which hold their own ids;
        then the suggestions of duplicates."""
        created, self.pending = self.pending, []
        generation: dict[int, int] = {}
        for place in created:
            parent = place.parent
            pending_parent = parent is not None and ref_id(parent.ref) is None
            generation[id(place)] = generation[id(parent)] + 1 if pending_parent else 0
        rows: dict[int, dict] = {}
        for level in sorted(set(generation.values())):
            batch = [place for place in created if generation[id(place)] == level]
            for place in batch:
                if place.parent is not None:
                    place.ref.parent_id = ref_id(place.parent.ref)
            batch_rows = insert_objects(Location, [place.ref for place in batch], self.history)
            ids = ids_by(Location, "slug", [place.ref.slug for place in batch])
            for place, row in zip(batch, batch_rows, strict=True):
                place.ref.pk = row["id"] = ids[place.ref.slug]
                place.path = f"{place.parent.path if place.parent else '/'}{place.ref.pk}/"
                place.ref.path = row["path"] = place.path
                place.ref.depth = row["depth"] = place.path.count("/") - 2
                rows[id(place)] = row
        if created:
            table = Table(Location, now=self.history.when)
            table.update(rows.values(), ["path", "depth"])
            Table(Location.history.model, now=self.history.when).insert(
                self.history.row(row, "+") for row in rows.values()
            )
        if self.filled:
            filled = [
                {
                    "id": pk,
                    "latitude": place.latitude,
                    "longitude": place.longitude,
                    "geo_precision": place.fill_precision,
                    "updated": self.history.when,
                }
                for pk, place in self.filled.items()
            ]
            fields = ["latitude", "longitude", "geo_precision", "updated"]
            Table(Location, now=self.history.when).update(filled, fields)
            self.filled = {}
        suggestions, self.suggestions = self.suggestions, []
        PlaceSuggestion.objects.bulk_create(
            [
                PlaceSuggestion(
                    place_id=ref_id(place.ref),
                    same_as_id=ref_id(other.ref),
                    distance_km=km,
                    reason=reason,
                )
                for place, other, km, reason in suggestions
            ],
            ignore_conflicts=True,
        )
        return len(created)

    def count_suggestions(self) -> int:
        return len(self.suggestions)


_UNSEEN = object()


def _spec_key(spec: PlaceSpec) -> tuple:
    return (spec.name, spec.kind, spec.latitude, spec.longitude, spec.geo_precision, spec.iso_code)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance on an equirectangular projection: exact enough within a few kilometres."""
    dx = (lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return KM_PER_DEGREE * math.hypot(lat2 - lat1, dx)


# --- Stub articles -----------------------------------------------------------------------------


class ArticleResolver:
    """Stub articles by the fingerprint of their text: one row per distinct text."""

    def __init__(self, history: History):
        self.history = history
        self.table = Table(Article, now=history.when, explicit_ids=True)
        self.known: dict[str, Ref] = {}
        self.pending: list[dict] = []

    def prepare(self, specs: Iterable[SourceSpec]) -> None:
        """Look up, in one query, the stubs of a chunk not met before."""
        wanted = list({spec.sha256 for spec in specs} - self.known.keys())
        if wanted:
            self.known.update(ids_by(Article, "sha256", wanted))

    def resolve(self, spec: SourceSpec) -> Ref:
        sha = spec.sha256
        found = self.known.get(sha)
        if found is None:
            found = {
                "title": spec.title,
                "outlet": spec.outlet,
                "publication_date": spec.published,
                "publication_date_source": (
                    Article.DateSource.INFERRED if spec.date_inferred else Article.DateSource.STATED
                ),
                "publication_date_note": spec.date_inferred,
                "text": spec.text,
                "sha256": sha,
                "created": self.history.when,
                "updated": self.history.when,
            }
            self.known[sha] = found
            self.pending.append(found)
        return found

    def forget(self) -> None:
        """Drop the stubs looked up so far (a chunk's), keeping memory flat in the file's size:
        the next chunk looks its own up (prepare)."""
        if not self.pending:
            self.known = {}

    def flush(self) -> int:
        created, self.pending = self.pending, []
        for row, pk in zip(created, allocate_ids(Article, len(created)), strict=True):
            row["id"] = pk
        self.table.insert_alike(created)  # Every stub holds the columns resolve() gives it.
        # No history rows: a stub's text is the dataset's, and a copy of every text in the
        # history table would double the import's largest writes; the events' "+" records
        # name the import.
        return len(created)
