"""Datasette as the peer: its own virtualenv, canned queries giving each case's page, served."""

# Datasette is never a project dependency: the bench installs it (pip, from PyPI) into
# bench/.data/datasette-venv on first use and serves the benchmark's SQLite file with uvicorn,
# 2 worker processes as the other contenders have. Each page case is one canned query written
# the way a Datasette user would: the filter in plain SQL, the nested entry (type, place with
# ancestors, actors, sources) assembled by SQLite's JSON functions, one row per event, asked
# for as ?_shape=array&_json=entry so that the answer is the page's entries as JSON.

import json
import os
import subprocess
import sys
from pathlib import Path

VERSION = "datasette==0.65.*"
BENCH = Path(__file__).resolve().parent
VENV = BENCH / ".data" / "datasette-venv"

# A scalar subquery loses SQLite's JSON subtype: json() gives it back, so that the object nests.
ENTRY = """
SELECT e.id, json_object(
  'id', e.id,
  'uid', substr(e.uid, 1, 8) || '-' || substr(e.uid, 9, 4) || '-' || substr(e.uid, 13, 4)
         || '-' || substr(e.uid, 17, 4) || '-' || substr(e.uid, 21),
  'headline', e.headline,
  'summary', e.summary,
  'date', json_object('earliest', e.date_earliest, 'latest', e.date_latest,
                      'precision', e.date_precision,
                      'approximate', json(iif(e.date_approximate, 'true', 'false')),
                      'display', e.date_display),
  'type', json((SELECT json_object('slug', t.slug, 'name', t.name, 'parent',
                  json((SELECT json_object('slug', pt.slug, 'name', pt.name)
                        FROM events_eventtype pt WHERE pt.id = t.parent_id)))
                FROM events_eventtype t WHERE t.id = e.type_id)),
  'location', json((SELECT json_object('id', l.id, 'slug', l.slug, 'name', l.name,
                      'kind', l.kind, 'latitude', l.latitude, 'longitude', l.longitude,
                      'geo_precision', l.geo_precision,
                      'ancestors', json((SELECT json_group_array(json_object(
                                           'slug', a.slug, 'name', a.name, 'kind', a.kind))
                                         FROM (SELECT a.slug, a.name, a.kind
                                               FROM events_location a
                                               WHERE a.id IN (SELECT value FROM json_each(
                                                 '[' || replace(trim(l.path, '/'), '/', ',')
                                                 || ']'))
                                                 AND a.id != l.id
                                               ORDER BY a.depth) a)))
                    FROM events_location l WHERE l.id = e.location_id)),
  'actors', json((SELECT json_group_array(json_object('slug', x.slug, 'name', x.name,
                                                      'kind', x.kind, 'role', x.role))
                  FROM (SELECT a.slug, a.name, a.kind, ea.role
                        FROM events_eventactor ea JOIN events_actor a ON a.id = ea.actor_id
                        WHERE ea.event_id = e.id ORDER BY ea.id) x)),
  'sources', json((SELECT json_group_array(json_object(
                     'article', x.article_id, 'title', x.title, 'outlet', x.outlet,
                     'original_agency', x.original_agency, 'url', x.url,
                     'published', x.publication_date, 'excerpt', x.excerpt,
                     'attributed_to', x.attributed_to, 'date_phrase', x.date_phrase))
                   FROM (SELECT s.article_id, r.title, r.outlet, r.original_agency, r.url,
                                r.publication_date, s.excerpt, s.attributed_to, s.date_phrase
                         FROM events_eventsource s JOIN events_article r ON r.id = s.article_id
                         WHERE s.event_id = e.id
                         ORDER BY s.article_id, s.excerpt_start, s.id) x)),
  'fatalities', json_object('best', e.fatalities_best, 'low', e.fatalities_low,
                            'high', e.fatalities_high),
  'updated', replace(e.updated, ' ', 'T') || '+00:00'
) AS entry
FROM (SELECT * FROM events_event e
      WHERE e.status = 'published' {where}
      ORDER BY e.date_earliest, e.date_latest, e.id LIMIT 100) e
ORDER BY e.date_earliest, e.date_latest, e.id
"""


def install() -> Path | None:
    """The virtualenv's python with Datasette installed (installing it once); None, said so,
    when that fails: the bench then goes on without the peer."""
    python = VENV / "bin" / "python"
    probe = [str(python), "-c", "import datasette, uvicorn"]
    if python.exists() and subprocess.run(probe, capture_output=True).returncode == 0:
        return python
    print(f"Installing {VERSION} into {VENV} (once; never a project dependency) ...")
    try:
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", VERSION],
            check=True,
            timeout=600,
        )
    except (subprocess.SubprocessError, OSError) as exc:
        print(f"Datasette could not be installed ({exc}); the bench goes on without it.")
        return None
    return python


def canned(name: str, where: str) -> dict:
    return {"sql": ENTRY.format(where=where), "title": name}


def write_metadata(database: Path, queries: dict[str, str], target: Path) -> None:
    """Datasette's metadata: one canned query per case ({name: SQL condition on e})."""
    metadata = {
        "databases": {
            database.stem: {
                "queries": {name: canned(name, where) for name, where in queries.items()}
            }
        }
    }
    target.write_text(json.dumps(metadata, indent=1))


def serve_command(python: Path, database: Path, metadata: Path, port: int) -> tuple[list, dict]:
    """The command serving the file with 2 uvicorn workers, and its environment."""
    command = [
        str(python),
        "-m",
        "uvicorn",
        "--app-dir",
        str(BENCH),
        "--workers",
        "2",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
        "--log-level",
        "warning",
        "datasette_app:app",
    ]
    env = {**os.environ, "DATASETTE_FILE": str(database), "DATASETTE_METADATA": str(metadata)}
    return command, env


def path_of(database: Path, name: str) -> str:
    return f"/{database.stem}/{name}.json?_shape=array&_json=entry"
