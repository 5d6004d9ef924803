"""Each event's CSV pieces the database keeps (events.export_pieces), checked against the pieces
worked out afresh after every kind of write, and against the export built in Python."""

import contextlib
import random
import uuid
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.http import QueryDict
from django.urls import reverse

from events import export_pieces, triggers
from events.chronology import parse, stream
from events.formats import FORMATS, csv_stream
from events.formats.csv_sql import select_sql, sql_csv_stream
from events.interchange.importer.run import import_file
from events.models import Actor, Article, Event, EventActor, EventSource, ExportPieces
from tests.connections import link_at_once
from tests.factories import (
    ActorFactory,
    ArticleFactory,
    EventActorFactory,
    EventFactory,
    EventSourceFactory,
)
from tests.interchange.builders import ACLED_EDGES
from tests.test_published_counts import World

CSV = FORMATS["csv"]


def stale() -> list[int]:
    return export_pieces.stale(connection)


def exported_as_python_writes_it() -> bool:
    """The export through the stored pieces gives the bytes of the one built from entries."""
    query, events = parse(QueryDict()), Event.objects.all()
    ours = b"".join(sql_csv_stream(query, events=events, steps=CSV.steps, batch_size=5))
    theirs = b"".join(csv_stream(CSV.stored(stream(query, events=events))))
    return ours == theirs


def rename(world: World) -> None:
    """An actor renamed by save(), by a bulk update, or by raw SQL; an article edited."""
    actor = world.rng.choice(world.actors)
    name = f'{actor.name.split(" #")[0]} #{world.rng.randrange(1000)}, "x"'
    match world.rng.randrange(4):
        case 0:
            actor.name = name
            actor.save()
        case 1:
            Actor.objects.filter(pk=actor.pk).update(name=name)
        case 2:
            with connection.cursor() as cursor:
                cursor.execute("UPDATE events_actor SET name = %s WHERE id = %s", [name, actor.pk])
        case 3:
            article = world.rng.choice(world.articles)
            Article.objects.filter(pk=article.pk).update(
                outlet=world.rng.choice(["", "Reuters", "SANA"]),
                original_agency=world.rng.choice(["", "AFP", "Reuters"]),
                title=f"Title {world.rng.randrange(100)}",
            )


def reword(world: World) -> None:
    """A claim's excerpt, attribution or place in the citation order changes."""
    source = EventSource.objects.order_by("?").first()
    if source is None:
        return
    EventSource.objects.filter(pk=source.pk).update(
        excerpt=f"excerpt {world.rng.randrange(100)}",
        attributed_to=world.rng.choice(["", "a commander"]),
        excerpt_start=world.rng.choice([None, 0, 50]),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_write_path_keeps_the_pieces_exact(seed):
    world = World(random.Random(seed))
    assert stale() == []
    for step in range(150):
        draw = world.rng.random()
        with contextlib.suppress(ValidationError):
            rename(world) if draw < 0.1 else reword(world) if draw < 0.2 else world.step()
        if step % 10 == 9:
            assert stale() == [], step
    assert EventActor.objects.exists() and EventSource.objects.exists()  # Pieces to keep.
    assert exported_as_python_writes_it()
    Event.objects.all().delete()
    assert not ExportPieces.objects.exists()


@pytest.mark.django_db
def test_an_import_and_a_revert_in_the_admin_keep_the_pieces(client, admin_user):
    import_file(ACLED_EDGES, dataset="acled")
    assert ExportPieces.objects.count() == Event.objects.count() > 0
    assert stale() == []
    link = EventActorFactory(actor=ActorFactory(name="First name"))
    actor = link.actor
    actor.name = "Second name"
    actor.save()
    first = actor.history.earliest("history_date")
    client.force_login(admin_user)
    url = reverse("admin:events_actor_simple_history", args=[actor.pk, first.history_id])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Actor.objects.get(pk=actor.pk).name == "First name"
    assert "First name" in ExportPieces.objects.get(event_id=link.event_id).actors
    assert stale() == []
    assert exported_as_python_writes_it()


@pytest.mark.django_db(transaction=True)
def test_a_dropped_trigger_comes_back_with_the_pieces_rebuilt():
    link = EventActorFactory(actor=ActorFactory(name="Before"))
    names = export_pieces.TRIGGERS[connection.vendor]
    name = next(name for name in names if "actor_parent" in name)
    try:
        with connection.cursor() as cursor:
            on = "" if connection.vendor == "sqlite" else " ON events_actor"
            cursor.execute(f"DROP TRIGGER {name}{on}")
        Actor.objects.filter(pk=link.actor_id).update(name="After")
        assert stale() == [link.event_id]
    finally:
        restored = triggers.restore_triggers()
    assert restored == ["events.export_pieces"]
    assert stale() == []
    assert "After" in ExportPieces.objects.get(event_id=link.event_id).actors


@pytest.mark.django_db(transaction=True)
def test_a_bulk_load_sets_the_triggers_aside_and_writes_every_event_at_its_end():
    with triggers.set_aside():
        present = triggers.present_triggers(connection)
        assert not set(export_pieces.TRIGGERS[connection.vendor]) & present
        source = EventSourceFactory()
        EventActorFactory(event=source.event)
        assert not ExportPieces.objects.exists()
    assert stale() == [] and ExportPieces.objects.count() == Event.objects.count()


@pytest.mark.django_db(transaction=True)
def test_links_inserted_before_their_event_are_written_when_it_arrives():
    """Foreign keys are checked at commit: a raw load may write the links first."""
    actor, template = ActorFactory(name="Early link"), EventFactory()
    with transaction.atomic(), connection.cursor() as cursor:
        pk = template.pk + 1000
        cursor.execute(
            "INSERT INTO events_eventactor (event_id, actor_id, role, kind) "
            "VALUES (%s, %s, 'side_a', '')",
            [pk, actor.pk],
        )
        event = Event.objects.get(pk=template.pk)
        event.pk, event.uid = pk, uuid.uuid4()
        event.save(force_insert=True)
    assert "Early link" in ExportPieces.objects.get(event_id=pk).actors
    assert stale() == []


@pytest.mark.django_db
def test_the_export_reads_the_pieces_and_a_missing_row_falls_back_to_python(seeded):
    sql = select_sql(connection.vendor)
    assert "events_exportpieces" in sql
    assert "events_eventsource" not in sql and "events_eventactor" not in sql
    # A row the triggers did not write (none should be missing) costs speed, not bytes.
    ExportPieces.objects.filter(event_id__in=Event.objects.values("id")[:3]).delete()
    assert exported_as_python_writes_it()


@pytest.mark.django_db(transaction=True)
def test_two_writers_linking_actors_to_one_event_at_once_both_appear():
    """PostgreSQL: each transaction's trigger alone would see only its own link; the second
    waits for the event's lock and then sees the first's."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time")
    event = EventFactory()
    one, other = ActorFactory(name="One"), ActorFactory(name="Other")
    link_at_once(event.pk, one.pk, other.pk)
    actors = ExportPieces.objects.get(event_id=event.pk).actors
    assert "One" in actors and "Other" in actors
    assert stale() == []


def test_the_stored_pieces_sql_is_the_one_its_migration_built_the_rows_from():
    """A change to the pieces' SQL needs a migration that rebuilds the rows written before it
    (and the digest it built them from, export_pieces.BUILT_BY)."""
    migration, built = export_pieces.BUILT_BY
    assert (Path(export_pieces.__file__).parent / "migrations" / f"{migration}.py").exists()
    assert export_pieces.digest() == built, (
        "The export pieces' SQL changed: add a migration that reinstalls events.export_pieces "
        f"(as {migration} does) and name it in BUILT_BY with the digest {export_pieces.digest()}"
    )


@pytest.mark.django_db
def test_claims_are_numbered_in_citation_order_whatever_order_they_were_written_in():
    """The claims' numbers follow the article, then the excerpt's place, then the citation's id,
    however the citations were written: by their triggers, or rebuilt at the end of a bulk
    load."""
    event = EventFactory()
    first, second = ArticleFactory(), ArticleFactory()
    written = [(second, 0), (first, 50), (first, None), (first, 0), (first, None)]
    for number, (article, start) in enumerate(written):
        EventSource.objects.create(
            event=event, article=article, excerpt=f"claim {number}", excerpt_start=start
        )
    # The model's order, as the database sorts it (a citation without a place comes first on
    # SQLite, last on PostgreSQL): not the order they were written in.
    cited = list(EventSource.objects.filter(event=event).values_list("excerpt", flat=True))
    assert cited[0] == ("claim 2" if connection.vendor == "sqlite" else "claim 3")
    expected = "\n".join(f"[{place}] {excerpt}" for place, excerpt in enumerate(cited, start=1))
    for rebuilt in (False, True):
        if rebuilt:
            with triggers.set_aside():
                pass
        claims = ExportPieces.objects.get(event_id=event.pk).source_claims
        assert claims.startswith(f'"{expected}",'), claims
        assert stale() == []
        assert exported_as_python_writes_it()
