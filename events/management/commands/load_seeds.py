"""Load the curated seed articles, actors, places, types and events (idempotent)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from events.seeding import SeedError, load_seeds


class Command(BaseCommand):
    help = (
        "Load fixtures/*.yaml into the database. Every excerpt must occur verbatim in its article "
        "and every reference must resolve, or nothing is written. Only seed records never "
        "loaded are added: those that exist are left as editors left them, with their links "
        "and excerpts, and deleted seed events stay deleted (--update overwrites edits and "
        "names what it overwrote)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fixtures", type=Path, default=settings.BASE_DIR / "fixtures", help="fixture folder"
        )
        parser.add_argument(
            "--update",
            action="store_true",
            help="overwrite seed records that editors have changed since (default: keep them)",
        )

    def handle(self, *args, fixtures: Path, update: bool, **options):
        try:
            report = load_seeds(fixtures, base_dir=settings.BASE_DIR, update=update)
        except SeedError as exc:
            raise CommandError(f"Nothing was loaded: {exc}") from exc
        for line in report.lines():
            self.stdout.write(line)
        # Named one by one: an editor's work is never kept or overwritten without a word.
        for record in report.kept:
            self.stdout.write(f"Left as editors left it: {record}")
        for record in report.overwritten:
            self.stdout.write(self.style.WARNING(f"Overwritten with the fixture: {record}"))
        verdict = "Seeds loaded." if report.changed else "Seeds already loaded; nothing changed."
        self.stdout.write(self.style.SUCCESS(verdict))
