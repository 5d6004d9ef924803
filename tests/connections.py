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


def link_at_once(event_id: int, first_actor_id: int, second_actor_id: int) -> None:
    """Two PostgreSQL sessions link an actor each to one event at the same time: the second's
    insert is under way (waiting on the event's lock) before the first commits."""
    import threading
    import time

    import psycopg

    dsn = psycopg_args()
    insert = (
        "INSERT INTO events_eventactor (event_id, actor_id, role, kind) VALUES (%s, %s, %s, '')"
    )
    with psycopg.connect(**dsn) as first, psycopg.connect(**dsn) as second:
        first.execute(insert, [event_id, first_actor_id, "side_a"])

        def link():
            second.execute(insert, [event_id, second_actor_id, "side_b"])
            second.commit()

        writer = threading.Thread(target=link)
        writer.start()
        time.sleep(0.5)  # The second insert is under way before the first commits.
        first.commit()
        writer.join(timeout=30)
        assert not writer.is_alive(), "the second writer never finished"
