"""The bulk writer: batches inserted with their triggers' effects, and generate() over them."""

import random
import sys
import time
from collections.abc import Callable, Iterator
from operator import attrgetter

from django.db import connection, models, transaction
from django.db.models import Max, Model
from django.db.models.expressions import DatabaseDefault
from django.utils import timezone

from events import commits, triggers
from events.models import (
    Article,
    Event,
    EventActor,
    EventSource,
)
from events.synthetic.distributions import BATCH_SIZE, Batch, Report
from events.synthetic.reference import ensure_event_types, ensure_reference, load_reference
from events.synthetic.rows import generate_batch


def write_batch(batch: Batch) -> None:
    """Insert one batch in one transaction, parents before the rows that point at them."""
    with transaction.atomic():
        commits.written(public=True)
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
    # The reference data and the features rebuilt at the end of the block: counted once more.
    commits.written(public=True)
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
