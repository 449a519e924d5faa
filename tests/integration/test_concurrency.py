"""Two people do the same thing at the same moment, on PostgreSQL (row and advisory locks), many
times over: no lost update, no double effect, and the one who comes second gets a clear domain
error code (or, where doing it twice is harmless, the first one's result).

- two bureau reviewers approve the same county case: one benefit, one decision; the second gets
  `application.already_approved`;
- two reviewers prepare the same month's payment batch: one batch (the second gets it back,
  `created=False`), and two asking a worker to prepare it get one job;
- two checkers approve the same draft batch: approved once; the second gets `payments.not_draft`;
- the same bank result file imported twice at once: its results recorded once, the second import
  gets the first one back (`created=False`);
- two caseworkers save the same household from the same page: one change; the second gets
  `household.changed_meanwhile` instead of overwriting the first;
- one caseworker finishes an assessment while another declares an income in it: the income is
  in the frozen result, or refused with `assessment.finished` — never saved and left out; two
  remove the same declaration: removed once, the second gets `assessment.declaration_gone`;
- the same ledger imported twice at once: its people written once (the second import finds them
  unchanged); the same departmental file imported twice at once: one import, the second gets
  the first one's back (`created=False`).

Every race is RACE_TRIALS trials (200; `SUNWU_RACE_TRIALS` to change it). Each trial is two real
threads, each with its own database session, calling the public service at the same moment.
What a scenario needs is built once through the services; between trials the test puts it back
(the case back in county review, the batch back to a draft or to exported, the file's import
deleted) with the ORM — test setup only, so that a trial costs the race and not the building of
a case."""

import datetime
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from functools import partial

import pytest
from django.db import connection, connections
from django.utils import timezone

from assessments import services as assessment_services
from assessments.models import (
    Assessment,
    DepartmentImport,
    DepartmentRecord,
    IncomeDeclaration,
    Source,
)
from assessments.services.economics import economic_result
from benefits import services
from benefits.models import (
    Application,
    ApplicationStatus,
    Benefit,
    BenefitChange,
    PaymentBatch,
    Transition,
    WrittenNotice,
)
from benefits.models.payments import BankResultImport, BatchStatus, ItemResult, PaymentItem
from benefits.payments import services as payments
from households import services as household_services
from households.models import Household, LedgerRecord
from households.rules import household_version
from households.services import ledger_import
from sunwu_relief import jobs
from sunwu_relief.errors import DomainError
from sunwu_relief.models import AuditEvent, Job
from sunwu_relief.roles import Role
from tests.assessments.conftest import VEHICLE_HEADERS, xlsx_bytes
from tests.benefits.payment_builders import export, give_payee, result_file
from tests.conftest import make_user, new_id_number
from tests.ledger_builders import ledger_row
from tests.prerequisites import prerequisite_missing

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

RACE_TRIALS = int(os.environ.get("SUNWU_RACE_TRIALS", "200"))


@pytest.fixture(autouse=True)
def postgres():
    if connection.vendor != "postgresql":
        prerequisite_missing("the concurrency tests need PostgreSQL's locks (DATABASE_URL)")


class Racers:
    """Threads that run calls at the same moment (a barrier), each thread with its own database
    session, kept for the whole test (a new session per trial would cost more than most races);
    each result is what the call returned or the error it raised."""

    def __init__(self, count: int = 2) -> None:
        self.inboxes: list[queue.Queue] = [queue.Queue() for _ in range(count)]
        self.outbox: queue.Queue = queue.Queue()
        self.barrier = threading.Barrier(count)
        self.threads = [threading.Thread(target=self._serve, args=(i,), daemon=True) for i in range(count)]
        for thread in self.threads:
            thread.start()

    def _serve(self, index: int) -> None:
        try:
            while (call := self.inboxes[index].get()) is not None:
                try:
                    self.barrier.wait(timeout=10)
                    result = call()
                except BaseException as exc:  # noqa: BLE001  (a domain error is a result; others are reported)
                    result = exc
                self.outbox.put((index, result))
        finally:
            connections.close_all()

    def __call__(self, *calls: Callable[[], object]) -> list[object]:
        assert len(calls) == len(self.inboxes)
        for inbox, call in zip(self.inboxes, calls, strict=True):
            inbox.put(call)
        results: list[object] = [None] * len(calls)
        for _call in calls:
            index, result = self.outbox.get(timeout=30)
            results[index] = result
        return results

    def close(self) -> None:
        for inbox in self.inboxes:
            inbox.put(None)
        for thread in self.threads:
            thread.join(timeout=30)


@pytest.fixture
def race() -> Iterator[Racers]:
    """race(call, call): the two calls at the same moment, in two threads and database sessions."""
    racers = Racers()
    yield racers
    racers.close()


def _codes(results: list[object]) -> list[str]:
    return [code for r in results if isinstance(r, DomainError) for code in r.codes]


def _timed(what: str, started: float) -> None:
    print(f"{RACE_TRIALS} {what} races in {time.monotonic() - started:.1f} s")  # noqa: T201


@pytest.fixture
def bureau_reviewer3(db):
    return make_user("bureau3", Role.BUREAU_REVIEWER)


# --- the county's approval ------------------------------------------------------------------


def _back_to_county_review(application: Application) -> None:
    """Test setup only: undo what the approval wrote (its benefit and first decision, its notice,
    its transition), so that the next trial races over the same case in county review. Plain
    DELETEs (no cascade collection: the database's foreign keys refuse anything left behind)."""
    benefit = Benefit.objects.filter(application=application).first()
    deletes = [WrittenNotice.objects.filter(application=application)]
    if benefit is not None:
        deletes += [
            WrittenNotice.objects.filter(benefit_change__benefit=benefit),
            BenefitChange.objects.filter(benefit=benefit),
            Benefit.covered_members.through.objects.filter(benefit=benefit),
            Benefit.objects.filter(pk=benefit.pk),
        ]
    deletes.append(Transition.objects.filter(application=application, action="county_approve"))
    for queryset in deletes:
        queryset._raw_delete(queryset.db)
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.COUNTY_REVIEW, decided_at=None)


def test_two_reviewers_approving_one_case_at_once_make_one_decision(race, cases, bureau_reviewer2):
    application = cases.to(ApplicationStatus.COUNTY_REVIEW)
    cases.ready_for_approval(application)
    started = time.monotonic()
    for _trial in range(RACE_TRIALS):
        results = race(
            lambda: services.application_county_approve(actor=cases.bureau, application=application),
            lambda: services.application_county_approve(actor=bureau_reviewer2, application=application),
        )
        assert sum(isinstance(r, Benefit) for r in results) == 1, results
        assert _codes(results) == ["application.already_approved"], results
        assert next(r for r in results if isinstance(r, DomainError)).message  # a sentence for the second
        assert Benefit.objects.filter(application=application).count() == 1
        benefit = Benefit.objects.get(application=application)
        assert BenefitChange.objects.filter(benefit=benefit).count() == 1  # one decision
        assert Transition.objects.filter(application=application, action="county_approve").count() == 1
        assert Application.objects.get(pk=application.pk).status == ApplicationStatus.APPROVED
        _back_to_county_review(application)
    _timed("approval", started)


# --- payment batches ------------------------------------------------------------------------


@pytest.fixture
def payable(cases, caseworker_sunwu):
    benefit = cases.to(ApplicationStatus.APPROVED).benefit
    give_payee(benefit, actor=caseworker_sunwu)
    return benefit


def test_two_preparations_of_one_batch_at_once_make_one_batch(race, payable, bureau_reviewer, bureau_reviewer2):
    month = payable.start_month
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
    _timed("preparation", started)


def test_two_requests_to_prepare_one_batch_at_once_make_one_job(
    race, payable, bureau_reviewer, bureau_reviewer2, monkeypatch
):
    sent = []
    monkeypatch.setattr(jobs, "job_send", lambda job_id, task: sent.append(job_id))  # no worker here
    started = time.monotonic()
    for trial in range(RACE_TRIALS):
        month = payable.start_month.replace(year=payable.start_month.year + 1 + trial // 12, month=trial % 12 + 1)
        results = race(
            lambda m=month: payments.payment_batch_prepare_start(actor=bureau_reviewer, programme="dibao", month=m),
            lambda m=month: payments.payment_batch_prepare_start(actor=bureau_reviewer2, programme="dibao", month=m),
        )
        assert all(isinstance(r, tuple) for r in results), results
        assert len({job.pk for job, _existing in results}) == 1, results
        assert Job.objects.filter(kind="payments.prepare", params__month=f"{month:%Y-%m}").count() == 1
    assert len(sent) == RACE_TRIALS
    _timed("preparation-request", started)


def test_two_checkers_approving_one_batch_at_once_approve_it_once(
    race, payable, bureau_reviewer, bureau_reviewer2, bureau_reviewer3
):
    batch, _created = payments.payment_batch_prepare(
        actor=bureau_reviewer, programme="dibao", month=payable.start_month
    )
    started = time.monotonic()
    for trial in range(RACE_TRIALS):
        results = race(
            lambda: payments.payment_batch_approve(actor=bureau_reviewer2, batch=batch),
            lambda: payments.payment_batch_approve(actor=bureau_reviewer3, batch=batch),
        )
        approved = [r for r in results if isinstance(r, PaymentBatch)]
        assert len(approved) == 1, results
        assert _codes(results) == ["payments.not_draft"], results
        batch.refresh_from_db()
        assert batch.status == BatchStatus.APPROVED
        assert batch.approved_by_id == approved[0].approved_by_id  # the winner's approval stands
        approvals = AuditEvent.objects.filter(action="payments.approve", object_id=str(batch.pk))
        assert approvals.count() == trial + 1  # one approval per trial
        # Test setup only: back to a draft for the next trial.
        PaymentBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.DRAFT, approved_by=None, approved_at=None)
    _timed("batch approval", started)


def test_the_same_bank_result_file_imported_twice_at_once_records_the_results_once(
    race, payable, bureau_reviewer, bureau_reviewer2, monkeypatch
):
    sent = []
    # The month-end check an import queues goes to a worker (none here): counted, not run inline.
    monkeypatch.setattr(jobs, "job_send", lambda job_id, task: sent.append(job_id))
    batch, _created = payments.payment_batch_prepare(
        actor=bureau_reviewer, programme="dibao", month=payable.start_month
    )
    batch = payments.payment_batch_approve(actor=bureau_reviewer2, batch=batch)
    data = result_file(export(batch))
    started = time.monotonic()
    for trial in range(RACE_TRIALS):
        results = race(
            *(
                partial(payments.bank_results_import, actor=actor, source=data)
                for actor in (bureau_reviewer, bureau_reviewer2)
            )
        )
        assert all(isinstance(r, tuple) for r in results), results
        assert sorted(created for _record, created in results) == [False, True], results
        assert len({record.pk for record, _created in results}) == 1, results
        record = BankResultImport.objects.get()
        assert record.paid == 1
        item = PaymentItem.objects.get(batch=batch)
        assert (item.result, item.result_import_id) == (ItemResult.PAID, record.pk)
        batch.refresh_from_db()
        assert batch.status == BatchStatus.SETTLED
        recorded = AuditEvent.objects.filter(action="payments.results").count()
        assert recorded == trial + 1  # one per trial: the file's results recorded once
        assert len(sent) == trial + 1  # and one month-end check queued
        # Test setup only: the bank's answer not received yet, for the next trial.
        PaymentItem.objects.filter(batch=batch).update(result=ItemResult.PENDING, result_at=None, result_import=None)
        PaymentBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.EXPORTED, settled_at=None)
        BankResultImport.objects.all().delete()
    _timed("bank result file", started)


# --- the household --------------------------------------------------------------------------


def test_two_caseworkers_saving_one_household_at_once_change_it_once(
    race, make_household, caseworker_sunwu, caseworker2_sunwu
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
    _timed("household", started)


# --- the assessment -------------------------------------------------------------------------


@pytest.fixture
def open_assessment(cases, caseworker_sunwu, caseworker2_sunwu) -> Assessment:
    """An open assessment that may be finished: authorisation, an income, a visit signed by two."""
    household = cases.household()
    assessment = Assessment.objects.get(household=household, status=Assessment.Status.OPEN)
    visit = assessment_services.visit_create(
        actor=caseworker_sunwu,
        assessment=assessment,
        data=assessment_services.VisitData(
            visit_date=timezone.localdate(), housing="砖房两间", household_confirmed=True, household_signatory="王大山"
        ),
        investigators=[caseworker_sunwu, caseworker2_sunwu],
    )
    assessment_services.visit_sign(actor=caseworker_sunwu, visit=visit)
    assessment_services.visit_sign(actor=caseworker2_sunwu, visit=visit)
    return assessment


def test_an_income_declared_while_the_assessment_is_finished_is_never_left_out(
    race, open_assessment, caseworker_sunwu, caseworker2_sunwu
):
    head = open_assessment.household.members.get(relationship="head")
    outcomes = {"declared first": 0, "refused": 0}
    started = time.monotonic()
    for trial in range(RACE_TRIALS):
        note = f"race {trial}"
        results = race(
            lambda: assessment_services.assessment_finish(actor=caseworker_sunwu, assessment=open_assessment),
            lambda n=note: assessment_services.income_add(
                actor=caseworker2_sunwu,
                assessment=open_assessment,
                member=head,
                kind="other",
                monthly_amount=Decimal("10"),
                note=n,
            ),
        )
        finished, declared = results
        assert isinstance(finished, Assessment), results
        assessment = Assessment.objects.get(pk=open_assessment.pk)
        assert assessment.status == Assessment.Status.FINISHED
        if isinstance(declared, IncomeDeclaration):
            outcomes["declared first"] += 1
        else:
            assert _codes([declared]) == ["assessment.finished"], results
            assert not IncomeDeclaration.objects.filter(assessment=assessment, note=note).exists()
            outcomes["refused"] += 1
        # No lost update: the frozen result is the result of the declarations the assessment holds.
        assert assessment.monthly_income == economic_result(assessment).income.monthly_income, results
        # Test setup only: open again for the next trial.
        Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.OPEN, finished_at=None)
    assert sum(outcomes.values()) == RACE_TRIALS
    _timed(f"assessment finish/declare ({outcomes})", started)


def test_two_caseworkers_removing_one_declaration_at_once_remove_it_once(
    race, open_assessment, caseworker_sunwu, caseworker2_sunwu
):
    head = open_assessment.household.members.get(relationship="head")
    started = time.monotonic()
    for trial in range(RACE_TRIALS):
        income = assessment_services.income_add(
            actor=caseworker_sunwu, assessment=open_assessment, member=head, kind="other", monthly_amount=Decimal("5")
        )
        results = race(
            *(
                partial(assessment_services.declaration_remove, actor=actor, declaration=income)
                for actor in (caseworker_sunwu, caseworker2_sunwu)
            )
        )
        assert sum(isinstance(r, Assessment) for r in results) == 1, results
        assert _codes(results) == ["assessment.declaration_gone"], results
        assert not IncomeDeclaration.objects.filter(pk=income.pk).exists()
        removals = AuditEvent.objects.filter(action="assessment.declaration_remove", object_id=str(open_assessment.pk))
        assert removals.count() == trial + 1  # one event per removal, none for the refused one
    _timed("declaration removal", started)


# --- imports --------------------------------------------------------------------------------


def test_the_same_ledger_imported_twice_at_once_writes_its_people_once(race, poverty_office, monkeypatch):
    # What a successful import queues (the reconciliation) a worker runs in production; the
    # suite's tasks are eager, and it would run inside the racing threads after the import.
    monkeypatch.setattr(ledger_import, "_after_import", [])
    rows = [
        ledger_row(household_number="L-RACE-1", name="崔敏"),
        ledger_row(
            household_number="L-RACE-1",
            name="尹秀杰",
            id_number=new_id_number(born="19640312", male=False),
            relationship="配偶",
            household_size=2,
        ),
    ]
    started = time.monotonic()
    for _trial in range(RACE_TRIALS):
        results = race(
            lambda: household_services.ledger_import_rows(rows, actor=poverty_office),
            lambda: household_services.ledger_import_rows(rows, actor=poverty_office),
        )
        assert all(r.succeeded for r in results), results
        assert sorted((r.created, r.unchanged) for r in results) == [(0, 2), (2, 0)], results
        assert LedgerRecord.objects.count() == 2
        assert LedgerRecord.objects.filter(id_number=rows[0]["id_number"]).count() == 1
        LedgerRecord.objects.all().delete()  # test setup only: the ledger empty for the next trial
    _timed("ledger import", started)


def test_the_same_department_file_imported_twice_at_once_is_imported_once(race, bureau_reviewer, bureau_reviewer2):
    rows = [[new_id_number(), f"车主{i}", f"黑N{i:05d}", "小型轿车", "2020-01-01", "正常"] for i in range(3)]
    data = xlsx_bytes(VEHICLE_HEADERS, rows)
    day = datetime.date(2026, 10, 1)
    started = time.monotonic()
    for _trial in range(RACE_TRIALS):
        results = race(
            *(
                partial(
                    assessment_services.department_import,
                    actor=actor,
                    source=Source.VEHICLE,
                    data_date=day,
                    file=data,
                    filename="vehicles.xlsx",
                )
                for actor in (bureau_reviewer, bureau_reviewer2)
            )
        )
        assert all(not isinstance(r, BaseException) for r in results), results
        assert sorted(r.created for r in results) == [False, True], results
        assert len({r.job.pk for r in results}) == 1, results
        assert DepartmentImport.objects.count() == 1
        assert DepartmentRecord.objects.count() == 3
        assert DepartmentImport.objects.get().created_count == 3
        # Test setup only: the file not imported yet, for the next trial.
        DepartmentRecord.objects.all().delete()
        for record in DepartmentImport.objects.all():
            record.file.delete(save=False)
            record.delete()
    _timed("department import", started)
