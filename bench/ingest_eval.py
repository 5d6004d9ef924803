"""Re-ingest the seed articles and print precision and recall against the curated events."""

# Run from the project root: python bench/ingest_eval.py
# It uses a throwaway SQLite database in the temporary folder, never the project's database.

import os
import sys
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATABASE = Path(tempfile.gettempdir()) / "conflicttracker_ingest_eval.sqlite3"


def main() -> int:
    sys.path.insert(0, str(BASE_DIR))
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DATABASE}{suffix}").unlink(missing_ok=True)
    # Set before Django reads its settings: the evaluation must never touch a real database.
    os.environ["DATABASE_URL"] = f"sqlite:///{DATABASE}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "conflicttracker.settings"
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-any-deployment-0123456789")

    import django

    django.setup()
    from django.core.management import call_command

    from events.ingest.evaluation import evaluate_seeds

    call_command("migrate", verbosity=0, interactive=False)
    evaluation = evaluate_seeds(BASE_DIR / "fixtures", base_dir=BASE_DIR)
    print("\n".join(evaluation.lines()))
    print(f"(database: {DATABASE})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
