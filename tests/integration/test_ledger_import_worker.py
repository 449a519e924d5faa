"""The poverty office posts a ledger to the API; a real Celery worker over the broker imports it.

The job row is written in the request's transaction and the task is queued on commit: the worker
claims the job through its own database connection, so a job queued before it was committed would
never be claimed and these tests would time out with the job still pending.
"""

import time

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext
from knox.models import AuthToken

from households.models import LedgerRecord, PovertyAttribute, PovertyStatus, Relationship, Village
from sunwu_relief.models import Job
from tests.conftest import new_id_number
from tests.ledger_builders import ledger_row

from .conftest import wait_for

pytestmark = pytest.mark.integration

IMPORTS = "/api/v1/ledger-imports/"
POLL_SECONDS = 30.0
FINISHED = ("succeeded", "failed")


class Caller:
    """The poverty office's API client: every request carries its token."""

    def __init__(self, client: Client, user) -> None:
        _instance, token = AuthToken.objects.create(user=user)
        self.client = client
        self.headers = {"HTTP_AUTHORIZATION": f"Token {token}", "HTTP_ACCEPT_LANGUAGE": "en"}

    def get(self, url: str):
        return self.client.get(url, **self.headers)

    def post(self, url: str, data: dict):
        return self.client.post(url, data, content_type="application/json", **self.headers)


def submit(caller: Caller, rows: list[dict]) -> dict:
    response = caller.post(IMPORTS, {"rows": rows, "replace": False})
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["url"] == f"{IMPORTS}{body['id']}/"
    # The worker may already have picked the job up by the time the view answers.
    assert body["status"] in ("pending", "running", *FINISHED)
    return body


def poll_until_finished(caller: Caller, url: str, *, timeout: float = POLL_SECONDS) -> dict:
    """GET the job until it has finished (bounded); fail with the last answer otherwise."""
    deadline = time.monotonic() + timeout
    while True:
        response = caller.get(url)
        assert response.status_code == 200, response.content
        job = response.json()
        if job["status"] in FINISHED:
            return job
        if time.monotonic() > deadline:
            pytest.fail(f"the import was not finished by the worker within {timeout:.0f} s; last answer: {job}")
        time.sleep(0.1)


def chinese(msgid: str) -> str:
    """The worker has no request: its messages are in the site's language (LANGUAGE_CODE, zh-hans)."""
    with translation.override("zh-hans"):
        return gettext(msgid)


def test_ledger_posted_through_the_api_is_imported_by_the_worker(celery_worker, client, poverty_office):
    caller = Caller(client, poverty_office)
    head = ledger_row(household_number="L-WORKER-1", name="崔敏", village="新建屯")  # a village new to the registry
    spouse = ledger_row(
        household_number="L-WORKER-1",
        name="尹秀杰",
        id_number=new_id_number(born="19640312", male=False),
        relationship="配偶",
        village="新建屯",
        household_size=2,
    )
    other = ledger_row(
        household_number="L-WORKER-2",
        name="闫英福",
        id_number=new_id_number(born="19450107"),
        township="辰清镇",
        village="春青村",
        poverty_attribute="五保贫困户",
        poverty_status="已脱贫",
        exit_year=2016,
    )
    rows = [head, spouse, other]
    assert not Village.objects.filter(name="新建屯").exists()

    body = submit(caller, rows)
    job = poll_until_finished(caller, body["url"])

    assert job == {
        "id": body["id"],
        "status": "succeeded",
        "rows_total": 3,
        "rows_done": 3,
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "removed": 0,
        "errors": [],
    }
    records = {r.id_number: r for r in LedgerRecord.objects.select_related("township", "village")}
    assert set(records) == {row["id_number"] for row in rows}
    assert records[head["id_number"]].name == "崔敏"
    assert records[head["id_number"]].relationship == Relationship.HEAD
    assert (records[head["id_number"]].township.name, records[head["id_number"]].village.name) == ("孙吴镇", "新建屯")
    assert records[spouse["id_number"]].relationship == Relationship.SPOUSE
    assert records[spouse["id_number"]].household_size == 2
    assert records[other["id_number"]].township.name == "辰清镇"
    assert records[other["id_number"]].poverty_attribute == PovertyAttribute.TEKUN
    assert records[other["id_number"]].poverty_status == PovertyStatus.OUT
    assert records[other["id_number"]].exit_year == 2016
    assert {r.source_row for r in records.values()} == {1, 2, 3}
    assert Village.objects.filter(township__name="孙吴镇", name="新建屯").count() == 1

    stored = Job.objects.get(pk=body["id"])
    assert stored.created_by == poverty_office
    assert stored.params == {"replace": False, "source": "json"}
    assert stored.started is not None
    assert stored.finished is not None

    # A successful import queues the reconciliation, which the same worker runs next: wait for it,
    # so that the worker is idle when the test's database is flushed.
    reconciliations = Job.objects.filter(kind="reconciliation")
    wait_for(
        lambda: reconciliations.filter(status__in=FINISHED).exists(),
        timeout=POLL_SECONDS,
        what="the reconciliation queued after the import",
    )
    reconciliation = reconciliations.get()
    assert reconciliation.status == Job.Status.SUCCEEDED
    # L-WORKER-1 is still poor and on no roll of ours; L-WORKER-2 is out of poverty.
    assert reconciliation.counts["new"] == {"not_covered": 1}


def test_ledger_with_an_invalid_row_fails_on_the_worker_and_writes_nothing(celery_worker, client, poverty_office):
    caller = Caller(client, poverty_office)
    good = new_id_number(born="19700204")
    bad = good[:17] + ("0" if good[17] != "0" else "1")  # wrong check digit
    rows = [
        ledger_row(household_number="L-BAD-1", village="新建屯"),
        ledger_row(household_number="L-BAD-1", name="尹秀杰", id_number=bad, relationship="配偶", village="新建屯"),
        ledger_row(household_number="L-BAD-2", name="闫英福", township="辰清镇", village="春青村"),
    ]

    body = submit(caller, rows)
    job = poll_until_finished(caller, body["url"])

    assert job["status"] == "failed"
    assert job["errors"] == [
        {"row": 2, "column": "id_number", "message": chinese("The ID number's check digit is wrong.")}
    ]
    assert job["rows_total"] == 3
    assert (job["created"], job["updated"], job["unchanged"], job["removed"]) == (0, 0, 0, 0)
    assert not LedgerRecord.objects.exists()
    assert not Village.objects.filter(name="新建屯").exists()  # the new village went with the rollback
    assert Job.objects.get(pk=body["id"]).status == Job.Status.FAILED
