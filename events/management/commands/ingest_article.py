"""Ingest a news article from a file: store it and propose draft events for editors to review."""

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from events.ingest.pipeline import DuplicateArticle, IngestError, decode_text, ingest_article

# Exit codes: 1 refused input (CommandError's default), 2 bad arguments (argparse), 3 duplicate.
DUPLICATE_EXIT_CODE = 3


def _publication_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--published: {value!r} is not a date of the form YYYY-MM-DD") from None


class Command(BaseCommand):
    help = (
        "Store the article in PATH (UTF-8 text) and propose the events it reports as drafts, "
        "dated against --published. Nothing is published: review the proposals in the admin. "
        f"Exits with {DUPLICATE_EXIT_CODE} when the exact text is already stored."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="the article text, UTF-8")
        parser.add_argument(
            "--published",
            required=True,
            help="publication date, YYYY-MM-DD (relative dates "
            "in the text are resolved against it)",
        )
        parser.add_argument("--outlet", default="", help="who published this copy")
        parser.add_argument(
            "--new-outlet",
            action="store_true",
            help="accept an outlet no stored article comes from yet (guards against typos)",
        )
        parser.add_argument("--title", default="", help="headline (default: the first line)")
        parser.add_argument("--url", default="", help="where the article was published")
        parser.add_argument("--agency", default="", help="the agency that first reported it")
        parser.add_argument(
            "--language",
            default="",
            help="BCP 47 code of the text's language (default: detected from the text); "
            "nothing is proposed from a language the rules do not read",
        )

    def handle(self, *args, path: Path, published: str, **options):
        publication_date = _publication_date(published)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"PATH: cannot read {path}: {exc.strerror or exc}") from exc
        try:
            result = ingest_article(
                text=decode_text(data, field="PATH"),
                publication_date=publication_date,
                title=options["title"],
                outlet=options["outlet"],
                new_outlet=options["new_outlet"],
                url=options["url"],
                original_agency=options["agency"],
                language=options["language"] or None,
            )
        except DuplicateArticle as exc:
            raise CommandError(f"Nothing stored: {exc}", returncode=DUPLICATE_EXIT_CODE) from exc
        except IngestError as exc:
            raise CommandError(f"Nothing stored: {exc}") from exc
        for line in result.summary_lines():
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(
                f"Review the proposals at /admin/events/article/{result.article.pk}/proposals/"
            )
        )
