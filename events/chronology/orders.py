"""The orders a chronology can be read in: each a unique key, its cursors and its index.

    order            key (ties broken by what follows)                   index (published)
    chronological    earliest day, latest day, id                        events_event_chrono_idx
    -chronological   the same, descending (newest first)                 the same, backwards
    updated          last change, id                                     events_event_fresh_idx
    -updated         the same, descending (latest change first)          the same, backwards
    fatalities       fatalities, then chronological; unknown last        events_event_fewest_idx
    -fatalities      fatalities descending, then newest; unknown last    events_event_deadliest_idx

Fatalities are the best estimate, else the low one (as fatalities_min reads them); an event
with neither is unknown, not zero, and comes after every known count in both directions: the
key reads it as MAX_FATALITIES ascending and as -1 descending (events.querysets.FatalitiesOr),
so each direction has an index of its own. Every other "-" order is the exact reverse.

Only the chronological orders walk an actor's links (their copy of the dates); the others read
an actor's events through the filtered set, in the order's index. The fatality orders' first
field has long ties (every unknown count): their keys are compared as row values, and on
SQLite a page from a cursor is read in two parts (paging._parts_from_key), so that a deep page
enters the index at its key rather than reading the tie before it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from events.chronology.entries import moment_text, position, row_key
from events.chronology.paging import EVENTS, Keyset
from events.models import Event
from events.querysets import CHRONOLOGICAL, MAX_FATALITIES, FatalitiesOr

DEFAULT = "chronological"


@dataclass(frozen=True)
class Order:
    name: str
    keyset: Keyset
    help: str

    @property
    def dated(self) -> bool:
        """Whether it is the chronological order either way (the actor walk reads it)."""
        return self.keyset.names == CHRONOLOGICAL


def _descending(keyset: Keyset, tag: str) -> Keyset:
    fields = tuple(name[1:] if name.startswith("-") else f"-{name}" for name in keyset.fields)
    return Keyset(Event, fields, keyset.key_of, keyset.expressions, tag)


def _fatalities_key(unknown: int) -> Callable[[tuple], tuple]:
    best, low = position("fatalities_best"), position("fatalities_low")

    def key(row: tuple) -> tuple:
        count = row[best] if row[best] is not None else row[low]
        return (unknown if count is None else count, *row_key(row))

    return key


_UPDATED, _ID = position("updated"), position("id")
# The time as ISO text with its zone: SQLite gives it naive, which the ORM warns about.
_BY_UPDATE = Keyset(
    Event,
    ("updated", "id"),
    key_of=lambda row: (moment_text(row[_UPDATED]), row[_ID]),
    tag="updated",
)
_FEWEST = Keyset(
    Event,
    ("fatalities_unknown_high", *CHRONOLOGICAL),
    key_of=_fatalities_key(MAX_FATALITIES),
    expressions={"fatalities_unknown_high": FatalitiesOr(unknown=MAX_FATALITIES)},
    tag="fatalities",
    row_values=True,
)
_DEADLIEST = Keyset(
    Event,
    ("-fatalities_unknown_low", *(f"-{name}" for name in CHRONOLOGICAL)),
    key_of=_fatalities_key(-1),
    expressions={"fatalities_unknown_low": FatalitiesOr(unknown=-1)},
    tag="-fatalities",
    row_values=True,
)

ORDERS: dict[str, Order] = {
    order.name: order
    for order in (
        Order("chronological", EVENTS, "earliest possible day first (the default)"),
        Order("-chronological", _descending(EVENTS, "-chronological"), "newest first"),
        Order("updated", _BY_UPDATE, "least recently changed first"),
        Order("-updated", _descending(_BY_UPDATE, "-updated"), "most recently changed first"),
        Order("fatalities", _FEWEST, "fewest fatalities first, unknown last"),
        Order("-fatalities", _DEADLIEST, "most fatalities first, unknown last"),
    )
}
# The order parameter's description (the API schema, export_events --help).
HELP = (
    f"The order of the events: {', '.join(ORDERS)}. Default chronological (earliest possible "
    "day first); a leading - reverses it (-chronological: newest first). Fatalities are the best "
    "estimate, else the low one; unknown ones come last in both directions. Pages, exports and "
    "every format follow it; the histogram's counts do not depend on it."
)
