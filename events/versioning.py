"""Optimistic concurrency: a version per record that every save moves on, compared and set."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, connections, models, router

# How the databases word a key another write took or removed first, met at commit (SQLite's,
# PostgreSQL's): a conflict to retry, where any other refusal is a fault to report.
_UNIQUE_WORDS = ("UNIQUE constraint failed", "duplicate key value")
_FOREIGN_WORDS = ("FOREIGN KEY constraint failed", "violates foreign key constraint")


def met_another_write(exc: Exception, *, foreign: bool = True) -> bool:
    """Whether the database refused a write for a unique key (or, with foreign, a foreign key)
    that another write changed first."""
    words = _UNIQUE_WORDS + (_FOREIGN_WORDS if foreign else ())
    return isinstance(exc, IntegrityError) and any(text in str(exc) for text in words)


# The caller's expectation of a record's version: one version, any of several (an If-Match
# list), or None for "whatever is there" (If-Match: *).
Expected = int | Collection[int] | None


class StaleVersion(Exception):
    """The record changed since the caller read it: its version is no longer the expected one."""

    def __init__(
        self, obj: models.Model, *, current: int | None, expected: Expected, message: str = ""
    ):
        self.obj, self.current, self.expected = obj, current, expected
        label = obj._meta.verbose_name
        self.message = message or (
            f"The {label} #{obj.pk} has changed since you read it: it is at version {current}, "
            f"and your change was made against version {_describe(expected)}."
        )
        super().__init__(self.message)


def _describe(expected: Expected) -> str:
    if expected is None or isinstance(expected, int):
        return str(expected)
    return " or ".join(str(version) for version in sorted(expected)) or "none"


def matches(version: int, expected: Expected) -> bool:
    if expected is None:
        return True
    if isinstance(expected, int):
        return version == expected
    return version in expected


class VersionedModel(models.Model):
    """A record with a version that every save() moves on by one, compared and set.

    save() updates the row only WHERE its version is still the one this instance was read
    with, and raises StaleVersion when another writer got there first, so no ORM write path
    can overwrite a change it has not seen. Writers that re-read the row under a lock
    (lock_current) never meet that error; it is the guard for everyone else.
    """

    version = models.PositiveIntegerField(
        default=1,
        # For raw-SQL bulk inserts (importers, generate_events) that leave the column out.
        db_default=1,
        editable=False,
        help_text="Moves on by one with every save: what an ETag or a form's version compares.",
    )

    class Meta:
        abstract = True

    def save(self, *args, update_fields=None, **kwargs) -> None:
        if self._state.adding:
            super().save(*args, update_fields=update_fields, **kwargs)
            return
        read = self.version
        if update_fields is not None:
            # What a save always writes: the version and the "updated" stamps.
            stamped = [f.name for f in self._meta.concrete_fields if getattr(f, "auto_now", False)]
            update_fields = {*update_fields, "version", *stamped}
        self.version, self._version_read = read + 1, read
        try:
            super().save(*args, update_fields=update_fields, **kwargs)
        except BaseException:
            self.version = read
            raise
        finally:
            del self._version_read

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update):
        read = getattr(self, "_version_read", None)
        if read is None:
            return super()._do_update(base_qs, using, pk_val, values, update_fields, forced_update)
        updated = super()._do_update(
            base_qs.filter(version=read), using, pk_val, values, update_fields, forced_update
        )
        if not updated:
            current = base_qs.filter(pk=pk_val).values_list("version", flat=True).first()
            if current is not None:
                raise StaleVersion(self, current=current, expected=read)
        return updated


def lock_current(model: type[models.Model], pk, *, expected: Expected = None, queryset=None):
    """The record as it is now, locked for the rest of the transaction; StaleVersion if its
    version is not the expected one.

    PostgreSQL locks the row (SELECT … FOR UPDATE, this table's row only). SQLite has no row
    locks: the settings open every transaction with BEGIN IMMEDIATE, which takes the database's
    write lock at once, so a transaction that reads here holds the only write lock until it
    ends. Call it inside transaction.atomic().
    """
    queryset = model._base_manager.all() if queryset is None else queryset
    connection = connections[router.db_for_write(model)]
    if connection.features.has_select_for_update_of:
        queryset = queryset.select_for_update(of=("self",))
    else:
        queryset = queryset.select_for_update()
    obj = queryset.get(pk=pk)
    if not matches(obj.version, expected):
        raise StaleVersion(obj, current=obj.version, expected=expected)
    return obj


def hold_shared(model: type[models.Model], pk) -> models.Model:
    """The record as it is now, held until the transaction ends against writers of it but not
    against readers holding it the same way: PostgreSQL's FOR SHARE, so transactions that
    each hold several records this way (citations of two articles, in any order) never
    deadlock one another, while a writer of the record (lock_current) waits for them. SQLite:
    the write lock that BEGIN IMMEDIATE took. Call it inside transaction.atomic()."""
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        return model._base_manager.get(pk=pk)
    table = connection.ops.quote_name(model._meta.db_table)
    found = list(model._base_manager.raw(f"SELECT * FROM {table} WHERE id = %s FOR SHARE", [pk]))
    if not found:
        raise model.DoesNotExist(f"No {model._meta.verbose_name} #{pk}.")
    return found[0]


@dataclass(frozen=True)
class Change:
    """One recorded save since a version: who, when, and each field's old and new value."""

    user: str
    when: datetime
    reason: str
    fields: list[tuple[str, str, str]]

    def describe(self) -> str:
        what = "; ".join(f"{name}: {old} → {new}" for name, old, new in self.fields)
        by = f"{self.user} on {self.when:%d %b %Y %H:%M:%S} UTC"
        return f"{by} changed {what}" if what else f"{by} saved it ({self.reason or 'no change'})"


# Bookkeeping a reader does not need to be told about.
_UNTOLD = {"version", "updated", "created", "name_folded", "path", "depth", "sha256"}


def changes_since(obj: models.Model, version: int) -> list[Change]:
    """The saves recorded in obj's history after the given version, oldest first, each with
    the fields it changed (from django-simple-history). Reads the history once."""
    records = list(
        obj.history.filter(version__gte=version)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    changes, previous = [], None
    for record in records:
        if record.version <= version:
            previous = record  # The last save at that version: what the caller read.
            continue
        fields = []
        if previous is not None:
            delta = record.diff_against(previous, foreign_keys_are_objs=True)
            for change in delta.changes:
                if change.field in _UNTOLD:
                    continue
                label = str(obj._meta.get_field(change.field).verbose_name)
                fields.append((label, _shown(change.old), _shown(change.new)))
        changes.append(
            Change(
                user=str(record.history_user or "someone (no user recorded)"),
                when=record.history_date,
                reason=record.history_change_reason or "",
                fields=fields,
            )
        )
        previous = record
    return changes


def _shown(value, limit: int = 80) -> str:
    if value in (None, ""):
        return "(empty)"
    text = str(value).replace("\n", " ⏎ ")
    return f"“{text[:limit]}…”" if len(text) > limit else f"“{text}”"
