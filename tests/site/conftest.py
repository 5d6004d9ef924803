"""The seed data loaded once per module, each test rolled back to it (loading takes seconds)."""

import pytest
from django.conf import settings
from django.db import transaction

from events.seeding import load_seeds


@pytest.fixture(scope="module")
def module_seeds(django_db_setup, django_db_blocker):
    """Seeds inside a transaction that spans the module; each test's own transaction nests in
    it (a savepoint), so a test's writes roll back to the seeds and the module's to nothing."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            report = load_seeds(settings.BASE_DIR / "fixtures", base_dir=settings.BASE_DIR)
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield report
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def seeded(module_seeds, db):
    """The seed data, as the suite-wide fixture of the same name gives it, but loaded once."""
    return module_seeds
