"""The read replica's router (sunwu_relief.db_router): which reads go to `replica`, and that
without `DATABASE_REPLICA_URL` everything stays on `default`."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connections
from django.urls import reverse

from sunwu_relief import db_router
from sunwu_relief.db_router import REPLICA, ReplicaRouter, replica_reads

ROOT = Path(__file__).resolve().parents[2]
router = ReplicaRouter()


@pytest.fixture
def replica(monkeypatch):
    """As with DATABASE_REPLICA_URL set, and no transaction open (a request outside a service)."""
    monkeypatch.setattr(db_router, "replica_configured", lambda: True)
    monkeypatch.setattr(connections["default"], "in_atomic_block", False)


def test_reads_in_replica_reads_go_to_the_replica(replica):
    assert router.db_for_read(None) is None  # not asked for: default
    with replica_reads():
        assert router.db_for_read(None) == REPLICA
    assert router.db_for_read(None) is None


def test_writes_and_transactions_stay_on_default(replica):
    with replica_reads():
        assert router.db_for_write(None) == "default"
        connections["default"].in_atomic_block = True  # a service's transaction
        assert router.db_for_read(None) is None


def test_without_a_replica_everything_is_default(monkeypatch):
    monkeypatch.setattr(connections["default"], "in_atomic_block", False)
    assert not db_router.replica_configured()  # the test settings have none
    with replica_reads():
        assert router.db_for_read(None) is None
        assert router.db_for_write(None) == "default"


def test_the_replica_is_never_migrated():
    assert router.allow_migrate(REPLICA, "households") is False
    assert router.allow_migrate("default", "households") is True


def settings_databases(**env) -> dict:
    code = (
        "import django, json; django.setup(); from django.conf import settings;"
        "print(json.dumps({k: {'name': v['NAME'], 'host': v.get('HOST'), 'test': v.get('TEST', {})}"
        " for k, v in settings.DATABASES.items()}))"
    )
    environ = {k: v for k, v in os.environ.items() if k != "DATABASE_REPLICA_URL"}
    environ |= {"DJANGO_SETTINGS_MODULE": "sunwu_relief.settings", "SECRET_KEY": "x" * 50, **env}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_setting_adds_the_replica_alias_mirrored_in_tests():
    assert set(settings_databases()) == {"default"}
    databases = settings_databases(
        DATABASE_URL="postgres://app@primary:5432/sunwu", DATABASE_REPLICA_URL="postgres://app@standby:5432/sunwu"
    )
    assert databases["replica"]["host"] == "standby"
    assert databases["default"]["host"] == "primary"
    assert databases["replica"]["test"]["MIRROR"] == "default"


@pytest.fixture
def reads(monkeypatch) -> list[bool]:
    """Whether each read of a request was one that may go to the replica (then sent to default)."""
    seen: list[bool] = []

    def spy(self, model, **hints):
        seen.append(db_router.replica_wanted())

    monkeypatch.setattr(ReplicaRouter, "db_for_read", spy)
    return seen


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", [reverse("statistics:monthly") + "?month=2026-03", reverse("api:statistics-monthly") + "?month=2026-03"]
)
def test_the_statistics_report_reads_from_the_replica(client, bureau_reviewer, reads, url):
    client.force_login(bureau_reviewer)
    reads.clear()
    assert client.get(url).status_code == 200
    assert any(reads)


@pytest.mark.django_db
def test_the_apis_list_endpoints_read_from_the_replica_and_a_detail_does_not(
    client, bureau_reviewer, household_sunwu, reads
):
    client.force_login(bureau_reviewer)
    reads.clear()
    assert client.get("/api/v1/households/").status_code == 200
    assert any(reads)
    reads.clear()
    assert client.get(f"/api/v1/households/{household_sunwu.pk}/").status_code == 200
    assert reads
    assert not any(reads)


@pytest.mark.django_db
def test_a_lists_download_reads_from_the_replica(client, bureau_reviewer, reads):
    client.force_login(bureau_reviewer)
    reads.clear()
    response = client.get(reverse("benefits:review-list"), {"format": "xlsx"})
    assert response.status_code == 200
    assert any(reads)
