"""Long work of the economic-status check, run by Celery workers: each task calls one service."""

from celery import shared_task

from .services import cross_check_township_run, department_import_job_run


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def cross_check_township_task(job_id: int) -> None:
    """Cross-check every open assessment of the job's township; a redelivered message is a no-op."""
    cross_check_township_run(job_id=job_id)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_department_import(job_id: int) -> None:
    """Import an uploaded departmental file: claimed once (a redelivery stops); not retried."""
    department_import_job_run(job_id=job_id)
