"""Two people do the same thing at the same moment, on PostgreSQL (row and advisory locks), many
times over: no double effect, and the one who comes second gets a clear domain error code (or,
where doing it twice is harmless, the first one's result).

- two bureau reviewers approve the same county case: one benefit, one decision; the second gets
  `application.already_approved`;
- two reviewers prepare the same month's payment batch: one batch (the second gets it back,
  `created=False`), and two asking a worker to prepare it get one job;
- two caseworkers save the same household from the same page: one change; the second gets
  `household.changed_meanwhile` instead of overwriting the first.

Trials: building a county case through the real services takes about a second here, so the
approvals run APPROVAL_TRIALS times; the batch and the household races are cheap and run
RACE_TRIALS times each (the issue asks 200; see the commit for the times measured)."""

import os
import threading
import time
from collections.abc import Callable
from functools import partial

import pytest
from django.db import connection, connections

from benefits import services
from benefits.models import ApplicationStatus, Benefit, PaymentBatch, Transition
from benefits.payments import services as payments
from households import services as household_services
from households.models import Household
from households.rules import household_version
from sunwu_relief import jobs
from sunwu_relief.errors import DomainError
from sunwu_relief.models import AuditEvent, Job
from tests.benefits.payment_builders import give_payee
from tests.prerequisites import prerequisite_missing

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

APPROVAL_TRIALS = int(os.environ.get("SUNWU_APPROVAL_TRIALS", "10"))
RACE_TRIALS = int(os.environ.get("SUNWU_RACE_TRIALS", "50"))  # SUNWU_RACE_TRIALS=200 for the count


@pytest.fixture(autouse=True)
def postgres():
    if connection.vendor != "postgresql":
        prerequisite_missing("the concurrency tests need PostgreSQL's locks (DATABASE_URL)")


def race(*calls: Callable[[], object]) -> list[object]:
    """Run the calls at the same moment, each in its own thread and database session; each result
    is what the call returned or the domain error it raised."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except DomainError as exc:
            results[index] = exc
        except BaseException as exc:  # noqa: BLE001  (reported by the test thread)
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def _codes(results: list[object]) -> list[str]:
    return [r.code for r in results if isinstance(r, DomainError)]


def test_two_reviewers_approving_one_case_at_once_make_one_decision(cases, bureau_reviewer2):
    started = time.monotonic()
    for _trial in range(APPROVAL_TRIALS):
        application = cases.to(ApplicationStatus.COUNTY_REVIEW)
        cases.ready_for_approval(application)
        results = race(
            lambda a=application: services.application_county_approve(actor=cases.bureau, application=a),
            lambda a=application: services.application_county_approve(actor=bureau_reviewer2, application=a),
        )
        assert sum(isinstance(r, Benefit) for r in results) == 1, results
        assert _codes(results) == ["application.already_approved"], results
        assert Benefit.objects.filter(application=application).count() == 1
        assert Transition.objects.filter(application=application, action="county_approve").count() == 1
    print(f"{APPROVAL_TRIALS} approval races in {time.monotonic() - started:.1f} s")  # noqa: T201


def test_two_preparations_of_one_batch_at_once_make_one_batch(
    cases, caseworker_sunwu, bureau_reviewer, bureau_reviewer2
):
    benefit = cases.to(ApplicationStatus.APPROVED).benefit
    give_payee(benefit, actor=caseworker_sunwu)
    month = benefit.start_month
    started = time.monotonic()
    for _trial in range(RACE_TRIALS):
        results = race(
            lambda: payments.payment_batch_prepare(actor=bureau_reviewer, programme="dibao", month=month),
            lambda: payments.payment_batch_prepare(actor=bureau_reviewer2, programme="dibao", month=month),
        )
        assert all(isinstance(r, tuple) for r in results), results
        assert sorted(created for _batch, created in results) == [False, True]
        assert len({batch.pk for batch, _created in results}) == 1
        assert PaymentBatch.objects.filter(programme="dibao", month=month).count() == 1
        batch = PaymentBatch.objects.get(programme="dibao", month=month)
        assert batch.items.count() == 1
        payments.payment_batch_discard(actor=bureau_reviewer, batch=batch)  # ready for the next trial
    print(f"{RACE_TRIALS} preparation races in {time.monotonic() - started:.1f} s")  # noqa: T201


def test_two_requests_to_prepare_one_batch_at_once_make_one_job(
    cases, caseworker_sunwu, bureau_reviewer, bureau_reviewer2, monkeypatch
):
    benefit = cases.to(ApplicationStatus.APPROVED).benefit
    give_payee(benefit, actor=caseworker_sunwu)
    sent = []
    monkeypatch.setattr(jobs, "job_send", lambda job_id, task: sent.append(job_id))  # no worker here
    started = time.monotonic()
    for trial in range(RACE_TRIALS):
        month = benefit.start_month.replace(year=benefit.start_month.year + 1 + trial // 12, month=trial % 12 + 1)
        results = race(
            lambda m=month: payments.payment_batch_prepare_start(actor=bureau_reviewer, programme="dibao", month=m),
            lambda m=month: payments.payment_batch_prepare_start(actor=bureau_reviewer2, programme="dibao", month=m),
        )
        assert all(isinstance(r, tuple) for r in results), results
        assert len({job.pk for job, _existing in results}) == 1, results
        assert Job.objects.filter(kind="payments.prepare", params__month=f"{month:%Y-%m}").count() == 1
    assert len(sent) == RACE_TRIALS
    print(f"{RACE_TRIALS} preparation-request races in {time.monotonic() - started:.1f} s")  # noqa: T201


def test_two_caseworkers_saving_one_household_at_once_change_it_once(
    make_household, caseworker_sunwu, caseworker2_sunwu
):
    household = make_household(caseworker_sunwu)
    started = time.monotonic()
    for trial in range(RACE_TRIALS):
        household = Household.objects.get(pk=household.pk)
        seen = household_version(household)  # both opened the same page
        results = race(
            *(
                partial(
                    household_services.household_update,
                    actor=actor,
                    household=household,
                    village=household.village,
                    address=f"第{trial}次 {n}号",
                    hukou_number=household.hukou_number,
                    seen_version=seen,
                )
                for n, actor in enumerate((caseworker_sunwu, caseworker2_sunwu))
            )
        )
        saved = [r for r in results if isinstance(r, Household)]
        assert len(saved) == 1, results
        assert _codes(results) == ["household.changed_meanwhile"], results
        household.refresh_from_db()
        assert household.address == saved[0].address  # the first save stands
    updates = AuditEvent.objects.filter(action="household.update", object_id=str(household.pk)).count()
    assert updates == RACE_TRIALS
    print(f"{RACE_TRIALS} household races in {time.monotonic() - started:.1f} s")  # noqa: T201
