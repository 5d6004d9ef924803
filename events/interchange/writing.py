"""Bulk INSERT and UPDATE from plain dicts: the import's hot path, without model instances."""

# bulk_create builds and prepares a model instance per row, which costs more than the row's
# own INSERT (about 0.3 ms an event here, history included); these helpers send the same
# rows in batches (on SQLite statements of many rows, elsewhere executemany: insert_batches),
# converting only the values the database driver cannot take as they are (dates, datetimes,
# UUIDs, JSON), as the fields themselves would.

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from functools import lru_cache
from itertools import chain, repeat
from operator import itemgetter
from typing import Any

import orjson
from django.db import connection, models

BATCH_ROWS = 1_000
_MISSING = object()
# Values per IN (...) list: under SQLite's default limit of 999 bound variables.
IN_LIST = 500
# Distinct values a date or time converter keeps (_Memo): dates of a dataset's span, a few
# thousand, and the times of the import's chunks.
MEMO_VALUES = 65_536
_CONVERTED = (models.DateField, models.UUIDField, models.JSONField, models.DecimalField)
# SQLite's page cache while an import runs, in KiB (the default is 2 MiB): the unique and
# date indexes an import inserts into at random places outgrow the default within a few
# thousand events, and each miss is a read and a rewrite of a page.
BULK_CACHE_KIB = 131_072
# Pages the write-ahead log may grow to before a commit copies it into the database (SQLite's
# default is 1,000, 4 MB): a chunk writes more than that, and each checkpoint rewrites pages the
# next chunk changes again. About 256 MB; the last commit's checkpoint, or the next writer's,
# takes what is left.
BULK_CHECKPOINT_PAGES = 65_536


class Table:
    """A model's table, written from dicts keyed by attname (type_id, not type).

    A key left out takes the field's default; created/updated (auto_now_add, auto_now) take
    `now`. The auto-increment primary key is left to the database, or with explicit_ids given
    in every row (from allocate_ids).
    """

    def __init__(self, model: type[models.Model], *, now: datetime, explicit_ids: bool = False):
        self.model = model
        self.now = now
        pk = model._meta.pk
        self.fields = [
            field
            for field in model._meta.concrete_fields
            # A generated column is the database's to compute.
            if not field.generated
            and (explicit_ids or not (field is pk and isinstance(field, models.AutoField)))
        ]
        quote = connection.ops.quote_name
        self.table = quote(model._meta.db_table)
        self.columns = [quote(field.column) for field in self.fields]
        self.names = [field.attname for field in self.fields]
        self.defaults = [self._default(field) for field in self.fields]
        # created/updated of a model instance not yet saved are None: they take `now`.
        self.stamped = {
            position
            for position, field in enumerate(self.fields)
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        }
        self.converters = [_converter(field) for field in self.fields]
        # For _all_values: the constant defaults, the names whose default is made per row, and
        # the columns that need a look (conversion, or None meaning now).
        self.template = {
            name: field.get_default()
            for name, field in zip(self.names, self.fields, strict=True)
            if not (field.has_default() and callable(field.default))
        }
        for i in self.stamped:
            self.template[self.names[i]] = None
        self.callable_defaults = {
            name
            for name, field in zip(self.names, self.fields, strict=True)
            if field.has_default() and callable(field.default)
        }
        self.getter = itemgetter(*self.names)
        self.special = [
            (i, self.converters[i] or (lambda value: value))
            for i in range(len(self.fields))
            if self.converters[i] is not None or i in self.stamped
        ]

    def _default(self, field: models.Field):
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return lambda: self.now
        if field.has_default() and callable(field.default):
            return field.default
        value = field.get_default()
        return lambda: value

    def _values(self, row: dict[str, Any], positions: Sequence[int]) -> list:
        """The row's values for the columns at positions, ready for the driver."""
        names, get = self.names, row.get
        values = [get(names[i], _MISSING) for i in positions]
        for slot, i in enumerate(positions):
            value = values[slot]
            if value is _MISSING or (value is None and i in self.stamped):
                value = values[slot] = self.defaults[i]()
            convert = self.converters[i]
            if convert is not None and value is not None:
                values[slot] = convert(value)
        return values

    def _all_values(self, row: dict[str, Any]) -> list:
        """_values for every column, the fast way: the constant defaults come from a template
        dict, a C itemgetter reads the row, and only the few special columns are looked at."""
        if self.callable_defaults and not self.callable_defaults.issubset(row):
            return self._values(row, range(len(self.fields)))
        values = list(self.getter({**self.template, **row}))
        for i, convert in self.special:
            value = values[i]
            if value is None and i in self.stamped:
                value = self.now
            values[i] = convert(value) if value is not None else None
        return values

    def insert(self, rows: Iterable[dict[str, Any]]) -> int:
        """INSERT the rows; returns how many."""
        params = [self._all_values(row) for row in rows]
        insert_batches(self.table, self.columns, params)
        return len(params)

    def insert_rows(self, names: Sequence[str], rows: Iterable[tuple]) -> int:
        """INSERT rows given as tuples of the named columns, the cheapest way: no dict per row.
        Every other column takes its default, which must be a constant (or created/updated's
        `now`); returns how many."""
        given = [self.names.index(name) for name in names]
        rest = [i for i in range(len(self.fields)) if i not in given]
        made_per_row = [self.names[i] for i in rest if self.names[i] in self.callable_defaults]
        if made_per_row:
            raise ValueError(f"insert_rows: {', '.join(made_per_row)} must be given")
        constants = tuple(self._values({}, rest))
        convert = [(slot, self.converters[i]) for slot, i in enumerate(given) if self.converters[i]]
        columns = [self.columns[i] for i in given + rest]
        if convert:
            # Column by column: each converted in one pass (a C loop where no value is None),
            # then the rows put together again by zip, rather than a Python loop per row.
            given_columns = list(zip(*rows, strict=True)) or [() for _ in given]
            for slot, converter in convert:
                values = given_columns[slot]
                given_columns[slot] = (
                    [None if value is None else converter(value) for value in values]
                    if None in values
                    else list(map(converter, values))
                )
            count = len(given_columns[0])
            params = list(
                zip(*given_columns, *(repeat(value, count) for value in constants), strict=True)
            )
        else:
            params = [(*row, *constants) for row in rows]
        insert_batches(self.table, columns, params)
        return len(params)

    def insert_alike(self, rows: Sequence[dict[str, Any]]) -> int:
        """INSERT dicts that all hold the same keys (the first row's), as insert_rows does:
        each row read by one C itemgetter, no dict merged with the defaults per row."""
        if not rows:
            return 0
        names = tuple(rows[0])
        read = itemgetter(*names) if len(names) > 1 else (lambda row: (row[names[0]],))
        return self.insert_rows(names, map(read, rows))

    def update(
        self, rows: Iterable[dict[str, Any]], names: Sequence[str], *, new_version: bool = False
    ) -> int:
        """UPDATE the given columns of rows by their "id"; returns how many.

        new_version moves a versioned record's version on (events.versioning), so an editor's
        form or an API client's ETag read before the import is refused instead of overwriting it.
        """
        chosen = [self.names.index(name) for name in names]
        quote = connection.ops.quote_name
        assignments = ", ".join(f"{self.columns[i]} = %s" for i in chosen)
        if new_version:
            assignments += f", {quote('version')} = {quote('version')} + 1"
        sql = f"UPDATE {self.table} SET {assignments} WHERE {quote('id')} = %s"
        params = [[*self._values(row, chosen), row["id"]] for row in rows]
        with connection.cursor() as cursor:
            for start in range(0, len(params), BATCH_ROWS):
                cursor.executemany(sql, params[start : start + BATCH_ROWS])
        return len(params)


def insert_batches(table: str, columns: Sequence[str], params: Sequence[Sequence]) -> None:
    """INSERT the rows (each a sequence of the columns' values, ready for the driver) into the
    quoted table: on SQLite each full batch of BATCH_ROWS as one statement of that many VALUES
    rows, and the rows left over (fewer than BATCH_ROWS) with executemany, as everywhere else.

    SQLite runs a statement's one-time setup again for every row executemany sends: a CHECK
    constraint's IN list (an event's status and precision, a link's role) is built into a
    small table each time, which doubled the cost of inserting an actor link. A statement of
    many rows builds it once; the rows, their order and their ids are the same. Only full
    batches go that way: the driver keeps each distinct statement compiled (up to 128 per
    connection), and one of a thousand event rows holds about 2 MB, so the statements must be
    the same few (one per table), never one per size of what a part leaves over.
    """
    head = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
    row = f"({', '.join(['%s'] * len(columns))})"
    bound = connection.vendor == "sqlite" and BATCH_ROWS * len(columns) <= _sqlite_bound_values()
    full = len(params) - len(params) % BATCH_ROWS if bound else 0
    with connection.cursor() as cursor:
        for start in range(0, full, BATCH_ROWS):
            part = params[start : start + BATCH_ROWS]
            cursor.execute(_full_batch(head, row), list(chain.from_iterable(part)))
        for start in range(full, len(params), BATCH_ROWS):
            cursor.executemany(head + row, params[start : start + BATCH_ROWS])


@lru_cache(maxsize=64)
def _full_batch(head: str, row: str) -> str:
    # The same statement part after part: its text is built once, and the driver's statement
    # cache then finds it compiled.
    return head + ", ".join([row] * BATCH_ROWS)


def _sqlite_bound_values() -> int:
    """The most values one SQLite statement may bind (SQLITE_MAX_VARIABLE_NUMBER: 32,766
    unless the library was built with less)."""
    connection.ensure_connection()
    getlimit = getattr(connection.connection, "getlimit", None)  # Python 3.11 and later
    return getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) if getlimit else 999


def _converter(field: models.Field):
    """How a value of the field reaches the driver; None when it goes as it is. Dates and
    times repeat from row to row (the import's own time, event days), so each distinct one is
    converted once."""
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        return _memoised(ops.adapt_datetimefield_value)
    if isinstance(field, models.DateField):
        return _memoised(ops.adapt_datefield_value)
    if isinstance(field, models.UUIDField):
        return None if connection.features.has_native_uuid_field else (lambda value: value.hex)
    if isinstance(field, models.JSONField):
        if field.encoder is None and connection.vendor == "sqlite":
            return _json_text
        if field.encoder is None and connection.vendor == "postgresql":
            return _jsonb
        return lambda value: ops.adapt_json_value(value, field.encoder)
    if isinstance(field, _CONVERTED):
        return lambda value: field.get_db_prep_save(value, connection)
    return None


def _json_text(value) -> str:
    """A JSON value for the driver, encoded by orjson (a stored row is the import's largest
    value: json.dumps took a fifth of a row's time)."""
    return orjson.dumps(value).decode("utf-8")


def _jsonb(value):
    """_json_text wrapped for psycopg's jsonb parameter."""
    from psycopg.types.json import Jsonb

    text = orjson.dumps(value).decode("utf-8")
    return Jsonb(value, dumps=lambda _value: text)


class _Memo(dict):
    """A converter's answers by value, each worked out once (on the first miss); it starts
    again past MEMO_VALUES, so that a table kept for a whole import holds a bounded number."""

    __slots__ = ("convert",)

    def __init__(self, convert):
        super().__init__()
        self.convert = convert

    def __missing__(self, value):
        if len(self) >= MEMO_VALUES:
            self.clear()
        found = self[value] = self.convert(value)
        return found


def _memoised(convert):
    # The dict's own lookup as the converter: a hit, nearly every call, runs no Python code.
    return _Memo(convert).__getitem__


def insert_objects(model: type[models.Model], objs: Sequence[models.Model], history) -> list[dict]:
    """INSERT unsaved instances; returns their values as written (ids still to be found)."""
    names = [field.attname for field in model._meta.concrete_fields]
    rows = [{name: getattr(obj, name) for name in names} for obj in objs]
    for row in rows:
        for name in ("created", "updated"):
            if name in row and row[name] is None:
                row[name] = history.when
    Table(model, now=history.when).insert(rows)
    return rows


def in_lists(values: Sequence) -> Iterator[tuple[list, str]]:
    """The values in parts of IN_LIST, each with its placeholders ("%s, %s, …"), for the
    statements that read or write rows by a list of keys: a statement per part."""
    for start in range(0, len(values), IN_LIST):
        part = list(values[start : start + IN_LIST])
        yield part, ", ".join(["%s"] * len(part))


def ids_by(model: type[models.Model], field: str, values: Sequence) -> dict:
    """{value: id} for rows whose unique `field` is one of values (a query per 500).

    Plain SQL: the ORM prepares each value of an IN list in Python, which costs more than the
    query. The values go as they are, so `field` must be one stored as it is (a slug, a hash).
    """
    quote = connection.ops.quote_name
    column = quote(model._meta.get_field(field).column)
    found: dict = {}
    with connection.cursor() as cursor:
        for part, marks in in_lists(values):
            cursor.execute(
                f"SELECT {column}, {quote('id')} FROM {quote(model._meta.db_table)} "
                f"WHERE {column} IN ({marks})",
                part,
            )
            found.update(cursor.fetchall())
    return found


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """Ids for `count` rows of model about to be inserted, taken before the INSERT.

    Rows that point to these rows (an event's actors and sources) can then be written before
    them, and nothing has to be read back. Call it inside the transaction that inserts them.
    """
    if count <= 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Each nextval is ours whatever other sessions do; they need not be consecutive.
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [connection.ops.quote_name(table), count],
            )
            return [row[0] for row in cursor.fetchall()]
        if connection.vendor == "sqlite":
            # Past the AUTOINCREMENT high-water mark, so a deleted row's id is never reused.
            # The transaction began IMMEDIATE (settings), so no other writer can take these
            # ids before the INSERT; an explicit id moves sqlite_sequence on as usual.
            cursor.execute(
                "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
                f"coalesce((SELECT max(id) FROM {connection.ops.quote_name(table)}), 0))",
                [table],
            )
            top = cursor.fetchone()[0]
            return list(range(top + 1, top + 1 + count))
    raise NotImplementedError(f"allocate_ids: no id allocation for {connection.vendor}")


def delete_where(model: type[models.Model], column: str, values: Sequence[int]) -> None:
    """DELETE the rows whose column is one of values, without loading them (a statement per
    500): a queryset delete() of a model with history loads each row to send its signals."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for part, marks in in_lists(values):
            cursor.execute(
                f"DELETE FROM {quote(model._meta.db_table)} WHERE {quote(column)} IN ({marks})",
                part,
            )


@contextmanager
def bulk_load() -> Iterator[None]:
    """Settings for a bulk load on this connection, put back afterwards: on SQLite a larger
    page cache; PostgreSQL needs nothing here."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA wal_autocheckpoint")
        checkpoint = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
        cursor.execute(f"PRAGMA wal_autocheckpoint = {BULK_CHECKPOINT_PAGES}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {previous}")
            cursor.execute(f"PRAGMA wal_autocheckpoint = {checkpoint}")
