"""Real-concurrency tests: PostgreSQL only (row locks; SQLite serialises every writer). They
commit (transaction=True), and the flush after each also empties the editorial groups a
migration made, so the groups are made again before each test."""

import importlib

import pytest
from django.apps import apps
from django.db import connection


@pytest.fixture(autouse=True)
def _editorial_groups(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("real races are tested on PostgreSQL (DATABASE_URL=postgres://…)")
    importlib.import_module("events.migrations.0002_editorial_groups").create_groups(apps, None)
