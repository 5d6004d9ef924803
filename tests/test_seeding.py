"""load_seeds: the curated data loads complete, verified, idempotent, and all-or-nothing."""

import shutil
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import CommandError, call_command

from events import dates
from events.models import (
    Actor,
    ActorAlias,
    Article,
    Event,
    EventActor,
    EventRelation,
    EventSource,
    EventType,
    Location,
)
from events.seeding import article_text, seed_uid

pytestmark = pytest.mark.django_db

FIXTURES = settings.BASE_DIR / "fixtures"
# A seed event citing one article with one excerpt, and three actors.
KEY = "2017-08-is-hezbollah-syrian-army-ceasefire-deal"


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


def _load(**options) -> str:
    """Run load_seeds; what it printed."""
    out = StringIO()
    call_command("load_seeds", stdout=out, **options)
    return out.getvalue()


def _roles(actor_slug: str) -> list[str]:
    links = EventActor.objects.filter(event__uid=seed_uid(KEY), actor__slug=actor_slug)
    return sorted(links.values_list("role", flat=True))


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
    versioned = (Event, Article, EventActor, EventSource, EventRelation, Actor, Location)
    history_before = [model.history.count() for model in versioned]
    output = _load()
    assert _counts() == before
    assert [model.history.count() for model in versioned] == history_before
    assert "Seeds already loaded; nothing changed." in output
    assert "Left as editors left it" not in output


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


def _refusal(folder: Path) -> str:
    """load_seeds on this folder must refuse with a CommandError (no traceback) and write
    nothing; its message."""
    with pytest.raises(CommandError) as caught:
        call_command("load_seeds", fixtures=folder)
    assert set(_counts().values()) == {0}
    return str(caught.value)


def _copy_with(tmp_path: Path, name: str, content: bytes) -> Path:
    folder = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, folder)
    (folder / f"{name}.yaml").write_bytes(content)
    return folder


def test_a_fixtures_path_that_is_a_file_is_refused_naming_it(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    message = _refusal(path)
    assert str(path) in message and "folder" in message


def test_a_fixture_that_is_a_folder_is_refused_naming_it(tmp_path):
    folder = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, folder)
    (folder / "actors.yaml").unlink()
    (folder / "actors.yaml").mkdir()
    assert "actors.yaml: cannot be read" in _refusal(folder)


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("event_types", b"\xff\xfe\x00binary\x80\x81", ["event_types.yaml", "not UTF-8"]),
        ("event_types", b"- 5\n", ["event_types.yaml, record 1", "mapping"]),
        ("events", b"- nonsense\n", ["events.yaml, record 1", "'nonsense'"]),
        (
            "event_types",
            b"- {slug: x, name: x, subtypes: 7}\n",
            ["event_types.yaml, event type 'x'", "'subtypes' must be a list"],
        ),
        (
            "locations",
            b"- {slug: a, name: A, kind: country, latitude: abc, longitude: 1}\n",
            ["locations.yaml, location 'a'", "latitude", "'abc' is not a number"],
        ),
    ],
)
def test_a_malformed_fixture_is_refused_naming_the_file_and_record(tmp_path, name, content, words):
    message = _refusal(_copy_with(tmp_path, name, content))
    for word in words:
        assert word in message


@pytest.mark.parametrize(
    ("name", "mutate", "words"),
    [
        ("events", lambda r: r[0].update(key=["a", "b"]), ["events.yaml, record 1", "'key'"]),
        (
            "events",
            lambda r: r[0].update(date_precision={"x": 1}),
            ["events.yaml, record 1", "'date_precision'", "single value"],
        ),
        (
            "events",
            lambda r: r[0]["actors"][0].update(role=["side_a"]),
            ["events.yaml, record 1", "'actors'", "'role'", "single value"],
        ),
        (
            "events",
            lambda r: r[0]["fatalities"].update(best=[3]),
            ["'fatalities'", "'best'", "single value"],
        ),
        (
            "events",
            lambda r: r[0].update(date_earliest=20170801),
            ["events.yaml", "'date_earliest'", "YYYY-MM-DD"],
        ),
        (
            "events",
            lambda r: r[0].update(date_latest="2017-13-45"),
            ["events.yaml", "'date_latest'", "YYYY-MM-DD"],
        ),
        (
            "articles",
            lambda r: r[0].update(publication_date=True),
            ["articles.yaml", "'publication_date'", "YYYY-MM-DD"],
        ),
        ("articles", lambda r: r[0].update(file=7), ["articles.yaml", "'file'", "file name"]),
        ("articles", lambda r: r[0].update(file="x" * 5000), ["articles.yaml", "cannot be read"]),
    ],
)
def test_a_field_of_the_wrong_shape_is_refused_naming_it(tmp_path, name, mutate, words):
    message = _refusal(_broken_copy(tmp_path, name, mutate))
    for word in words:
        assert word in message, message


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


def test_an_actor_link_an_editor_removed_stays_removed(seeded):
    EventActor.objects.filter(event__uid=seed_uid(KEY), actor__slug="hezbollah").delete()
    output = _load()
    assert _roles("hezbollah") == []
    assert f"Left as editors left it: events.yaml, event {KEY!r}, actors" in output


def test_an_actor_role_an_editor_corrected_is_not_doubled(seeded):
    link = EventActor.objects.get(event__uid=seed_uid(KEY), actor__slug="hezbollah")
    link.role = EventActor.Role.SIDE_A
    link.save()
    _load()
    assert _roles("hezbollah") == ["side_a"]


def test_a_citation_an_editor_narrowed_is_not_added_back_beside_it(seeded):
    source = EventSource.objects.get(event__uid=seed_uid(KEY))
    source.excerpt = source.excerpt[:60]
    source.excerpt_start = None
    source.full_clean()
    source.save()
    output = _load()
    excerpts = list(EventSource.objects.filter(event__uid=seed_uid(KEY)).values_list("excerpt"))
    assert excerpts == [(source.excerpt,)]
    assert f"event {KEY!r}, sources" in output


def test_an_article_an_editor_corrected_is_not_stored_twice(seeded):
    article = Article.objects.get(citations__event__uid=seed_uid(KEY))
    before = Article.objects.count()
    article.text += "\n\n(Corrected by the outlet.)"
    article.full_clean()
    article.save()
    output = _load()
    assert Article.objects.count() == before
    article.refresh_from_db()
    assert article.text.endswith("(Corrected by the outlet.)")
    assert EventSource.objects.filter(event__uid=seed_uid(KEY)).count() == 1
    assert "Left as editors left it: articles.yaml, article 'khazen-is-convoy" in output


def test_an_event_an_editor_deleted_stays_deleted_even_with_update(seeded):
    Event.objects.filter(uid=seed_uid(KEY)).delete()
    output = _load()
    assert not Event.objects.filter(uid=seed_uid(KEY)).exists()
    assert "events: 0 created, 0 updated, 28 unchanged, 1 deleted by editors" in output
    assert f"Left as editors left it: events.yaml, event {KEY!r} (deleted)" in output
    _load(update=True)
    assert not Event.objects.filter(uid=seed_uid(KEY)).exists()


def test_an_actors_alias_an_editor_removed_stays_removed(seeded):
    ActorAlias.objects.filter(actor__slug="hezbollah", name="Hizbollah").delete()
    _load()
    assert not ActorAlias.objects.filter(actor__slug="hezbollah", name="Hizbollah").exists()


def test_update_restores_the_fixtures_links_and_names_what_it_overwrote(seeded):
    link = EventActor.objects.get(event__uid=seed_uid(KEY), actor__slug="hezbollah")
    link.role = EventActor.Role.SIDE_A
    link.save()
    EventActor.objects.filter(event__uid=seed_uid(KEY), actor__slug="syrian-army").delete()
    output = _load(update=True)
    assert _roles("hezbollah") == ["side_b"]
    assert _roles("syrian-army") == ["side_b"]
    assert f"Overwritten with the fixture: events.yaml, event {KEY!r}, actors" in output
    assert "event actors: 2 created, 0 updated, 58 unchanged, 1 removed" in output
    assert "Seeds loaded." in output


def test_seeds_never_loaded_are_added_beside_an_editors_changes(seeded, tmp_path):
    """A new seed event (with a relation to it from an existing one) joins an edited database."""
    EventActor.objects.filter(event__uid=seed_uid(KEY), actor__slug="hezbollah").delete()

    def add_event(events):
        new = {**next(e for e in events if e["key"] == KEY), "key": "a-new-seed-event"}
        events.append({**new, "relations": []})
        existing = next(e for e in events if e["key"] == KEY)
        existing["relations"] = [{"kind": "follows", "event": "a-new-seed-event"}]

    output = _load(fixtures=_broken_copy(tmp_path, "events", add_event))
    added = Event.objects.get(uid=seed_uid("a-new-seed-event"))
    assert added.actor_links.count() == 3
    assert added.sources.count() == 1
    assert EventRelation.objects.filter(from_event__uid=seed_uid(KEY), to_event=added).exists()
    assert _roles("hezbollah") == []
    assert "events: 1 created, 0 updated, 29 unchanged" in output
