"""Read replicas: anonymous GETs read a replica; writes, editors and the rest use the primary."""

# A request may read from a replica only when nothing it does can depend on its own writes or
# on an editor's view: a GET or HEAD, without an Authorization header, by an anonymous user.
# ReplicaMiddleware marks such a request (a context variable, so threads and streamed bodies
# outside it see the primary); the router sends its reads to a replica, and from its first
# write on (db_for_write) every later read of that request to the primary, so that a request
# never reads around what it has just written. Commands, migrations and anything outside a
# request use the primary. A replica that lags shows an anonymous reader a page up to the lag
# old; the ETag is computed on the same replica, so the page and its tag agree.

import random
from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpRequest, HttpResponse

PRIMARY = "default"
SAFE_METHODS = frozenset({"GET", "HEAD"})

# The replica this request reads from, or None: the primary.
_replica: ContextVar[str | None] = ContextVar("replica", default=None)


def reading_replica() -> str | None:
    """The replica the current request reads from, or None when it reads the primary."""
    return _replica.get()


class ReplicaRouter:
    """DATABASE_ROUTERS entry used when DATABASE_REPLICA_URLS names replicas."""

    def db_for_read(self, model, **hints) -> str:
        return _replica.get() or PRIMARY

    def db_for_write(self, model, **hints) -> str:
        # Whatever this request reads from now on must see this write.
        _replica.set(None)
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # Every alias holds the same data: objects read from a replica relate to the primary's.
        return True

    def allow_migrate(self, db: str, app_label: str, model_name=None, **hints) -> bool:
        # Replicas receive the schema by replication.
        return db == PRIMARY


class ReplicaMiddleware:
    """Lets an anonymous GET or HEAD read from one of settings.REPLICAS, picked at random."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        if not settings.REPLICAS:
            raise MiddlewareNotUsed
        self.get_response = get_response
        self.replicas = tuple(settings.REPLICAS)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # request.user reads the session (when there is a cookie) from the primary.
        eligible = (
            request.method in SAFE_METHODS
            and "HTTP_AUTHORIZATION" not in request.META
            and not request.user.is_authenticated
        )
        token = _replica.set(random.choice(self.replicas) if eligible else None)
        try:
            return self.get_response(request)
        finally:
            _replica.reset(token)
