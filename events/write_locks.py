"""Rules across rows checked again under a lock as they are written: names, alliances, types."""

from django.db import connection

# pg_advisory_xact_lock's first key, one per rule: the folded actor names (the second key is
# the name's hash), the alliances' graph of memberships and the event types' two levels (one
# lock each for all their rows: they change rarely).
_ACTOR_NAMES = 72_610
_ALLIANCES = 72_611
_TYPE_LEVELS = 72_612


def _hold(space: int, key: str = "") -> None:
    """Until this transaction ends, no other writer holding the same (space, key) goes on: a
    writer that checks its rule again under the lock sees what the other committed, so two
    writes that each passed their form's check before the other committed cannot both break
    the rule. A PostgreSQL advisory lock; SQLite runs one write transaction at a time already."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [space, key])


def hold_actor_name(folded: str) -> None:
    """The name, claimed as an actor's name or an alias (Actor.save, ActorAlias.save)."""
    _hold(_ACTOR_NAMES, folded)


def hold_alliances() -> None:
    """Who is a member of which alliance (ActorMembership.save): no cycle."""
    _hold(_ALLIANCES)


def hold_type_levels() -> None:
    """Which event type is a sub-type of which (EventType.save): two levels, no more."""
    _hold(_TYPE_LEVELS)
