"""The peer's ASGI app: Datasette on the bench's SQLite file, with its canned queries."""

# Run by bench/peers.py with the Datasette virtualenv's uvicorn (2 workers); never imported
# by the project. The time limit is raised so that a slow canned query is measured, not cut.

import json
import os

from datasette.app import Datasette

with open(os.environ["DATASETTE_METADATA"]) as handle:
    metadata = json.load(handle)

app = Datasette(
    [os.environ["DATASETTE_FILE"]],
    metadata=metadata,
    # max_csv_mb 0: a streamed CSV of a large table is sent whole, not cut at 100 MB.
    settings={"sql_time_limit_ms": 60_000, "max_returned_rows": 1000, "max_csv_mb": 0},
).app()
