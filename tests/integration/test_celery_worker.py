"""Tasks through the real broker and a real worker that shares the test database."""

import threading

import pytest
from django.db import connection

from households.models import Member
from households.names import name_initials
from households.tasks import refresh_name_initials
from sunwu_relief.celery import app as celery_app
from sunwu_relief.jobs import job_claim, job_create, job_finish
from sunwu_relief.models import Job
from tests.conftest import member_data
from tests.prerequisites import prerequisite_missing

from .conftest import wait_for

pytestmark = pytest.mark.integration

# Outcomes of the claims made inside the worker, in the order the worker ran them.
claim_outcomes: list[bool] = []


@celery_app.task(name="tests.integration.claim_and_finish", acks_late=True)
def claim_and_finish(job_id: int) -> None:
    """A task body in the house shape: claim the job, return if someone else has, else finish it."""
    job = job_claim(job_id)
    claim_outcomes.append(job is not None)
    if job is None:
        return
    job_finish(job, succeeded=True, counts={"runs": 1})


def _initials(*members: Member) -> list[str]:
    return list(
        Member.objects.filter(pk__in=[m.pk for m in members]).order_by("pk").values_list("name_initials", flat=True)
    )


def test_refresh_name_initials_runs_on_the_worker_and_touches_only_the_given_township(
    celery_worker, make_household, caseworker_sunwu, caseworker_chenqing, township_sunwu
):
    ours = make_household(caseworker_sunwu, members=[member_data(name="曾小红", relationship="daughter")])
    theirs = make_household(caseworker_chenqing)
    our_members = list(ours.members.order_by("pk"))
    their_members = list(theirs.members.order_by("pk"))
    expected = [name_initials(m.name) for m in our_members]
    assert all(expected)
    # Stale initials, as after a change of the surname override map.
    Member.objects.filter(household__in=[ours, theirs]).update(name_initials="stale")

    refresh_name_initials.delay(township_id=township_sunwu.pk)

    wait_for(lambda: _initials(*our_members) == expected, what="the worker to refresh 孙吴镇's initials")
    assert _initials(*their_members) == ["stale"]


def test_job_is_claimed_exactly_once_when_its_task_is_delivered_twice(celery_worker, caseworker_sunwu):
    job = job_create(kind="test.redelivery", actor=caseworker_sunwu)
    claim_outcomes.clear()

    # The same message twice, as after a worker lost its connection before acknowledging it.
    claim_and_finish.delay(job.pk)
    claim_and_finish.delay(job.pk)

    wait_for(lambda: len(claim_outcomes) == 2, what="both deliveries to run")
    assert claim_outcomes == [True, False]
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.counts == {"runs": 1}
    assert job_claim(job.pk) is None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_claims_of_one_job_let_exactly_one_win():
    if connection.vendor != "postgresql":
        prerequisite_missing("concurrent claims need PostgreSQL (set DATABASE_URL)")
    job = job_create(kind="test.race", actor=None)
    barrier = threading.Barrier(2)
    both_claimed = threading.Barrier(2)
    outcomes: list[bool] = []
    errors: list[BaseException] = []

    def claim() -> None:
        try:
            barrier.wait(timeout=10)
            outcomes.append(job_claim(job.pk) is not None)
            # The winner's claim lives as long as its session: keep it until both have tried (a
            # session that ends first is a lost worker, whose job a later claim may take over).
            both_claimed.wait(timeout=10)
        except BaseException as exc:  # noqa: BLE001  (reported by the test thread)
            errors.append(exc)
        finally:
            connection.close()  # each thread's own connection; the test database must be droppable

    threads = [threading.Thread(target=claim) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert not errors
    assert sorted(outcomes) == [False, True]
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING
    assert job.started is not None
