"""Split article text into paragraphs and sentences, keeping character offsets into the text."""

import re
from dataclasses import dataclass

from events.dates import CALENDAR_ABBREVIATIONS

# Words that end with a full stop without ending the sentence ("Lt. Gen.", "Sept. 3").
ABBREVIATIONS = (
    frozenset(
        [
            "mr",
            "mrs",
            "ms",
            "dr",
            "prof",
            "gen",
            "lt",
            "col",
            "maj",
            "capt",
            "cpt",
            "sgt",
            "cmdr",
            "adm",
            "brig",
            "gov",
            "sen",
            "rep",
            "rev",
            "st",
            "jr",
            "sr",
            "inc",
            "co",
            "corp",
            "ltd",
            "no",
            "nos",
            "vs",
            "etc",
            "approx",
            "est",
            "dept",
            "univ",
        ]
    )
    | CALENDAR_ABBREVIATIONS
)
# A full stop, question or exclamation mark, with any closing quotes or brackets after it.
_END = re.compile(r"[.!?]+[\"'”’)\]]*")
_OPENING_QUOTES = '“"'
_CLOSING_QUOTES = '”"'
# A quotation longer than this is not held together as one sentence: its quotes are unbalanced.
_MAX_QUOTE = 700
# "… June 6 2015 (Reuters) Two people were killed …", "BEIRUT (AFP) - Syrian …": the agency's
# credit closes a caption or a dateline; the report starts after it (and after its dash).
_AGENCY_CREDIT = re.compile(
    r"\((?:Reuters|AFP|AP|Anadolu(?:\s+Agency)?|dpa|Xinhua|SANA)\)(?:\s*[-–—])?\s+(?=[A-Z])"
)


@dataclass(frozen=True)
class Sentence:
    """A sentence: its text, its offsets in the article, and which paragraph it stands in."""

    text: str
    start: int
    end: int
    paragraph: int
    index: int


def split_sentences(text: str) -> list[Sentence]:
    """The sentences of text, each with offsets such that text[start:end] == sentence.text.

    Every line is a paragraph (copy from the web puts captions and headings on their own line).
    A sentence ends at '.', '!' or '?' followed by a capital, a digit or a quote, unless the word
    before is an abbreviation or an initial; a quotation is kept whole with its attribution
    ("“… We haven’t struck the convoy. But …,” he said."). Two sentences glued together by a
    bad copy ("Raqqa.Syrian Forces") are split too.
    """
    sentences: list[Sentence] = []
    paragraph = 0
    for line in re.finditer(r"[^\n]+", text):
        if not line.group().strip():
            continue
        for start, end in _split_line(line.group()):
            piece = text[line.start() + start : line.start() + end]
            stripped = piece.strip()
            if not stripped:
                continue
            offset = line.start() + start + (len(piece) - len(piece.lstrip()))
            sentences.append(
                Sentence(stripped, offset, offset + len(stripped), paragraph, len(sentences))
            )
        paragraph += 1
    return sentences


def _split_line(line: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    quote_open_at: int | None = None
    position = 0
    while position < len(line):
        char = line[position]
        if char in _OPENING_QUOTES and (char != '"' or quote_open_at is None):
            quote_open_at = position
            position += 1
            continue
        if char in _CLOSING_QUOTES and quote_open_at is not None and char != "“":
            quote_open_at = None
        if quote_open_at is not None and position - quote_open_at > _MAX_QUOTE:
            quote_open_at = None
        match = _END.match(line, position) if char in ".!?" else None
        if match is not None:
            end = match.end()
            closes_quote = any(c in _CLOSING_QUOTES for c in match.group())
            if closes_quote:
                quote_open_at = None
            if quote_open_at is None and _ends_sentence(line, position, end):
                spans.append((start, end))
                start = end
            position = end
            continue
        credit = _AGENCY_CREDIT.match(line, position) if char == "(" else None
        if credit is not None and quote_open_at is None and line[start:position].strip():
            spans.append((start, credit.end()))
            start = position = credit.end()
            continue
        if char == ")" and position + 1 < len(line) and line[position + 1].isupper():
            # "(File Photo)Turkish troops …": a caption glued to the next one.
            spans.append((start, position + 1))
            start = position + 1
        position += 1
    if start < len(line):
        spans.append((start, len(line)))
    return spans


def _ends_sentence(line: str, stop: int, end: int) -> bool:
    after = line[end:]
    word = re.search(r"([A-Za-z.]+)$", line[:stop])
    previous = word.group(1) if word else ""
    if not after.strip():
        return True
    if not after[0].isspace():
        # Glued sentences: "Raqqa.Syrian" — a lower-case word, a stop, then a capitalised word.
        return bool(re.match(r"[A-Z][a-z]", after)) and bool(re.search(r"[a-z]{3}$", previous))
    following = after.lstrip()
    if not (following[0].isupper() or following[0].isdigit() or following[0] in "“\"‘'("):
        return False
    if line[stop] != ".":
        return True
    bare = previous.rstrip(".")
    if bare.lower() in ABBREVIATIONS:
        return False
    # An initial ("J. Smith") or a dotted abbreviation ("U.S. Army", "a.m.") goes on.
    return not (re.fullmatch(r"[A-Z]", bare) or re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", bare))
