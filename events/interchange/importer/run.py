"""Import an ACLED or UCDP GED file: plan each chunk of rows, then write it in bulk."""

# Rows stream from the file in chunks. A row whose cells hash as the stored row's did is
# unchanged and is not even parsed. Every other row is mapped (events.interchange.acled /
# ucdp) and checked with the validators every write path uses; its version stamp is compared
# with the stored one (the newest release wins); an event an editor changed since the import
# is never overwritten (the newer row waits on the record as a conflict). Names are resolved
# from in-memory caches, and each chunk is written with a handful of bulk statements in one
# transaction: the number of queries grows with the number of chunks, never with the rows, and
# no event is ever written without its actors, sources and record.

import gc
import logging
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from itertools import islice
from pathlib import Path

from django.db import connection, transaction

from events import bulk_indexes, commits, triggers
from events.interchange.dataset_files import DatasetFile, FileError, SourceRow, read_dataset
from events.interchange.importer.exclusive import ImportRunning, one_import_at_a_time
from events.interchange.importer.planning import Planner, Seen
from events.interchange.importer.report import LAYOUTS, ImportReport
from events.interchange.importer.storing import ChunkWriter
from events.interchange.writing import bulk_load
from events.models import Event
from events.versioning import met_another_write

# The package's name: what the import's log records carry, whichever module writes them.
logger = logging.getLogger("events.interchange.importer")

# Rows written in one transaction (a chunk), planned and written in parts of PART_ROWS. A commit
# copies every page the chunk changed into the write-ahead log, and the pages of the indexes
# filled in random order (events' uids, stub articles' hashes) are most of each index every
# time: at 100,000 ACLED rows, chunks of 10,000 write 0.8 GB where chunks of 5,000 wrote 1.1 GB,
# and their commits cost 1.0 CPU s instead of 2.6. A chunk holds SQLite's write lock for a
# second or two, well within the busy timeout other writers wait (settings).
CHUNK_ROWS = 10_000
# Rows planned together: the names a part meets are created (and numbered) before the next part
# is planned, whatever the size of the chunk.
PART_ROWS = 5_000
STATUSES = ("draft", "review", "published")
# A file at least this large, whose first part writes most of its rows and at least a quarter
# as many events as are stored, sets the full-text index and the day-pair counts aside and
# rebuilds them once at the end, instead of keeping them row by row (see _Aside).
SET_ASIDE_ROWS = 20_000
Progress = Callable[[int, int], None]


def import_file(
    source: Path | str | bytes,
    *,
    dataset: str,
    filename: str = "",
    release: str = "",
    status: str = "published",
    dry_run: bool = False,
    atomic: bool = False,
    user=None,
    keep_outcomes: bool = False,
    progress: Progress | None = None,
    chunk_rows: int = CHUNK_ROWS,
    list_missing: int = 100,
    overwrite_edited: bool = False,
    reviewed: dict[str, tuple[int, str]] | None = None,
    wait: bool = True,
) -> ImportReport:
    """Import an ACLED or UCDP GED CSV file (a path or its bytes) and report what happened.

    Rows with an id already imported update their event when the row changed, its stamp is
    not older than the stored row's and no editor changed the event since (else the row is
    skipped as older, or kept on the record as a conflict for review); nothing is duplicated.
    Rows that cannot be imported are reported with their line and reason and the rest imported
    — or, with atomic, nothing is. A database failure stops the import: the report says which
    chunks were committed and where it stopped. dry_run writes nothing and reports what would
    happen. FileError when the file cannot be read. reviewed ({external id: (event version,
    waiting row's fingerprint)}, with overwrite_edited) applies a row only while its event and
    its record's waiting row are as a reviewer saw them; any other row is rejected. Imports
    take turns (exclusive.py): with wait=False a running one is a FileError at once.
    """
    if dataset not in LAYOUTS:
        raise FileError(f"unknown format {dataset!r}; use {' or '.join(LAYOUTS)}")
    if status not in STATUSES:
        raise FileError(f"unknown status {status!r}; use {', '.join(STATUSES)}")
    layout = LAYOUTS[dataset]
    filename = filename or (Path(source).name if not isinstance(source, bytes) else "")
    started = time.monotonic()
    data = read_dataset(source, aliases=layout.ALIASES, required=layout.REQUIRED)
    report = ImportReport(
        dataset=dataset,
        filename=filename,
        release=(release or guess_release(dataset, filename))[:64],
        dry_run=dry_run,
        atomic=atomic,
        status=status,
        encoding=data.encoding,
    )
    try:
        # The triggers are set aside and the table of seen ids made outside an all-or-nothing
        # transaction, so that both are put back whether it commits or rolls back.
        with (
            # A dry run writes nothing: it neither waits for nor holds up a running import.
            nullcontext() if dry_run else _one_at_a_time(wait),
            _without_cycle_collection(),
            bulk_load(),
            _Aside(data.approximate_rows, dry_run=dry_run) as aside,
            Seen() as seen,
        ):
            planner = Planner(
                report,
                data,
                user=user,
                keep_outcomes=keep_outcomes,
                overwrite_edited=overwrite_edited,
                reviewed=reviewed,
            )
            planner.seen = seen
            with transaction.atomic() if atomic else nullcontext():
                _run(planner, data, aside, chunk_rows=chunk_rows, progress=progress)
                if not report.stopped and list_missing:
                    planner.missing(limit=list_missing)
                if atomic and (report.rejected or report.stopped) and not dry_run:
                    transaction.set_rollback(True)
            planner.count_pending()
            # Rows refused while reading come before the others of their chunk: put them back.
            for outcomes in (
                report.rejected,
                report.outcomes,
                report.skipped,
                report.conflicts,
                report.dismissed,
            ):
                outcomes.sort(key=lambda outcome: outcome.line)
    finally:
        data.close()
    report.seconds = time.monotonic() - started
    return report


def _run(
    planner: Planner, data: DatasetFile, aside: "_Aside", *, chunk_rows: int, progress
) -> None:
    """Plan and write chunk by chunk, each in one transaction (which also holds the chunk's
    writes to the table of ids seen: on SQLite, a statement committed on its own after a
    large write pays for a checkpoint of the write-ahead log), part by part within it."""
    report, writer = planner.report, ChunkWriter(planner)
    for chunk in _chunks(data.rows, chunk_rows):
        first, last = chunk[0].line, chunk[-1].line
        mark = report.mark()
        try:
            with transaction.atomic():
                for part in _chunks(iter(chunk), PART_ROWS):
                    plans = planner.plan_chunk(part)
                    if report.dry_run or (report.atomic and report.rejected):
                        planner.discard_chunk()
                        continue
                    written = sum(plan.action in ("create", "update") for plan in plans)
                    remaining = data.approximate_rows - report.rows
                    aside.before_writing(len(part), written, remaining)
                    writer.write_chunk(plans, events_first=aside.started)
                    # The ETags move once the chunk commits (its dataset rows are public).
                    commits.written(public=True)
                if not report.dry_run and not (report.atomic and report.rejected):
                    report.committed.append((first, last))
        except Exception as exc:  # Any failure: the report says where it stopped.
            logger.exception("import of %s stopped at lines %s–%s", report.filename, first, last)
            report.back_to(mark)
            # A unique key met at commit: names or records this chunk planned to create were
            # created meanwhile by another writer (an editor in the admin, say).
            meanwhile = (
                "another writer created the same names or records meanwhile (import the file "
                "again to take them up); "
                if met_another_write(exc, foreign=False)
                else ""
            )
            report.stopped = (
                f"lines {first}–{last} ({exc}); {meanwhile}nothing of these lines was written"
            )
            return
        if progress is not None:
            progress(report.rows, data.approximate_rows)


@contextmanager
def _one_at_a_time(wait: bool) -> Iterator[None]:
    try:
        with one_import_at_a_time(wait=wait):
            yield
    except ImportRunning:
        raise FileError("another import is running: try again when it has finished") from None


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Python's cycle collector off while an import runs: a chunk makes a few hundred thousand
    short-lived containers, which reference counting frees, and collecting them as cycles took
    a quarter of an import's time. Whatever a chunk leaves is collected at the end."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _Aside:
    """The trigger-kept features (the full-text index, the histogram's day pairs, the links'
    bounds, the opposing pairs, the published counts) and the event tables' secondary indexes
    set aside for a large import that writes, and rebuilt once at the end (events.triggers,
    events.bulk_indexes): set aside once the first part is planned and writes most of its
    rows, so that a re-import that changes nothing never pays for a rebuild."""

    def __init__(self, rows: int, *, dry_run: bool):
        self.eligible = not dry_run and rows >= SET_ASIDE_ROWS
        self.started = False

    def before_writing(self, rows: int, written: int, remaining: int) -> None:
        """Decide on the first part, before it is written: rows it holds, how many of them it
        writes, rows left after it."""
        if self.started or not self.eligible:
            return
        self.eligible = False
        if written * 2 < rows or remaining < rows:
            return
        if written * 4 < Event.objects.count():
            return  # A small share of a large table: rebuilding would cost more.
        for feature, _ in triggers.FEATURES:
            triggers.uninstall_feature(feature, connection)
        bulk_indexes.set_aside()
        self.started = True

    def __enter__(self):
        if self.eligible:
            # What an import that did not finish (a killed process) left set aside.
            bulk_indexes.restore()
        return self

    def __exit__(self, *exc_info):
        # Rebuilt from every event, whether the import committed or not (had the setting aside
        # been rolled back with an all-or-nothing import, nothing is missing): the indexes
        # first, which the features' rebuilds read through, then those of the tables the
        # rebuilds fill.
        if self.started:
            bulk_indexes.restore(derived=False)
            triggers.restore_triggers()
            bulk_indexes.restore()
            # The rebuilt features (the histogram's counts, the full-text index) change what
            # responses show after the last chunk was counted: counted again.
            commits.written(public=True)


def guess_release(dataset: str, filename: str) -> str:
    """UCDP's version from its file name: ged191.csv, GEDEvent_v19_1.csv → "19.1"; a monthly
    candidate release, GEDEvent_v26_0_8.csv → "26.0.8" (ordered by ucdp.stamp_key)."""
    if dataset == "ucdp":
        found = re.search(
            r"(?:ged|v)[_-]?(\d{2})[._-]?(\d)(?:[._-](\d{1,2}))?(?!\d)", filename, re.IGNORECASE
        )
        if found:
            return ".".join(part for part in found.groups() if part is not None)
    return ""


def _chunks(rows: Iterator[SourceRow], size: int) -> Iterator[list[SourceRow]]:
    while chunk := list(islice(rows, size)):
        yield chunk
