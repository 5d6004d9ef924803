"""Dataset files as numbered rows: CSV with a header, any BOM, comma/semicolon/tab separated."""

import csv
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

# Encodings tried in order; the last one decodes any byte, so a file always reads.
ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
DELIMITERS = (",", ";", "\t")


class FileError(ValueError):
    """The file as a whole cannot be imported (unreadable, or a required column is missing)."""


class Cells(dict):
    """A row's cells by column, stripped; a column the file lacks reads as ""."""

    __slots__ = ()

    def __missing__(self, column: str) -> str:
        return ""


def cells(row: Mapping[str, str | None]) -> Cells:
    """The row as Cells, each cell stripped (rows read by read_dataset already are)."""
    if isinstance(row, Cells):
        return row
    return Cells({name: (value or "").strip() for name, value in row.items()})


@dataclass
class SourceRow:
    """One data row: the line it starts on, its cells by column, or why it cannot be read."""

    line: int
    values: Cells
    problem: str = ""


@dataclass
class DatasetFile:
    columns: list[str]
    rows: Iterator[SourceRow]
    # Data lines in the file (an estimate when cells hold line breaks): the progress total.
    approximate_rows: int
    encoding: str


def normalise_column(name: str) -> str:
    """ "Event ID (cnty)" → "event_id_cnty": lower case, words joined by underscores."""
    name = name.strip().strip("\ufeff").strip('"').strip().lower()
    return re.sub(r"[^a-z0-9]+", "_", name).strip("_")


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was read with (UTF-8 first; a BOM is dropped)."""
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise FileError("the file is not text")  # Unreachable: latin-1 decodes any byte.


def read_dataset(
    source: Path | str | bytes,
    *,
    aliases: dict[str, str] | None = None,
    required: tuple[tuple[str, ...], ...] = (),
) -> DatasetFile:
    """Open a CSV file (a path or its bytes) and check its header.

    `aliases` renames old column names to current ones (ally_actor_1 → assoc_actor_1);
    `required` lists groups of columns of which each group needs one (event_id_cnty or
    data_id). Rows come out as SourceRow with their first line number (the header is line 1).
    """
    if isinstance(source, bytes):
        data = source
    else:
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            raise FileError(f"cannot read {source}: {exc.strerror or exc}") from exc
    if data[:2] == b"PK":
        raise FileError("this is a zip or xlsx file; save the sheet as CSV (UTF-8) and import that")
    text, encoding = decode(data)
    if not text.strip():
        raise FileError("the file is empty")
    header_line = text.split("\n", 1)[0]
    delimiter = max(DELIMITERS, key=header_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise FileError(f"line 1: the header cannot be read: {exc}") from exc
    aliases = aliases or {}
    columns = [aliases.get(normalise_column(name), normalise_column(name)) for name in header]
    repeated = sorted({name for name in columns if name and columns.count(name) > 1})
    if repeated:
        raise FileError(f"line 1: the column {repeated[0]!r} appears more than once")
    present = set(columns)
    for group in required:
        if not present.intersection(group):
            wanted = " or ".join(repr(name) for name in group)
            raise FileError(f"line 1: the header has no {wanted} column")
    return DatasetFile(
        columns=columns,
        rows=_rows(reader, columns),
        approximate_rows=max(text.count("\n") - 1 + (not text.endswith("\n")), 0),
        encoding=encoding,
    )


def _rows(reader, columns: list[str]) -> Iterator[SourceRow]:
    width = len(columns)
    line = reader.line_num + 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield SourceRow(line, Cells(), f"the row cannot be read as CSV: {exc}")
            line = reader.line_num + 1
            continue
        start, line = line, reader.line_num + 1
        values = list(map(str.strip, values))
        if not any(values):
            continue  # A blank line.
        if len(values) != width:
            yield SourceRow(
                start,
                Cells(),
                f"the row has {len(values)} values but the header has {width} columns "
                "(a stray separator or an unclosed quote?)",
            )
            continue
        yield SourceRow(start, Cells(zip(columns, values, strict=True)))


def split_list(value: str, separator: str = ";") -> list[str]:
    """ "A; B;; 'C'" → ["A", "B", "C"]: a list cell, blanks and stray quotes dropped."""
    if separator not in value:  # Most cells hold one item: no generator for them.
        item = value.strip().strip('"').strip()
        return [item] if item else []
    items = [item.strip().strip('"').strip() for item in value.split(separator)]
    return [item for item in items if item]
