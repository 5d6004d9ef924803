"""The OpenAPI document's shared parts: each export format's response, the error shape on
every operation, and nullable fields written so that OpenAPI 3.0.3 lets them be null."""

import copy

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from events.chronology.entries import FIELDS as ENTRY_FIELDS
from events.formats import CSV_COLUMN_NAMES, FORMATS
from events.formats.csv_layout import ID_COLUMN
from events.formats.geojson import FLAT_PROPERTIES

# --- Responses of the chronology's formats ------------------------------------------------------

ERROR_COMPONENT = "Error"
ERROR_SCHEMA = {
    "type": "object",
    "description": 'Every error: {"errors": {"<parameter, field or header>": ["message"]}}; '
    'errors without a parameter (404, 429, ...) also keep DRF\'s "detail".',
    "required": ["errors"],
    "properties": {
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
        "detail": {"type": "string"},
    },
}
STALE_SCHEMA = {
    "type": "object",
    "description": "412: the error, and the event as it is now (its ETag in the header).",
    "required": ["errors", "current"],
    "properties": {
        "errors": ERROR_SCHEMA["properties"]["errors"],
        "current": {"$ref": "#/components/schemas/Event"},
    },
}

_DATE_OBJECT = {
    "type": "object",
    "required": ["year", "month", "day"],
    "properties": {name: {"type": "integer"} for name in ("year", "month", "day")},
    "description": "A possible day (TimelineJS reads a missing part as the first).",
}
_TEXT = {
    "type": "object",
    "required": ["headline", "text"],
    "properties": {"headline": {"type": "string"}, "text": {"type": "string"}},
}
TIMELINEJS_SCHEMA = {
    "type": "object",
    "description": "Knight Lab TimelineJS 3 JSON: a title slide and one slide per event, drawn "
    "from its earliest possible day to its latest; display_date is the honest date text.",
    "required": ["title", "events"],
    "properties": {
        "title": {"type": "object", "required": ["text"], "properties": {"text": _TEXT}},
        "events": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["start_date", "text", "unique_id"],
                "properties": {
                    "start_date": _DATE_OBJECT,
                    "end_date": _DATE_OBJECT,
                    "display_date": {"type": "string"},
                    "text": _TEXT,
                    "group": {"type": "string"},
                    "unique_id": {"type": "string"},
                },
            },
        },
    },
}
GEOJSON_SCHEMA = {
    "type": "object",
    "description": "An RFC 7946 FeatureCollection: a Point [longitude, latitude] per event at "
    "its place's centroid, or a null geometry; properties hold the chronology entry.",
    "required": ["type", "features"],
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "title": {"type": "string"},
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type", "geometry", "properties"],
                "properties": {
                    "type": {"type": "string", "enum": ["Feature"]},
                    "id": {"type": "string"},
                    "geometry": {
                        "type": "object",
                        "nullable": True,
                        "required": ["type", "coordinates"],
                        "properties": {
                            "type": {"type": "string", "enum": ["Point"]},
                            "coordinates": {
                                "type": "array",
                                "items": {"type": "number"},
                                "minItems": 2,
                                "maxItems": 2,
                            },
                        },
                    },
                    "properties": {
                        "type": "object",
                        "description": "The chronology entry, with flat copies beside it for "
                        "GIS tools: " + ", ".join(name for name, _ in FLAT_PROPERTIES) + ".",
                        "additionalProperties": True,
                    },
                },
            },
        },
    },
}


def _text(description: str) -> dict:
    return {"type": "string", "description": description}


CSV_SCHEMA = _text(
    "RFC 4180 CSV with a header row; one row per event, columns: "
    + ", ".join(CSV_COLUMN_NAMES)
    + ". An empty cell is unknown."
)
FORMAT_SCHEMAS: dict[str, tuple[str, dict]] = {
    "csv": ("text/csv", CSV_SCHEMA),
    "geojson": ("application/geo+json", GEOJSON_SCHEMA),
    "timelinejs": ("application/vnd.timelinejs+json", TIMELINEJS_SCHEMA),
    "ics": (
        "text/calendar",
        _text("RFC 5545 iCalendar: one all-day VEVENT per event over its possible days."),
    ),
    # acled and ucdp are text/csv too: one media type holds one schema, the CSV above
    # (their columns are the datasets' own, described in the operation).
}
assert set(FORMAT_SCHEMAS) | {"acled", "ucdp"} == set(FORMATS), "a format without a schema"


# The timeline's sparse fieldsets (events.api.base.ChronologyView.fields).
FIELDS_PARAMETER = OpenApiParameter(
    "fields",
    str,
    description="A sparse fieldset: a comma-separated list of the fields each entry keeps, "
    f"id always among them. JSON: {', '.join(ENTRY_FIELDS)}. format=csv: the CSV's columns "
    f"({ID_COLUMN} always among them). Another format, or an unknown name, is a 400.",
)


def format_responses(json_response) -> dict:
    """The 200 of a chronology endpoint per media type: the JSON page, then each export."""
    responses = {(200, "application/json"): json_response}
    for media_type, schema in FORMAT_SCHEMAS.values():
        responses[(200, media_type)] = OpenApiResponse(response=schema)
    return responses


# --- Postprocessing: errors on every operation, nullables fit for 3.0.3 --------------------------

_ERROR_DESCRIPTIONS = {
    "400": "Bad input: the errors name each parameter or field.",
    "401": "Not signed in (a write without a session or token).",
    "403": "Signed in without the permission this needs.",
    "404": "No such object (or not visible to this caller).",
    "406": "No format here fits the Accept header (name one with ?format=).",
    "412": "The event changed since the ETag in If-Match.",
    "428": "A write without If-Match.",
    "429": "Too many requests from this address; Retry-After says when to come back.",
}
_WRITES = {"post", "put", "patch", "delete"}


def _error(code: str, ref: str = "#/components/schemas/Error") -> dict:
    return {
        "description": _ERROR_DESCRIPTIONS[code],
        "content": {"application/json": {"schema": {"$ref": ref}}},
    }


def add_error_responses(result, generator, request, public):
    """Declares the error responses every operation can give, in the one error shape."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas[ERROR_COMPONENT] = ERROR_SCHEMA
    schemas["StaleEvent"] = STALE_SCHEMA
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in _WRITES | {"get"}:
                continue
            responses = operation.setdefault("responses", {})
            codes = ["400", "429"]
            if "{" in path:
                codes.append("404")
            if method == "get":
                codes.append("406")
            else:
                codes += ["401", "403"]
            names = {p.get("name") for p in operation.get("parameters", [])}
            if "If-Match" in names:
                responses["412"] = _error("412", "#/components/schemas/StaleEvent")
                codes.append("428")
            for code in codes:
                responses[code] = _error(code)
    return result


def _resolve(schema: dict, schemas: dict) -> dict | None:
    ref = schema.get("$ref", "")
    return schemas.get(ref.rsplit("/", 1)[-1]) if ref.startswith("#/components/") else None


def _nullable_inline(schema: dict, schemas: dict) -> dict:
    """{allOf: [$ref], nullable: true} as the referenced schema itself, with its type and
    nullable beside it: OpenAPI 3.0.3 adds null only to a type given in the same object, and
    a $ref's own type (object, an integer enum) would refuse null under allOf."""
    parts = schema.get("allOf") or []
    if not parts and schema.get("oneOf"):
        # drf-spectacular's nullable enum: oneOf [the enum, NullEnum], again without a type.
        parts = [p for p in schema["oneOf"] if not p.get("$ref", "").endswith("/NullEnum")]
        schema = {k: v for k, v in schema.items() if k != "oneOf"} | {"allOf": parts}
    target = _resolve(parts[0], schemas) if len(parts) == 1 else None
    if not schema.get("nullable") or "type" in schema or target is None:
        return schema
    inline = copy.deepcopy(target)
    inline.update({k: v for k, v in schema.items() if k not in ("allOf", "nullable")})
    inline["nullable"] = True
    if "enum" in inline and None not in inline["enum"]:
        inline["enum"] = [*inline["enum"], None]
    return inline


def _walk(node, schemas: dict):
    if isinstance(node, dict):
        node = _nullable_inline(node, schemas)
        return {key: _walk(value, schemas) for key, value in node.items()}
    if isinstance(node, list):
        return [_walk(item, schemas) for item in node]
    return node


def fix_nullables(result, generator, request, public):
    """Every nullable reference (location, type.parent, geo_precision, ...) made valid 3.0.3."""
    schemas = result.get("components", {}).get("schemas", {})
    result["components"]["schemas"] = {
        name: _walk(schema, schemas) for name, schema in schemas.items()
    }
    result["paths"] = _walk(result.get("paths", {}), schemas)
    return result
