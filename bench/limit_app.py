"""Every page case's limit: a bare WSGI app, hand-written SQL and orjson, no framework at all."""

# Serve with: DATABASE_URL=... gunicorn --chdir bench -w 2 limit_app:application
# Each GET answers the first 100 published events of one filter, in chronological order, with
# the same entries as /api/v1/timeline/ (type, place with ancestors, actors, sources, url) and
# a next link, as JSON. The filters, one per page case of bench/scale.py:
#   /                                  the whole chronology
#   /?actors=ID[,ID…][&start=D&end=D]  events linked to any of these actors (one actor, or an
#                                      alliance with its members), walked actor by actor
#   /?path=/1/2/&start=D&end=D         events at a place in this subtree, in the period
#   /?bbox=minlon,minlat,maxlon,maxlat events at places inside the box
#   /?q=WORD                           events whose full-text document holds the word (prefix)
#   /?after=EARLIEST,LATEST,ID         the page after this key (a cursor, decoded)
# (?actor=ID&start=D&end=D is read as actors=ID.) It is what the framework's page could cost at
# best on this machine and database, each filter written the plain way: the link index leads an
# actor's walk (CROSS JOIN fixes the join order in SQLite; PostgreSQL plans it itself), the
# events' chronological index the others (INDEXED BY on SQLite). ACTORS and SOURCES lead
# with the links for the same reason.

import base64
import os
import sqlite3
from collections import defaultdict
from datetime import date, timedelta
from urllib.parse import parse_qs

import orjson

PAGE = 100
_connection = None

COLUMNS = """e.id, e.uid, e.headline, e.summary, e.date_earliest, e.date_latest,
       e.date_precision, e.date_approximate, e.date_display, t.slug, t.name, pt.slug, pt.name,
       e.location_id, l.slug, l.name, l.kind, l.latitude, l.longitude, l.geo_precision, l.path,
       e.fatalities_best, e.fatalities_low, e.fatalities_high, e.updated"""
JOINS = """JOIN events_eventtype t ON t.id = e.type_id
LEFT JOIN events_eventtype pt ON pt.id = t.parent_id
LEFT JOIN events_location l ON l.id = e.location_id"""
# One actor's links in date order, the published events among them (an arm of the walk).
ARM = """
SELECT ea.date_earliest, ea.date_latest, ea.event_id
FROM events_eventactor ea CROSS JOIN events_event e
WHERE e.id = ea.event_id AND ea.actor_id = {p} AND e.status = 'published' {period}
ORDER BY ea.date_earliest, ea.date_latest, ea.event_id
LIMIT {limit}
"""
ARM_PERIOD = "AND ea.date_earliest <= {p} AND ea.date_latest >= {p} AND ea.date_earliest >= {p}"
EVENTS = """
SELECT {columns}
FROM events_event e {walk}
{joins}
WHERE e.status = 'published' {where}
ORDER BY e.date_earliest, e.date_latest, e.id
LIMIT {limit}
"""
BY_ID = "SELECT {columns} FROM events_event e {joins} WHERE e.id IN ({ids})"
PERIOD = "AND e.date_earliest <= {p} AND e.date_latest >= {p} AND e.date_earliest >= {p}"
SUBTREE = "AND e.location_id IN (SELECT id FROM events_location WHERE path >= {p} AND path < {p})"
BBOX = (
    "AND e.location_id IN (SELECT id FROM events_location "
    "WHERE latitude >= {p} AND latitude <= {p} AND longitude >= {p} AND longitude <= {p})"
)
TEXT = {
    "sqlite": "AND e.id IN (SELECT rowid FROM events_event_search WHERE events_event_search "
    "MATCH {p})",
    "postgres": "AND e.id IN (SELECT event_id FROM events_event_search WHERE document @@ "
    "to_tsquery('simple', {p}))",
}
AFTER = "AND (e.date_earliest, e.date_latest, e.id) > ({p}, {p}, {p})"
ACTORS = """
SELECT ea.event_id, a.slug, a.name, a.kind, ea.role
FROM events_eventactor ea CROSS JOIN events_actor a
WHERE a.id = ea.actor_id AND ea.event_id IN ({ids}) ORDER BY ea.id
"""
SOURCES = """
SELECT s.event_id, s.article_id, r.title, r.outlet, r.original_agency, r.url,
       r.publication_date, s.excerpt, s.attributed_to, s.date_phrase
FROM events_eventsource s CROSS JOIN events_article r
WHERE r.id = s.article_id AND s.event_id IN ({ids}) ORDER BY s.article_id, s.excerpt_start, s.id
"""
PLACES = "SELECT id, slug, name, kind FROM events_location WHERE id IN ({ids})"
# The longest span of any event puts a floor under the scan, as the project's query does.
LONGEST = "SELECT MAX(date_span_days) FROM events_event"


def connect():
    url = os.environ["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        connection = sqlite3.connect(url.removeprefix("sqlite:///"), check_same_thread=False)
        # As the project's settings do: a memory map and a 64 MB page cache.
        connection.execute("PRAGMA mmap_size=1073741824")
        connection.execute("PRAGMA cache_size=-65536")
        return connection, "sqlite"
    import psycopg

    # Values bound client-side, as Django binds them: server-side parameters get a generic
    # plan after five runs, which walks the wrong index here (a second per page).
    connection = psycopg.connect(
        url.replace("postgres://", "postgresql://"),
        autocommit=True,
        cursor_factory=psycopg.ClientCursor,
    )
    return connection, "postgres"


def query(sql: str, params=()) -> list:
    return _db()[0].execute(sql, params).fetchall()


def _db():
    global _connection
    if _connection is None:
        _connection = connect()
    return _connection


def sql(template: str, **parts) -> str:
    """The template with the vendor's placeholder (dates and times come back as text on SQLite
    and as objects on PostgreSQL: entry() writes both as the API does)."""
    p = "?" if _db()[1] == "sqlite" else "%s"
    return template.format(p=p, columns=COLUMNS, joins=JOINS, **parts)


def floor_of(start: str) -> str:
    longest = query(LONGEST)[0][0] or 0
    return (date.fromisoformat(start) - timedelta(days=longest)).isoformat()


def event_rows(params: dict) -> list[tuple]:
    """The page's event rows (PAGE + 1, to know whether there is a next page)."""
    one = {name: values[0] for name, values in params.items()}
    start, end = one.get("start"), one.get("end")
    if "actors" in one or "actor" in one:
        return walk([int(pk) for pk in (one.get("actors") or one["actor"]).split(",")], start, end)
    where, values = [], []
    if start and end:
        where.append(PERIOD)
        values += [end, start, floor_of(start)]
    if "path" in one:
        where.append(SUBTREE)
        values += [one["path"], one["path"] + ":"]
    if "bbox" in one:
        min_lon, min_lat, max_lon, max_lat = (float(part) for part in one["bbox"].split(","))
        where.append(BBOX)
        values += [min_lat, max_lat, min_lon, max_lon]
    if "q" in one:
        where.append(TEXT[_db()[1]])
        word = one["q"].lower()
        values.append(f'"{word}"*' if _db()[1] == "sqlite" else f"{word}:*")
    if "after" in one:
        earliest, latest, pk = one["after"].split(",")
        where.append(AFTER)
        values += [earliest, latest, int(pk)]
    conditions = sql(" ".join(where))
    # SQLite: walk the published events in order and keep the first that pass, rather than
    # gather every match and sort it (its choice for a place or a box: a second at 200,000).
    # Right for these cases, where about one event in 20 or more passes; PostgreSQL weighs
    # the two plans itself.
    hint = "INDEXED BY events_event_chrono_idx" if _db()[1] == "sqlite" else ""
    return query(sql(EVENTS, where=conditions, walk=hint, limit=PAGE + 1), values)


def walk(actor_ids: list[int], start: str | None, end: str | None) -> list[tuple]:
    """Each actor's first links in date order (one query, an arm per actor), merged."""
    period, bounds = "", []
    if start and end:
        period, bounds = sql(ARM_PERIOD), [end, start, floor_of(start)]
    arm = sql(ARM, period=period, limit=PAGE + 1)
    statement = " UNION ALL ".join(f"SELECT * FROM ({arm}) arm{n}" for n in range(len(actor_ids)))
    keys = query(statement, [value for actor in actor_ids for value in (actor, *bounds)])
    # An event linked to two of the actors (or twice to one) comes once.
    ids = list(dict.fromkeys(key[2] for key in sorted(keys)))[: PAGE + 1]
    if not ids:
        return []
    found = {row[0]: row for row in query(sql(BY_ID, ids=marks(ids)), ids)}
    return [found[pk] for pk in ids]


def marks(values) -> str:
    return ", ".join(["?" if _db()[1] == "sqlite" else "%s"] * len(values))


def page(params: dict, host: str) -> dict:
    rows = event_rows(params)
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    if not rows:
        return {"results": [], "next": None, "previous": None}
    ids = [row[0] for row in rows]
    actors, sources = defaultdict(list), defaultdict(list)
    for event, slug, name, kind, role in query(sql(ACTORS, ids=marks(ids)), ids):
        actors[event].append({"slug": slug, "name": name, "kind": kind, "role": role})
    for event, article, title, outlet, agency, url, published, excerpt, by, phrase in query(
        sql(SOURCES, ids=marks(ids)), ids
    ):
        sources[event].append(
            {
                "article": article,
                "title": title,
                "outlet": outlet,
                "original_agency": agency,
                "url": url,
                "published": str(published),
                "excerpt": excerpt,
                "attributed_to": by,
                "date_phrase": phrase,
            }
        )
    above = {int(part) for row in rows if row[20] for part in row[20].strip("/").split("/")[:-1]}
    places = {}
    if above:
        for pk, slug, name, kind in query(sql(PLACES, ids=marks(above)), list(above)):
            places[pk] = {"slug": slug, "name": name, "kind": kind}
    base = f"http://{host}/api/v1/events/"
    results = [entry(row, actors[row[0]], sources[row[0]], places, base) for row in rows]
    following = None
    if more:
        last = rows[-1]
        key = base64.urlsafe_b64encode(f"{last[4]},{last[5]},{last[0]}".encode()).decode()
        following = f"http://{host}/?after={key}"
    return {"results": results, "next": following, "previous": None}


def uid_text(value) -> str:
    value = str(value)
    if len(value) == 32:
        return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"
    return value


def moment_text(value) -> str:
    text = str(value).replace(" ", "T", 1)
    return text if "+" in text[10:] else text + "+00:00"


def entry(row, actors, sources, places, base) -> dict:
    path = row[20]
    return {
        "id": row[0],
        "uid": uid_text(row[1]),
        "headline": row[2],
        "summary": row[3],
        "date": {
            "earliest": str(row[4]),
            "latest": str(row[5]),
            "precision": row[6],
            "approximate": bool(row[7]),
            "display": row[8],
        },
        "type": {
            "slug": row[9],
            "name": row[10],
            "parent": {"slug": row[11], "name": row[12]} if row[11] else None,
        },
        "location": {
            "id": row[13],
            "slug": row[14],
            "name": row[15],
            "kind": row[16],
            "latitude": row[17],
            "longitude": row[18],
            "geo_precision": row[19],
            "ancestors": [
                places[int(pk)] for pk in path.strip("/").split("/")[:-1] if int(pk) in places
            ],
        }
        if row[13]
        else None,
        "actors": actors,
        "sources": sources,
        "fatalities": {"best": row[21], "low": row[22], "high": row[23]},
        "updated": moment_text(row[24]),
        "url": f"{base}{row[0]}/",
    }


def application(environ, start_response):
    params = parse_qs(environ.get("QUERY_STRING", ""))
    if "after" in params:
        params["after"] = [base64.urlsafe_b64decode(params["after"][0]).decode()]
    try:
        body = orjson.dumps(page(params, environ.get("HTTP_HOST", "127.0.0.1")))
    except (KeyError, ValueError) as exc:
        start_response("400 Bad Request", [("Content-Type", "text/plain")])
        return [f"bad parameters: {exc}".encode()]
    start_response(
        "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]
