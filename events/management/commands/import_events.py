"""Import an ACLED or UCDP GED CSV file: create or update events by the dataset's ids."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from events.interchange.dataset_files import FileError
from events.interchange.importer import LAYOUTS, STATUSES, ImportReport, import_file

# Exit codes, the first that applies: 1 nothing imported (the file was refused), 2 bad
# arguments (argparse), 4 stopped part-way (the report lists the lines committed before),
# 3 rows rejected (listed; with --atomic nothing was written), 5 conflicts wait for review.
NOTHING_IMPORTED = 1
REJECTED_EXIT_CODE = 3
STOPPED_EXIT_CODE = 4
CONFLICTS_EXIT_CODE = 5


class Command(BaseCommand):
    help = (
        "Import PATH, a CSV file in ACLED's or UCDP GED's layout. Each row is kept verbatim "
        "with its release. Rows whose id was imported before update their event when they are "
        "not older than the stored row and no editor changed the event since (otherwise the "
        "row waits on its record for review); a bad row is reported with its line and the "
        "rest imported (--atomic: nothing is). Records of the file's countries and dates that "
        "it no longer holds are listed. Exit codes: 0 done, 1 nothing imported, 3 rows "
        "rejected, 4 stopped part-way, 5 conflicts to review."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="the CSV file (UTF-8, UTF-16 or UTF-32)")
        parser.add_argument("--format", required=True, choices=sorted(LAYOUTS))
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report, write nothing"
        )
        parser.add_argument(
            "--atomic",
            action="store_true",
            help="import nothing if any row is rejected or the import stops",
        )
        parser.add_argument(
            "--status",
            choices=STATUSES,
            default="published",
            help="status of new events (default: published; the datasets are curated)",
        )
        parser.add_argument(
            "--release",
            default="",
            help="the dataset release, e.g. 19.1 (default: from a UCDP file name such as "
            "ged191.csv; ACLED rows carry their own timestamp, and this stands in for rows "
            "without one: Unix seconds or a date)",
        )
        parser.add_argument(
            "--list",
            type=int,
            default=20,
            help="rejected rows, conflicts and missing records to list",
        )

    def handle(self, *args, path: Path, format: str, **options):
        err = self.stderr._out
        progress = _Progress(err) if getattr(err, "isatty", lambda: False)() else None
        try:
            report = import_file(
                path,
                dataset=format,
                release=options["release"],
                status=options["status"],
                dry_run=options["dry_run"],
                atomic=options["atomic"],
                progress=progress,
                list_missing=options["list"],
            )
        except FileError as exc:
            raise CommandError(f"Nothing imported from {path}: {exc}", returncode=1) from exc
        finally:
            if progress is not None:
                progress.done()
        for line in report.lines(limit=options["list"]):
            self.stdout.write(line)
        code, message = outcome(report)
        if code:
            raise CommandError(message, returncode=code)
        self.stdout.write(self.style.SUCCESS(message))


def outcome(report: ImportReport) -> tuple[int, str]:
    """(exit code, last line) of an import."""
    if report.stopped:
        if report.atomic:
            return STOPPED_EXIT_CODE, f"Stopped at {report.stopped}: nothing was written."
        return (
            STOPPED_EXIT_CODE,
            f"Stopped at {report.stopped}. Lines committed before it: {report.committed_lines}; "
            "import the file again once the cause is fixed (rows already imported are found "
            "unchanged).",
        )
    if report.rejected:
        return REJECTED_EXIT_CODE, f"{len(report.rejected)} rows rejected (listed above by line)"
    if report.conflicts:
        return (
            CONFLICTS_EXIT_CODE,
            f"{len(report.conflicts)} newer rows meet events editors changed: review them in "
            "the admin (External dataset records, filter “a newer row waits for review”)",
        )
    return 0, "Imported." if report.written else "Checked."


class _Progress:
    """A one-line progress bar on a terminal: rows read of about how many."""

    def __init__(self, out=sys.stderr, width: int = 30):
        self.out, self.width = out, width

    def __call__(self, done: int, total: int) -> None:
        share = min(done / total, 1.0) if total else 1.0
        filled = int(share * self.width)
        bar = "#" * filled + "." * (self.width - filled)
        self.out.write(f"\r[{bar}] {share:4.0%} {done:,} of about {total:,} rows")
        self.out.flush()

    def done(self) -> None:
        self.out.write("\n")
        self.out.flush()
