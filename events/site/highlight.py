"""Split an article's text into paragraphs of plain and cited segments by the excerpts' offsets."""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise

# A paragraph is a run of non-empty lines; blank lines separate paragraphs.
_PARAGRAPH = re.compile(r"[^\n]+(?:\n[^\n]+)*")


@dataclass(frozen=True)
class Citation:
    """A cited excerpt: where it is in the text and which event cites it."""

    start: int
    end: int
    event_id: int


@dataclass
class Segment:
    """A stretch of text cited by the same events throughout (none for plain text)."""

    text: str
    events: tuple[int, ...] = ()
    # Event ids whose first cited segment this is: the target of links to "this event here".
    anchors: list[int] = field(default_factory=list)

    @property
    def cited(self) -> bool:
        return bool(self.events)


@dataclass
class Run:
    """Adjacent segments that are all cited (or all plain): the reference marks go once after
    a cited run, naming every event cited anywhere in it, as (event id, its number)."""

    segments: list[Segment]
    refs: list[tuple[int, int]] = field(default_factory=list)

    @property
    def cited(self) -> bool:
        return self.segments[0].cited


def locate(text: str, excerpt: str, start: int | None) -> tuple[int, int] | None:
    """The excerpt's offsets: the stored start when the text there matches, else its first
    occurrence (an edited article may have moved it), else None."""
    if start is not None and text[start : start + len(excerpt)] == excerpt:
        return start, start + len(excerpt)
    found = text.find(excerpt) if excerpt else -1
    return (found, found + len(excerpt)) if found >= 0 else None


def paragraphs(
    text: str, citations: Iterable[Citation], *, order: dict[int, int] | None = None
) -> list[list[Run]]:
    """The text as paragraphs of runs of segments; overlapping excerpts split into segments
    that each name every event citing them (ordered by `order`, e.g. chronological rank)."""
    spans = [c for c in citations if 0 <= c.start < c.end <= len(text)]
    rank = order or {}
    anchored: set[int] = set()
    result: list[list[Segment]] = []
    for match in _PARAGRAPH.finditer(text):
        low, high = match.span()
        cuts = {low, high}
        cuts.update(c.start for c in spans if low < c.start < high)
        cuts.update(c.end for c in spans if low < c.end < high)
        edges = sorted(cuts)
        segments = []
        for start, end in pairwise(edges):
            ids = {c.event_id for c in spans if c.start <= start and end <= c.end}
            events = tuple(sorted(ids, key=lambda pk: (rank.get(pk, pk), pk)))
            segment = Segment(text[start:end], events)
            for pk in events:
                if pk not in anchored:
                    anchored.add(pk)
                    segment.anchors.append(pk)
            segments.append(segment)
        result.append(_runs(segments, rank))
    return result


def _runs(segments: list[Segment], rank: dict[int, int]) -> list[Run]:
    runs: list[Run] = []
    for segment in segments:
        if runs and runs[-1].cited == segment.cited:
            runs[-1].segments.append(segment)
        else:
            runs.append(Run([segment]))
    for run in runs:
        ids = {pk for segment in run.segments for pk in segment.events}
        ordered = sorted(ids, key=lambda pk: (rank.get(pk, pk), pk))
        run.refs = [(pk, rank.get(pk, pk)) for pk in ordered]
    return runs
