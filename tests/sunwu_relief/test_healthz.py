"""GET /healthz (docs/interfaces.md §5): no authentication, 200 when healthy, 503 when not."""

import time

import pytest
from django.db import OperationalError, connections


def test_healthz_reports_database_ok_and_eager_broker_without_log_in(client, db, settings):
    settings.CELERY_BROKER_URL = ""  # the embedded mode (CI sets a broker for the whole run)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"database": "ok", "broker": "eager"}


def test_healthz_is_503_when_the_database_does_not_answer(client, db, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    # Undone before the test database is rolled back (which needs a working cursor).
    with monkeypatch.context() as patch:
        patch.setattr(type(connections["default"]), "cursor", broken_cursor)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] != "ok"


def test_healthz_is_503_when_the_configured_broker_is_unreachable(client, db, settings):
    # Port 1 on the loopback refuses connections at once.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    started = time.monotonic()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "unavailable"}
    assert time.monotonic() - started < 10  # a health check must answer quickly


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_healthz_only_answers_get(client, db, method):
    assert getattr(client, method)("/healthz").status_code == 405


def test_unknown_api_path_answers_json_404(client, db):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
