"""The limit for the actor page: a bare WSGI app, plain SQL and orjson, no framework at all."""

# Serve with: DATABASE_URL=... gunicorn --chdir bench -w 2 limit_app:application
# GET /?actor=<id>&start=YYYY-MM-DD&end=YYYY-MM-DD answers the first 100 published events
# linked to that actor within the period, in chronological order, with the same content as
# an entry of /api/v1/timeline/ (type, place with ancestors, actors, sources), as JSON.
# It is what the framework's page could cost at best on this machine and database. The link
# index leads (CROSS JOIN fixes the join order in SQLite; PostgreSQL plans it itself), the
# same walk as the project's; ACTORS and SOURCES lead with the links for the same reason.

import os
import sqlite3
from collections import defaultdict
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import orjson

PAGE = 100
_connection = None

EVENTS = """
SELECT e.id, e.uid, e.headline, e.summary, e.date_earliest, e.date_latest, e.date_precision,
       e.date_approximate, e.date_display, t.slug, t.name, pt.slug, pt.name, e.location_id,
       l.slug, l.name, l.kind, l.latitude, l.longitude, l.geo_precision, l.path,
       e.fatalities_best, e.fatalities_low, e.fatalities_high, e.updated
FROM events_eventactor ea
CROSS JOIN events_event e
JOIN events_eventtype t ON t.id = e.type_id
LEFT JOIN events_eventtype pt ON pt.id = t.parent_id
LEFT JOIN events_location l ON l.id = e.location_id
WHERE e.id = ea.event_id AND ea.actor_id = {p} AND ea.date_earliest <= {p}
  AND ea.date_latest >= {p} AND ea.date_earliest >= {p} AND e.status = 'published'
ORDER BY ea.date_earliest, ea.date_latest, ea.event_id
LIMIT {limit}
"""
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


def connect():
    url = os.environ["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        connection = sqlite3.connect(url.removeprefix("sqlite:///"), check_same_thread=False)
        connection.execute("PRAGMA mmap_size=268435456")
        return connection, "?"
    import psycopg

    # Values bound client-side, as Django binds them: server-side parameters get a generic
    # plan after five runs, which walks the wrong index here (a second per page).
    connection = psycopg.connect(
        url.replace("postgres://", "postgresql://"),
        autocommit=True,
        cursor_factory=psycopg.ClientCursor,
    )
    return connection, "%s"


def query(sql: str, params) -> list:
    global _connection
    if _connection is None:
        _connection = connect()
    connection, _ = _connection
    return connection.execute(sql, params).fetchall()


def placeholder() -> str:
    if _connection is None:
        query("SELECT 1", ())
    return _connection[1]


# The longest span of any event puts a floor under the scan, as the project's query does.
LONGEST = "SELECT MAX(date_span_days) FROM events_event"


def page(actor: int, start: str, end: str) -> list[dict]:
    p = placeholder()
    longest = query(LONGEST, ())[0][0] or 0
    floor = (date.fromisoformat(start) - timedelta(days=longest)).isoformat()
    rows, seen = [], set()
    for row in query(EVENTS.format(p=p, limit=PAGE * 2 + 1), (actor, end, start, floor)):
        if row[0] not in seen:  # An actor linked twice to one event (two roles).
            seen.add(row[0])
            rows.append(row)
    rows = rows[:PAGE]
    if not rows:
        return []
    ids = [row[0] for row in rows]
    marks = ", ".join([p] * len(ids))
    actors, sources = defaultdict(list), defaultdict(list)
    for event, slug, name, kind, role in query(ACTORS.format(ids=marks), ids):
        actors[event].append({"slug": slug, "name": name, "kind": kind, "role": role})
    for event, article, title, outlet, agency, url, published, excerpt, by, phrase in query(
        SOURCES.format(ids=marks), ids
    ):
        sources[event].append(
            {
                "article": article,
                "title": title,
                "outlet": outlet,
                "original_agency": agency,
                "url": url,
                "published": published,
                "excerpt": excerpt,
                "attributed_to": by,
                "date_phrase": phrase,
            }
        )
    above = {int(part) for row in rows if row[20] for part in row[20].strip("/").split("/")[:-1]}
    places = {}
    if above:
        marks = ", ".join([p] * len(above))
        for pk, slug, name, kind in query(PLACES.format(ids=marks), list(above)):
            places[pk] = {"slug": slug, "name": name, "kind": kind}
    return [entry(row, actors[row[0]], sources[row[0]], places) for row in rows]


def entry(row, actors, sources, places) -> dict:
    path = row[20]
    return {
        "id": row[0],
        "uid": str(row[1]),
        "headline": row[2],
        "summary": row[3],
        "date": {
            "earliest": row[4],
            "latest": row[5],
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
        "updated": row[24],
    }


def application(environ, start_response):
    params = parse_qs(urlsplit("?" + environ.get("QUERY_STRING", "")).query)
    try:
        actor = int(params["actor"][0])
        start, end = params["start"][0], params["end"][0]
    except (KeyError, ValueError):
        start_response("400 Bad Request", [("Content-Type", "text/plain")])
        return [b"actor, start and end are required"]
    body = orjson.dumps({"results": page(actor, start, end)})
    start_response(
        "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]
