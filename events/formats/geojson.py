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
    entry minus the location's latitude and longitude; the Feature `id` is the uid. The title is
    a foreign member "title" of the collection.
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
    return {
        "type": "Feature",
        "id": entry.get("uid") or entry.get("id"),
        "geometry": {"type": "Point", "coordinates": [point[1], point[0]]} if point else None,
        "properties": properties,
    }
