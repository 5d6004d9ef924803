"""Small builders and readers shared by the API tests."""

import datetime

from events.models import Event
from tests.factories import EventActorFactory, EventFactory, EventSourceFactory

D = datetime.date


def published(**fields) -> Event:
    """A published event (status written directly, as the seed loader does)."""
    return EventFactory(status=Event.Status.PUBLISHED, **fields)


def month_of(year: int, month: int, **fields) -> Event:
    """A published month-precision event spanning the whole month."""
    first = D(year, month, 1)
    last = (D(year + month // 12, month % 12 + 1, 1)) - datetime.timedelta(days=1)
    return published(
        date_earliest=first, date_latest=last, date_precision=Event.Precision.MONTH, **fields
    )


def day(value: datetime.date, **fields) -> Event:
    return published(date_earliest=value, date_latest=value, **fields)


def with_actor(event: Event, actor, role: str = "side_a") -> Event:
    EventActorFactory(event=event, actor=actor, role=role)
    return event


def with_source(event: Event, **fields) -> Event:
    EventSourceFactory(event=event, **fields)
    return event


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def walk(client, url: str, **headers) -> list[dict]:
    """Every result of a paged list, following next links."""
    results = []
    while url:
        response = client.get(url, **headers)
        assert response.status_code == 200, response.content
        data = response.json()
        results += data["results"]
        url = data["next"]
    return results


def ids(client, url: str) -> list[int]:
    return [entry["id"] for entry in walk(client, url)]


def errors(response) -> dict[str, list[str]]:
    assert response.status_code == 400, (response.status_code, body(response)[:300])
    return response.json()["errors"]
