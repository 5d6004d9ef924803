"""Export the filtered chronology in ACLED's or UCDP GED's layout (or any API format)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from events.chronology.query import FILTERS, REPEATABLE
from events.formats import FORMATS
from events.interchange.exporter import ExportError, export_events


class Command(BaseCommand):
    help = (
        "Stream published events (--all-statuses: every event) to stdout or --output in a "
        "format: acled or ucdp (the datasets' CSV layouts) or any API export format. Filters "
        "are the API's: --actor isis --start 2016-09 --type battles …"
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", required=True, choices=sorted(FORMATS))
        parser.add_argument("--output", type=Path, help="write to this file instead of stdout")
        parser.add_argument("--all-statuses", action="store_true", help="drafts and reviews too")
        parser.add_argument(
            "--include-unmapped",
            action="store_true",
            help="acled, ucdp: also events the dataset has no type for (left out by default)",
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

    def handle(self, *args, format: str, output: Path | None, **options):
        params = {
            name.removeprefix("filter_"): value if isinstance(value, list) else [value]
            for name, value in options.items()
            if name.startswith("filter_") and value is not None
        }
        if options["include_unmapped"]:
            params["include_unmapped"] = ["true"]
        try:
            stream, _, tally = export_events(
                format, params, include_unpublished=options["all_statuses"]
            )
            if output is None:
                for chunk in stream:
                    self.stdout.write(chunk.decode("utf-8"), ending="")
            else:
                try:
                    with output.open("wb") as handle:
                        for chunk in stream:
                            handle.write(chunk)
                except OSError as exc:
                    raise CommandError(
                        f"--output: cannot write {output}: {exc.strerror or exc}"
                    ) from exc
        except ExportError as exc:
            raise CommandError(f"Nothing exported: {exc}") from exc
        if tally.get("left_out"):
            self.stderr.write(
                f"{tally['left_out']} events left out: the {format} layout has no type for them "
                "or they are planned (--include-unmapped writes them too)"
            )
