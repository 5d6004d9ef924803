"""The seed data loaded once per module, each test rolled back to it (loading takes seconds)."""

import pytest


@pytest.fixture
def seeded(module_seeds, db):
    """The seed data, as the suite-wide fixture of the same name gives it, but loaded once."""
    return module_seeds
