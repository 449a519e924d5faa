"""The month-end close check (writes its findings): after every bank-result import for the
batches it touched, nightly for every frozen batch, and when the bureau asks. Each batch keeps
what its last check found (`close_differences`, normally empty); each run is a job record with
the count of batches and of differences."""

from django.db import transaction
from django.utils import timezone

from sunwu_relief.audit import record_event
from sunwu_relief.authz import is_system, system
from sunwu_relief.jobs import job_create, job_enqueue, job_run
from sunwu_relief.models import Job

from ...models import FROZEN_BATCH_STATUSES, PaymentBatch
from .. import events
from ..close_check import close_differences
from ..selectors import CLOSE_JOB
from .prepare import ensure_bureau

CLOSE_TASK = "benefits.payments.tasks.check_payment_close"


def _ensure_may_check(actor) -> None:
    if not is_system(actor):
        ensure_bureau(actor)


@transaction.atomic
def payment_batch_close_check(*, actor, batch: PaymentBatch) -> list[dict]:
    """Check one batch and keep what was found; a new difference is in the audit trail."""
    _ensure_may_check(actor)
    batch = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
    differences = close_differences(batch)
    if differences and differences != batch.close_differences:
        record_event(
            actor=actor, action=events.CLOSE_CHECK, obj=batch, number=batch.number, differences=len(differences)
        )
    batch.close_differences = differences
    batch.close_checked_at = timezone.now()
    batch.save(update_fields=["close_differences", "close_checked_at"])
    return differences


def payments_close_check(*, actor, batch_ids: list[int] | None = None) -> Job:
    """Check the given batches (every frozen batch when None) as one job, run here; the job's
    `errors` list every difference with its batch."""
    _ensure_may_check(actor)
    job = job_create(kind=CLOSE_JOB, actor=actor, params={"batches": batch_ids})
    return _run(job.pk, batch_ids)


def payments_close_check_run(*, job_id: int) -> Job | None:
    """Run a queued check job (the task's one call)."""
    job = Job.objects.filter(pk=job_id, kind=CLOSE_JOB).first()
    if job is None:
        return None
    return _run(job.pk, job.params.get("batches"))


def _run(job_id: int, batch_ids: list[int] | None) -> Job | None:
    def work(job: Job):
        actor = job.created_by or system("task:check_payment_close")
        batches = PaymentBatch.objects.filter(status__in=FROZEN_BATCH_STATUSES).order_by("month", "programme")
        if batch_ids is not None:
            batches = batches.filter(pk__in=batch_ids)
        found = []
        checked = 0
        for batch in batches:
            checked += 1
            for difference in payment_batch_close_check(actor=actor, batch=batch):
                found.append(
                    {"batch": batch.number, **difference, "row": None, "column": None, "message": difference["detail"]}
                )
        return {"batches": checked, "differences": len(found)}, found

    return job_run(job_id, work)


def payments_close_check_start(*, actor, batch_ids: list[int] | None = None) -> Job:
    """Queue a check (after an import, or when the bureau asks); it runs once committed."""
    _ensure_may_check(actor)
    job = job_create(kind=CLOSE_JOB, actor=actor, params={"batches": batch_ids})
    job_enqueue(job, CLOSE_TASK)
    return job
