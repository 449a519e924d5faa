"""The integrity checks as a Celery task (beat, nightly), under a job record."""

import logging

from celery import shared_task

from sunwu_relief.authz import system
from sunwu_relief.jobs import job_claim, job_create, job_finish

from .services.findings import integrity_checks_run

JOB_KIND = "integrity_checks"
logger = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_integrity_checks() -> int | None:
    job = job_claim(job_create(kind=JOB_KIND, actor=None).pk)
    if job is None:
        return None
    try:
        result = integrity_checks_run(actor=system("task:run_integrity_checks"))
    except Exception:
        logger.exception("integrity checks job %s failed", job.pk)
        job_finish(job, succeeded=False, errors=[{"row": None, "column": None, "message": "integrity checks failed"}])
        raise
    job_finish(job, succeeded=True, counts=result.as_counts())
    return job.pk
