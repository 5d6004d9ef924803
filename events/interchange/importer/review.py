"""Conflicts an editor decides: apply the newer rows waiting on records, or dismiss them."""

# A reviewer decides on what the review page showed: the event as it stood (its version) and
# the newer row that waited (its fingerprint and release). The page carries that as one token
# per record (seen_token); a decision whose token no longer matches is refused, so an edit
# saved, or a row imported, after the page was shown is never replaced or set aside unseen.
# A dismissed row stays on the record, in pending["dismissed"] with who set it aside and when;
# an import that meets the same row again reports it "dismissed earlier".

import csv
import io
from collections.abc import Iterable, Mapping

from django.db.models import Q
from django.utils import timezone

from events.interchange.importer.report import ImportReport
from events.interchange.importer.run import import_file
from events.models import ExternalRecord

# The records on which a newer row waits: pending holds a row (it may hold only rows
# dismissed earlier).
WAITS = Q(pending__has_key="row")


def waits(record: ExternalRecord) -> bool:
    """Whether a newer row waits on the record for review."""
    return bool(record.pending) and "row" in record.pending


def seen_token(record: ExternalRecord) -> str:
    """What a review page shows of a conflict, as one string: the event's version, the waiting
    row's fingerprint and its release; "" when nothing waits. Reads record.event."""
    if not waits(record):
        return ""
    pending = record.pending
    return f"{record.event.version}:{pending.get('fingerprint', '')}:{pending.get('release', '')}"


def split_reviewed(
    records: Iterable[ExternalRecord], seen: Mapping[int, str]
) -> tuple[list[ExternalRecord], list[ExternalRecord]]:
    """(the records as their reviewer saw them, by id in seen; those whose event or newer row
    changed since, or that were never shown). Reads each record's event: select_related it."""
    ready: list[ExternalRecord] = []
    moved: list[ExternalRecord] = []
    for record in records:
        token = seen_token(record)
        (ready if token and seen.get(record.pk) == token else moved).append(record)
    return ready, moved


def apply_pending(
    records: Iterable[ExternalRecord], *, user=None, wait: bool = True
) -> list[ImportReport]:
    """Apply the newer rows that wait on these records (conflicts), replacing the editors'
    changes: the rows of each dataset and release are imported as one file would be, recorded
    in history under `user`. Only over the event and the row as read here: an event saved, or a
    row replaced, in the meantime is left alone and its row reported rejected. One report per
    dataset and release."""
    groups: dict[tuple[str, str], list[dict]] = {}
    reviewed: dict[str, dict[str, tuple[int, str]]] = {}
    for record in records:
        if waits(record):
            key = (record.dataset, record.pending.get("release") or "")
            groups.setdefault(key, []).append(record.pending.get("row") or {})
            reviewed.setdefault(record.dataset, {})[record.external_id] = (
                record.event.version,
                record.pending.get("fingerprint", ""),
            )
    reports = []
    for (dataset, release), rows in sorted(groups.items()):
        columns = list(dict.fromkeys(column for row in rows for column in row))
        reports.append(
            import_file(
                csv_bytes(columns, rows),
                dataset=dataset,
                filename="rows reviewed in the admin",
                release=release,
                user=user,
                overwrite_edited=True,
                reviewed=reviewed[dataset],
                list_missing=0,
                wait=wait,
            )
        )
    return reports


def dismiss_pending(records: Iterable[ExternalRecord], *, user=None) -> int:
    """Keep the editors' versions: each newer row is set aside on its record (in
    pending["dismissed"], with who dismissed it and when); the stored row and its release stay.
    An import that meets the same row again reports it dismissed earlier. How many were
    dismissed."""
    dismissed = 0
    when = timezone.now().isoformat(timespec="seconds")
    for record in records:
        if not waits(record):
            continue
        newer = dict(record.pending)
        earlier = newer.pop("dismissed", [])
        newer.update(by=user.get_username() if user is not None else "", at=when)
        record.pending = {"dismissed": [*earlier, newer]}
        record.save(update_fields=["pending"])
        dismissed += 1
    return dismissed


def csv_bytes(columns: list[str], rows: Iterable[dict]) -> bytes:
    """Rows as a CSV file in memory (UTF-8, every cell quoted as needed)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([row.get(column, "") for column in columns] for row in rows)
    return buffer.getvalue().encode("utf-8")
