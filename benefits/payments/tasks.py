"""Celery tasks of the payments (registered through `benefits.tasks`): each takes IDs, re-fetches
and calls one service."""

import contextlib

from celery import shared_task
from django.db import DEFAULT_DB_ALIAS, connection, connections

from sunwu_relief.authz import system
from sunwu_relief.jobs import job_progress, job_run
from sunwu_relief.models import Job

from . import rules
from .services import payment_batch_prepare, payments_close_check, payments_close_check_run


class _ProgressReporter:
    """Writes a job's rows_done/rows_total while the preparation's transaction is still open.

    On PostgreSQL the preparation holds one transaction (and the batch's advisory lock) to the
    end, so progress written on its own connection would be seen only at the commit: it is
    written on a second connection, committed at once, for the admin page to poll. SQLite (one
    writer at a time) writes it in the transaction: there it shows at the end."""

    EVERY = 5000

    def __init__(self, job: Job) -> None:
        self.job, self.side, self.last = job, None, -1

    def __call__(self, done: int, total: int) -> None:
        if done != total and done - self.last < self.EVERY and self.last >= 0:
            return
        self.last = done
        if connection.vendor != "postgresql":
            job_progress(self.job, rows_done=done, rows_total=total)
            return
        if self.side is None:
            self.side = connections.create_connection(DEFAULT_DB_ALIAS)
        with self.side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Job._meta.db_table} SET rows_done = %s, rows_total = %s WHERE id = %s",  # noqa: S608
                [done, total, self.job.pk],
            )
        self.job.rows_done, self.job.rows_total = done, total

    def close(self) -> None:
        if self.side is not None:
            with contextlib.suppress(Exception):
                self.side.close()


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def prepare_payment_batch(job_id: int) -> None:
    """Prepare the job's batch (programme and month in its params) as the user who asked. Claimed
    once; a worker lost mid-way (its transaction rolled back) runs it again on the redelivered
    message (sunwu_relief.jobs.job_claim), and a batch already made is returned, not made twice."""

    def work(job: Job):
        month = rules.parse_month(job.params["month"])
        reporter = _ProgressReporter(job)
        try:
            batch, created = payment_batch_prepare(
                actor=job.created_by, programme=job.params["programme"], month=month, progress=reporter
            )
        finally:
            reporter.close()
        return {"batch": batch.pk, "number": batch.number, "created": created, "items": batch.item_count}, []

    job_run(job_id, work, rerun_if_lost=True)  # one transaction: a lost run left nothing


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def check_payment_close(job_id: int) -> None:
    """The month-end close check of a queued job (after an import, or asked by the bureau)."""
    payments_close_check_run(job_id=job_id)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def check_payment_close_nightly() -> int:
    """Beat, nightly: the month-end close check of every frozen batch; returns the differences."""
    job = payments_close_check(actor=system("task:check_payment_close_nightly"))
    return len(job.errors)
