"""The WSGI wrapper that keeps full garbage collections out of requests."""

import gc

import pytest

from conflicttracker import collector


@pytest.fixture
def restored_collector():
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def hello(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"hello"]


def call(app):
    statuses = []
    body = app({"PATH_INFO": "/"}, lambda status, headers: statuses.append(status))
    return statuses[0], b"".join(body)


def test_the_heap_is_frozen_at_start_up_and_again_after_the_warm_up(restored_collector):
    gc.unfreeze()
    app = collector.FrozenAfterWarmup(hello, warmup_requests=3, young_threshold=0)
    frozen_at_start = gc.get_freeze_count()
    assert frozen_at_start > 0

    for _ in range(3):
        assert call(app) == ("200 OK", b"hello")
    gc.unfreeze()  # Anything frozen from here on was frozen by the warm-up's end.
    assert gc.get_freeze_count() == 0
    # Objects made during the warm-up, alive at its end: these are what the second freeze is for.
    survivors = [object() for _ in range(100)]  # noqa: F841
    assert call(app) == ("200 OK", b"hello")
    assert gc.get_freeze_count() > 0

    gc.unfreeze()
    call(app)
    assert gc.get_freeze_count() == 0, "the heap is frozen once after the warm-up, not per request"


def test_the_young_threshold_is_raised_and_the_older_ones_kept(restored_collector):
    before = gc.get_threshold()
    collector.FrozenAfterWarmup(hello, warmup_requests=1, young_threshold=12_345)
    assert gc.get_threshold() == (12_345, before[1], before[2])


def test_settings_come_from_the_environment(monkeypatch, restored_collector):
    monkeypatch.setenv("GC_WARMUP_REQUESTS", "7")
    monkeypatch.setenv("GC_YOUNG_THRESHOLD", "20000")
    app = collector.wrap(hello)
    assert app.warmup_requests == 7
    assert gc.get_threshold()[0] == 20_000

    monkeypatch.setenv("GC_FREEZE", "false")
    assert collector.wrap(hello) is hello


@pytest.mark.parametrize("value", ["fifty", "-1", "²", "5.0"])
def test_a_malformed_setting_names_the_variable(monkeypatch, value):
    monkeypatch.setenv("GC_WARMUP_REQUESTS", value)
    with pytest.raises(ValueError, match="GC_WARMUP_REQUESTS"):
        collector.wrap(hello)


def test_the_project_application_is_wrapped(restored_collector):
    from conflicttracker.wsgi import application

    assert isinstance(application, collector.FrozenAfterWarmup)
