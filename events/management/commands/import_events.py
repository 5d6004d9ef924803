"""Import an ACLED or UCDP GED CSV file: create or update events by the dataset's ids."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from events.interchange.importer import LAYOUTS, STATUSES, ImportAborted, import_file
from events.interchange.reading import FileError

# Exit codes: 1 nothing imported (unreadable file, refused chunk), 2 bad arguments (argparse),
# 3 some rows rejected (listed with their lines; with --atomic nothing was written).
REJECTED_EXIT_CODE = 3


class Command(BaseCommand):
    help = (
        "Import PATH, a CSV file in ACLED's or UCDP GED's layout. Rows whose id was imported "
        "before update their event instead of duplicating it; a bad row is reported with its "
        "line and reason and the rest imported (--atomic: nothing is). Records of the file's "
        f"countries that it no longer holds are listed. Exits with {REJECTED_EXIT_CODE} when "
        "rows were rejected."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="the CSV file (UTF-8; a BOM is fine)")
        parser.add_argument("--format", required=True, choices=sorted(LAYOUTS), dest="dataset")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report, write nothing"
        )
        parser.add_argument(
            "--atomic", action="store_true", help="import nothing if any row is rejected"
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
            "ged191.csv; ACLED rows carry their own timestamp)",
        )
        parser.add_argument(
            "--list", type=int, default=20, help="rejected rows and missing records to list"
        )

    def handle(self, *args, path: Path, dataset: str, **options):
        progress = _Progress(self.stderr._out) if self.stderr._out.isatty() else None
        try:
            report = import_file(
                path,
                dataset=dataset,
                release=options["release"],
                status=options["status"],
                dry_run=options["dry_run"],
                atomic=options["atomic"],
                progress=progress,
            )
        except (FileError, ImportAborted) as exc:
            raise CommandError(f"Nothing imported from {path}: {exc}") from exc
        finally:
            if progress is not None:
                progress.done()
        for line in report.lines(limit=options["list"]):
            self.stdout.write(line)
        if report.rejected:
            raise CommandError(
                f"{len(report.rejected)} rows rejected (listed above by line)",
                returncode=REJECTED_EXIT_CODE,
            )
        self.stdout.write(self.style.SUCCESS("Imported." if report.written else "Checked."))


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
