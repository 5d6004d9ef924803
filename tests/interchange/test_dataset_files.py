"""Files in any encoding a spreadsheet saves, read as a stream."""

import codecs

import pytest

from events.interchange.dataset_files import FileError, read_dataset
from events.interchange.importer import import_file
from events.models import ExternalRecord
from tests.interchange.builders import acled_file

pytestmark = pytest.mark.django_db

NOTES = "Clashes in Ra’s al-‘Ayn; “heavy” losses, état-major hit."


@pytest.mark.parametrize(
    ("encoding", "mark"),
    [
        ("utf-8", codecs.BOM_UTF8),
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
        ("utf-32-le", codecs.BOM_UTF32_LE),
        ("utf-32-be", codecs.BOM_UTF32_BE),
    ],
)
def test_a_file_with_a_byte_order_mark_is_read_in_its_encoding(encoding, mark):
    text = acled_file({"notes": NOTES}, {"event_id_cnty": "SYR2"}).decode("utf-8")
    report = import_file(mark + text.encode(encoding), dataset="acled")
    assert (report.created, report.rejected) == (2, [])
    record = ExternalRecord.objects.get(external_id="SYR1")
    assert (record.event.summary, record.row["notes"]) == (NOTES, NOTES)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le"])
def test_a_utf16_file_without_a_mark_is_refused_with_what_to_do(encoding):
    data = acled_file({}).decode("utf-8").encode(encoding)
    with pytest.raises(FileError, match=r"looks like UTF-16 or UTF-32 .*; save it as UTF-8"):
        import_file(data, dataset="acled")


def test_a_file_marked_utf16_that_is_not_is_refused():
    with pytest.raises(FileError, match="byte-order mark but is not UTF-16 throughout"):
        import_file(codecs.BOM_UTF16_LE + b"event_id_cnty\x00,\x00\x00\xd8", dataset="acled")


def test_a_windows_1252_file_is_read_and_the_report_says_so():
    data = acled_file({"notes": "Café shelled – twice."}).decode("utf-8").encode("cp1252")
    report = import_file(data, dataset="acled")
    assert ExternalRecord.objects.get().event.summary == "Café shelled – twice."
    assert "the file is not UTF-8: read as cp1252" in report.lines()


def test_rows_stream_with_their_line_numbers_and_a_count_for_the_progress_bar(tmp_path):
    path = tmp_path / "acled.csv"
    path.write_bytes(acled_file(*({"event_id_cnty": f"SYR{n}"} for n in range(1, 1001))))
    data = read_dataset(path)
    try:
        assert data.approximate_rows == 1000
        first = next(data.rows)
        assert (first.line, data.cells(first.raw)["event_id_cnty"]) == (2, "SYR1")
        assert [row.line for row in data.rows][-1] == 1001
    finally:
        data.close()


def test_a_cells_spaces_are_kept_in_the_row_and_trimmed_for_the_event():
    import_file(acled_file({"notes": "  Clashes.  ", "location": "Sukhna "}), dataset="acled")
    record = ExternalRecord.objects.get()
    assert (record.row["notes"], record.row["location"]) == ("  Clashes.  ", "Sukhna ")
    assert (record.event.summary, record.event.location.name) == ("Clashes.", "Sukhna")
