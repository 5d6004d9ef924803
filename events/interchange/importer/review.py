"""Conflicts an editor decides: apply the newer rows waiting on records, or dismiss them."""

import csv
import io
from collections.abc import Iterable

from events.interchange.importer.report import ImportReport
from events.interchange.importer.run import import_file
from events.models import ExternalRecord


def apply_pending(records: Iterable[ExternalRecord], *, user=None) -> list[ImportReport]:
    """Apply the newer rows that wait on these records (conflicts), replacing the editors'
    changes: the rows of each dataset and release are imported as one file would be, recorded
    in history under `user`. One report per dataset and release."""
    groups: dict[tuple[str, str], list[dict]] = {}
    for record in records:
        if record.pending:
            key = (record.dataset, record.pending.get("release") or "")
            groups.setdefault(key, []).append(record.pending.get("row") or {})
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
                list_missing=0,
            )
        )
    return reports


def dismiss_pending(records: Iterable[ExternalRecord]) -> int:
    """Keep the editors' versions: the newer rows are set aside, and an import of the same
    rows again finds them already seen (it reports them unchanged). How many were dismissed."""
    dismissed = 0
    for record in records:
        if not record.pending:
            continue
        record.release = record.pending.get("release", record.release)
        record.fingerprint = record.pending.get("fingerprint", record.fingerprint)
        record.pending = None
        record.save(update_fields=["release", "fingerprint", "pending"])
        dismissed += 1
    return dismissed


def csv_bytes(columns: list[str], rows: Iterable[dict]) -> bytes:
    """Rows as a CSV file in memory (UTF-8, every cell quoted as needed)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([row.get(column, "") for column in columns] for row in rows)
    return buffer.getvalue().encode("utf-8")
