"""The hand-annotated gold sets are well formed: verbatim excerpts, honest bounds, known roles."""

from pathlib import Path

import pytest
import yaml
from django.conf import settings

from events.ingest.annotated import load_article
from events.models.choices import ActorRole

SETS = ("ingest_devset", "ingest_heldout")


def _files(name: str) -> list[Path]:
    return sorted((settings.BASE_DIR / "bench" / name).glob("*.yaml"))


def _type_slugs() -> set[str]:
    def walk(items):
        for item in items or []:
            yield item["slug"]
            yield from walk(item.get("subtypes"))

    data = yaml.safe_load((settings.BASE_DIR / "fixtures" / "event_types.yaml").read_text())
    return set(walk(data))


@pytest.mark.parametrize("name", SETS)
def test_every_gold_file_cites_its_text_verbatim_with_honest_bounds(name):
    files = _files(name)
    assert len(files) >= 12, name
    roles, types = set(ActorRole.values), _type_slugs()
    problems = []
    for path in files:
        article = load_article(path)
        problems += article.problems
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))["happenings"]
        for happening, item in zip(article.happenings, raw, strict=True):
            where = happening.key
            if not happening.spans:
                problems.append(f"{where}: no excerpt")
            if happening.earliest > happening.latest:
                problems.append(f"{where}: earliest after latest")
            if happening.latest > article.publication_date and not happening.planned:
                problems.append(f"{where}: after publication but not planned")
            if happening.type not in types:
                problems.append(f"{where}: unknown type {happening.type!r}")
            for actor in item.get("actors") or []:
                if actor.get("role") not in roles:
                    problems.append(f"{where}: unknown role {actor.get('role')!r}")
    assert problems == []


def test_the_held_out_set_shares_no_article_with_the_development_set():
    dev, heldout = ({path.stem for path in _files(name)} for name in SETS)
    assert dev and heldout and not dev & heldout
