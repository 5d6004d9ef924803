"""GeoJSON: one point feature per located event."""

from collections.abc import Iterable, Iterator
from typing import Any

import orjson

from events.formats.entry_fields import Entry, _json_list, _location, coordinates

# --- GeoJSON ----------------------------------------------------------------------------------


def geojson_stream(entries: Iterable[Entry], *, title: str = "Chronology") -> Iterator[bytes]:
    """GeoJSON: an RFC 7946 FeatureCollection, one Feature per event, [longitude, latitude].

    An event without coordinates (no place, or a place without a centroid, such as a ceasefire
    talk) is kept as a Feature with `"geometry": null`, which RFC 7946 §3.2 allows: the
    collection holds exactly the events the same filters give in every other format, and map
    clients (Leaflet, OpenLayers, QGIS) skip such features. The Point is the place's centroid;
    `properties.location.geo_precision` says how far to trust it. `properties` is the timeline
    entry minus the location's latitude and longitude, plus flat copies of what maps style and
    filter on (flat_properties: GIS tools read one level of properties); the Feature `id` is the
    uid. The title is a foreign member "title" of the collection.
    """
    opening = b'{"type":"FeatureCollection","title":' + orjson.dumps(title) + b',"features":['
    features = (orjson.dumps(geojson_feature(entry), default=str) for entry in entries)
    return _json_list(opening, features, b"\n]}\n")


def geojson_feature(entry: Entry) -> dict[str, Any]:
    """One entry as a Feature: a Point at the place's centroid, or a null geometry."""
    location = _location(entry)
    point = coordinates(location)
    properties = dict(entry)
    if location:
        properties["location"] = {
            key: value for key, value in location.items() if key not in ("latitude", "longitude")
        }
    properties.update(flat_properties(entry))
    return {
        "type": "Feature",
        "id": entry.get("uid") or entry.get("id"),
        "geometry": {"type": "Point", "coordinates": [point[1], point[0]]} if point else None,
        "properties": properties,
    }


# Flat copies of nested values, beside the nested ones: QGIS, Leaflet and geopandas style and
# filter on one level of properties. None stays None (unknown, never 0).
FLAT_PROPERTIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("date_earliest", ("date", "earliest")),
    ("date_latest", ("date", "latest")),
    ("date_precision", ("date", "precision")),
    ("date_approximate", ("date", "approximate")),
    ("date_display", ("date", "display")),
    ("fatalities_best", ("fatalities", "best")),
    ("fatalities_low", ("fatalities", "low")),
    ("fatalities_high", ("fatalities", "high")),
    ("type_slug", ("type", "slug")),
    ("type_name", ("type", "name")),
    ("type_parent", ("type", "parent", "slug")),
    ("location_slug", ("location", "slug")),
    ("location_name", ("location", "name")),
    ("geo_precision", ("location", "geo_precision")),
)


def flat_properties(entry: Entry) -> dict[str, Any]:
    """The nested values maps style on, one level deep (FLAT_PROPERTIES)."""
    flat: dict[str, Any] = {}
    for name, path in FLAT_PROPERTIES:
        value: Any = entry
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        flat[name] = value
    return flat
