"""The SQLite backend rewrites each statement's placeholders as Django does, once per text."""

import pytest
from django.db import connection

from conflicttracker.sqlite import base

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
def test_a_statement_reads_the_same_the_first_time_and_every_time_after():
    statement = "SELECT %s, '100%%', %s || '%%s'"
    base.qmark.cache_clear()
    for _ in range(3):
        with connection.cursor() as cursor:
            cursor.execute(statement, [1, "a"])
            assert cursor.fetchone() == (1, "100%", "a%s")
    assert base.qmark.cache_info().hits == 2
