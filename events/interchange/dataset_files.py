"""Dataset files as numbered rows, streamed: CSV with a header, comma/semicolon/tab separated."""

# A file is read twice, never held whole: a first pass in blocks finds its encoding and counts
# its lines (the progress bar's total), a second parses it row by row. Each row keeps its
# cells exactly as the file wrote them (the stored copy of the row) beside a stripped view
# (what the mapping reads).

import codecs
import csv
import hashlib
import io
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import BinaryIO

from events.interchange.mapping import RowError
from events.text import normalise_newlines

# Tried in order when the file has no byte-order mark; latin-1 decodes any byte, so a file
# without a mark always reads.
ENCODINGS = ("utf-8", "cp1252", "latin-1")
# Longest first: the UTF-32 little-endian mark begins with the UTF-16 one.
BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
DELIMITERS = (",", ";", "\t")
BLOCK_BYTES = 1 << 20


class FileError(ValueError):
    """The file as a whole cannot be imported (unreadable, or a required column is missing)."""


class Cells(dict):
    """A row's cells by column, stripped; a column the file lacks reads as ""."""

    __slots__ = ()

    def __missing__(self, column: str) -> str:
        return ""


def cell_text(column: str, value: str) -> str:
    """A cell as the event's fields store text: stripped, line endings as '\n' (as every stored
    text is, events.text), and no NUL, which no text column may hold (RowError naming it). The
    row itself is stored as the file wrote it (DatasetFile.verbatim)."""
    if "\x00" in value:
        raise RowError(f"{column}: the cell holds a NUL character, which no text may hold")
    return normalise_newlines(value.strip())


def cells(row: Mapping[str, str | None]) -> Cells:
    """The row as Cells, each cell as cell_text() gives it (rows read by read_dataset are)."""
    if isinstance(row, Cells):
        return row
    return Cells({name: cell_text(name, value or "") for name, value in row.items()})


@dataclass(slots=True)
class SourceRow:
    """One data row: the line it starts on, its cells as the file wrote them, or why it cannot
    be read."""

    line: int
    raw: list[str]
    problem: str = ""


@dataclass
class DatasetFile:
    """An open dataset file: its columns (normalised, older names as today's) and its rows."""

    columns: list[str]
    rows: Iterator[SourceRow]
    # Data lines in the file (an estimate when cells hold line breaks): the progress total.
    approximate_rows: int
    encoding: str
    handle: BinaryIO | None = None
    # Column positions in name order, for fingerprints that ignore the file's column order.
    _order: list[int] = field(default_factory=list)
    _positions: dict[tuple[str, ...], list[tuple[str, int]]] = field(default_factory=dict)
    _in_order: Callable[[list[str]], tuple[str, ...]] | None = None
    _prefixes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        self._order = sorted(
            (i for i, name in enumerate(self.columns) if name), key=self.columns.__getitem__
        )
        # fingerprint()'s reading of a row: its cells in name order, each after its name.
        getter = itemgetter(*self._order) if self._order else (lambda raw: ())
        self._in_order = getter if len(self._order) != 1 else (lambda raw: (getter(raw),))
        self._prefixes = tuple(self.columns[i] + "\x1f" for i in self._order)

    def cells(self, raw: list[str]) -> Cells:
        """The row's cells by column, as cell_text() gives them: what the mapping reads."""
        columns = self.columns
        joined = "".join(raw)
        if "\x00" in joined or "\r" in joined:
            return Cells(zip(columns, map(cell_text, columns, raw), strict=True))
        # The usual row, with no NUL and no carriage return: cell_text() is then a strip, and
        # one look at the whole row saves a call per cell.
        return Cells(zip(columns, map(str.strip, raw), strict=True))

    def some_cells(self, raw: list[str], names: tuple[str, ...]) -> Cells:
        """Only the named cells of the row, stripped (those the file has): what tells a row
        seen before, without reading the rest."""
        positions = self._positions.get(names)
        if positions is None:
            index = {name: i for i, name in enumerate(self.columns) if name}
            positions = self._positions[names] = [(n, index[n]) for n in names if n in index]
        return Cells((name, raw[i].strip()) for name, i in positions)

    def verbatim(self, raw: list[str]) -> dict[str, str]:
        """The row's cells by column exactly as the file wrote them: what is stored."""
        if len(self._order) == len(self.columns):  # Every column named: the C way.
            return dict(zip(self.columns, raw, strict=True))
        return {name: value for name, value in zip(self.columns, raw, strict=True) if name}

    def fingerprint(self, raw: list[str]) -> str:
        """A hash of the row's non-empty cells by column name: the same row in any column order
        (or with empty columns added) hashes the same, any change to a cell does not."""
        # Called for every row of a re-import, which reads little else: a C itemgetter and
        # one comprehension rather than an index and a name lookup per cell.
        named = zip(self._prefixes, self._in_order(raw), strict=True)
        text = "\x1e".join([name + value for name, value in named if value])
        return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()


def row_fingerprint(row: Mapping[str, str]) -> str:
    """DatasetFile.fingerprint of a stored row (a dict by column)."""
    text = "\x1e".join(f"{name}\x1f{row[name]}" for name in sorted(row) if row[name])
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def normalise_column(name: str) -> str:
    """ "Event ID (cnty)" → "event_id_cnty": lower case, words joined by underscores."""
    name = name.strip().strip("\ufeff").strip('"').strip().lower()
    return re.sub(r"[^a-z0-9]+", "_", name).strip("_")


def _open(source: Path | str | bytes) -> BinaryIO:
    if isinstance(source, bytes):
        return io.BytesIO(source)
    try:
        return Path(source).open("rb")
    except OSError as exc:
        raise FileError(f"cannot read {source}: {exc.strerror or exc}") from exc


def sniff_encoding(handle: BinaryIO) -> tuple[str, int]:
    """(encoding, lines) from one pass over the file in blocks; the handle is rewound.

    A byte-order mark decides (UTF-8, UTF-16 or UTF-32); without one, UTF-8 when every block
    decodes as UTF-8, else Windows-1252, else Latin-1.
    """
    start = handle.read(4)
    handle.seek(0)
    if start[:2] == b"PK":
        raise FileError("this is a zip or xlsx file; save the sheet as CSV (UTF-8) and import that")
    marked = next((name for mark, name in BYTE_ORDER_MARKS if start.startswith(mark)), None)
    if marked is None and len(start) >= 4 and (start[1] == 0 or start[0] == 0):
        raise FileError(
            "this file looks like UTF-16 or UTF-32 without a byte-order mark; save it as UTF-8"
        )
    for encoding in (marked,) if marked else ENCODINGS:
        decoder = codecs.getincrementaldecoder(encoding)()
        lines, last = 0, "\n"
        try:
            for block in iter(lambda: handle.read(BLOCK_BYTES), b""):
                text = decoder.decode(block)
                lines += text.count("\n")
                last = text[-1:] or last
            text = decoder.decode(b"", final=True)
            lines += text.count("\n")
            last = text[-1:] or last
        except UnicodeDecodeError:
            if marked:
                raise FileError(
                    f"the file starts with a {encoding.upper()} byte-order mark but is not "
                    f"{encoding.upper()} throughout; save it as UTF-8"
                ) from None
            handle.seek(0)
            continue
        handle.seek(0)
        # A last line without a line break counts too.
        return encoding, lines + (last != "\n")
    raise FileError("the file is not text")  # Unreachable: latin-1 decodes any byte.


def read_dataset(
    source: Path | str | bytes,
    *,
    aliases: dict[str, str] | None = None,
    required: tuple[tuple[str, ...], ...] = (),
) -> DatasetFile:
    """Open a CSV file (a path or its bytes) and check its header; rows stream from disk.

    `aliases` renames old column names to current ones (ally_actor_1 → assoc_actor_1);
    `required` lists groups of columns of which each group needs one (event_id_cnty or
    data_id). Rows come out as SourceRow with their first line number (the header is line 1).
    Close the returned file (DatasetFile.close) when done.
    """
    handle = _open(source)
    try:
        encoding, lines = sniff_encoding(handle)
        text = io.TextIOWrapper(handle, encoding=encoding, newline="")
        header_line = text.readline()
        if not header_line.strip():
            raise FileError("the file is empty")
        delimiter = max(DELIMITERS, key=header_line.count)
        try:
            header = next(csv.reader([header_line], delimiter=delimiter))
        except (csv.Error, StopIteration) as exc:
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
    except BaseException:
        handle.close()
        raise
    reader = csv.reader(text, delimiter=delimiter)
    return DatasetFile(
        columns=columns,
        rows=_rows(reader, len(columns)),
        approximate_rows=max(lines - 1, 0),
        encoding=encoding,
        handle=handle,
    )


def _rows(reader, width: int) -> Iterator[SourceRow]:
    # The header was read before the reader started: its line numbers are one short.
    line = reader.line_num + 2
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield SourceRow(line, [], f"the row cannot be read as CSV: {exc}")
            line = reader.line_num + 2
            continue
        start, line = line, reader.line_num + 2
        if not any(value.strip() for value in values):
            continue  # A blank line.
        if len(values) != width:
            yield SourceRow(
                start,
                values,  # For its id only (importer.planning): the row is rejected.
                f"the row has {len(values)} values but the header has {width} columns "
                "(a stray separator or an unclosed quote?)",
            )
            continue
        yield SourceRow(start, values)


def split_list(value: str, separator: str = ";") -> list[str]:
    """ "A; B;; 'C'" → ["A", "B", "C"]: a list cell, blanks and stray quotes dropped."""
    if separator not in value:  # Most cells hold one item: no generator for them.
        item = value.strip().strip('"').strip()
        return [item] if item else []
    items = [item.strip().strip('"').strip() for item in value.split(separator)]
    return [item for item in items if item]
