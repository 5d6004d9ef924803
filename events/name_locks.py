"""Actor names claimed one writer at a time: a name or alias is checked again under a lock."""

from django.db import connection

# pg_advisory_xact_lock's first key: the space of folded actor names (its second, their hash).
_ACTOR_NAMES = 72_610


def hold_actor_name(folded: str) -> None:
    """Until this transaction ends, no other writer can claim this folded name as an actor's
    name or alias: both check the other's table under this lock, so two saves that each
    passed their form's check before the other committed cannot both keep one name (a
    PostgreSQL advisory lock; SQLite runs one write transaction at a time already)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [_ACTOR_NAMES, folded])
