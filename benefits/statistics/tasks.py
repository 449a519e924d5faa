"""The statistics report's task (registered through `benefits.tasks`): one township's part."""

from celery import shared_task

from sunwu_relief.jobs import job_part_run

from .services import statistics_report_part as part_work


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def statistics_report_part(job_id: int) -> None:
    """One township's row of a split report; it only reads, so a lost run simply runs again."""
    job_part_run(job_id, part_work)
