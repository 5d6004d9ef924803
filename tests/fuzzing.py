"""Hostile requests for every parameter of the API (read from its OpenAPI schema), the public
pages and the admin lists, as hypothesis strategies: tests/test_fuzz.py runs them in process
in CI, bench/fuzz.py against a real server by the ten thousand."""

import json
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from hypothesis import strategies as st

# Values that broke something once, or are built to: other scripts' digits, numbers past every
# column, NUL and control characters, format directives, dates and offsets past the calendar.
# The first ten (CORE) go into every parameter in turn (sweep); hypothesis, which favours the
# first of a list, draws from all of them.
HOSTILE = [
    "²",
    "٢٠١٦",
    "9" * 20,
    "%s",
    "-1",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31",
    "isis\x00",
    "x" * 300,
    "",
    " ",
    "٢",
    "２０１６",
    "１",
    "١٢٣٤٥٦٧٨٩٠",
    "0",
    "+1",
    "1.5",
    "1e309",
    "1_000",
    "NaN",
    "inf",
    "9" * 400,
    str(2**31),
    str(2**63),
    str(-(2**63) - 1),
    "%",
    "%(x)s",
    "%d%%",
    "{0}",
    "\x00",
    "a\x00b",
    "\r\n",
    "\t",
    "\x7f",
    "\u202e",
    "\ufeff",
    "🙂",
    "'",
    '"',
    "\\",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "null",
    "true",
    "[]",
    "{}",
    "0000",
    "0001",
    "9999",
    "10000",
    "0001-01-01",
    "2016-02-30",
    "2016-13",
    "2015-02-29",
    "2016-09-04/2016-09-01",
    "9999-12-31T23:59:59-14:00",
    "2020-01-01T00:00:00+18:00",
    "2020-01-01T00:00:00+23:59",
    "2020-01-01T24:00:00",
    "2020-01-01T00:00:00 14:00",
    "-180,-90,180,90",
    "180,90,-180,-90",
    "nan,0,0,0",
    "0,0,1e400",
    "36.2,37.1,20000",
    "x" * 5000,
]
CORE = HOSTILE[:10]
# Fragments put into the query string as they are: broken percent-encodings, invalid UTF-8.
RAW_QUERY = ["%", "%G0", "%FF", "%C0%AF", "%ED%A0%80", "%00", "a=%00", "=", "&&", "a[]=1", "%2B"]


@dataclass(frozen=True)
class Endpoint:
    """One method on one URL pattern ({name} for path parameters) and what it takes."""

    method: str
    path: str
    params: dict[str, dict] = field(default_factory=dict)  # query name → its JSON schema
    body: dict | None = None  # the request body's JSON schema (references resolved)


@dataclass(frozen=True)
class Request:
    method: str
    url: str
    body: bytes | None = None
    content_type: str | None = None
    if_match: str | None = None  # Conditional writes need one; "*" reaches the body's checks.


def conditional(method: str, path: str) -> bool:
    """Does this write change an existing event (and so need If-Match)?"""
    return method in ("PUT", "PATCH") or path.split("?")[0].endswith("/transition/")


# What a writer may send as If-Match: mostly "*", so the body's own checks are reached.
IF_MATCH = [
    "*",
    "*",
    "*",
    None,
    '"1-v1"',
    'W/"1-v1"',
    '"',
    "*, *",
    "\u00b2",
    '"1-v99999999999999999999"',
]


# --- What there is to fuzz ----------------------------------------------------------------------


def _resolve(schema: dict, components: dict, depth: int = 0) -> dict:
    """The schema with $ref, allOf and oneOf followed (a few levels deep: enough for ours)."""
    if depth > 6 or not isinstance(schema, dict):
        return {}
    if "$ref" in schema:
        return _resolve(components[schema["$ref"].rsplit("/", 1)[-1]], components, depth + 1)
    for combined in ("allOf", "oneOf", "anyOf"):
        if combined in schema:
            merged: dict = {}
            for part in schema[combined]:
                merged.update(_resolve(part, components, depth + 1))
            return merged
    resolved = dict(schema)
    if "properties" in schema:
        resolved["properties"] = {
            name: _resolve(prop, components, depth + 1)
            for name, prop in schema["properties"].items()
        }
    if "items" in schema:
        resolved["items"] = _resolve(schema["items"], components, depth + 1)
    return resolved


def api_endpoints(schema: dict) -> list[Endpoint]:
    """Every operation of the OpenAPI schema, and the root, schema and docs it leaves out."""
    components = schema.get("components", {}).get("schemas", {})
    found = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            params = {
                parameter["name"]: parameter.get("schema", {})
                for parameter in operation.get("parameters", [])
                if parameter["in"] == "query"
            }
            content = operation.get("requestBody", {}).get("content", {})
            body = content.get("application/json", {}).get("schema")
            found.append(
                Endpoint(
                    method.upper(),
                    path,
                    params,
                    _resolve(body, components) if body else None,
                )
            )
    prefix = "/api/v1/"
    found += [
        Endpoint("GET", prefix, {"format": {}}),
        Endpoint("GET", f"{prefix}schema/", {"format": {}, "lang": {}}),
        Endpoint("GET", f"{prefix}docs/", {"script": {}, "lang": {}}),
    ]
    return found


def page_endpoints(filters: list[str]) -> list[Endpoint]:
    """The public pages, each taking the chronology's filters and the page cursor."""
    params = {name: {} for name in [*filters, "cursor"]}
    return [
        Endpoint("GET", "/", params),
        Endpoint("GET", "/events/{id}/"),
        Endpoint("GET", "/articles/{id}/"),
        Endpoint("GET", "/actors/{slug}/", params),
        Endpoint("GET", "/places/{slug}/", params),
    ]


def admin_endpoints(site, app_label: str = "events") -> list[Endpoint]:
    """Each list of the app's models with its list filters' parameters (and some it does not
    declare), and each object page."""
    from django.contrib import admin

    from events.admin.strict import field_filter_params

    found = []
    for model, model_admin in site._registry.items():
        if model._meta.app_label != app_label:
            continue
        base = f"/admin/{app_label}/{model._meta.model_name}/"
        params: dict[str, dict] = {name: {} for name in ("q", "o", "p", "e", "all", "_popup")}
        for list_filter in model_admin.list_filter:
            if isinstance(list_filter, type) and issubclass(list_filter, admin.SimpleListFilter):
                params[list_filter.parameter_name] = {}
                continue
            path = list_filter[0] if isinstance(list_filter, list | tuple) else list_filter
            params.update({key: {} for key in field_filter_params(model, path)})
        # Lookups no filter declares, which once reached SQL unchecked.
        params.update({"id__gt": {}, "pk__in": {}, "created__year": {}, "parent": {}, "id__in": {}})
        found.append(Endpoint("GET", base, params))
        found += [
            Endpoint("GET", f"{base}{{id}}/change/"),
            Endpoint("GET", f"{base}{{id}}/history/"),
            Endpoint("GET", f"{base}{{id}}/delete/"),
        ]
    return found


# --- Values -----------------------------------------------------------------------------------

_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
_DIGITS = st.text(st.characters(categories=["Nd", "No"]), min_size=1, max_size=6)


def _date_texts() -> st.SearchStrategy[str]:
    day = st.dates().map(lambda d: d.isoformat())
    moment = st.builds(
        lambda d, h, m, sign, oh, om: f"{d.isoformat()}T{h:02d}:{m:02d}:00{sign}{oh:02d}:{om:02d}",
        st.dates(),
        st.integers(0, 24),
        st.integers(0, 59),
        st.sampled_from("+-"),
        st.integers(0, 24),
        st.integers(0, 60),
    )
    return st.one_of(day, day.map(lambda text: text[:7]), day.map(lambda text: text[:4]), moment)


def values(name: str, schema: dict, vocabulary: dict[str, list[str]]) -> st.SearchStrategy[str]:
    """Texts for one parameter: sometimes good ones (its enum, known slugs and ids, dates),
    mostly hostile ones."""
    good: list[str] = [str(value) for value in schema.get("enum") or []]
    items = schema.get("items") or {}
    good += [str(value) for value in items.get("enum") or []]
    good += vocabulary.get(name, [])
    # Hypothesis leans to the first choices: the hostile ones come first.
    choices = [
        st.sampled_from(HOSTILE),
        _DIGITS,
        st.integers(-(10**25), 10**25).map(str),
        _date_texts(),
        _TEXT,
    ]
    if good:
        choices.append(st.sampled_from(good))
    return st.one_of(choices)


def _json_values(schema: dict, vocabulary: dict, depth: int = 0) -> st.SearchStrategy:
    """JSON values for a body property: of its type mostly, of any type sometimes."""
    anything = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(10**25), 10**25),
        st.floats(allow_nan=False),
        st.sampled_from(HOSTILE),
        _TEXT,
    )
    kind = schema.get("type")
    if depth < 3 and kind == "object" and schema.get("properties"):
        return st.one_of(_json_objects(schema, vocabulary, depth + 1), anything)
    if depth < 3 and kind == "array":
        inner = _json_values(schema.get("items") or {}, vocabulary, depth + 1)
        return st.one_of(st.lists(inner, max_size=3), anything)
    good = [*(schema.get("enum") or []), *vocabulary.get(schema.get("x-name", ""), [])]
    typed = {
        "integer": st.integers(-(10**25), 10**25),
        "boolean": st.booleans(),
        "string": st.one_of(st.sampled_from(HOSTILE), _TEXT, _date_texts()),
    }.get(kind, anything)
    if good:
        typed = st.one_of(st.sampled_from(good), typed)
    return st.one_of(typed, anything)


def _json_objects(schema: dict, vocabulary: dict, depth: int = 0) -> st.SearchStrategy[dict]:
    properties = {
        name: _json_values({**prop, "x-name": name}, vocabulary, depth)
        for name, prop in schema.get("properties", {}).items()
    }
    extra = st.dictionaries(st.sampled_from(["status", "id", "version", "\x00", "%s"]), _TEXT)
    return st.builds(
        lambda chosen, more: {**chosen, **more},
        st.fixed_dictionaries({}, optional=properties),
        st.one_of(st.just({}), extra),
    )


def _bodies(schema: dict, vocabulary: dict) -> st.SearchStrategy[tuple[bytes, str]]:
    as_json = _json_objects(schema, vocabulary).map(
        lambda data: (json.dumps(data).encode(), "application/json")
    )
    broken = st.sampled_from(
        [
            (b"{", "application/json"),
            (b"[]", "application/json"),
            (b'"text"', "application/json"),
            (b'{"headline": "\\u0000"}', "application/json"),
            (b"\xff\xfe", "application/json"),
            (b"headline=a%00b&type=%C2%B2", "application/x-www-form-urlencoded"),
            (b"type=%25s&location=%FF", "application/x-www-form-urlencoded"),
        ]
    )
    return st.one_of(as_json, as_json, broken)


@st.composite
def _request(draw, endpoint: Endpoint, vocabulary: dict[str, list[str]]) -> Request:
    name = "id" if "{id}" in endpoint.path else "slug"
    path = _fill_path(endpoint.path, vocabulary, draw(values(name, {}, vocabulary)))
    # Each parameter given or not, independently: a form checks every field it is given,
    # and some are read only once the others pass (page_size after the filters).
    chosen = draw(
        st.fixed_dictionaries(
            {},
            optional={
                name: values(name, schema, vocabulary) for name, schema in endpoint.params.items()
            },
        )
    )
    pairs = list(chosen.items())
    if pairs and draw(st.integers(0, 9)) == 0:  # A parameter given twice.
        pairs.append(pairs[0])
    if draw(st.integers(0, 9)) == 0:  # An unknown parameter now and then.
        pairs.append((draw(st.sampled_from(["acter", "\x00", "%s", "format"])), draw(_TEXT)))
    query = urlencode(pairs)
    if draw(st.integers(0, 9)) == 0:
        query = "&".join(filter(None, [query, draw(st.sampled_from(RAW_QUERY))]))
    url = f"{path}?{query}" if query else path
    method = endpoint.method
    if method == "GET" and draw(st.integers(0, 19)) == 0:
        method = draw(st.sampled_from(["HEAD", "OPTIONS"]))
    if_match = draw(st.sampled_from(IF_MATCH)) if conditional(method, url) else None
    if endpoint.body is None:
        return Request(method, url, if_match=if_match)
    body, content_type = draw(_bodies(endpoint.body, vocabulary))
    return Request(method, url, body, content_type, if_match)


def _fill_path(path: str, vocabulary: dict[str, list[str]], value: str | None = None) -> str:
    for name in ("id", "slug"):
        if f"{{{name}}}" in path:
            text = value if value is not None else (vocabulary.get(name) or ["1"])[0]
            path = path.replace(f"{{{name}}}", quote(text, safe="") or "0")
    return path


def sweep(
    endpoints: list[Endpoint], vocabulary: dict[str, list[str]], texts: list[str]
) -> list[Request]:
    """Every text in every parameter of every endpoint, one at a time (path parameters too,
    the others left out); a body, where one is taken, holds it in every field."""
    found = []
    for endpoint in endpoints:
        if_match = "*" if conditional(endpoint.method, endpoint.path) else None
        for text in texts:
            if "{" in endpoint.path:
                filled = _fill_path(endpoint.path, vocabulary, text)
                found.append(Request(endpoint.method, filled, if_match=if_match))
            path = _fill_path(endpoint.path, vocabulary)
            found += [
                Request(endpoint.method, f"{path}?{urlencode({name: text})}", if_match=if_match)
                for name in endpoint.params
            ]
            if endpoint.body is not None:
                fields = dict.fromkeys(endpoint.body.get("properties", {}), text)
                body = json.dumps(fields).encode()
                found.append(Request(endpoint.method, path, body, "application/json", if_match))
    return found


def requests(
    endpoints: list[Endpoint], vocabulary: dict[str, list[str]]
) -> st.SearchStrategy[Request]:
    """A request to any of the endpoints, with hostile or good values in its parameters."""
    return st.sampled_from(endpoints).flatmap(lambda endpoint: _request(endpoint, vocabulary))


def vocabulary_from_database() -> dict[str, list[str]]:
    """Good values from the data itself: slugs, names, aliases and ids, by parameter name."""
    from events.models import Actor, ActorAlias, Article, Event, EventType, Location

    actors = list(Actor.objects.values_list("slug", flat=True)[:20])
    aliases = list(ActorAlias.objects.values_list("name", flat=True)[:20])
    places = list(Location.objects.values_list("slug", flat=True)[:20])
    types = list(EventType.objects.values_list("slug", flat=True)[:20])
    event_ids = [str(pk) for pk in Event.objects.values_list("id", flat=True)[:30]]
    article_ids = [str(pk) for pk in Article.objects.values_list("id", flat=True)[:10]]
    return {
        "actor": actors + aliases,
        "location": places,
        "parent": places,
        "place": places,
        "type": types,
        "article": article_ids,
        "id": event_ids + article_ids,
        "slug": actors + places + types,
        "q": ["aleppo", "convoy", "isis", "shelling"],
        "when": ["2016", "2016-09", "2017-08", "0001", "9999"],
        "start": ["2016", "2016-09", "2017-08-31"],
        "end": ["2017", "2016-09-30"],
        "interval": ["day", "week", "month", "year"],
        "role": ["side_a", "side_b", "perpetrator", "target"],
        "status": ["draft", "review", "published", "retracted"],
        "excerpt": ["government forces shelled the town"],
    }
