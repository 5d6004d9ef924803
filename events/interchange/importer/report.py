"""An import's report: counts, rows rejected, skipped or in conflict, and what it stopped at."""

from dataclasses import dataclass, field
from datetime import date
from types import ModuleType

from events.interchange import acled, ucdp

LAYOUTS: dict[str, ModuleType] = {"acled": acled, "ucdp": ucdp}


@dataclass
class RowOutcome:
    line: int
    external_id: str
    action: str  # create, update, unchanged, dismissed, skip, conflict or reject
    headline: str = ""
    reason: str = ""


@dataclass
class Conflict:
    """A newer row for an event an editor changed since it was imported: not applied; it waits
    on the record (ExternalRecord.pending) for an editor to apply or dismiss."""

    line: int
    external_id: str
    event_id: int
    edited: list[str]  # the event's groups of fields the editor changed
    stored_release: str
    newer_release: str
    # (column, the stored row's cell, the newer row's cell) for each cell that differs.
    differences: list[tuple[str, str, str]]


@dataclass
class ImportReport:
    dataset: str
    filename: str
    release: str = ""
    dry_run: bool = False
    atomic: bool = False
    status: str = "published"
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[RowOutcome] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    # Rows a reviewer set aside earlier (kept on their records), met again.
    dismissed: list[RowOutcome] = field(default_factory=list)
    rejected: list[RowOutcome] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)
    new_actors: int = 0
    new_places: int = 0
    new_types: int = 0
    new_articles: int = 0
    place_suggestions: int = 0
    # Records of this dataset in the file's countries and dates that the file lacks: how
    # many, and the first of them as (external id, event id).
    missing_count: int = 0
    missing: list[tuple[str, int]] = field(default_factory=list)
    scope: tuple[list[str], date | None, date | None] = ([], None, None)
    # The chunks written, as (first line, last line), and why the import stopped early.
    committed: list[tuple[int, int]] = field(default_factory=list)
    stopped: str = ""
    outcomes: list[RowOutcome] = field(default_factory=list)
    encoding: str = "utf-8"
    seconds: float = 0.0

    def _lists(self) -> tuple[list, ...]:
        return (
            self.skipped,
            self.conflicts,
            self.dismissed,
            self.rejected,
            self.warnings,
            self.outcomes,
        )

    def mark(self) -> tuple:
        """Where the counts stand: back_to(mark) forgets a chunk that was not written."""
        return (self.rows, self.created, self.updated, self.unchanged, *map(len, self._lists()))

    def back_to(self, mark: tuple) -> None:
        self.rows, self.created, self.updated, self.unchanged = mark[:4]
        for items, length in zip(self._lists(), mark[4:], strict=True):
            del items[length:]

    @property
    def written(self) -> bool:
        return bool(self.committed) and not (self.atomic and (self.rejected or self.stopped))

    @property
    def committed_lines(self) -> str:
        """The lines committed, chunks that follow each other as one span: "2–15001"."""
        spans: list[list[int]] = []
        for first, last in self.committed:
            if spans and spans[-1][1] + 1 == first:
                spans[-1][1] = last
            else:
                spans.append([first, last])
        return ", ".join(f"{first}–{last}" for first, last in spans) or "none"

    @property
    def label(self) -> str:
        return LAYOUTS[self.dataset].LABEL

    def lines(self, *, limit: int = 20) -> list[str]:
        """The report as text: counts, then rejected rows, conflicts, skipped rows, warnings."""
        planned = self.dry_run or (self.atomic and (self.rejected or self.stopped))
        verb = "would be" if planned else "were"
        head = (
            f"{self.label} {self.release or ''} {self.filename}: {self.rows} rows read in "
            f"{self.seconds:.1f} s"
        ).replace("  ", " ")
        lines = [
            head,
            f"events: {self.created} {verb} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {len(self.skipped)} older rows skipped, "
            f"{len(self.conflicts)} conflicts for review, "
            + (f"{len(self.dismissed)} dismissed earlier, " if self.dismissed else "")
            + f"{len(self.rejected)} rows rejected",
            f"new: {self.new_actors} actors, {self.new_places} places "
            f"({self.place_suggestions} possible duplicates to review), {self.new_types} event "
            f"types, {self.new_articles} source articles",
        ]
        if self.dry_run:
            lines.append("dry run: nothing was written")
        elif self.atomic and self.stopped:
            lines.append(f"--atomic: the import stopped ({self.stopped}), so nothing was written")
        elif self.atomic and self.rejected:
            lines.append("--atomic: a row was rejected, so nothing was written")
        elif self.stopped:
            lines.append(
                f"STOPPED at {self.stopped}; lines committed before it: {self.committed_lines}"
            )
        if self.encoding not in ("utf-8", "utf-8-sig"):
            lines.append(f"the file is not UTF-8: read as {self.encoding}")
        for outcome in self.rejected[:limit]:
            lines.append(f"line {outcome.line}: rejected: {outcome.reason}")
        if len(self.rejected) > limit:
            lines.append(f"… and {len(self.rejected) - limit} more rejected rows")
        for conflict in self.conflicts[:limit]:
            lines.append(
                f"line {conflict.line}: conflict: {self.label} {conflict.external_id} → event "
                f"{conflict.event_id} was changed by an editor ({', '.join(conflict.edited)}); "
                f"the newer row ({conflict.newer_release or 'no release'}) waits for review"
            )
            for column, stored, newer in conflict.differences[:limit]:
                lines.append(f"    {column}: {stored!r} → {newer!r}")
        if len(self.conflicts) > limit:
            lines.append(f"… and {len(self.conflicts) - limit} more conflicts")
        for outcome in self.dismissed[:limit]:
            lines.append(f"line {outcome.line}: dismissed earlier: {outcome.reason}")
        if len(self.dismissed) > limit:
            lines.append(f"… and {len(self.dismissed) - limit} more rows dismissed earlier")
        for outcome in self.skipped[:limit]:
            lines.append(f"line {outcome.line}: skipped: {outcome.reason}")
        if len(self.skipped) > limit:
            lines.append(f"… and {len(self.skipped) - limit} more older rows skipped")
        for line, message in self.warnings[:limit]:
            lines.append(f"line {line}: warning: {message}")
        if len(self.warnings) > limit:
            lines.append(f"… and {len(self.warnings) - limit} more warnings")
        if self.missing_count:
            countries, first, last = self.scope
            lines.append(
                f"{self.missing_count} {self.label} records of {', '.join(countries)} dated "
                f"{first} to {last} are not in this file (kept; listed by id):"
            )
            lines += [f"  {external_id} → event {pk}" for external_id, pk in self.missing[:limit]]
            if self.missing_count > limit:
                lines.append(f"  … and {self.missing_count - limit} more")
        return lines
