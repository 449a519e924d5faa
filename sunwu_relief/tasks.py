"""Housekeeping tasks of the base app."""

from celery import shared_task

from .authz import system
from .jobs import job_files_purge


@shared_task
def purge_expired_job_files() -> int:
    return job_files_purge(actor=system("task:purge_expired_job_files"))
