"""Housekeeping tasks of the base app."""

from celery import shared_task

from .authz import system
from .jobs import job_files_purge, jobs_requeue


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def purge_expired_job_files() -> int:
    """Beat, nightly; idempotent (a second run finds nothing to delete)."""
    return job_files_purge(actor=system("task:purge_expired_job_files"))


@shared_task(acks_late=True, ignore_result=True)
def requeue_pending_jobs() -> list[int]:
    """Beat, every 5 minutes: pending jobs whose message could not be sent (the broker was down)
    or was lost are sent again (claimed once, so a duplicate is harmless)."""
    return jobs_requeue(actor=system("task:requeue_pending_jobs"))
