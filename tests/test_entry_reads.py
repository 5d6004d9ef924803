"""Entries built with the reads for the driver's types (entries.SPECIALISED) are those the
general reads build, value by value and entry by entry, from either form of row."""

import datetime
import uuid

import pytest

from events.chronology.entries import (
    COLUMNS,
    SPECIALISED,
    Found,
    _entry_builder,
    build_entries,
    day_text,
    event_rows,
    forms_of,
    moment_text,
    position,
    rows_by_id,
    uid_text,
)
from events.models import Event, Location
from tests.factories import (
    ActorFactory,
    EventActorFactory,
    EventFactory,
    EventSourceFactory,
    LocationFactory,
)

# Values of each type a driver gives for the columns with a read.
SAMPLES = {
    day_text: ["2016-09-04", "1800-01-01", datetime.date(2016, 9, 4), datetime.date(1800, 1, 1)],
    uid_text: [uuid.uuid4().hex, uuid.UUID("12345678-1234-5678-1234-567812345678")],
    moment_text: [
        "2026-12-05 09:51:26",
        "2026-12-05 09:51:26.000123",
        datetime.datetime(2026, 12, 5, 9, 51, 26, 123, tzinfo=datetime.UTC),
    ],
    bool: [True, False, 0, 1],
}


@pytest.mark.parametrize(("read", "kind"), sorted(SPECIALISED, key=repr))
def test_each_specialised_read_gives_what_the_general_read_gives(read, kind):
    special = SPECIALISED[(read, kind)]
    values = [value for value in SAMPLES[read] if type(value) is kind]
    assert values, f"no sample of {kind.__name__} for {read.__name__}"
    for value in values:
        assert (value if special is None else special(value)) == read(value)


@pytest.mark.django_db
def test_entries_from_both_forms_of_row_are_those_of_the_general_builder():
    country = LocationFactory(kind=Location.Kind.COUNTRY, latitude=None, longitude=None)
    town = LocationFactory(parent=country)
    events = [
        EventFactory(
            status="published",
            location=town if number % 2 else None,
            date_earliest=datetime.date(2016, 9, number + 1),
            date_latest=datetime.date(2016, 9, number + 3),
            date_approximate=bool(number % 3),
        )
        for number in range(5)
    ]
    army = ActorFactory()
    for event in events[:3]:
        EventActorFactory(event=event, actor=army)
        EventSourceFactory(event=event)
    ids = [event.pk for event in events]

    def url_for(pk):
        return f"http://testserver/api/v1/events/{pk}/"

    # Raw rows of the row select (days and times as text on SQLite), and the ORM's select of
    # the same columns (the driver converts them by their declared types).
    raw = sorted(rows_by_id(ids))
    converted = event_rows(Event.objects.filter(pk__in=ids).order_by("id"))
    assert [row[position("id")] for row in converted] == [row[position("id")] for row in raw]
    general = _entry_builder(with_optional=True)
    expected = None
    for rows in (raw, converted):
        found = Found(rows, url_for)
        by_general = [general(row, found) for row in rows]
        built = build_entries(rows, url_for=url_for)
        assert built == by_general
        expected = expected or built
        assert built == expected
    assert forms_of(raw[0], {c.name: n for n, c in enumerate(COLUMNS)}, COLUMNS)
    # Places: the entries of one place share its ancestors, listed once per page.
    placed = [entry for entry in expected if entry["location"]]
    assert placed[0]["location"]["ancestors"] == [
        {"slug": country.slug, "name": country.name, "kind": country.kind}
    ]
