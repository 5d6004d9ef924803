"""The CSV export of everything published against the sqlite3 command line running one SQL query."""

# Reproduce (after bench/scale.py or bench/tail.py generated the data for that size):
#   .venv/bin/python bench/export_bench.py --events 200000
#
# Contenders, each writing every published event to a file, interleaved and repeated:
#   project   manage.py export_events --format csv --output FILE (the command the API's
#             ?format=csv shares: the chronology's keyset batches, entries, formats.csv_stream)
#   python    plain Python: sqlite3 + csv running LIMIT_SQL below
#   cli       the sqlite3 command line running LIMIT_SQL (-csv): the limit
# LIMIT_SQL reads what the export writes: each event with its type, parent type and place, its
# actors ("role: name", '; '-joined) and sources (outlets, excerpts, and the sources as a JSON
# array) aggregated in SQL per event, in chronological order. The project's file holds more
# (admin levels from the place's ancestors, ACLED's actor slots, numbered attributions), so the
# figure is rows per second, each against the command line of the same repetition.

import argparse
import csv
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATA = BASE_DIR / "bench" / ".data"
SECRET_KEY = "bench-only-secret-key-not-for-production-0123456789"

LIMIT_SQL = """
SELECT 'CT' || e.id, e.date_earliest, substr(e.date_earliest, 1, 4), e.date_precision,
  coalesce(tp.name, t.name), CASE WHEN tp.id IS NULL THEN '' ELSE t.name END,
  (SELECT group_concat(l.role || ': ' || a.name, '; ') FROM events_eventactor l
     JOIN events_actor a ON a.id = l.actor_id WHERE l.event_id = e.id),
  p.name, p.latitude, p.longitude, p.geo_precision,
  (SELECT group_concat(r.outlet, '; ') FROM events_eventsource s
     JOIN events_article r ON r.id = s.article_id WHERE s.event_id = e.id),
  e.summary, e.fatalities_best, CAST(strftime('%s', e.updated) AS INTEGER), e.uid, e.headline,
  e.date_earliest, e.date_latest, e.date_precision, e.date_approximate, e.date_display,
  e.fatalities_low, e.fatalities_high, t.slug, p.slug, p.kind,
  (SELECT group_concat(s.excerpt, char(10)) FROM events_eventsource s WHERE s.event_id = e.id),
  (SELECT json_group_array(json_object('article', s.article_id, 'title', r.title,
       'outlet', r.outlet, 'original_agency', r.original_agency, 'url', r.url,
       'published', r.publication_date, 'excerpt', s.excerpt,
       'attributed_to', s.attributed_to, 'date_phrase', s.date_phrase))
     FROM events_eventsource s JOIN events_article r ON r.id = s.article_id
     WHERE s.event_id = e.id),
  e.updated
FROM events_event e
JOIN events_eventtype t ON t.id = e.type_id
LEFT JOIN events_eventtype tp ON tp.id = t.parent_id
LEFT JOIN events_location p ON p.id = e.location_id
WHERE e.status = 'published'
ORDER BY e.date_earliest, e.date_latest, e.id
"""


def rows_in(path: Path) -> int:
    with path.open(newline="", encoding="utf-8") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1  # The header.


def project(database: Path, out: Path) -> None:
    subprocess.run(
        [
            str(Path(sys.executable)),
            "manage.py",
            "export_events",
            "--format",
            "csv",
            "--output",
            str(out),
        ],
        cwd=BASE_DIR,
        env={
            "PATH": "/usr/bin:/bin",
            "DATABASE_URL": f"sqlite:///{database}",
            "SECRET_KEY": SECRET_KEY,
            "DJANGO_SETTINGS_MODULE": "conflicttracker.settings",
        },
        check=True,
    )


def python(database: Path, out: Path) -> None:
    connection = sqlite3.connect(database)
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        cursor = connection.execute(LIMIT_SQL)
        writer.writerow([column[0] for column in cursor.description])
        while rows := cursor.fetchmany(2000):
            writer.writerows(rows)
    connection.close()


def cli(database: Path, out: Path) -> None:
    with out.open("wb") as handle:
        subprocess.run(
            ["sqlite3", "-csv", "-header", str(database), LIMIT_SQL], stdout=handle, check=True
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    database = DATA / f"events-{args.events}.sqlite3"
    if not database.exists():
        sys.exit(f"{database} is missing: run bench/scale.py --events {args.events} first")
    contenders = {"project": project, "python": python, "cli": cli}
    seconds: dict[str, list[float]] = {name: [] for name in contenders}
    rows: dict[str, int] = {}
    for repetition in range(args.repeat):
        names = list(contenders)
        names = names[repetition % 3 :] + names[: repetition % 3]
        for name in names:
            out = DATA / f"export-{name}.csv"
            started = time.perf_counter()
            contenders[name](database, out)
            seconds[name].append(time.perf_counter() - started)
            rows[name] = rows_in(out)
            out.unlink()
            print(f"  {name}: {seconds[name][-1]:.1f} s", file=sys.stderr)
    rate = {name: rows[name] / statistics.median(seconds[name]) for name in contenders}
    print()
    print(
        f"## CSV of every published event, {args.events:,} events on SQLite: median of "
        f"{args.repeat} interleaved runs ({datetime.now(UTC):%Y-%m-%d})"
    )
    print()
    print("| contender | rows | seconds | rows/s | of the command line |")
    print("|---|---:|---:|---:|---:|")
    for name, label in (
        ("project", "export_events --format csv"),
        ("python", "Python sqlite3 + csv, the same SQL"),
        ("cli", "sqlite3 command line, the same SQL (the limit)"),
    ):
        print(
            f"| {label} | {rows[name]:,} | {statistics.median(seconds[name]):.1f} "
            f"| {rate[name]:,.0f} | {rate[name] / rate['cli']:.0%} |"
        )
    print()
    print(f"Reproduce: .venv/bin/python bench/export_bench.py --events {args.events}")


if __name__ == "__main__":
    main()
