"""The whole API against its own OpenAPI schema (schemathesis, in-process through WSGI) with every
check (`--checks all`): no server error, every status code, header, content type and body as
documented, schema-violating input rejected, schema-valid input accepted, authentication enforced."""

import datetime

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from knox.models import AuthToken
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.config import SchemathesisConfig

from audits.services import reconciliation_run
from households.ledger import ledger_import_rows
from sunwu_relief.authz import system
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
    assert ledger_import_rows(rows, actor=system("test")).succeeded
    reconciliation_run(actor=system("test"))
    # The schema itself needs a token (it is not public).
    return schemathesis.openapi.from_wsgi(
        "/api/v1/schema/", application, headers={"Authorization": f"Token {token}"}, config=CONFIG
    )


def _non_empty_files():
    from hypothesis import strategies as st

    return st.binary(min_size=1, max_size=64)


def _valid_id_numbers():
    """ID numbers that pass the checksum and date checks (the schema's `format: id-number`)."""
    from hypothesis import strategies as st

    from households.ids import check_code

    def build(region: int, born, sequence: int) -> str:
        first17 = f"{region:06d}{born:%Y%m%d}{sequence:03d}"
        return first17 + check_code(first17)

    days = st.dates(min_value=datetime.date(1920, 1, 1), max_value=datetime.date(2020, 12, 31))
    return st.builds(build, st.integers(110000, 659999), days, st.integers(0, 999))


schemathesis.openapi.format("id-number", _valid_id_numbers())
# The in-process transport (Werkzeug) encodes an empty file part without the line break that ends
# it, and Django's multipart parser then drops the file ("no file was submitted"): an artifact of
# the transport, not the API's answer, which a real client gets (an empty ledger file is a 202
# and a failed job: tests/audits/test_api.py::test_an_empty_ledger_file_fails_the_job_not_the_request).
# Files drawn here are therefore never empty.
schemathesis.openapi.format("binary", _non_empty_files())
# The coverage phase builds ID numbers from the pattern alone (it does not use the format above),
# e.g. `000000000000000000`: shaped right, but a wrong date and checksum, which the API answers with
# its documented 400. For the two operations that take ID numbers, a 400 is an accepted answer to
# such "schema-valid" data; every other check and status stays as strict as elsewhere.
# NUL bytes: no text column can hold one (PostgreSQL refuses them) and Django's fields refuse
# them with a 400 everywhere; the schema's plain `string` cannot say so.
CONFIG = SchemathesisConfig.from_dict(
    {
        "generation": {"allow-x00": False},
        "operations": [
            {
                "include-path-regex": "^/api/v1/assistance-status/",
                "checks": {"positive_data_acceptance": {"expected-statuses": ["2XX", "400", "401", "403", "404"]}},
            },
        ],
    }
)
schema = schemathesis.pytest.from_fixture("api_schema")
load_all_checks()
# Every check schemathesis has (`--checks all`): status codes, headers, negative data rejected,
# positive data accepted, authentication enforced, unsupported methods … not only "no 500".
ALL_CHECKS = CHECKS.get_all()


@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case, token):
    case.call_and_validate(
        headers={"Authorization": f"Token {token}"},
        checks=ALL_CHECKS,
    )
