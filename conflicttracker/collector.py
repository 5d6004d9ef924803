"""Keep the garbage collector from pausing requests: freeze what start-up and warm-up allocate."""

# A Django worker holds a few hundred thousand long-lived objects (modules, URL patterns,
# compiled SQL, templates, memoised display texts). Python's full collection walks all of
# them: about 85 ms at a million events, every ~150 requests, which is the whole latency tail
# of an otherwise 5 ms page. gc.freeze() moves every object alive at that moment into a
# permanent generation that no collection walks again. We freeze once at start-up and once
# more after the first requests, when the lazily built caches exist; what a request allocates
# afterwards is young and is collected as usual.

import gc
import os
from collections.abc import Callable, Iterable

DEFAULT_WARMUP_REQUESTS = 50
# Python's default is 700 allocations between young collections: a page of 100 nested entries
# runs a couple of them per request. Measured in-process over 700 pages at 200,000 events
# (bench/tail.py, docs/performance.md): frozen, 5,000 halves their number and keeps the longest
# pause near 12 ms of CPU, where 700 let full collections of the re-grown old generation reach
# 15-19 ms and 50,000 made each young collection walk a whole page's live objects (55-72 ms).
DEFAULT_YOUNG_THRESHOLD = 5_000


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isascii() or not raw.isdigit():
        raise ValueError(f"{name} must be a whole number, not {raw!r}")
    return int(raw)


def freeze() -> None:
    """Collect what is garbage now, then exempt everything still alive from later scans."""
    gc.collect()
    gc.freeze()


class FrozenAfterWarmup:
    """WSGI middleware: tunes the collector and freezes the heap after the first requests."""

    def __init__(
        self,
        app: Callable,
        *,
        warmup_requests: int = DEFAULT_WARMUP_REQUESTS,
        young_threshold: int = DEFAULT_YOUNG_THRESHOLD,
    ) -> None:
        self.app = app
        self.warmup_requests = warmup_requests
        self.served = 0
        if young_threshold:
            _, older, oldest = gc.get_threshold()
            gc.set_threshold(young_threshold, older, oldest)
        freeze()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        self.served += 1
        if self.served == self.warmup_requests + 1:
            # Before this request rather than after the previous one: a streamed response
            # may still be producing its body when the call returns.
            freeze()
        return self.app(environ, start_response)


def wrap(app: Callable) -> Callable:
    """The WSGI app with the collector settings read from the environment (docs/deployment)."""
    warmup = env_int("GC_WARMUP_REQUESTS", DEFAULT_WARMUP_REQUESTS)
    threshold = env_int("GC_YOUNG_THRESHOLD", DEFAULT_YOUNG_THRESHOLD)
    if os.environ.get("GC_FREEZE", "true").strip().lower() in {"0", "false", "no", "off"}:
        return app
    return FrozenAfterWarmup(app, warmup_requests=warmup, young_threshold=threshold)
