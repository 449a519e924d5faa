"""Long work of the economic-status check, run by Celery workers."""

from celery import shared_task
from django.db import transaction

from sunwu_relief.jobs import job_claim, job_finish, job_progress

from .models import Assessment


@shared_task(acks_late=True)
def cross_check_township_task(job_id: int) -> None:
    """Cross-check every open assessment of the job's township; a redelivered message is a no-op."""
    from .services import _cross_check  # the per-assessment step, without a second scope check

    job = job_claim(job_id)
    if job is None:
        return
    assessments = list(
        Assessment.objects.filter(household__township_id=job.params["township"], status=Assessment.Status.OPEN)
        .select_related("household")
        .order_by("pk")
    )
    job_progress(job, rows_done=0, rows_total=len(assessments))
    found = 0
    errors = []
    for done, assessment in enumerate(assessments, start=1):
        try:
            with transaction.atomic():
                locked = Assessment.objects.select_for_update().select_related("household").get(pk=assessment.pk)
                if locked.is_open:
                    found += len(_cross_check(actor=job.created_by, assessment=locked))
        except Exception as exc:  # one bad household must not stop the township's run
            errors.append({"row": assessment.pk, "column": "", "message": str(exc)})
        if done % 20 == 0 or done == len(assessments):
            job_progress(job, rows_done=done)
    job_finish(
        job, succeeded=not errors, counts={"assessments": len(assessments), "discrepancies": found}, errors=errors
    )


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_department_import(job_id: int) -> None:
    """Import an uploaded departmental file: claimed once (a redelivery stops); not retried."""
    from .imports import department_import_job_run

    department_import_job_run(job_id=job_id)
