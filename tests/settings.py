"""The suite's settings: the production settings (DEBUG off), with a key of the suite's own."""

import os

# In the environment, so that the commands and servers tests start in subprocesses read it too.
os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-any-deployment-0123456789")

from conflicttracker.settings import *  # noqa: F403

# A second alias on the same database, as a read replica is: tests/test_replicas.py sends reads
# to it through the real router (conflicttracker.routing). Nothing routes to it otherwise.
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
