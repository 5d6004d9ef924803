"""Fixtures for the dataset interchange tests."""

import pytest


@pytest.fixture(autouse=True)
def _upload_dir(tmp_path, monkeypatch):
    """Admin uploads wait in a folder of the test's own."""
    monkeypatch.setattr("events.admin.interchange.UPLOAD_DIR", tmp_path / "uploads")
