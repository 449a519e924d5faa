from celery import shared_task

from sunwu_relief.authz import system
from sunwu_relief.jobs import job_part_run, job_run

from . import services
from .models import Standard
from .reviews.services import reviews_open_due_part, reviews_open_due_start


@shared_task(acks_late=True)
def complete_public_notices() -> int:
    """Beat, daily: cases whose notice period is over without open objection go to the county,
    and 特困 stops whose notice period is over are decided."""
    moved, _stops = services.public_notices_complete(actor=system("task:complete_public_notices"))
    return sum(moved.values())


@shared_task(acks_late=True)
def complete_phase_outs() -> int:
    """Beat, monthly: benefits whose phase-out period is over are stopped."""
    return services.phase_outs_complete(actor=system("task:complete_phase_outs"))


@shared_task(acks_late=True)
def run_reverification() -> int:
    """Beat, daily: open the re-verifications that fall due today (once each), one part per
    township run by the workers side by side (`reviews_open_due_start`). Returns the job."""
    return reviews_open_due_start(actor=system("task:run_reverification")).pk


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_reverification_part(job_id: int) -> None:
    """One township's part of the daily run; run again when its worker was lost (idempotent)."""
    job_part_run(job_id, lambda part: reviews_open_due_part(part, actor=system("task:run_reverification")))


@shared_task(acks_late=True)
def take_decisions_into_effect() -> int:
    """Beat, daily: each benefit's status becomes the one of its decision of the new month."""
    return services.benefits_take_effect(actor=system("task:take_decisions_into_effect"))


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def recompute_for_standard(job_id: int) -> None:
    """The re-statement for a changed standard, as the reviewer who changed it (the job's creator)."""

    def work(job):
        standard = Standard.objects.filter(pk=job.params.get("standard_id")).first()
        if standard is None:
            raise LookupError("standard not found")
        return services.benefits_recompute_for_standard(actor=job.created_by, standard=standard)

    job_run(job_id, work)


# The payments' tasks live beside their services; imported here so that workers register them.
from .payments.tasks import (  # noqa: E402, F401
    check_payment_close,
    check_payment_close_nightly,
    prepare_payment_batch,
)
from .statistics.tasks import statistics_report_part  # noqa: E402, F401
