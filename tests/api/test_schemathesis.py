"""The whole API against its own OpenAPI schema (schemathesis, in-process through WSGI): no server
error, every response conforms to the documented schema and content type."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from knox.models import AuthToken
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance

from audits.reconciliation import reconciliation_run
from households.ledger import ledger_import_rows
from sunwu_relief.wsgi import application
from tests.audits.conftest import ledger_rows_for
from tests.ledger_builders import ledger_row


@pytest.fixture
def keep_connection():
    """Django closes the connection at the end of each request; in-process on PostgreSQL that would
    close the test's own connection (and its transaction) — keep it open during these tests."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(poverty_office) -> str:
    _instance, key = AuthToken.objects.create(user=poverty_office)
    return key


@pytest.fixture
def api_schema(db, keep_connection, household_sunwu, household_chenqing, token):
    rows = ledger_rows_for(household_sunwu, number="L-S") + [ledger_row(township="辰清镇", village="春青村")]
    assert ledger_import_rows(rows, actor=None).succeeded
    reconciliation_run()
    # The schema itself needs a token (it is not public).
    return schemathesis.openapi.from_wsgi("/api/v1/schema/", application, headers={"Authorization": f"Token {token}"})


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case, token):
    case.call_and_validate(
        headers={"Authorization": f"Token {token}"},
        checks=[not_a_server_error, response_schema_conformance, content_type_conformance],
    )
