"""Ledger imports as jobs: the API's and the command's way in (a job record for every import,
claimed once by the task, finished once), and the beat's requeue of jobs left pending."""

import datetime
import json
import logging
from pathlib import Path
from typing import IO, Any

from django.core.files.base import ContentFile, File
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sunwu_relief.audit import record_event
from sunwu_relief.authz import require, system
from sunwu_relief.jobs import job_claim, job_create, job_enqueue, job_finish, job_send
from sunwu_relief.models import Job

from ..events import HouseholdEvent
from ..selectors import ledger_import_jobs
from .ledger_format import JOB_KIND, ImportResult, LedgerError
from .ledger_import import LEDGER_IMPORTERS, ledger_import_rows, ledger_import_xlsx

STUCK_AFTER = datetime.timedelta(minutes=15)
RUN_TASK = "households.tasks.run_ledger_import"

logger = logging.getLogger(__name__)


@transaction.atomic
def ledger_import_submit(
    *, actor, file: IO[bytes] | None = None, rows: list[dict[str, Any]] | None = None, replace: bool = False
) -> Job:
    """Record a ledger import job (in the caller's transaction) and queue it once committed."""
    require(actor, roles=LEDGER_IMPORTERS)
    job = job_create(
        kind=JOB_KIND, actor=actor, params={"replace": replace, "source": "json" if file is None else "xlsx"}
    )
    if file is not None:
        job.input_file.save(f"ledger-{job.pk}.xlsx", file if isinstance(file, File) else File(file), save=False)
    else:
        job.rows_total = len(rows or [])
        job.input_file.save(
            f"ledger-{job.pk}.json", ContentFile(json.dumps(rows or [], ensure_ascii=False).encode()), save=False
        )
    job.save(update_fields=["input_file", "rows_total"])
    record_event(
        actor=actor, action=HouseholdEvent.LEDGER_IMPORT_SUBMIT, obj=job, source=job.params["source"], replace=replace
    )
    job_enqueue(job, RUN_TASK)
    return job


def ledger_import_file(*, actor, path: Path, replace: bool = False, dry_run: bool = False) -> ImportResult:
    """An operator's import of an xlsx file (`import_ledger`). A real one is recorded as a job, like
    an import through the API (the history of every import in one place), and run here at once;
    a dry run checks and counts, and writes nothing (no job either)."""
    if dry_run:
        return ledger_import_xlsx(path, actor=actor, replace=replace, dry_run=True)
    require(actor, roles=LEDGER_IMPORTERS)
    job = job_create(kind=JOB_KIND, actor=actor, params={"source": "xlsx", "replace": replace, "command": path.name})
    job = job_claim(job.pk)
    result = ledger_import_xlsx(path, actor=actor, replace=replace, job_id=job.pk)
    job.rows_total = job.rows_done = result.rows_total
    job_finish(job, succeeded=result.succeeded, counts=result.counts, errors=result.error_dicts())
    return result


def ledger_import_job_run(*, job_id: int) -> Job | None:
    """The task's body: claim, import, finish. None when the job is gone or already claimed."""
    # One transaction (all or nothing): a run whose worker was lost left nothing, so it runs again.
    job = job_claim(job_id, rerun_if_lost=True)
    if job is None:
        return None
    # The person who submitted it imports (their name in the audit trail).
    actor = job.created_by or system("task:run_ledger_import")
    progress = _JobProgress(job)
    replace = bool(job.params.get("replace"))
    try:
        with job.input_file.open("rb") as handle:
            if job.params.get("source") == "json":
                result = ledger_import_rows(
                    _json_rows(handle), actor=actor, replace=replace, progress=progress, job_id=job.pk
                )
            else:
                result = ledger_import_xlsx(handle, actor=actor, replace=replace, progress=progress, job_id=job.pk)
    except Exception:
        # Not retried: a file that broke the import once breaks it again. The job says so.
        logger.exception("ledger import job %s failed", job.pk)
        job.rows_done = progress.done
        return job_finish(
            job,
            succeeded=False,
            errors=[LedgerError(None, None, _("The import failed unexpectedly; nothing was written.")).as_dict()],
        )
    finally:
        progress.close()
    job.rows_total = result.rows_total
    job.rows_done = result.rows_total
    return job_finish(job, succeeded=result.succeeded, counts=result.counts, errors=result.error_dicts())


def _json_rows(handle: IO[bytes]) -> list[dict[str, Any]]:
    rows = json.load(handle)
    return rows if isinstance(rows, list) else []


class _JobProgress:
    """rows_done, written where the API can see it while the import's transaction is still open.

    On PostgreSQL that is a second connection (autocommit); SQLite has one writer at a time, so
    there the number is written in the import's transaction and shows at the end."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.done = 0
        self.side = connections.create_connection(DEFAULT_DB_ALIAS) if connection.vendor == "postgresql" else None

    def __call__(self, done: int) -> None:
        self.done = done
        table = Job._meta.db_table
        if self.side is not None:
            with self.side.cursor() as cursor:
                cursor.execute(f"UPDATE {table} SET rows_done = %s WHERE id = %s", [done, self.job.pk])  # noqa: S608
        else:
            Job.objects.filter(pk=self.job.pk).update(rows_done=done)

    def close(self) -> None:
        if self.side is not None:
            self.side.close()


def ledger_imports_requeue_stuck(*, older_than: datetime.timedelta = STUCK_AFTER) -> list[int]:
    """Queue again the imports still pending after a while (the broker was down when they were
    submitted, or the message was lost). Claiming makes a duplicate delivery harmless."""
    stuck = list(
        ledger_import_jobs()
        .filter(status=Job.Status.PENDING, created__lt=timezone.now() - older_than)
        .values_list("pk", flat=True)
    )
    # Outside any transaction (the beat's task): the jobs are committed, so queue them now.
    for job_id in stuck:
        job_send(job_id, RUN_TASK)  # a broker still down marks the job and raises nothing
    return stuck
