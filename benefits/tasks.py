from celery import shared_task

from sunwu_relief.jobs import job_claim, job_finish

from . import services
from .models import Standard


@shared_task(acks_late=True)
def complete_public_notices() -> int:
    """Beat, daily: cases whose notice period is over without open objection go to the county."""
    return services.notices_complete_due()


@shared_task(acks_late=True)
def complete_phase_outs() -> int:
    """Beat, monthly: benefits whose phase-out period is over are stopped."""
    return services.phase_outs_complete()


@shared_task(acks_late=True)
def recompute_for_standard(job_id: int) -> None:
    job = job_claim(job_id)
    if job is None:
        return  # gone or already run (a redelivered message)
    standard = Standard.objects.filter(pk=job.params.get("standard_id")).first()
    if standard is None:
        job_finish(job, succeeded=False, errors=[{"row": 0, "column": "", "message": "standard not found"}])
        return
    counts = services.benefits_recompute_for_standard(actor=job.created_by, standard=standard)
    job_finish(job, succeeded=True, counts=counts)
