"""Schema fuzzing: schemathesis generates requests for every operation in /api/schema/ and sends them
through Django's WSGI application (no server). No answer may be a 5xx, and every answer must match
what the schema documents for its status. Bounded and derandomised so CI runs the same cases in a
few minutes."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from geo.wsgi import application

# Examples per operation: enough to reach each parameter's edge values, few enough for CI.
EXAMPLES = 50


# Building the schema reads no table, so it is loaded once, when the tests are collected.
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture
def world(db, settings, file_complaint):
    """A complaint, so that list and detail answers carry a feature to check; rate limits off.

    The WSGI handler closes the database connection after each request; Django's test client
    stops it from doing so, and so must this, or the test's transaction would be lost.
    """
    for name in dir(settings):
        if name.startswith("PEKA_RATE_LIMIT_"):
            setattr(settings, name, 0)
    complaint = file_complaint()  # first: the test client connects the handlers again when it is done
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield complaint
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_documented_and_never_5xx(world, case):
    case.call_and_validate(
        checks=[schemathesis.checks.not_a_server_error, response_schema_conformance, status_code_conformance]
    )
