"""Conditional writes: If-Match against an event's version, 428 without it, 412 when stale."""

import re

from rest_framework import status
from rest_framework.exceptions import APIException

from events.versioning import Expected

# One entity tag of an If-Match list: "42-v7-…" (the event's ETag), W/ marking a weak one.
_TAG = re.compile(r'\s*(W/)?"([^"]*)"\s*(?:,|$)')
_EVENT_TAG = re.compile(r"^([0-9]+)-v([0-9]+)(?:-[0-9a-f]*)?$")


class PreconditionRequired(APIException):
    """428: a change to an event without If-Match, which would overwrite changes unseen."""

    status_code = status.HTTP_428_PRECONDITION_REQUIRED

    def __init__(self, url: str):
        super().__init__(
            {
                "errors": {
                    "If-Match": [
                        "This write needs an If-Match header with the event's ETag, so that it "
                        f"cannot overwrite a change you have not seen: GET {url}, then send its "
                        "ETag header back as If-Match. If-Match: * writes whatever the event "
                        "holds now."
                    ]
                }
            }
        )


def expected_version(request, *, pk: int, url: str) -> Expected:
    """The versions of event pk the request's If-Match accepts: None for "*", else a set (empty
    when no tag is a current-style tag of this event, which matches nothing: 412).

    Weak tags never match (RFC 9110 compares If-Match strongly). Raises PreconditionRequired
    when the header is missing.
    """
    header = request.headers.get("If-Match")
    if header is None or not header.strip():
        raise PreconditionRequired(url)
    if header.strip() == "*":
        return None
    versions = set()
    position, header = 0, header.strip()
    while position < len(header):
        found = _TAG.match(header, position)
        if found is None:
            break  # Not an entity-tag list: matches nothing.
        position = found.end()
        weak, tag = found.groups()
        event_tag = _EVENT_TAG.match(tag)
        if not weak and event_tag and int(event_tag[1]) == pk:
            versions.add(int(event_tag[2]))
    return frozenset(versions)


def stale_message(*, current: int, url: str, detail: str = "") -> str:
    return (
        f"{detail + ' ' if detail else ''}The event has changed since your copy: it is at "
        f'version {current} now (its current representation is under "current" and its ETag '
        f"in the ETag header). Look at what changed, then send your change again with "
        f"If-Match set to that ETag ({url})."
    )
