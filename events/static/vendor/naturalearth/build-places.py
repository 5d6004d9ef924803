"""places-110m.geojson from Natural Earth's 1:110m populated places in geopandas==0.14.4.

Reads naturalearth_cities.shp/.dbf from the wheel with the standard library only (see README.md):
    python build-places.py <folder>/naturalearth_cities places-110m.geojson
"""

import json
import struct
import sys

# The .dbf is Latin-1 (its .cpg says so), which cannot hold these two names.
REPAIRED = {"Chi?in?u": "Chișinău", "?saka": "Ōsaka", "Washington,  D.C.": "Washington, D.C."}


def points(shp: bytes) -> list[tuple[float, float]]:
    found, offset = [], 100  # A 100-byte file header, then (header, point) records.
    while offset < len(shp):
        _, length = struct.unpack(">ii", shp[offset : offset + 8])
        found.append(struct.unpack("<dd", shp[offset + 12 : offset + 28]))
        offset += 8 + length * 2
    return found


def names(dbf: bytes) -> list[str]:
    count, header, record = struct.unpack("<xxxxIHH", dbf[:12])
    rows = (dbf[header + i * record + 1 : header + i * record + 81] for i in range(count))
    return [row.decode("latin-1").strip() for row in rows]


def main(base: str, out: str) -> None:
    with open(base + ".shp", "rb") as shp, open(base + ".dbf", "rb") as dbf:
        pairs = zip(names(dbf.read()), points(shp.read()), strict=True)
    features = [
        {
            "type": "Feature",
            "properties": {"name": REPAIRED.get(name, name)},
            "geometry": {"type": "Point", "coordinates": [round(x, 3), round(y, 3)]},
        }
        for name, (x, y) in pairs
    ]
    with open(out, "w", encoding="utf-8") as handle:
        json.dump({"type": "FeatureCollection", "features": features}, handle, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
