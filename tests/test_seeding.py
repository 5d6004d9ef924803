"""load_seeds: the curated data loads complete, verified, idempotent, and all-or-nothing."""

import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import CommandError, call_command

from events import dates
from events.models import (
    Actor,
    Article,
    Event,
    EventRelation,
    EventSource,
    EventType,
    Location,
)
from events.seeding import article_text, seed_uid

pytestmark = pytest.mark.django_db

FIXTURES = settings.BASE_DIR / "fixtures"


def _fixture(name: str) -> list[dict]:
    return yaml.safe_load((FIXTURES / f"{name}.yaml").read_text(encoding="utf-8"))


def _broken_copy(tmp_path: Path, name: str, mutate) -> Path:
    folder = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, folder)
    records = _fixture(name)
    mutate(records)
    (folder / f"{name}.yaml").write_text(yaml.safe_dump(records, allow_unicode=True))
    return folder


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Actor, Article, Event, EventSource, EventType, Location, EventRelation)
    }


def test_every_fixture_record_is_loaded(seeded):
    events = _fixture("events")
    assert Event.objects.count() == len(events) >= 25
    assert Article.objects.count() == 2
    assert Actor.objects.count() == len(_fixture("actors"))
    assert EventSource.objects.count() == sum(len(e["sources"]) for e in events)
    assert set(Event.objects.values_list("uid", flat=True)) == {seed_uid(e["key"]) for e in events}


def test_both_articles_are_stored_verbatim_with_their_inferred_dates(seeded):
    khazen = Article.objects.get(outlet="Khazen")
    assert khazen.original_agency == "Reuters"
    assert str(khazen.publication_date) == "2017-08-31"
    assert khazen.publication_date_source == "inferred"
    assert khazen.publication_date_note
    assert khazen.text == article_text(settings.BASE_DIR / "seeds/000_6ee9fda0563ee160.txt")
    aleppo = Article.objects.exclude(pk=khazen.pk).get()
    assert str(aleppo.publication_date) == "2016-09-04"


def test_every_excerpt_stands_verbatim_at_its_offsets(seeded):
    for source in EventSource.objects.select_related("article"):
        assert source.article.text[source.excerpt_start : source.excerpt_end] == source.excerpt


def test_the_contradicting_convoy_claims_are_both_recorded_with_attribution(seeded):
    contradictions = EventRelation.objects.filter(kind="contradicts").select_related(
        "from_event", "to_event"
    )
    convoy = [r for r in contradictions if "convoy" in r.from_event.headline.lower()]
    assert convoy, "the turned-back and headed-north claims are linked"
    pair = {convoy[0].from_event, convoy[0].to_event}
    attributions = {
        s.attributed_to.lower() for e in pair for s in e.sources.all() if s.attributed_to
    }
    assert any("townsend" in a for a in attributions)
    assert any("pro-syrian government" in a for a in attributions)


def test_background_events_keep_their_honest_precision(seeded):
    by_key = {e["key"]: e for e in _fixture("events")}
    precisions = Counter(Event.objects.values_list("date_precision", flat=True))
    assert precisions["day"] and precisions["month"] and precisions["year"]
    assert Event.objects.filter(date_approximate=True).exists()
    # "early August" is a month-precision window, never a fake day.
    early_august = [k for k, e in by_key.items() if e.get("date_display") == "early August 2016"]
    event = Event.objects.get(uid=seed_uid(early_august[0]))
    assert (str(event.date_earliest), str(event.date_latest)) == ("2016-08-01", "2016-08-10")
    assert event.date_precision == "month"


def test_day_precise_seed_events_agree_with_the_date_resolver(seeded):
    """Where a source's date phrase alone gives a day, the curated bounds are that day."""
    checked = 0
    for source in EventSource.objects.select_related("event", "article").exclude(date_phrase=""):
        event = source.event
        if event.date_precision != "day":
            continue
        try:
            resolved = dates.resolve_phrase(
                source.date_phrase, reference=source.article.publication_date
            )
        except dates.DateError:
            continue
        if resolved.precision == dates.Precision.DAY and "will" not in source.excerpt:
            assert resolved.earliest == event.date_earliest, (event.headline, source.date_phrase)
            checked += 1
    assert checked >= 5


def test_loading_twice_changes_nothing(seeded):
    before = _counts()
    history_before = Event.history.count()
    call_command("load_seeds")
    assert _counts() == before
    assert Event.history.count() == history_before


def test_seed_loading_leaves_a_history_record(seeded):
    event = Event.objects.first()
    record = event.history.get()
    assert record.history_type == "+"
    assert record.history_change_reason == "load_seeds"


def test_an_excerpt_not_in_its_article_is_refused_and_nothing_is_written(tmp_path):
    def corrupt(events):
        events[3]["sources"][0]["excerpt"] = "a sentence the article never said"

    folder = _broken_copy(tmp_path, "events", corrupt)
    key = _fixture("events")[3]["key"]
    with pytest.raises(CommandError) as caught:
        call_command("load_seeds", fixtures=folder)
    message = str(caught.value)
    assert "events.yaml" in message
    assert key in message
    assert "verbatim" in message
    assert set(_counts().values()) == {0}


def test_an_unresolved_reference_is_refused_naming_the_record(tmp_path):
    def corrupt(events):
        events[0]["actors"][0]["actor"] = "no-such-actor"

    folder = _broken_copy(tmp_path, "events", corrupt)
    with pytest.raises(CommandError) as caught:
        call_command("load_seeds", fixtures=folder)
    assert "'no-such-actor' does not resolve" in str(caught.value)
    assert _fixture("events")[0]["key"] in str(caught.value)
    assert Event.objects.count() == 0


def test_invalid_coordinates_are_refused_naming_the_place(tmp_path):
    def corrupt(locations):
        locations[0]["latitude"] = 123.0

    folder = _broken_copy(tmp_path, "locations", corrupt)
    with pytest.raises(CommandError) as caught:
        call_command("load_seeds", fixtures=folder)
    assert "locations.yaml" in str(caught.value)
    assert "latitude" in str(caught.value)
    assert Location.objects.count() == 0


def test_an_editors_change_is_kept_unless_update_is_asked(seeded):
    event = Event.objects.order_by("id").first()
    event.headline = "Edited by an editor"
    event.save()
    call_command("load_seeds")
    event.refresh_from_db()
    assert event.headline == "Edited by an editor"
    call_command("load_seeds", update=True)
    event.refresh_from_db()
    assert event.headline != "Edited by an editor"
