"""Synthetic data at scale: a seeded generator of realistic rows and the bulk writer behind it.

distributions: the mixes and word lists; reference: the places, actors and types events point
to; rows: one batch of events with their links; writer: the bulk insert and generate().
"""

from events.synthetic.distributions import (
    BATCH_SIZE,
    EVENTS_PER_ARTICLE,
    FIRST_DAY,
    LAST_DAY,
    PRECISION_MIX,
    PREFIX,
    STATUS_MIX,
    ZIPF_EXPONENT,
    Batch,
    Reference,
    Report,
)
from events.synthetic.reference import (
    build_actors,
    build_places,
    ensure_event_types,
    ensure_reference,
    load_reference,
)
from events.synthetic.rows import generate_batch, random_bounds, random_fatalities
from events.synthetic.writer import generate, insert_rows, text_progress, write_batch

__all__ = [
    "BATCH_SIZE",
    "EVENTS_PER_ARTICLE",
    "FIRST_DAY",
    "LAST_DAY",
    "PRECISION_MIX",
    "PREFIX",
    "STATUS_MIX",
    "ZIPF_EXPONENT",
    "Batch",
    "Reference",
    "Report",
    "build_actors",
    "build_places",
    "ensure_event_types",
    "ensure_reference",
    "generate",
    "generate_batch",
    "insert_rows",
    "load_reference",
    "random_bounds",
    "random_fatalities",
    "text_progress",
    "write_batch",
]
