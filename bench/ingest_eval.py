"""Ingest hand-annotated articles and the seed articles; print the figures beside the targets."""

# Run from the project root:
#   python bench/ingest_eval.py [--set DIR] [--verbose]
# DIR holds one YAML file per annotated article (default bench/ingest_devset). It uses a
# throwaway SQLite database in the temporary folder holding only the seed actors, places and
# types (plus the reference gazetteer the packages bring), never the project's database.
# The metrics are defined in docs/ingestion.md and events/ingest/annotated.py.

import argparse
import hashlib
import os
import statistics
import sys
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
# One throwaway database per checkout, so evaluations in two checkouts never share one.
_CHECKOUT = hashlib.sha1(str(BASE_DIR).encode()).hexdigest()[:8]
DATABASE = Path(tempfile.gettempdir()) / f"conflicttracker_ingest_eval_{_CHECKOUT}.sqlite3"
DEFAULT_SET = BASE_DIR / "bench" / "ingest_devset"
# The targets, for the column beside each figure.
TARGETS = {
    "recall_dated": 0.70,
    "precision": 0.80,
    "actors_right": 0.70,
    "places_or_ancestor": 0.80,
    "verbatim": 1.0,
}
SECONDS_PER_THOUSAND_WORDS = 1.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--set", type=Path, default=DEFAULT_SET, help="folder of annotations")
    parser.add_argument("--verbose", action="store_true", help="list misses and mistakes")
    parser.add_argument("--no-seeds", action="store_true", help="skip the seed articles")
    options = parser.parse_args()
    if not options.set.is_dir():
        parser.error(f"--set: {options.set} is not a folder")
    sys.path.insert(0, str(BASE_DIR))
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DATABASE}{suffix}").unlink(missing_ok=True)
    # Set before Django reads its settings: the evaluation must never touch a real database.
    os.environ["DATABASE_URL"] = f"sqlite:///{DATABASE}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "conflicttracker.settings"
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-any-deployment-0123456789")

    import django

    django.setup()
    from django.core.management import call_command

    from events.ingest.evaluation import evaluate_seeds, evaluate_set, load_gazetteer_only
    from events.models import Article, Event

    call_command("migrate", verbosity=0, interactive=False)
    seeds = None
    if options.no_seeds:
        load_gazetteer_only(BASE_DIR / "fixtures", base_dir=BASE_DIR)
    else:
        seeds = evaluate_seeds(BASE_DIR / "fixtures", base_dir=BASE_DIR)
        Event.objects.all().delete()
        Article.objects.all().delete()
    result = evaluate_set(options.set)
    print("\n".join(set_lines(options.set, result, verbose=options.verbose)))
    if seeds is not None:
        print()
        print("\n".join(seeds.lines()))
    print(f"(database: {DATABASE})")
    return 0


def set_lines(folder: Path, result, *, verbose: bool) -> list[str]:
    s = result.scores

    def row(label: str, figure, target: str = "") -> str:
        return f"  {label:<58}{figure!s:>20}  {target}"

    def goal(name: str) -> str:
        return f"target ≥ {TARGETS[name]:.0%}"

    def median_and_slowest(figures: list[float]) -> str:
        if not figures:
            return "-"
        return f"{statistics.median(figures) * 1000:.0f} / {figures[0] * 1000:.0f} ms"

    lines = [
        f"Ingestion against {folder}: {s.articles} articles, {s.happenings} happenings, "
        f"{s.proposals} proposals, {result.words:,} words",
        row("recall (happening)", s.recall),
        row(
            "recall (happening, bounds contain the true date)", s.recall_dated, goal("recall_dated")
        ),
        row("  … happenings not marked background", s.recall_foreground),
        row("precision (proposal matches a happening)", s.precision, goal("precision")),
        row("precision (… and its bounds contain the true date)", s.precision_dated),
        row(
            "actors right (all annotated, none wrong, sides right)",
            s.actors_right,
            goal("actors_right"),
        ),
        row("  … where the database holds every annotated actor", s.actors_right_known),
        row("  annotated actors found in a right role", s.actor_recall),
        row("  proposed actors that are annotated, role right", s.actor_precision),
        row("places right", s.places_right),
        row("places right or a correct ancestor", s.places_or_ancestor, goal("places_or_ancestor")),
        row("event type exact", s.types_exact),
        row("event type exact or its parent", s.types_parent),
        row("fatalities (low, best, high) as annotated", s.fatalities),
        row("proposals dated after publication, not planned", s.after_publication, "target 0"),
        row("verbatim excerpts", s.verbatim, goal("verbatim")),
        row("language detected as annotated", s.language),
        row(
            "ingest time per 1,000 words: median / slowest article",
            median_and_slowest(result.per_thousand_words),
            f"limit {SECONDS_PER_THOUSAND_WORDS * 1000:.0f} ms",
        ),
        row(
            "  … CPU time of this process",
            median_and_slowest(result.cpu_per_thousand_words),
            f"limit {SECONDS_PER_THOUSAND_WORDS * 1000:.0f} ms",
        ),
    ]
    if result.problems:
        lines.append("Annotation problems:")
        lines += [f"  {problem}" for problem in result.problems]
    if verbose:
        lines.append("Happenings no proposal matches:")
        lines += [f"  {line}" for line in s.misses]
        lines.append("Proposals that match no happening:")
        lines += [f"  {line}" for line in s.spurious]
        lines.append("Matched, but something is wrong:")
        lines += [f"  {line}" for line in s.wrong]
    lines.append(f"Reproduce: python bench/ingest_eval.py --set {folder}")
    return lines


if __name__ == "__main__":
    sys.exit(main())
