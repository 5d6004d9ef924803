"""Schemathesis against a live server: requests generated from the OpenAPI schema, each
response checked for its status code, media type and body against what the schema declares."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from rest_framework.throttling import AnonRateThrottle
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.django_db(transaction=True)

# A modest budget per operation: the suite runs on two shared cores.
EXAMPLES = {"GET": 8, "POST": 3, "PUT": 3, "PATCH": 3}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def api_schema(live_server, monkeypatch):
    from django.conf import settings as django_settings

    from events.seeding import load_seeds

    load_seeds(django_settings.BASE_DIR / "fixtures", base_dir=django_settings.BASE_DIR)
    # Generated traffic is far past the anonymous rate; the 429 is declared but not the point.
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "1000000/minute"})
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/schema/?format=json")
    schema.config.update(base_url=live_server.url)
    return schema


def conforms(operation, examples: int) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def check(case):
        case.call_and_validate(checks=CHECKS)

    check()


def test_every_operation_answers_as_the_schema_declares(api_schema):
    """Reads with generated parameters, and anonymous writes (refused, as declared)."""
    failures, seen = {}, 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() not in EXAMPLES:
            continue
        seen += 1
        try:
            conforms(operation, EXAMPLES[operation.method.upper()])
        except Exception as exc:  # Every operation's failure, not just the first.
            failures[f"{operation.method.upper()} {operation.path}"] = str(exc)[:2000]
    assert seen >= 15
    assert not failures, "\n\n".join(f"{name}: {text}" for name, text in failures.items())
