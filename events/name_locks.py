"""Rules across rows checked again under a lock as they are written: names, the alliances."""

from django.db import connection

# pg_advisory_xact_lock's first key: the space of folded actor names (its second, their hash),
# and the alliances' graph of memberships (one lock for all: memberships change rarely).
_ACTOR_NAMES = 72_610
_ALLIANCES = 72_611


def hold_actor_name(folded: str) -> None:
    """Until this transaction ends, no other writer can claim this folded name as an actor's
    name or alias: both check the other's table under this lock, so two saves that each
    passed their form's check before the other committed cannot both keep one name (a
    PostgreSQL advisory lock; SQLite runs one write transaction at a time already)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [_ACTOR_NAMES, folded])


def hold_alliances() -> None:
    """Until this transaction ends, no other writer can change who is a member of which
    alliance: a membership checks the graph again under this lock, so two that each passed
    their check before the other committed cannot make a cycle (alliances members of each
    other). SQLite runs one write transaction at a time already."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, 0)", [_ALLIANCES])
