"""Reconciliation as a Celery task: after every successful ledger import and nightly (beat)."""

import logging

from celery import shared_task

from sunwu_relief.jobs import job_claim, job_create, job_finish

from .services import reconciliation_run, spot_check_draw

JOB_KIND = "reconciliation"
logger = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def reconcile_ledger() -> int | None:
    """Run the reconciliation under a job record; idempotent (a second run finds nothing new)."""
    job = job_claim(job_create(kind=JOB_KIND, actor=None).pk)
    if job is None:
        return None
    try:
        result = reconciliation_run(actor=None)
    except Exception:
        logger.exception("reconciliation job %s failed", job.pk)
        job_finish(job, succeeded=False, errors=[{"row": None, "column": None, "message": "reconciliation failed"}])
        raise
    job_finish(job, succeeded=True, counts=result.as_counts())
    return job.pk


def queue_reconciliation() -> None:
    """Registered with households.ledger: runs once a ledger import has committed."""
    reconcile_ledger.delay()


@shared_task(acks_late=True, ignore_result=True)
def draw_spot_checks() -> int | None:
    """Beat, nightly: draw the spot-check sample over the cases that reached county review."""
    batch = spot_check_draw(actor=None)
    return batch.pk if batch else None
