"""Import synthesised ACLED and UCDP GED files and print rows per second for each format."""

# Run from the project root: python bench/interchange_bench.py [--rows 100000]
# It writes the files and a throwaway SQLite database in the temporary folder, never the
# project's database. The rows follow the real layouts (events.interchange.acled / ucdp
# COLUMNS) with a realistic spread: a few hundred actors, a few thousand places, sources
# shared between events as in UCDP, ACLED's ; lists and quoted notes.

import argparse
import csv
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
WORK = Path(tempfile.gettempdir()) / "conflicttracker_interchange_bench"
DATABASE = WORK / "bench.sqlite3"

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


def acled_rows(rng: random.Random, count: int) -> list[dict]:
    from events.interchange.acled import TAXONOMY

    types = [(top, sub) for top, subs in TAXONOMY.items() for sub in subs]
    actors = [f"Armed Group {n} (Syria)" for n in range(300)]
    places = place_pool(rng, 4000)
    start = date(2017, 1, 1)
    rows = []
    for number in range(count):
        event_type, sub = rng.choice(types)
        place = rng.choice(places)
        day = start + timedelta(days=rng.randrange(2500))
        rows.append(
            {
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
        )
    return rows


def ucdp_rows(rng: random.Random, count: int) -> list[dict]:
    sides = ["Government of Syria", "IS", "SDF", "Syrian insurgents", "HTS"] + [
        f"Faction {n}" for n in range(150)
    ]
    places = place_pool(rng, 4000)
    citations = [
        f"SOHR,{date(2016, 1, 1) + timedelta(days=n):%Y-%m-%d},Clashes and shelling on day {n}"
        for n in range(1500)
    ]
    rows = []
    for number in range(count):
        place = rng.choice(places)
        day = date(2016, 1, 1) + timedelta(days=rng.randrange(1400))
        span = rng.choice((0, 0, 0, 0, 2))
        low = rng.randint(0, 5)
        best = low + rng.randint(0, 3)
        items = rng.sample(citations, rng.choice((1, 1, 2)))
        violence = rng.choice((1, 1, 2, 3))
        rows.append(
            {
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
        )
    return rows


def write(path: Path, columns: list[str], rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, columns, extrasaction="ignore", lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> int:
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
    args = parser.parse_args()
    sys.path.insert(0, str(BASE_DIR))
    WORK.mkdir(exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DATABASE}{suffix}").unlink(missing_ok=True)
    # Set before Django reads its settings: the bench must never touch a real database.
    os.environ["DATABASE_URL"] = f"sqlite:///{DATABASE}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "conflicttracker.settings"
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-any-deployment-0123456789")

    import django

    django.setup()
    from django.core.management import call_command

    from events.interchange import acled, ucdp
    from events.interchange.exporter import export_events
    from events.interchange.importer import import_file

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_seeds", verbosity=0)
    rng = random.Random(20161120)
    files = {
        "acled": (WORK / "acled.csv", acled.COLUMNS, acled_rows(rng, args.rows)),
        "ucdp": (WORK / "ged191.csv", ucdp.COLUMNS, ucdp_rows(rng, args.rows)),
    }
    for dataset, (path, columns, rows) in files.items():
        if args.formats and dataset not in args.formats:
            continue
        write(path, columns, rows)
        # CPU seconds beside the wall-clock ones: on a shared machine the wall clock also
        # counts the time other processes had the cores.
        cpu = time.process_time()
        report = import_file(path, dataset=dataset)
        cpu = time.process_time() - cpu
        print(
            f"{dataset:5} import   {report.rows:>7,} rows in {report.seconds:6.1f} s "
            f"(CPU {cpu:5.1f} s): {report.rows / report.seconds:>7,.0f} rows/s "
            f"({report.created:,} created, {len(report.rejected)} rejected)"
        )
        cpu = time.process_time()
        again = import_file(path, dataset=dataset)
        cpu = time.process_time() - cpu
        print(
            f"{dataset:5} re-import {again.rows:>6,} rows in {again.seconds:6.1f} s "
            f"(CPU {cpu:5.1f} s): {again.rows / again.seconds:>7,.0f} rows/s "
            f"({again.unchanged:,} unchanged)"
        )
        if args.no_export:
            continue
        started = time.monotonic()
        stream, _ = export_events(dataset, {})
        size = sum(len(chunk) for chunk in stream)
        seconds = time.monotonic() - started
        print(f"{dataset:5} export   {size / 1e6:8.1f} MB in {seconds:6.1f} s")
    print(f"(files and database in {WORK})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
