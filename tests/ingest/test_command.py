"""manage.py ingest_article: thin, with clear refusals and exit codes that say what happened."""

import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from events.management.commands.ingest_article import DUPLICATE_EXIT_CODE
from events.models import Article, Event

pytestmark = pytest.mark.django_db

TEXT = "On Sunday, government forces shelled Aleppo, according to a monitoring group.\n"


def ingest(path: Path, *args: str) -> str:
    out = StringIO()
    call_command("ingest_article", str(path), *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def article_file(tmp_path: Path) -> Path:
    path = tmp_path / "article.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


def test_an_article_is_stored_and_its_proposals_summarised(article_file):
    output = ingest(article_file, "--published", "2016-09-04", "--title", "Aleppo shelled")
    article = Article.objects.get()
    assert article.title == "Aleppo shelled" and article.outlet == "unknown outlet"
    assert f"Article #{article.pk} stored" in output
    assert f"/admin/events/article/{article.pk}/proposals/" in output


def test_the_same_text_again_is_refused_with_its_own_exit_code(article_file, tmp_path):
    ingest(article_file, "--published", "2016-09-04")
    again = tmp_path / "again.txt"
    again.write_text(f"\n{TEXT}  ", encoding="utf-8")  # the same text once stripped
    with pytest.raises(CommandError, match="already stored as article #") as caught:
        ingest(again, "--published", "2016-09-04")
    assert caught.value.returncode == DUPLICATE_EXIT_CODE == 3
    assert Article.objects.count() == 1


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (
            b"Caf\xe9 bombed on Sunday.",
            ["--published", "2016-09-04"],
            "PATH: the file is not UTF-8",
        ),
        (b"  \n ", ["--published", "2016-09-04"], "text: the article is empty"),
        (TEXT.encode(), ["--published", "04/09/2016"], "--published: '04/09/2016' is not a date"),
        (
            TEXT.encode(),
            ["--published", "2999-01-01"],
            "publication_date: 2999-01-01 is in the future",
        ),
        (TEXT.encode(), ["--published", "2016-09-04", "--outlet", "Reuter"], "outlet: no stored"),
    ],
)
def test_bad_input_is_refused_with_exit_code_1_and_nothing_stored(tmp_path, content, args, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message) as caught:
        ingest(path, *args)
    assert caught.value.returncode == 1
    assert not Article.objects.exists() and not Event.objects.exists()


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(CommandError, match="PATH: cannot read"):
        ingest(tmp_path / "nowhere.txt", "--published", "2016-09-04")


def test_a_missing_publication_date_is_a_usage_error_with_exit_code_2(article_file):
    # Argument parsing fails before any database is opened.
    done = subprocess.run(
        [sys.executable, "manage.py", "ingest_article", str(article_file)],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "--published" in done.stderr
