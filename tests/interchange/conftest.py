"""Fixtures for the dataset interchange tests."""

import logging

import pytest


@pytest.fixture(autouse=True)
def _upload_dir(tmp_path, monkeypatch):
    """Admin uploads wait in a folder of the test's own."""
    monkeypatch.setattr("events.admin.interchange.UPLOAD_DIR", tmp_path / "uploads")


@pytest.fixture(autouse=True)
def _imports_never_stop_unseen(request, caplog):
    """An import that stopped on an unexpected error fails the test, unless the test is about
    stopping (it asks for the allow_stop fixture)."""
    caplog.set_level(logging.ERROR, logger="events.interchange.importer")
    yield
    if "allow_stop" not in request.fixturenames:
        stopped = [r for r in caplog.records if r.name == "events.interchange.importer"]
        assert not stopped, stopped[0].getMessage() + "\n" + (stopped[0].exc_text or "")


@pytest.fixture
def allow_stop():
    """This test makes an import stop on purpose."""
