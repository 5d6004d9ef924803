"""Load the seed fixtures (fixtures/*.yaml): references and excerpts checked, all or nothing."""

import uuid
from collections import Counter
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from events.models import (
    Actor,
    ActorMembership,
    Article,
    Event,
    EventActor,
    EventRelation,
    EventRemoval,
    EventSource,
    EventType,
    Location,
)
from events.text import fingerprint

# Seed events get uuid5(SEED_NAMESPACE, key): the same key is the same event on every machine.
SEED_NAMESPACE = uuid.UUID("8f0f3c8e-6a43-4f0e-9b7e-3c1b2f7d5a10")
FIXTURE_FILES = ("event_types", "locations", "actors", "articles", "events")
CHANGE_REASON = "load_seeds"
# libyaml's loader parses the fixtures about ten times faster where PyYAML was built with it.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class SeedError(Exception):
    """A fixture record that cannot be loaded; the message names the file and the record."""


@dataclass
class SeedReport:
    """What a load did, per kind of record; `kept` and `overwritten` name the seed records that
    editors changed (or deleted) and that the load left alone or, with --update, overwrote."""

    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    removed: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    differing: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)
    kept: list[str] = field(default_factory=list)
    overwritten: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        counters = (self.created, self.updated, self.removed, self.unchanged, self.differing)
        names = sorted(set().union(*counters, self.deleted))
        return [
            f"{name}: {self.created[name]} created, {self.updated[name]} updated, "
            f"{self.unchanged[name]} unchanged"
            + (f", {self.removed[name]} removed" if self.removed[name] else "")
            + (
                f", {self.differing[name]} edited since (kept; --update overwrites)"
                if self.differing[name]
                else ""
            )
            + (
                f", {self.deleted[name]} deleted by editors (not restored)"
                if self.deleted[name]
                else ""
            )
            for name in names
        ]

    @property
    def changed(self) -> bool:
        return any(sum(c.values()) for c in (self.created, self.updated, self.removed))


def seed_uid(key: str) -> uuid.UUID:
    return uuid.uuid5(SEED_NAMESPACE, f"seed-event:{key}")


def article_text(path: Path) -> str:
    """The stored text of a seed file: its body after the first line (the outlet or headline)."""
    raw = path.read_text(encoding="utf-8")
    return raw.split("\n", 1)[1].strip() if "\n" in raw else ""


def load_seeds(fixtures_dir: Path, *, base_dir: Path, update: bool = False) -> SeedReport:
    """Load the five fixture files in one transaction; on a fault raise SeedError, write nothing."""
    if not fixtures_dir.is_dir():
        raise SeedError(f"{fixtures_dir}: not a folder of fixture files")
    data = {name: _read(fixtures_dir / f"{name}.yaml") for name in FIXTURE_FILES}
    loader = _Loader(fixtures_dir=fixtures_dir, base_dir=base_dir, update=update)
    with transaction.atomic():
        loader.event_types(data["event_types"])
        loader.locations(data["locations"])
        loader.actors(data["actors"])
        loader.articles(data["articles"])
        loader.events(data["events"])
    return loader.report


def _read(path: Path) -> list[dict[str, Any]]:
    """A fixture file's records: a list of mappings, or SeedError naming the file and record."""
    try:
        content = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except FileNotFoundError as exc:
        raise SeedError(f"{path}: the fixture file is missing") from exc
    except UnicodeDecodeError as exc:
        raise SeedError(f"{path}: not UTF-8 text (byte {exc.start} is not)") from exc
    except OSError as exc:
        # A folder where the file should be, or a file where the folder should be, and the like.
        raise SeedError(f"{path}: cannot be read: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise SeedError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(content, list):
        raise SeedError(f"{path}: expected a list of records at the top level")
    for position, record in enumerate(content, start=1):
        if not isinstance(record, dict):
            raise SeedError(
                f"{path}, record {position}: expected a mapping of fields, not {record!r:.60}"
            )
        _check_shapes(record, f"{path}, record {position}")
    return content


# Fields that hold a list (of names, or of nested records) and those that hold a mapping; every
# other field holds one value. Checked before anything is read, so that a list where a name
# belongs is a message naming the field, not a type error deep in the loader.
_LIST_FIELDS = frozenset(
    {"aliases", "members", "subtypes", "children", "actors", "sources", "relations"}
)
_MAPPING_FIELDS = frozenset({"fatalities"})


def _check_shapes(record: dict, where: str) -> None:
    """SeedError naming the first field of record (or of a record nested in it) whose value is
    a list or a mapping where one value belongs. (Whether a list field holds a list is the
    loader's to say, naming the record as it does.)"""
    name_of = record.get("key") or record.get("slug")
    if isinstance(name_of, str):
        where = f"{where} ({name_of})"
    for name, value in record.items():
        at = f"{where}, field {name!r}"
        if name in _LIST_FIELDS:
            for item in value if isinstance(value, list) else []:
                if isinstance(item, dict):
                    _check_shapes(item, at)
        elif name in _MAPPING_FIELDS:
            if isinstance(value, dict):
                _check_shapes(value, at)
        elif isinstance(value, (list, dict)):
            raise SeedError(f"{at}: must be a single value, not {value!r:.60}")


class _Loader:
    def __init__(self, *, fixtures_dir: Path, base_dir: Path, update: bool) -> None:
        self.fixtures_dir = fixtures_dir
        self.base_dir = base_dir
        self.update = update
        self.report = SeedReport()
        self.articles_by_key: dict[str, Article | None] = {}
        self.events_by_key: dict[str, Event] = {}
        # Seed events an editor deleted (their tombstones say so): never brought back.
        self.deleted_event_keys: set[str] = set()
        self.removed_uids: set[uuid.UUID] = set()
        # (model, pk) of every record this run created: only these take the fixture's links
        # whole (with --update, every seed record does).
        self.created: set[tuple[type[models.Model], int]] = set()

    # -- helpers ---------------------------------------------------------------------------------

    def _where(self, fixture: str, record: str) -> str:
        return f"{self.fixtures_dir / (fixture + '.yaml')}, {record}"

    def _named(self, where: str) -> str:
        """A record as the report names it: its fixture file and record, without the folder."""
        return where.removeprefix(f"{self.fixtures_dir}/")

    def _field(self, raw: dict, name: str, where: str, default: Any = ...) -> Any:
        if name in raw:
            return raw[name]
        if default is ...:
            raise SeedError(f"{where}: the field {name!r} is missing")
        return default

    def _date(self, raw: dict, name: str, where: str) -> date:
        """The date field `name`: a YAML date or the same written as text (YYYY-MM-DD)."""
        value = self._field(raw, name, where)
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise SeedError(
            f"{where}: the field {name!r} must be a date (YYYY-MM-DD), not {value!r:.40}"
        )

    def _list(self, raw: dict, name: str, where: str, *, of: type[dict] | type[str]) -> list:
        """The optional list field `name` (empty if absent), each item a mapping or a name."""
        value = raw.get(name) or []
        if not isinstance(value, list) or not all(isinstance(item, of) for item in value):
            items = "records (mappings of fields)" if of is dict else "names"
            raise SeedError(f"{where}: the field {name!r} must be a list of {items}")
        return value

    def _ref(self, model: type[models.Model], where: str, what: str, **lookup) -> models.Model:
        try:
            return model.objects.get(**lookup)
        except model.DoesNotExist as exc:
            value = next(iter(lookup.values()))
            raise SeedError(f"{where}: {what} {value!r} does not resolve (no such record)") from exc

    def _save(self, obj: models.Model, values: dict[str, Any], where: str) -> models.Model:
        """Create obj, or bring an existing one to these values; validate through full_clean()."""
        label = obj._meta.verbose_name_plural
        adding = obj._state.adding
        differs = [name for name, value in values.items() if _current(obj, name) != _plain(value)]
        if not adding and not differs:
            self.report.unchanged[label] += 1
            return obj
        if not adding and not self.update:
            self.report.differing[label] += 1
            self.report.kept.append(self._named(where))
            return obj
        for name, value in values.items():
            setattr(obj, name, value)
        try:
            # The database enforces the CheckConstraints and our validators word their messages;
            # re-checking each constraint with its own SELECT would double the load time.
            obj.full_clean(validate_constraints=False)
            obj._change_reason = CHANGE_REASON
            with transaction.atomic():
                obj.save()
        except ValidationError as exc:
            raise SeedError(f"{where}: {_describe(exc)}") from exc
        except IntegrityError as exc:
            raise SeedError(f"{where}: the database refused it: {exc}") from exc
        if adding:
            self.report.created[label] += 1
            self.created.add((type(obj), obj.pk))
        else:
            self.report.updated[label] += 1
            self.report.overwritten.append(self._named(where))
        return obj

    def _aliases(self, owner: models.Model, raw: dict, where: str, owner_new: bool) -> None:
        """An actor's or a place's aliases, kept as _links keeps links."""
        alias = owner.aliases.model
        field = owner._meta.model_name  # The alias's foreign key: actor, location.
        self._links(
            f"{where}, aliases",
            owner_new=owner_new,
            stored=owner.aliases.all(),
            key=lambda stored: stored.name,
            wanted={
                name: (alias(**{field: owner, "name": name}), f"{where}, alias {name!r}")
                for name in self._list(raw, "aliases", where, of=str)
            },
        )

    def _links(
        self,
        where: str,
        *,
        owner_new: bool,
        stored: models.QuerySet,
        key: Callable[[models.Model], Hashable],
        wanted: dict[Hashable, tuple[models.Model, str]],
    ) -> None:
        """One owner's links (aliases, members, actors, citations, relations) as one record.

        A new owner gets the fixture's links. An existing owner's links are as editors left
        them: a link an editor removed or corrected differs from the fixture, and is not brought
        back beside the correction. Only a link to a record this run created is added, since it
        cannot have been loaded before. --update makes the links the fixture's again (deletes
        the others, adds the missing) and says so.
        """
        label = stored.model._meta.verbose_name_plural
        fresh = {k: link for k, link in wanted.items() if owner_new or self._created(link[0])}
        wanted = {k: link for k, link in wanted.items() if k not in fresh}
        current = {} if owner_new else {key(row): row for row in stored}
        if current.keys() == wanted.keys():
            self.report.unchanged[label] += len(current)
        elif not self.update:
            self.report.differing[label] += 1
            self.report.kept.append(self._named(where))
        else:
            # The others go first: a corrected link may hold the unique key its original needs.
            for k, row in current.items():
                if k not in wanted:
                    row._change_reason = CHANGE_REASON
                    row.delete()
                    self.report.removed[label] += 1
            fresh |= {k: link for k, link in wanted.items() if k not in current}
            self.report.overwritten.append(self._named(where))
        for row, row_where in fresh.values():
            self._save(row, {}, row_where)

    def _created(self, link: models.Model) -> bool:
        """Whether a link points to a record this run created (an actor, article or event)."""
        targets = (getattr(link, f.name) for f in link._meta.concrete_fields if f.is_relation)
        return any((type(target), target.pk) in self.created for target in targets)

    def _get_or_new(self, model: type[models.Model], **lookup) -> models.Model:
        return model.objects.filter(**lookup).first() or model(**lookup)

    # -- each fixture ----------------------------------------------------------------------------

    def event_types(self, records: list[dict]) -> None:
        for raw in records:
            parent = self._event_type(raw, parent=None)
            where = self._where("event_types", f"event type {parent.slug!r}")
            for sub in self._list(raw, "subtypes", where, of=dict):
                self._event_type(sub, parent=parent)

    def _event_type(self, raw: dict, *, parent: EventType | None) -> EventType:
        where = self._where("event_types", f"event type {raw.get('slug')!r}")
        slug = self._field(raw, "slug", where)
        values = {
            "name": self._field(raw, "name", where),
            "description": raw.get("description") or "",
            "parent": parent,
        }
        return self._save(self._get_or_new(EventType, slug=slug), values, where)

    def locations(self, records: list[dict], parent: Location | None = None) -> None:
        for raw in records:
            where = self._where("locations", f"location {raw.get('slug')!r}")
            slug = self._field(raw, "slug", where)
            values = {
                "name": self._field(raw, "name", where),
                "kind": self._field(raw, "kind", where),
                "parent": parent,
                "latitude": raw.get("latitude"),
                "longitude": raw.get("longitude"),
                "geo_precision": raw.get("geo_precision"),
                "iso_code": raw.get("iso_code") or "",
            }
            location = self._get_or_new(Location, slug=slug)
            owner_new = location._state.adding
            location = self._save(location, values, where)
            self._aliases(location, raw, where, owner_new)
            self.locations(self._list(raw, "children", where, of=dict), parent=location)

    def actors(self, records: list[dict]) -> None:
        for raw in records:
            where = self._where("actors", f"actor {raw.get('slug')!r}")
            slug = self._field(raw, "slug", where)
            country_slug = raw.get("country")
            country = (
                self._ref(Location, where, "country", slug=country_slug) if country_slug else None
            )
            values = {
                "name": self._field(raw, "name", where),
                "kind": self._field(raw, "kind", where),
                "country": country,
                "description": raw.get("description") or "",
            }
            actor = self._get_or_new(Actor, slug=slug)
            owner_new = actor._state.adding
            actor = self._save(actor, values, where)
            self._aliases(actor, raw, where, owner_new)
        # Memberships only once every actor exists, since alliances name later actors.
        for raw in records:
            where = self._where("actors", f"actor {raw['slug']!r}")
            alliance = Actor.objects.get(slug=raw["slug"])
            wanted = {}
            for member_slug in self._list(raw, "members", where, of=str):
                member = self._ref(Actor, where, "member", slug=member_slug)
                wanted[member.pk] = (
                    ActorMembership(alliance=alliance, member=member),
                    f"{where}, member {member_slug!r}",
                )
            self._links(
                f"{where}, members",
                owner_new=(Actor, alliance.pk) in self.created,
                stored=alliance.memberships.all(),
                key=lambda membership: membership.member_id,
                wanted=wanted,
            )

    def articles(self, records: list[dict]) -> None:
        for raw in records:
            where = self._where("articles", f"article {raw.get('key')!r}")
            key = self._field(raw, "key", where)
            name = self._field(raw, "file", where)
            if not isinstance(name, str) or not name:
                raise SeedError(f"{where}: the field 'file' must be a file name, not {name!r:.60}")
            path = self.base_dir / name
            try:
                found = path.is_file()
            except OSError as exc:  # A name too long for the file system, and the like.
                raise SeedError(
                    f"{where}: the text file {name!r:.80} cannot be read: {exc}"
                ) from exc
            if not found:
                raise SeedError(f"{where}: the text file {path} does not exist")
            text = article_text(path)
            dateline_slug = raw.get("dateline")
            dateline = (
                self._ref(Location, where, "dateline", slug=dateline_slug)
                if dateline_slug
                else None
            )
            values = {
                "title": self._field(raw, "title", where),
                "outlet": self._field(raw, "outlet", where),
                "original_agency": raw.get("original_agency") or "",
                "url": raw.get("url") or "",
                "publication_date": self._date(raw, "publication_date", where),
                "publication_date_source": raw.get("publication_date_source", "stated"),
                "publication_date_note": raw.get("publication_date_note") or "",
                "dateline": dateline,
                "language": raw.get("language") or "en",
                "text": text,
            }
            article = self._seed_article(text)
            if article is None:
                self.report.deleted[Article._meta.verbose_name_plural] += 1
                self.report.kept.append(f"{self._named(where)} (deleted)")
                self.articles_by_key[key] = None
                continue
            self.articles_by_key[key] = self._save(article, values, where)

    def _seed_article(self, text: str) -> Article | None:
        """The article loaded from this text, though an editor corrected it since; None if an
        editor deleted it; a new article if it was never loaded."""
        digest = fingerprint(text)
        article = Article.objects.filter(sha256=digest).first()
        if article is not None:
            return article
        # Articles have no seed key of their own: the one that once held this very text (its
        # history says which) is the seed article, whatever its text is now.
        ids = set(Article.history.filter(sha256=digest).values_list("id", flat=True))
        if not ids:
            return Article()
        return Article.objects.filter(pk__in=ids).order_by("-pk").first()

    def events(self, records: list[dict]) -> None:
        keys = [raw.get("key") for raw in records]
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        if duplicates:
            raise SeedError(f"{self._where('events', 'keys')}: duplicated event keys {duplicates}")
        uids = [seed_uid(key) for key in keys if isinstance(key, str)]
        self.removed_uids = set(
            EventRemoval.objects.filter(
                uid__in=uids, reason=EventRemoval.Reason.DELETED
            ).values_list("uid", flat=True)
        )
        for raw in records:
            self._event(raw)
        for raw in records:
            self._relations(raw)
        self._check_published_have_sources(records)

    def _event(self, raw: dict) -> None:
        where = self._where("events", f"event {raw.get('key')!r}")
        key = self._field(raw, "key", where)
        location_slug = raw.get("location")
        fatalities = raw.get("fatalities") or {}
        if not isinstance(fatalities, dict):
            raise SeedError(
                f"{where}: the field 'fatalities' must map best, low and high to counts"
            )
        values = {
            "headline": self._field(raw, "headline", where),
            "summary": raw.get("summary") or "",
            "type": self._ref(EventType, where, "event type", slug=self._field(raw, "type", where)),
            "location": (
                self._ref(Location, where, "location", slug=location_slug)
                if location_slug
                else None
            ),
            "date_earliest": self._date(raw, "date_earliest", where),
            "date_latest": self._date(raw, "date_latest", where),
            "date_precision": self._field(raw, "date_precision", where),
            "date_approximate": bool(raw.get("date_approximate", False)),
            "status": raw.get("status", Event.Status.PUBLISHED),
            "fatalities_best": fatalities.get("best"),
            "fatalities_low": fatalities.get("low"),
            "fatalities_high": fatalities.get("high"),
        }
        event = self._get_or_new(Event, uid=seed_uid(key))
        if event._state.adding and event.uid in self.removed_uids:
            # An editor deleted it: its tombstone is in the sync feed, and it stays deleted.
            self.deleted_event_keys.add(key)
            self.report.deleted[Event._meta.verbose_name_plural] += 1
            self.report.kept.append(f"{self._named(where)} (deleted)")
            return
        owner_new = event._state.adding
        if raw.get("date_display"):
            values["date_display"] = raw["date_display"]
        elif event._state.adding:
            values["date_display"] = ""  # Generated by Event.save() from the bounds.
        event = self._save(event, values, where)
        self.events_by_key[key] = event

        actors = {}
        for position, link in enumerate(self._list(raw, "actors", where, of=dict), start=1):
            link_where = f"{where}, actor {position}"
            actor = self._ref(
                Actor, link_where, "actor", slug=self._field(link, "actor", link_where)
            )
            role = self._field(link, "role", link_where)
            actors[actor.pk, role] = (EventActor(event=event, actor=actor, role=role), link_where)
        self._links(
            f"{where}, actors",
            owner_new=owner_new,
            stored=event.actor_links.all(),
            key=lambda link: (link.actor_id, link.role),
            wanted=actors,
        )

        citations = {}
        for position, source in enumerate(self._list(raw, "sources", where, of=dict), start=1):
            source_where = f"{where}, source {position}"
            article_key = self._field(source, "article", source_where)
            if article_key not in self.articles_by_key:
                raise SeedError(f"{source_where}: article {article_key!r} does not resolve")
            article = self.articles_by_key[article_key]
            if article is None:
                continue  # An editor deleted the article; the report names it.
            citation = EventSource(
                event=event,
                article=article,
                excerpt=self._field(source, "excerpt", source_where),
                attributed_to=source.get("attributed_to") or "",
                date_phrase=source.get("date_phrase") or "",
                excerpt_start=source.get("excerpt_start"),
            )
            citations[_citation_key(citation)] = (citation, source_where)
        self._links(
            f"{where}, sources",
            owner_new=owner_new,
            stored=event.sources.all(),
            key=_citation_key,
            wanted=citations,
        )

    def _relations(self, raw: dict) -> None:
        key = raw["key"]
        if key in self.deleted_event_keys:
            return
        where = self._where("events", f"event {key!r}")
        event = self.events_by_key[key]
        wanted = {}
        for position, relation in enumerate(self._list(raw, "relations", where, of=dict), start=1):
            relation_where = f"{where}, relation {position}"
            other_key = self._field(relation, "event", relation_where)
            if other_key in self.deleted_event_keys:
                continue
            if other_key not in self.events_by_key:
                raise SeedError(f"{relation_where}: event {other_key!r} does not resolve")
            link = EventRelation(
                from_event=event,
                to_event=self.events_by_key[other_key],
                kind=self._field(relation, "kind", relation_where),
                note=relation.get("note") or "",
            )
            wanted[_relation_key(link)] = (link, relation_where)
        # Relations to events outside the seeds (ingestion's possible duplicates) are not ours.
        seeds = [seed.pk for seed in self.events_by_key.values()]
        self._links(
            f"{where}, relations",
            owner_new=(Event, event.pk) in self.created,
            stored=event.relations_out.filter(to_event__in=seeds),
            key=_relation_key,
            wanted=wanted,
        )

    def _check_published_have_sources(self, records: list[dict]) -> None:
        for raw in records:
            event = self.events_by_key.get(raw["key"])
            if event is None or ((Event, event.pk) not in self.created and not self.update):
                continue  # Deleted, or as editors left it: Event.save() held the rule for them.
            if event.status == Event.Status.PUBLISHED and not event.sources.exists():
                where = self._where("events", f"event {raw['key']!r}")
                raise SeedError(f"{where}: a published event needs at least one source excerpt")


def _citation_key(citation: EventSource) -> Hashable:
    return (
        citation.article_id,
        citation.excerpt,
        citation.attributed_to,
        citation.date_phrase,
    )


def _relation_key(relation: EventRelation) -> Hashable:
    return (relation.to_event_id, relation.kind, relation.note)


def _current(obj: models.Model, name: str) -> Any:
    """A field's stored value, foreign keys as their id (an unsaved object may have none)."""
    return getattr(obj, obj._meta.get_field(name).attname)


def _plain(value: Any) -> Any:
    return value.pk if isinstance(value, models.Model) else value


def _describe(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(message for error in errors for message in error.messages)}"
            for name, errors in exc.error_dict.items()
        )
    return " ".join(exc.messages)
