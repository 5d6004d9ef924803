"""Connection arguments for a second, raw PostgreSQL connection beside the test's own."""

from django.db import connection


def psycopg_args() -> dict:
    """psycopg.connect() keyword arguments for the test database (another session, so that
    two transactions can race)."""
    settings = connection.settings_dict
    return {
        "dbname": settings["NAME"],
        "user": settings["USER"],
        "host": settings["HOST"],
        "port": settings["PORT"] or 5432,
    }
