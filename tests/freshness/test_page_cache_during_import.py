"""An editor's save between two chunks of an import: the later chunk's updates must still move
the ETag, or the page a reader cached between them is served as current."""

import pytest
from rest_framework.test import APIClient

from events.interchange.importer import import_file
from events.models import Event, ExternalRecord
from tests.interchange.builders import acled_file

pytestmark = pytest.mark.django_db

URL = "/api/v1/timeline/"


def _deaths(response) -> list[int]:
    return sorted(e["fatalities"]["best"] for e in response.json()["results"])


def _after_the_first_chunk_an_edit_and_a_read(pk: int, responses: list):
    """An import's progress callback: after its first chunk (each chunk is a transaction of
    its own), an editor saves another published event and an anonymous reader then reads the
    chronology, whose response is added to responses."""

    def after_each_chunk(done, total):
        if done == 1:
            event = Event.objects.get(pk=pk)
            event.headline = "An editor's headline"
            event.save()
            responses.append(APIClient().get(URL))

    return after_each_chunk


def test_an_import_chunk_written_after_an_editors_save_is_seen():
    rows = [{"event_id_cnty": f"SYR{n}", "timestamp": "1504137600"} for n in (1, 2, 3)]
    import_file(acled_file(*({**row, "fatalities": "3"} for row in rows)), dataset="acled")
    other = ExternalRecord.objects.get(external_id="SYR3").event
    # A newer release of two rows: only the death toll changes (no link is replaced).
    newer = [{**row, "timestamp": "1504224000", "fatalities": "9"} for row in rows[:2]]
    between = []
    report = import_file(
        acled_file(*newer),
        dataset="acled",
        chunk_rows=1,
        progress=_after_the_first_chunk_an_edit_and_a_read(other.pk, between),
    )
    assert report.updated == 2
    stored = sorted(Event.objects.values_list("fatalities_best", flat=True))
    assert stored == [3, 9, 9]
    after = APIClient().get(URL)
    assert _deaths(after) == [3, 9, 9], (
        "the page cached between the chunks is served after the second chunk's update"
    )
    again = APIClient().get(URL, HTTP_IF_NONE_MATCH=between[0]["ETag"])
    assert again.status_code == 200, "304 for the ETag of the page read between the chunks"


def test_an_event_created_by_a_chunk_after_an_editors_save_is_seen():
    import_file(acled_file({"event_id_cnty": "SYR1"}), dataset="acled")
    first = Event.objects.get()
    between = []
    after_each_chunk = _after_the_first_chunk_an_edit_and_a_read(first.pk, between)

    rows = [
        {"event_id_cnty": "SYR2", "notes": "Row two."},
        {"event_id_cnty": "SYR3", "notes": "Row three."},
    ]
    report = import_file(
        acled_file(*rows), dataset="acled", chunk_rows=1, progress=after_each_chunk
    )
    assert report.created == 2 and Event.objects.published().count() == 3
    shown = APIClient().get(URL).json()["results"]
    assert len(shown) == 3, "an event the import published after the editor's save is not shown"
