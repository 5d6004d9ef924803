"""Cursors that carry their filters: a next link's cursor alone asks for the same set.

A cursor handed out wraps the keyset position (events.chronology.paging) with the filters
of the request that made it. A request with a cursor and no filters is filtered by the
cursor's; with filters, they must be the cursor's (else a 400 naming cursor), so that a
page can never continue another query's walk. Paging and format are not filters: page_size
may change between pages and ?format= stays in the URL. A sparse fieldset (fields=) is
carried too, but is not a filter: a cursor alone keeps its fields, and a request may name
others.
"""

import base64
import binascii
import json

from django.http import QueryDict
from rest_framework.exceptions import ValidationError

NOT_FILTERS = frozenset({"cursor", "page_size", "format", "count"})
# Carried by the cursor for a request that sends it alone, but free to change between pages.
CARRIED = frozenset({"fields"})


def filters_of(params: QueryDict, *, carried: bool = False) -> list[list[str]]:
    """The filters of a query string (carried: its CARRIED parameters instead), as sorted
    [name, value] pairs (repeats kept)."""
    return sorted(
        [name, value]
        for name, values in params.lists()
        for value in values
        if name not in NOT_FILTERS and (name in CARRIED) == carried
    )


def wrap(position: str, params: QueryDict) -> str:
    found = {"p": position, "f": filters_of(params)}
    if options := filters_of(params, carried=True):
        found["o"] = options
    raw = json.dumps(found, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def unwrap(cursor: str) -> tuple[str, list[list[str]] | None]:
    """The keyset position and the filters a cursor carries, its CARRIED parameters among
    them (None: a bare position, which the keyset decoder judges)."""
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return cursor, None
    if not isinstance(data, dict) or not isinstance(data.get("p"), str):
        return cursor, None
    carried, options = data.get("f"), data.get("o", [])
    valid = isinstance(carried, list) and isinstance(options, list)
    carried = carried + options if valid else carried
    valid = valid and all(
        isinstance(pair, list) and len(pair) == 2 and all(isinstance(v, str) for v in pair)
        for pair in carried
    )
    if not valid:
        raise ValidationError({"cursor": ["not a cursor of this endpoint; use the links as given"]})
    return data["p"], carried


def effective_params(params: QueryDict) -> QueryDict:
    """The parameters a request is answered with: its own, or with a cursor alone, the
    cursor's filters beside its own paging and format. A 400 naming cursor when the request's
    filters differ from those the cursor was made for."""
    cursor = params.get("cursor")
    if not cursor:
        return params
    position, carried = unwrap(cursor)
    if carried is None:
        return params
    given = filters_of(params)
    options = [pair for pair in carried if pair[0] in CARRIED]
    carried = [pair for pair in carried if pair[0] not in CARRIED]
    if given and given != carried:
        shown = "&".join(f"{name}={value}" for name, value in carried) or "no filters"
        raise ValidationError(
            {
                "cursor": [
                    f"this cursor continues the query {shown}; send it alone (it carries its "
                    "filters) or with exactly those filters"
                ]
            }
        )
    merged = QueryDict(mutable=True)
    for name, value in carried:
        merged.appendlist(name, value)
    for name in NOT_FILTERS:
        for value in params.getlist(name):
            merged.appendlist(name, value)
    # The request's own fields, else those the cursor carried.
    for name, value in filters_of(params, carried=True) or options:
        merged.appendlist(name, value)
    merged["cursor"] = position
    merged._mutable = False
    return merged
