"""Export the filtered chronology in ACLED's or UCDP GED's layout (or any API format)."""

import argparse
import errno
import os
import secrets
import stat
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from events.chronology.paging import EXPORT_BATCH_SIZE
from events.chronology.query import FILTERS, REPEATABLE
from events.formats import FORMATS
from events.formats.forked import WorkerError
from events.interchange.exporter import ExportError, export_events


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"a whole number of 1 or more, not {text!r}")
    return value


class Command(BaseCommand):
    help = (
        "Stream published events (--all-statuses: every event) to stdout or --output in a "
        "format: acled or ucdp (the datasets' CSV layouts) or any API export format. Filters "
        "are the API's: --actor isis --start 2016-09 --type battles …"
    )
    # A read of the data: the system checks (the URLs, the admin, the API schema, each
    # imported to be checked) cost 0.2 s of CPU, a twelfth of exporting 85,000 events; the
    # server and migrate run them.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--format", required=True, choices=sorted(FORMATS))
        parser.add_argument("--output", type=Path, help="write to this file instead of stdout")
        parser.add_argument("--all-statuses", action="store_true", help="drafts and reviews too")
        parser.add_argument(
            "--include-unmapped",
            action="store_true",
            help="acled, ucdp: also events the dataset has no type for (left out by default)",
        )
        parser.add_argument(
            "--jobs",
            type=_positive,
            help="csv: worker processes writing it, each with its own database connection "
            "(default: the machine's cores, at most 4, for more than 10,000 events, else 1)",
        )
        parser.add_argument(
            "--chunk-size",
            type=_positive,
            default=EXPORT_BATCH_SIZE,
            help=f"csv: events per statement, a worker's task (default {EXPORT_BATCH_SIZE})",
        )
        filters = parser.add_argument_group("filters (as the API's query parameters)")
        for name, field in FILTERS.items():
            flags = [f"--{name}"] + ([f"--{name.replace('_', '-')}"] if "_" in name else [])
            filters.add_argument(
                *flags,
                dest=f"filter_{name}",
                action="append" if name in REPEATABLE else "store",
                help=str(field.extra.get("help_text") or "").replace("%", "%%").split(". ")[0],
            )

    def handle(self, *args, format: str, output: Path | None, jobs: int | None, **options):
        params = {
            name.removeprefix("filter_"): value if isinstance(value, list) else [value]
            for name, value in options.items()
            if name.startswith("filter_") and value is not None
        }
        if options["include_unmapped"]:
            params["include_unmapped"] = ["true"]
        try:
            stream, _, tally = export_events(
                format,
                params,
                include_unpublished=options["all_statuses"],
                jobs=jobs,
                batch_size=options["chunk_size"],
            )
            if output is None:
                for chunk in stream:
                    self.stdout.write(chunk.decode("utf-8"), ending="")
            else:
                _write(output, stream)
        except ExportError as exc:
            raise CommandError(f"Nothing exported: {exc}") from exc
        except WorkerError as exc:
            written = f"{output} was left as it was" if output else "the output is incomplete"
            raise CommandError(f"Export failed, {written}: {exc}") from exc
        if tally.get("left_out"):
            self.stderr.write(
                f"{tally['left_out']} events left out: the {format} layout has no type for them "
                "or they are planned (--include-unmapped writes them too)"
            )


def _write(output: Path, stream) -> None:
    """The stream into the file, whole or not at all: written beside it under a name of its
    own (two exports to one path never share it) and moved over it at the end, flushed to
    disk first and with the file's earlier permissions, so that a failure leaves no
    half-written file behind (a FIFO or a device is written as it is; a link, into the file it
    names)."""
    target = output.resolve() if output.is_symlink() else output
    partial = None
    try:
        if target.exists() and not target.is_file():
            with target.open("wb") as handle:
                for chunk in stream:
                    handle.write(chunk)
            return
        mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else None
        # A new file is created as open() creates one; over an existing file, what is written
        # stays private until it has that file's mode.
        descriptor, partial = _create_beside(target, 0o666 if mode is None else 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            for chunk in stream:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(partial, mode)
        os.replace(partial, target)
        partial = None
    except OSError as exc:
        raise CommandError(f"--output: cannot write {output}: {exc.strerror or exc}") from exc
    finally:
        if partial is not None:
            partial.unlink(missing_ok=True)


def _create_beside(target: Path, mode: int) -> tuple[int, Path]:
    """A new file in target's folder under a name no other export takes (an exclusive create
    under a random name, as mkstemp makes one), opened for writing. The system applies the
    umask (or the folder's default ACL) to mode, as for any open(): reading the umask instead
    would mean setting it, for every thread of the process at once."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    flags |= getattr(os, "O_BINARY", 0)
    for _ in range(tempfile.TMP_MAX):
        partial = target.parent / f".{target.name}.{secrets.token_hex(6)}"
        try:
            return os.open(partial, flags, mode), partial
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free name for a part-file", str(target.parent))
