"""The rules every write path shares: versions, the date window, sources, normalised text."""

import datetime
import importlib

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.test.utils import CaptureQueriesContext, override_settings

from events import validators
from events.models import Actor, Article, Event, EventSource, Location
from events.text import fingerprint
from events.versioning import StaleVersion, changes_since, lock_current
from tests.factories import (
    ActorFactory,
    ArticleFactory,
    EventFactory,
    EventSourceFactory,
    EventTypeFactory,
    LocationFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date


# -- versions ------------------------------------------------------------------------------------


def test_every_save_moves_the_version_on_and_history_records_it():
    event = EventFactory()
    assert event.version == 1
    event.headline = "Corrected"
    event.save()
    event.save(update_fields=["headline"])
    assert Event.objects.get(pk=event.pk).version == event.version == 3
    assert sorted(event.history.values_list("version", flat=True)) == [1, 2, 3]


@pytest.mark.parametrize("factory", [EventFactory, ActorFactory, LocationFactory, ArticleFactory])
def test_saving_a_stale_copy_is_refused_and_changes_nothing(factory):
    first = factory()
    model = type(first)
    second = model.objects.get(pk=first.pk)
    first.save()
    field = {Event: "headline", Actor: "name", Location: "name", Article: "title"}[model]
    setattr(second, field, "Stale overwrite")
    with pytest.raises(StaleVersion) as refused, transaction.atomic():
        second.save()
    assert refused.value.current == 2 and refused.value.expected == 1
    assert second.version == 1  # Unchanged by the refused save, so the error is honest.
    assert getattr(model.objects.get(pk=first.pk), field) != "Stale overwrite"


def test_a_raw_insert_that_leaves_the_version_out_gets_version_one():
    kind = EventTypeFactory()
    Event.objects.bulk_create(
        [
            Event(
                headline="Bulk",
                type=kind,
                date_earliest=D(2016, 1, 1),
                date_latest=D(2016, 1, 1),
                date_precision="day",
            )
        ]
    )
    assert Event.objects.get(headline="Bulk").version == 1


def test_changes_since_a_version_say_who_changed_which_field_from_what_to_what(editor):
    event = EventFactory(headline="Old headline")
    event.headline, event._history_user = "New headline", editor
    event.save()
    (change,) = changes_since(event, 1)
    assert change.user == "ed"
    assert ("headline", "“Old headline”", "“New headline”") in change.fields
    assert "ed on " in change.describe() and "“Old headline” → “New headline”" in (
        change.describe()
    )


# -- transitions: compare-and-set ----------------------------------------------------------------


def test_a_transition_decided_on_an_old_status_is_refused(publisher):
    event = EventSourceFactory(event__status="published").event
    stale = Event.objects.get(pk=event.pk)
    event.transition("retracted", user=publisher)
    with pytest.raises(StaleVersion, match="retracted now, not published"):
        stale.transition("review", user=publisher)
    assert Event.objects.get(pk=event.pk).status == "retracted"


def test_a_transition_from_a_stale_copy_writes_no_old_content_back(publisher):
    event = EventSourceFactory(event__status="review", event__headline="Old").event
    stale = Event.objects.get(pk=event.pk)
    event.headline = "New"
    event.save()
    stale.transition("published", user=publisher)
    event.refresh_from_db()
    assert (event.headline, event.status) == ("New", "published")
    # The history record of the transition holds the content as it was, not the stale copy.
    assert event.history.latest("history_date").headline == "New"


def test_a_transition_with_edits_needs_the_current_version(publisher):
    event = EventSourceFactory(event__status="review").event
    stale = Event.objects.get(pk=event.pk)
    event.save()
    stale.headline = "Edited on a stale copy"
    with pytest.raises(StaleVersion):
        stale.transition("published", user=publisher, edits=["headline"])
    assert Event.objects.get(pk=event.pk).status == "review"


def test_a_transition_checks_the_expected_version(publisher):
    event = EventSourceFactory(event__status="review").event
    with pytest.raises(StaleVersion):
        event.transition("published", user=publisher, expected_version=7)
    event.transition("published", user=publisher, expected_version={1, 7})
    assert event.status == "published"


# -- a published event keeps a source ------------------------------------------------------------


def test_saving_a_published_event_without_a_source_is_refused():
    event = EventSourceFactory(event__status="published").event
    EventSource.objects.filter(event=event).delete()
    event.headline = "Edited"
    with pytest.raises(ValidationError) as refused:
        event.save()
    assert "sources" in refused.value.message_dict
    assert Event.objects.get(pk=event.pk).headline != "Edited"


def test_publishing_without_a_source_is_refused(publisher):
    event = EventFactory(status="review")
    with pytest.raises(ValidationError, match="at least one source"):
        event.transition("published", user=publisher)
    assert Event.objects.get(pk=event.pk).status == "review"


def test_a_retracted_event_may_lose_its_sources():
    event = EventSourceFactory(event__status="retracted").event
    event.sources.all().delete()
    event.save()


# -- the date window -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("earliest", "latest", "field"),
    [
        (D(9999, 12, 31), D(9999, 12, 31), "date_earliest"),
        (D(1799, 12, 31), D(1800, 1, 1), "date_earliest"),
        (D(2016, 1, 1), D(2100, 1, 1), "date_latest"),
    ],
)
def test_dates_outside_the_window_are_refused_by_full_clean_and_save(earliest, latest, field):
    event = EventFactory.build(
        type=EventTypeFactory(), date_earliest=earliest, date_latest=latest, date_precision="year"
    )
    with pytest.raises(ValidationError) as cleaned:
        event.full_clean()
    assert field in cleaned.value.message_dict
    with pytest.raises(ValidationError) as saved:
        event.save()
    assert field in saved.value.message_dict
    assert not Event.objects.exists()


def test_an_event_stored_outside_the_window_can_still_be_retracted_but_not_edited(publisher):
    event = EventSourceFactory(event__status="published").event
    Event.objects.filter(pk=event.pk).update(
        date_earliest=D(9999, 12, 31), date_latest=D(9999, 12, 31)
    )
    event.refresh_from_db()
    event.headline = "Edited"
    with pytest.raises(ValidationError, match="outside the dates"), transaction.atomic():
        event.save()
    event.refresh_from_db()
    event.transition("retracted", user=publisher)
    assert Event.objects.get(pk=event.pk).status == "retracted"


def test_the_window_reaches_two_years_ahead_for_planned_events():
    today = D(2026, 2, 28)
    validators.validate_event_dates(D(1800, 1, 1), D(2028, 2, 28), today=today)
    with pytest.raises(ValidationError, match="2028-02-29"):
        validators.validate_event_dates(D(2028, 2, 29), D(2028, 2, 29), today=today)


@override_settings(EVENT_DATE_MIN=D(1900, 1, 1), EVENT_DATE_MAX_YEARS_AHEAD=0)
def test_the_window_comes_from_the_settings():
    today = D(2026, 5, 1)
    assert validators.event_date_window(today=today) == (D(1900, 1, 1), today)
    with pytest.raises(ValidationError, match="1899-12-31 is outside"):
        validators.validate_event_dates(D(1899, 12, 31), D(1900, 1, 1), today=today)


def test_the_window_settings_are_read_from_the_environment_and_checked(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from conflicttracker.settings import env_date, env_int

    monkeypatch.setenv("EVENT_DATE_MIN", "1914-07-28")
    assert env_date("EVENT_DATE_MIN", D(1800, 1, 1)) == D(1914, 7, 28)
    monkeypatch.setenv("EVENT_DATE_MIN", "1914")
    with pytest.raises(ImproperlyConfigured, match="EVENT_DATE_MIN"):
        env_date("EVENT_DATE_MIN", D(1800, 1, 1))
    for bad in ("-1", "²", "1000"):
        monkeypatch.setenv("EVENT_DATE_MAX_YEARS_AHEAD", bad)
        with pytest.raises(ImproperlyConfigured, match="EVENT_DATE_MAX_YEARS_AHEAD"):
            env_int("EVENT_DATE_MAX_YEARS_AHEAD", 2, minimum=0, maximum=100)


def test_the_importers_validator_refuses_the_year_9999():
    from types import SimpleNamespace

    row = SimpleNamespace(
        date_earliest=D(9999, 12, 31),
        date_latest=D(9999, 12, 31),
        date_precision="day",
        date_approximate=False,
        fatalities_low=None,
        fatalities_best=None,
        fatalities_high=None,
    )
    with pytest.raises(ValidationError, match="outside the dates"):
        validators.validate_event(row)


# -- normalised text -----------------------------------------------------------------------------


def test_every_orm_write_stores_lf_line_endings():
    event = EventFactory(summary="one\r\ntwo\rthree", headline="A\r\nB")
    assert Event.objects.values_list("summary", "headline").get(pk=event.pk) == (
        "one\ntwo\nthree",
        "A\nB",
    )
    kind = EventTypeFactory()
    Event.objects.bulk_create(
        [
            Event(
                headline="Bulk",
                summary="x\r\ny",
                type=kind,
                date_earliest=D(2016, 1, 1),
                date_latest=D(2016, 1, 1),
                date_precision="day",
            )
        ]
    )
    assert Event.objects.get(headline="Bulk").summary == "x\ny"


def test_article_text_and_its_fingerprint_are_of_the_normalised_text():
    article = ArticleFactory(text="Line one.\r\nShelling hit the market.\r\n")
    assert article.text == "Line one.\nShelling hit the market.\n"
    assert article.sha256 == fingerprint("Line one.\nShelling hit the market.\n")
    source = EventSource(
        event=EventFactory(), article=article, excerpt="Line one.\r\nShelling", date_phrase=""
    )
    source.full_clean()
    assert (source.excerpt, source.excerpt_start) == ("Line one.\nShelling", 0)


def test_a_nul_character_is_a_field_error_in_full_clean_and_refused_by_save():
    event = EventFactory.build(type=EventTypeFactory(), headline="a\x00b")
    with pytest.raises(ValidationError) as cleaned:
        event.full_clean()
    assert "headline" in cleaned.value.message_dict
    with pytest.raises(ValidationError) as saved:
        event.save()
    assert "headline" in saved.value.message_dict


def _raw_update(model, pk: int, **values) -> None:
    """Write values as they are: the ORM itself would normalise them (even in update())."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(f"{connection.ops.quote_name(name)} = %s" for name in values)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {columns} WHERE id = %s", [*values.values(), pk])


def test_even_a_queryset_update_stores_lf_line_endings():
    event = EventFactory()
    Event.objects.filter(pk=event.pk).update(summary="a\r\nb")
    assert Event.objects.get(pk=event.pk).summary == "a\nb"


def test_the_migration_normalises_stored_text_and_moves_excerpt_offsets():
    migration = importlib.import_module("events.migrations.0013_normalise_stored_newlines")
    crlf_text = "Title line.\r\n\r\nOn Sunday, shelling hit the market.\r\nTwo died."
    article = ArticleFactory()
    _raw_update(Article, article.pk, text=crlf_text, sha256=fingerprint(crlf_text))
    # The article as stored now: a citation saved with an older copy is checked against the
    # text it quotes (EventSource.save), and "x" below stands in until its raw update.
    article.refresh_from_db()
    event = EventFactory()
    _raw_update(Event, event.pk, summary="a\r\nb")
    start = crlf_text.index("shelling hit the market.\r\nTwo")
    excerpt = "shelling hit the market.\r\nTwo died."
    source = EventSourceFactory(event=event, article=article, excerpt="x", date_phrase="")
    end = start + len(excerpt)
    _raw_update(EventSource, source.pk, excerpt=excerpt, excerpt_start=start, excerpt_end=end)

    # The models as the migration sees them (plain text fields, which do not normalise).
    state = MigrationLoader(connection).project_state(("events", "0013_normalise_stored_newlines"))
    migration.normalise(state.apps, None)

    article.refresh_from_db()
    source.refresh_from_db()
    assert "\r" not in article.text and article.sha256 == fingerprint(article.text)
    assert source.excerpt == "shelling hit the market.\nTwo died."
    assert article.text[source.excerpt_start : source.excerpt_end] == source.excerpt
    assert Event.objects.get(pk=event.pk).summary == "a\nb"
    source.full_clean()  # The citation still checks out against its article.


# -- locks ---------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_locked_read_holds_the_write_lock_from_the_start_of_its_transaction():
    """PostgreSQL locks the row; SQLite has no row locks, so every transaction begins with
    BEGIN IMMEDIATE (the settings' transaction_mode) and holds the database's write lock."""
    event = EventFactory()
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        statements: list[str] = []
        connection.connection.set_trace_callback(statements.append)
        try:
            with transaction.atomic():
                lock_current(Event, event.pk, expected=1)
        finally:
            connection.connection.set_trace_callback(None)
        assert statements[0] == "BEGIN IMMEDIATE", statements
    else:
        with CaptureQueriesContext(connection) as queries, transaction.atomic():
            lock_current(Event, event.pk, expected=1)
        assert any('FOR UPDATE OF "events_event"' in q["sql"] for q in queries.captured_queries)


@pytest.mark.parametrize("latitude", ["abc", [1], True])
def test_a_coordinate_that_is_not_a_number_is_refused_on_its_field(latitude):
    with pytest.raises(ValidationError) as refused:
        validators.validate_coordinates(latitude, 10.0)
    assert refused.value.message_dict == {
        "latitude": [f"The latitude {latitude!r} is not a number."]
    }
