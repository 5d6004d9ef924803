"""Builders for the interchange tests: the data files and small CSV files in the layouts."""

import csv
import io
from pathlib import Path

from events.interchange import acled, ucdp

DATA = Path(__file__).resolve().parent.parent / "data"
# 400 real UCDP GED 19.1 rows (Sundberg & Melander 2013; CC BY 4.0): see tests/data/README.md.
UCDP_SAMPLE = DATA / "ucdp_ged_syria_sample.csv"
ACLED_CURRENT = DATA / "acled_current.csv"
ACLED_2020 = DATA / "acled_2020_layout.csv"
ACLED_OLD = DATA / "acled_old_layout.csv"
# Rows written for these tests from the codebooks: week and month precision, associated
# actors, inter codes as words, repeated and reordered sources, trailing spaces, places of one
# name in two governorates (see tests/data/README.md).
ACLED_EDGES = DATA / "acled_edge_cases.csv"
UCDP_EDGES = DATA / "ucdp_edge_cases.csv"

ACLED_DEFAULTS = {
    "event_id_cnty": "SYR1",
    "event_date": "2017-08-30",
    "year": "2017",
    "time_precision": "1",
    "disorder_type": "Political violence",
    "event_type": "Battles",
    "sub_event_type": "Armed clash",
    "actor1": "Military Forces of Syria (2000-)",
    "inter1": "1",
    "actor2": "Islamic State",
    "inter2": "2",
    "interaction": "12",
    "iso": "760",
    "region": "Middle East",
    "country": "Syria",
    "admin1": "Homs",
    "admin2": "Tadmur",
    "location": "Sukhna",
    "latitude": "34.8868",
    "longitude": "38.8721",
    "geo_precision": "1",
    "source": "SANA",
    "source_scale": "National",
    "notes": "Regime forces clashed with IS near Sukhna.",
    "fatalities": "3",
    "timestamp": "1504137600",
}

UCDP_DEFAULTS = {
    "id": "900001",
    "year": "2016",
    "active_year": "1",
    "type_of_violence": "1",
    "conflict_new_id": "299",
    "conflict_name": "Syria: Government",
    "dyad_new_id": "11973",
    "dyad_name": "Government of Syria - Syrian insurgents",
    "side_a_new_id": "118",
    "side_a": "Government of Syria",
    "side_b_new_id": "4456",
    "side_b": "Syrian insurgents",
    "number_of_sources": "1",
    "source_article": '"SOHR,2016-01-02,Clashes in Jobar, and Bombardment on Reef Dimashq"',
    "source_office": "SOHR",
    "source_date": "2016-01-02",
    "source_headline": "Clashes in Jobar, and Bombardment on Reef Dimashq",
    "source_original": "SOHR",
    "where_prec": "1",
    "where_coordinates": "Duma town",
    "adm_1": "Rif Dimashq Governorate",
    "adm_2": "Duma district",
    "latitude": "33.572264",
    "longitude": "36.401811",
    "geom_wkt": "POINT (36.401811 33.572264)",
    "country": "Syria",
    "date_prec": "1",
    "date_start": "2016-01-02",
    "date_end": "2016-01-02",
    "deaths_a": "0",
    "deaths_b": "1",
    "deaths_civilians": "0",
    "deaths_unknown": "0",
    "low": "1",
    "best": "1",
    "high": "2",
}


def csv_bytes(columns: list[str], rows: list[dict], *, delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns, delimiter=delimiter, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({column: row.get(column, "") for column in columns})
    return buffer.getvalue().encode("utf-8")


def acled_rows(count: int, **changes) -> list[dict]:
    """ACLED rows with their own ids, actors and places: everything new on every row."""
    return [
        {
            "event_id_cnty": f"SYR{number}",
            "actor1": f"Brigade {number}",
            "actor2": f"Battalion {number}",
            "admin2": f"District {number}",
            "location": f"Village {number}",
            "latitude": f"{33 + number / 1000:.4f}",
            "longitude": f"{36 + number / 1000:.4f}",
            **changes,
        }
        for number in range(1, count + 1)
    ]


def acled_file(*rows: dict) -> bytes:
    """An ACLED file in the current layout; each row is ACLED_DEFAULTS with its changes."""
    return csv_bytes(acled.COLUMNS, [{**ACLED_DEFAULTS, **row} for row in rows])


def ucdp_file(*rows: dict) -> bytes:
    """A UCDP GED file; each row is UCDP_DEFAULTS with its changes."""
    return csv_bytes(ucdp.COLUMNS, [{**UCDP_DEFAULTS, **row} for row in rows])


def read_csv(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def file_rows(path: Path, layout) -> list[dict]:
    """A file's rows as the dataset gave them, every cell verbatim, by today's column names."""
    from events.interchange.dataset_files import normalise_column

    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = [
            layout.ALIASES.get(normalise_column(name), normalise_column(name))
            for name in next(reader)
        ]
        return [dict(zip(header, row, strict=True)) for row in reader]


def exported(dataset: str, **params) -> dict[str, dict]:
    """The layout's export of the published events by their dataset id, as a client reads it."""
    from events.interchange.exporter import export_events

    stream, _, _ = export_events(dataset, {name: [value] for name, value in params.items()})
    key = "id" if dataset == "ucdp" else "event_id_cnty"
    return {row[key]: row for row in read_csv(b"".join(stream))}


def export_bytes(dataset: str, **params) -> bytes:
    from events.interchange.exporter import export_events

    stream, _, _ = export_events(dataset, {name: [value] for name, value in params.items()})
    return b"".join(stream)
