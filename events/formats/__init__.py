"""Export formats of the chronology — CSV, GeoJSON, TimelineJS, iCalendar — as lazy byte streams.

One module per format; entry_fields: what every format reads from an entry; registry: the
Format record and FORMATS, where a new format is added.
"""

from events.formats.csv_layout import (
    CSV_COLUMN_NAMES,
    CSV_COLUMNS,
    GEO_PRECISION,
    TIME_PRECISION,
    actor_slots,
    csv_row,
    csv_stream,
)
from events.formats.entry_fields import (
    ADMIN_KINDS,
    CHUNK_ROWS,
    Entry,
    admin_levels,
    batched,
    citation,
    coordinates,
    credit,
    outlets,
    place_label,
    type_names,
)
from events.formats.geojson import geojson_feature, geojson_stream
from events.formats.ics import (
    ICS_LINE_OCTETS,
    ICS_PRODUCT_ID,
    ICS_UID_DOMAIN,
    KNOWN_TO,
    ics_escape,
    ics_fold,
    ics_stream,
    ics_vevent,
)
from events.formats.registry import FORMATS, LEFT_OUT_HEADER, Format
from events.formats.timelinejs import timelinejs_slide, timelinejs_stream

__all__ = [
    "ADMIN_KINDS",
    "CHUNK_ROWS",
    "CSV_COLUMNS",
    "CSV_COLUMN_NAMES",
    "FORMATS",
    "GEO_PRECISION",
    "ICS_LINE_OCTETS",
    "ICS_PRODUCT_ID",
    "ICS_UID_DOMAIN",
    "KNOWN_TO",
    "LEFT_OUT_HEADER",
    "TIME_PRECISION",
    "Entry",
    "Format",
    "actor_slots",
    "admin_levels",
    "batched",
    "citation",
    "coordinates",
    "credit",
    "csv_row",
    "csv_stream",
    "geojson_feature",
    "geojson_stream",
    "ics_escape",
    "ics_fold",
    "ics_stream",
    "ics_vevent",
    "outlets",
    "place_label",
    "timelinejs_slide",
    "timelinejs_stream",
    "type_names",
]
