"""Dataset exports after a re-import that only refreshes the stored row: the ETag must move."""

import pytest

from events.interchange.importer import import_file
from tests.interchange.builders import acled_file, read_csv

pytestmark = pytest.mark.django_db

URL = "/api/v1/events/?format=acled"


def test_a_refreshed_acled_row_is_not_answered_304_with_the_old_etag(api):
    import_file(acled_file({"tags": "", "timestamp": "1504137600"}), dataset="acled")
    first = api.get(URL)
    assert first.status_code == 200
    old_body = b"".join(first.streaming_content) if first.streaming else first.content
    assert read_csv(old_body)[0]["tags"] == ""
    # A newer release of the same row: only a row-only column (tags) and the stamp differ, so
    # the event is left as it is and the stored row is brought up to date ("refresh").
    report = import_file(
        acled_file({"tags": "crowd size=dozens", "timestamp": "1504224000"}), dataset="acled"
    )
    assert report.updated + report.unchanged + getattr(report, "refreshed", 0) >= 1
    fresh = api.get(URL)
    body = b"".join(fresh.streaming_content) if fresh.streaming else fresh.content
    assert read_csv(body)[0]["tags"] == "crowd size=dozens"
    # A client holding the old export's ETag must get the new export, not 304.
    again = api.get(URL, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200, "304 for an export whose stored row changed"
