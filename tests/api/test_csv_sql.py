"""The CSV export written by the database (csv_sql) gives csv_stream's bytes, for every filter."""

import io
import math
from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from events.chronology import parse, stream
from events.formats import FORMATS, csv_stream
from events.formats.csv_sql import sql_csv_stream
from events.interchange.importer.run import import_file
from events.models import (
    Actor,
    Article,
    Event,
    EventActor,
    EventSource,
    EventType,
    ExternalRecord,
    Location,
)
from tests.interchange.builders import ACLED_EDGES

pytestmark = pytest.mark.django_db

CSV = FORMATS["csv"]


def by_python(query, events, url_for=None) -> bytes:
    """The export from the chronology's entries: the path csv_sql must match byte for byte."""
    return b"".join(csv_stream(CSV.stored(stream(query, events=events, url_for=url_for))))


def by_sql(query, events, url_for=None, batch_size=7) -> bytes:
    chunks = sql_csv_stream(
        query, events=events, url_for=url_for, steps=CSV.steps, batch_size=batch_size
    )
    return b"".join(chunks)


def first_difference(ours: bytes, theirs: bytes) -> str:
    for number, (a, b) in enumerate(zip(ours.split(b"\r\n"), theirs.split(b"\r\n"), strict=False)):
        if a != b:
            return f"line {number}:\n sql    {a[:600]!r}\n python {b[:600]!r}"
    return f"lengths {len(ours)} and {len(theirs)}"


@pytest.fixture
def varied(seeded):
    """The seeds, ACLED rows (whose own day is event_date), and the text that CSV and SQL
    make awkward: commas, quotes, line breaks of every kind, unicode, empty and null values."""
    import_file(ACLED_EDGES, dataset="acled")
    events = list(Event.objects.published().order_by("id"))
    actors = list(Actor.objects.order_by("id")[:4])
    Actor.objects.filter(pk=actors[0].pk).update(name='Front, "Al-Nusra"\nBrigade')
    Actor.objects.filter(pk=actors[1].pk).update(name="جبهة فتح الشام 🛡")
    # An event naming no sides (perpetrator and target), one with every slot, one with several.
    EventActor.objects.filter(event=events[0]).delete()
    for actor, role in ((actors[0], "perpetrator"), (actors[1], "target"), (actors[2], "mediator")):
        EventActor.objects.create(event=events[0], actor=actor, role=role)
    EventActor.objects.filter(event=events[1]).delete()
    for actor, role in (
        (actors[1], "side_b"),
        (actors[0], "associated_a"),
        (actors[2], "associated_b"),
        (actors[3], "side_b"),
        (actors[0], "perpetrator"),
    ):
        EventActor.objects.create(event=events[1], actor=actor, role=role)
    # Claims: several per event, outlets with commas and quotes, agencies, attributions, and
    # excerpts holding line breaks (written past the ORM's normalising, as raw SQL could).
    articles = list(Article.objects.order_by("id")[:3])
    Article.objects.filter(pk=articles[0].pk).update(
        outlet='Reuters, "Beirut"', original_agency="AFP", title='He said "no", twice'
    )
    Article.objects.filter(pk=articles[1].pk).update(outlet="", original_agency="SANA")
    Article.objects.filter(pk=articles[2].pk).update(original_agency="")
    excerpts = [
        "plain, with a comma",
        'quoted "twice" here',
        "two\nlines",
        "carriage\r\nreturn",
        "line\u2028separator",
        "trailing line break\n",
        "vertical\x0btab, é ü 中文",
    ]
    for number, (event, excerpt) in enumerate(zip(events[2:9], excerpts, strict=True)):
        for article in articles[: 1 + number % 3]:
            EventSource.objects.create(
                event=event,
                article=article,
                excerpt=f"excerpt {number}",
                attributed_to='a "commander", quoted' if number % 2 else "",
                date_phrase="on Sunday",
            )
        source = EventSource.objects.filter(event=event).order_by("id").last()
        EventSource.objects.filter(pk=source.pk).update(excerpt=excerpt)
    # A summary with a rare line break (only the rows' claims are folded), nulls and an empty
    # date text (generated), a place without coordinates, an event without a place.
    Event.objects.filter(pk=events[9].pk).update(
        summary='a\u2029b, "c"\nd',
        fatalities_best=None,
        fatalities_low=None,
        fatalities_high=None,
        date_display="",
        date_precision="month",
        date_earliest=date(2016, 9, 1),
        date_latest=date(2016, 9, 30),
        date_approximate=True,
    )
    Event.objects.filter(pk=events[10].pk).update(
        location=None, updated=datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC), headline="Ünïcødé, “x”"
    )
    Location.objects.filter(pk=events[11].location_id).update(latitude=None, longitude=None)
    Event.objects.filter(pk=events[12].pk).update(status="draft")
    return events


def queries(events: list[Event]) -> dict[str, dict]:
    """A query for each filter (and a few together), with values the data holds."""
    actor = EventActor.objects.filter(event__status="published").values_list(
        "actor__slug", flat=True
    )[0]
    alliance = Actor.objects.filter(kind="alliance").values_list("slug", flat=True).first()
    place = next(event.location for event in events if event.location_id)
    article = EventSource.objects.values_list("article_id", flat=True).first()
    outlet = Article.objects.exclude(outlet="").values_list("outlet", flat=True).first()
    kind = EventType.objects.filter(events__isnull=False).values_list("slug", flat=True).first()
    found = {
        "everything": {},
        "start and end": {"start": "2016-09", "end": "2017"},
        "within": {"start": "2016", "end": "2016-12", "date_mode": "within"},
        "actor": {"actor": actor},
        "actor in a role": {"actor": actor, "actor_role": "side_a"},
        "two actors": {"actor": [actor, "isis"]},
        "alliance with members": {"actor": alliance or actor, "include_members": "true"},
        "dyad": {"actor_a": actor, "actor_b": "isis"},
        "location": {"location": place.slug},
        "country": {"country": "SYR"},
        "bbox": {"bbox": "35,34,40,38"},
        "near": {"near": "36.2,37.1,100"},
        "type": {"type": kind},
        "article": {"article": str(article)},
        "text": {"q": "aleppo"},
        "precision": {"precision": ["month", "year"]},
        "geo_precision": {"geo_precision": "1"},
        "outlet": {"outlet": outlet},
        "fatalities": {"fatalities_min": "1", "fatalities_max": "50"},
        "fatalities unknown": {"fatalities_known": "false"},
        "updated since": {"updated_since": "2000-01-01T00:00:00Z"},
        "place and period": {"location": place.slug, "start": "2015", "end": "2018"},
        "nothing matches": {"start": "1900", "end": "1900"},
    }
    return found


def as_params(values: dict) -> QueryDict:
    params = QueryDict(mutable=True)
    for name, value in values.items():
        params.setlist(name, value if isinstance(value, list) else [value])
    return params


def test_the_database_writes_csv_streams_bytes_for_every_filter_and_audience(varied):
    published, everything = Event.objects.published(), Event.objects.all()
    url_for = lambda pk: f"https://example.org/api/v1/events/{pk}/"  # noqa: E731
    odd_url = lambda pk: f'https://example.org/e?id={pk}&x="a,b"'  # noqa: E731
    wrong = []
    for name, values in queries(varied).items():
        query = parse(as_params(values))
        for audience, events, link in (
            ("anonymous", published, url_for),
            ("editor", everything, None),
            ("anonymous, a url to quote", published, odd_url),
        ):
            ours, theirs = by_sql(query, events, link), by_python(query, events, link)
            if ours != theirs:
                wrong.append(f"{name} ({audience}): {first_difference(ours, theirs)}")
    assert not wrong, "\n".join(wrong)


def test_a_change_in_the_last_millisecond_of_a_second_keeps_its_second(seeded):
    """ACLED's timestamp truncates to the second, as Python does, on every database: SQLite's
    date functions would round .9997 up to the next second. (A seed event: its row is written
    in SQL, not handed back to Python.)"""
    event = Event.objects.published().order_by("id").first()
    Event.objects.filter(pk=event.pk).update(
        updated=datetime(2024, 3, 5, 10, 20, 30, 999_700, tzinfo=UTC)
    )
    query = parse(as_params({"format": "csv"}))
    ours = by_sql(query, Event.objects.filter(pk=event.pk)).decode()
    assert ours == by_python(query, Event.objects.filter(pk=event.pk)).decode()
    assert f",{int(datetime(2024, 3, 5, 10, 20, 30, tzinfo=UTC).timestamp())}," in ours


def test_the_awkward_rows_are_in_the_export_and_drafts_only_for_editors(varied):
    ours = by_sql(parse(QueryDict()), Event.objects.published()).decode()
    draft = varied[12]
    assert f"\r\nCT{draft.pk}," not in ours
    assert f"\r\nCT{draft.pk}," in by_sql(parse(QueryDict()), Event.objects.all()).decode()
    # The rows the fixture made awkward are there, and one chunk of 7 is not all there is.
    assert '"Front, ""Al-Nusra""\nBrigade' in ours
    assert "جبهة فتح الشام 🛡" in ours
    assert ours.count("\r\nCT") == Event.objects.published().count() > 7
    day = ExternalRecord.objects.filter(dataset="acled").values_list("event_id", flat=True)
    assert day.exists()


def test_the_api_and_export_events_write_through_the_database(varied, tmp_path):
    query = parse(QueryDict())
    detail = reverse("api:event-detail", args=[0])[:-2]
    expected = by_python(
        query, Event.objects.published(), lambda pk: f"http://testserver{detail}{pk}/"
    )
    response = APIClient().get("/api/v1/timeline/", {"format": "csv"})
    assert b"".join(response.streaming_content) == expected
    out = tmp_path / "export.csv"
    call_command("export_events", "--format", "csv", "--output", str(out), stdout=io.StringIO())
    assert out.read_bytes() == by_python(query, Event.objects.published())
    filtered = tmp_path / "filtered.csv"
    call_command(
        "export_events",
        "--format",
        "csv",
        "--output",
        str(filtered),
        "--start",
        "2016-09",
        "--all-statuses",
        stdout=io.StringIO(),
    )
    start = parse(as_params({"start": "2016-09"}))
    assert filtered.read_bytes() == by_python(start, Event.objects.all())


def test_one_statement_per_chunk_and_one_for_the_places(seeded):
    # The seeds' rows are all written in SQL (no ACLED rows, no line breaks in claims).
    published = Event.objects.published()
    size = 10
    chunks = math.floor(published.count() / size) + 1
    with CaptureQueriesContext(connection) as captured:
        data = by_sql(parse(QueryDict()), published, batch_size=size)
    assert data == by_python(parse(QueryDict()), published)
    assert len(captured.captured_queries) == chunks + 1
