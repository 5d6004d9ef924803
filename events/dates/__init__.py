"""Partial and uncertain dates: parse, resolve news phrases, bound and display them — no ORM.

fuzzy: the value (bounds, precision) and how it reads; iso: ISO 8601 / EDTF input;
resolve: one news phrase resolved; words and rules: the phrase grammar; finding: the
phrases in a sentence, found by the same grammar.
"""

from events.dates.finding import PhraseSpan, find_phrases
from events.dates.fuzzy import (
    MONTH_NAMES,
    DateError,
    FuzzyDate,
    Precision,
    bounds_text,
    display_text,
    precision_for_span,
    says_its_bounds,
)
from events.dates.iso import parse_partial_iso
from events.dates.resolve import parse_date_input, resolve_future_phrase, resolve_phrase
from events.dates.words import CALENDAR_ABBREVIATIONS, CALENDAR_WORDS

__all__ = [
    "CALENDAR_ABBREVIATIONS",
    "CALENDAR_WORDS",
    "MONTH_NAMES",
    "DateError",
    "FuzzyDate",
    "PhraseSpan",
    "Precision",
    "bounds_text",
    "display_text",
    "find_phrases",
    "parse_date_input",
    "parse_partial_iso",
    "precision_for_span",
    "resolve_future_phrase",
    "resolve_phrase",
    "says_its_bounds",
]
