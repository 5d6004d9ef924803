"""Add a realistic synthetic dataset of N events, for load tests and benchmarks."""

from django.core.management.base import BaseCommand, CommandError

from events.synthetic import generate, text_progress


class Command(BaseCommand):
    help = (
        "Add N synthetic events (1-3 actors and 1-2 verbatim-cited sources each) to the database, "
        "with, the first time, a generated set of actors, alliances and places (slugs 'syn-…'), "
        "reused by later runs. Rows are bulk-inserted, so no history is recorded for them: fine "
        "for synthetic data, never for real records. The same --seed gives the same data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True, help="how many events to add")
        parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
        parser.add_argument(
            "--batch-size", type=int, default=5_000, help="events per transaction (default 5000)"
        )

    def handle(self, *args, count: int, seed: int, batch_size: int, **options):
        if count < 1:
            raise CommandError(f"--count must be 1 or more, not {count}.")
        if batch_size < 1:
            raise CommandError(f"--batch-size must be 1 or more, not {batch_size}.")
        report = generate(
            count, seed=seed, batch_size=batch_size, progress=text_progress(self.stderr)
        )
        for line in report.lines():
            self.stdout.write(line)
