"""Import ACLED and UCDP GED files: read (run), plan (planning), write (storing), report."""

from events.interchange.importer.report import LAYOUTS, Conflict, ImportReport, RowOutcome
from events.interchange.importer.review import (
    WAITS,
    apply_pending,
    csv_bytes,
    dismiss_pending,
    seen_token,
    split_reviewed,
    waits,
)
from events.interchange.importer.run import (
    CHUNK_ROWS,
    STATUSES,
    guess_release,
    import_file,
)

__all__ = [
    "CHUNK_ROWS",
    "LAYOUTS",
    "STATUSES",
    "WAITS",
    "Conflict",
    "ImportReport",
    "RowOutcome",
    "apply_pending",
    "csv_bytes",
    "dismiss_pending",
    "guess_release",
    "import_file",
    "seen_token",
    "split_reviewed",
    "waits",
]
