"""ACLED and UCDP GED import, re-import and export speed, against raw sqlite3.executemany."""

# Run from the project root: python bench/interchange_bench.py [--rows 100000] [--format acled]
# It writes the files and throwaway SQLite databases in the temporary folder, never the
# project's database. The rows follow the real layouts (events.interchange.acled / ucdp
# COLUMNS) with a realistic spread: a few hundred actors, a few thousand places, sources
# shared between events as in UCDP, ACLED's ; lists and quoted notes.
#
# The limit, measured in the same run on the same file: Python's sqlite3 module reading the
# CSV with the csv module and inserting every row, every column as text, into one table with
# executemany in one transaction (WAL, synchronous=NORMAL, as the project's SQLite). No import
# can be faster than storing the rows it reads; the ratio says how close each step comes.
# CPU seconds beside the wall-clock ones: on a shared machine the wall clock also counts the
# time other processes had the cores; rows per CPU second is what the code costs.
# Memory: the peak anonymous resident memory (the process's own heap, not the database file
# pages SQLite maps in) above what it was before each step, sampled every 20 ms. SQLite's page
# cache is part of it: up to 128 MiB during an import (events.interchange.writing).

import argparse
import csv
import gc
import io
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
WORK = Path(tempfile.gettempdir()) / "conflicttracker_interchange_bench"
DATABASE = WORK / "bench.sqlite3"
LIMIT_DATABASE = WORK / "limit.sqlite3"

GOVERNORATES = ["Aleppo", "Idleb", "Hama", "Homs", "Deir ez-Zor", "Ar-Raqqa", "Rural Damascus"]
WORDS = ["north", "south", "east", "west", "old", "new", "al", "tall", "kafr", "ain", "wadi"]


def place_pool(rng: random.Random, count: int) -> list[dict]:
    places = []
    for number in range(count):
        governorate = rng.choice(GOVERNORATES)
        places.append(
            {
                "admin1": governorate,
                "admin2": f"{governorate} District {number % 9}",
                "admin3": f"Subdistrict {number % 40}",
                "location": f"{rng.choice(WORDS).title()} {rng.choice(WORDS).title()} {number}",
                "latitude": round(32.5 + rng.random() * 4.5, 4),
                "longitude": round(35.8 + rng.random() * 6.2, 4),
            }
        )
    return places


def acled_rows(rng: random.Random, count: int):
    from events.interchange.acled import TAXONOMY

    types = [(top, sub) for top, subs in TAXONOMY.items() for sub in subs]
    actors = [f"Armed Group {n} (Syria)" for n in range(300)]
    places = place_pool(rng, 4000)
    start = date(2017, 1, 1)
    for number in range(count):
        event_type, sub = rng.choice(types)
        place = rng.choice(places)
        day = start + timedelta(days=rng.randrange(2500))
        yield {
            "event_id_cnty": f"SYR{number + 1}",
            "event_date": day.isoformat(),
            "year": day.year,
            "time_precision": rng.choice((1, 1, 1, 1, 2, 3)),
            "disorder_type": "Political violence",
            "event_type": event_type,
            "sub_event_type": sub,
            "actor1": rng.choice(actors),
            "assoc_actor_1": "; ".join(rng.sample(actors, rng.choice((0, 0, 1, 2)))),
            "inter1": rng.randint(1, 8),
            "actor2": rng.choice(actors),
            "assoc_actor_2": "",
            "inter2": rng.randint(1, 8),
            "interaction": 12,
            "civilian_targeting": "",
            "iso": 760,
            "region": "Middle East",
            "country": "Syria",
            **place,
            "geo_precision": rng.choice((1, 1, 2, 3)),
            "source": "; ".join(rng.sample(["SOHR", "SANA", "Step News", "Enab Baladi"], 2)),
            "source_scale": "National",
            "notes": f'On {day:%d %B %Y}, fighting in {place["location"]}; "heavy" losses '
            f"reported (event {number}).",
            "fatalities": rng.choice(("", 0, 1, 2, 5, 12)),
            "tags": "",
            "timestamp": 1600000000 + number,
        }


def ucdp_rows(rng: random.Random, count: int):
    sides = ["Government of Syria", "IS", "SDF", "Syrian insurgents", "HTS"] + [
        f"Faction {n}" for n in range(150)
    ]
    places = place_pool(rng, 4000)
    citations = [
        f"SOHR,{date(2016, 1, 1) + timedelta(days=n):%Y-%m-%d},Clashes and shelling on day {n}"
        for n in range(1500)
    ]
    for number in range(count):
        place = rng.choice(places)
        day = date(2016, 1, 1) + timedelta(days=rng.randrange(1400))
        span = rng.choice((0, 0, 0, 0, 2))
        low = rng.randint(0, 5)
        best = low + rng.randint(0, 3)
        items = rng.sample(citations, rng.choice((1, 1, 2)))
        violence = rng.choice((1, 1, 2, 3))
        yield {
            "id": 300000 + number,
            "year": day.year,
            "active_year": 1,
            "type_of_violence": violence,
            "conflict_new_id": 299,
            "conflict_name": "Syria: Government",
            "dyad_new_id": 11973,
            "dyad_name": "Government of Syria - Syrian insurgents",
            "side_a_new_id": 118,
            "side_a": rng.choice(sides),
            "side_b_new_id": 4456,
            "side_b": "Civilians" if violence == 3 else rng.choice(sides),
            "number_of_sources": len(items),
            "source_article": ";".join(f'"{item}"' for item in items),
            "source_office": ";".join(item.split(",")[0] for item in items),
            "source_date": ";".join(item.split(",")[1] for item in items),
            "source_headline": ";".join(item.split(",", 2)[2] for item in items),
            "source_original": "SOHR",
            "where_prec": rng.choice((1, 1, 2, 4)),
            "where_coordinates": f"{place['location']} town",
            "adm_1": f"{place['admin1']} Governorate",
            "adm_2": f"{place['admin2']} district",
            "latitude": place["latitude"],
            "longitude": place["longitude"],
            "geom_wkt": f"POINT ({place['longitude']} {place['latitude']})",
            "priogrid_gid": 179714,
            "country": "Syria",
            "country_id": 652,
            "region": "Middle East",
            "event_clarity": 1,
            "date_prec": 1 if span == 0 else 2,
            "date_start": day.isoformat(),
            "date_end": (day + timedelta(days=span)).isoformat(),
            "deaths_a": 0,
            "deaths_b": best,
            "deaths_civilians": 0,
            "deaths_unknown": 0,
            "low": low,
            "best": best,
            "high": best + rng.randint(0, 4),
        }


def write(path: Path, columns: list[str], rows) -> int:
    """Stream the rows to a CSV file (they are never all in memory); how many."""
    count = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, columns, extrasaction="ignore", lineterminator="\r\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def limit(path: Path) -> tuple[int, float, float]:
    """(rows, seconds, CPU seconds) to read the file and executemany every row into one table."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{LIMIT_DATABASE}{suffix}").unlink(missing_ok=True)
    started, cpu = time.perf_counter(), time.process_time()
    db = sqlite3.connect(LIMIT_DATABASE)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        columns = ", ".join(f'"c{i}" TEXT' for i in range(len(header)))
        db.execute(f"CREATE TABLE rows (id INTEGER PRIMARY KEY, {columns})")
        marks = ", ".join("?" * len(header))
        sql = (
            f"INSERT INTO rows ({', '.join(f'c{i}' for i in range(len(header)))}) VALUES ({marks})"
        )
        count = 0
        while batch := [row for _, row in zip(range(5000), reader, strict=False)]:
            db.executemany(sql, batch)
            count += len(batch)
        db.commit()
    db.close()
    return count, time.perf_counter() - started, time.process_time() - cpu


class PeakMemory:
    """The peak resident set size while a step runs, above the size before it (in MB)."""

    def __enter__(self):
        self.before = self.peak = _rss()
        self.running = True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def _sample(self):
        while self.running:
            self.peak = max(self.peak, _rss())
            time.sleep(0.02)

    def __exit__(self, *exc_info):
        self.running = False
        self.thread.join()
        self.peak = max(self.peak, _rss())

    @property
    def growth_mb(self) -> float:
        return (self.peak - self.before) / 1e6


def _rss() -> int:
    """Anonymous resident memory: resident pages less those backed by files (the mapped
    database)."""
    with open("/proc/self/statm") as handle:
        resident, shared = (int(value) for value in handle.read().split()[1:3])
    return (resident - shared) * os.sysconf("SC_PAGE_SIZE")


def main() -> int:
    global WORK, DATABASE, LIMIT_DATABASE
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=20_000, help="rows per format (20,000)")
    parser.add_argument(
        "--format",
        choices=("acled", "ucdp"),
        action="append",
        dest="formats",
        help="only this format (repeatable; default: both)",
    )
    parser.add_argument("--no-export", action="store_true", help="time the imports only")
    parser.add_argument(
        "--work", type=Path, default=WORK, help=f"folder for the files and databases ({WORK})"
    )
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="import into this PostgreSQL database instead of SQLite (postgres://…/ct_bench_…): "
        "it is DROPPED and created anew for each format, so give a throwaway name starting "
        "with ct_; the limit stays SQLite's",
    )
    args = parser.parse_args()
    WORK, DATABASE, LIMIT_DATABASE = (
        args.work,
        args.work / DATABASE.name,
        args.work / LIMIT_DATABASE.name,
    )
    formats = args.formats or ["acled", "ucdp"]
    if len(formats) > 1:
        # Each format in a process of its own: memory figures start from the same baseline.
        engine = "PostgreSQL" if args.postgres else "SQLite"
        print(f"{args.rows:,} rows per format, {engine}, {os.cpu_count()} cores")
        for dataset in formats:
            command = [sys.executable, __file__, "--rows", str(args.rows), "--format", dataset]
            command += ["--work", str(WORK)]
            command += ["--postgres", args.postgres] if args.postgres else []
            subprocess.run([*command, *(["--no-export"] if args.no_export else [])], check=True)
        print(f"(files and databases in {WORK})")
        return 0
    sys.path.insert(0, str(BASE_DIR))
    WORK.mkdir(exist_ok=True)
    # Set before Django reads its settings: the bench must never touch a real database.
    os.environ["DATABASE_URL"] = args.postgres or f"sqlite:///{DATABASE}"
    if args.postgres and not urlsplit(args.postgres).path.lstrip("/").startswith("ct_"):
        parser.error("--postgres: the database is dropped; give a throwaway name starting ct_")
    os.environ["DJANGO_SETTINGS_MODULE"] = "conflicttracker.settings"
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-any-deployment-0123456789")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from events.interchange import acled, ucdp
    from events.interchange.exporter import export_events
    from events.interchange.importer import import_file

    generators = {"acled": (acled.COLUMNS, acled_rows), "ucdp": (ucdp.COLUMNS, ucdp_rows)}
    print(
        f"{'step':<26} {'rows':>9} {'seconds':>8} {'rows/s':>9} {'vs limit':>9} {'CPU s':>6} "
        f"{'rows/CPU s':>9} {'peak MB':>8}"
    )
    for dataset, (columns, rows) in generators.items():
        if dataset not in formats:
            continue
        connection.close()
        if args.postgres:
            _recreate_postgres(args.postgres)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{DATABASE}{suffix}").unlink(missing_ok=True)
        call_command("migrate", verbosity=0, interactive=False)
        call_command("load_seeds", verbosity=0, stdout=io.StringIO())
        path = WORK / ("acled.csv" if dataset == "acled" else "ged191.csv")
        write(path, columns, rows(random.Random(20161120), args.rows))
        gc.collect()
        count, seconds, cpu = limit(path)
        ceiling = count / seconds
        _line(f"{dataset} limit (executemany)", count, seconds, cpu)
        for step in ("import", "re-import"):
            gc.collect()
            with PeakMemory() as memory:
                cpu = time.process_time()
                report = import_file(path, dataset=dataset)
                cpu = time.process_time() - cpu
            if report.rejected or report.stopped:
                print(f"  {len(report.rejected)} rejected, stopped: {report.stopped or 'no'}")
            _line(f"{dataset} {step}", report.rows, report.seconds, cpu, ceiling, memory)
        if args.no_export:
            continue
        gc.collect()
        with PeakMemory() as memory:
            started, cpu = time.perf_counter(), time.process_time()
            stream, _, tally = export_events(dataset, {})
            size = rows_out = 0
            for chunk in stream:
                size += len(chunk)
                rows_out += chunk.count(b"\r\n")
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        _line(f"{dataset} export", rows_out - 1, seconds, cpu, ceiling, memory)
        print(f"  export: {size / 1e6:.1f} MB; {tally.get('left_out', 0)} events left out")
    # The whole process's peak (the kernel's count, file pages included), for comparing runs
    # at different sizes: flat memory means the same peak at 20,000 and 100,000 rows.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  {', '.join(formats)}: peak resident memory of the process {peak:,.0f} MB")
    return 0


def _recreate_postgres(url: str) -> None:
    """Drop the bench's PostgreSQL database and create it empty, from the server's maintenance
    database."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def _line(
    step: str, rows: int, seconds: float, cpu: float, ceiling: float = 0, memory=None
) -> None:
    rate = rows / seconds
    ratio = f"{rate / ceiling:9.1%}" if ceiling else f"{'':>9}"
    peak = f"{memory.growth_mb:8.0f}" if memory is not None else f"{'':>8}"
    print(
        f"{step:<26} {rows:>9,} {seconds:8.1f} {rate:>9,.0f} {ratio} {cpu:6.1f} "
        f"{rows / cpu:>9,.0f} {peak}"
    )


if __name__ == "__main__":
    sys.exit(main())
