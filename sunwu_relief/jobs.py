"""The life of a job record: created with the request, claimed once by a task, finished once."""

import datetime
import importlib
import logging
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .audit import record_event
from .authz import require
from .events import BaseEvent
from .models import Job

logger = logging.getLogger(__name__)


def job_create(*, kind: str, actor, params: dict | None = None, township_id: int | None = None, **fields) -> Job:
    return Job.objects.create(
        kind=kind,
        created_by=actor if getattr(actor, "pk", None) else None,
        params=params or {},
        township_id=township_id,
        **fields,
    )


def job_enqueue(job: Job, task: "Callable | str") -> None:
    """Queue the task once the job row is committed (a rolled-back request queues nothing).

    `task` is best given by name (`"households.tasks.run_ledger_import"`): a service then never
    imports its tasks module, and tasks (which call services) never form a cycle with it."""
    transaction.on_commit(lambda: enqueue_task(task, job.pk))


def enqueue_task(task: "Callable | str", *args: object) -> None:
    """Queue a Celery task now, by name or by the task itself (eager in tests and the demo).
    From a service, call it inside `transaction.on_commit`."""
    if isinstance(task, str):
        # The task's module registers it on import; the name says which module that is.
        module, _dot, function = task.rpartition(".")
        task = getattr(importlib.import_module(module), function)
    task.delay(*args)


def job_claim(job_id: int) -> Job | None:
    """pending → running, exactly once; None when gone or already claimed (a redelivery)."""
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.PENDING).update(
        status=Job.Status.RUNNING, started=timezone.now()
    )
    return Job.objects.get(pk=job_id) if claimed == 1 else None


def job_progress(job: Job, *, rows_done: int, rows_total: int | None = None) -> None:
    job.rows_done = rows_done
    fields = ["rows_done"]
    if rows_total is not None:
        job.rows_total = rows_total
        fields.append("rows_total")
    Job.objects.filter(pk=job.pk).update(**{name: getattr(job, name) for name in fields})


def job_finish(job: Job, *, succeeded: bool, counts: dict | None = None, errors: list | None = None) -> Job:
    job.status = Job.Status.SUCCEEDED if succeeded else Job.Status.FAILED
    job.counts = counts or {}
    job.errors = errors or []
    job.finished = timezone.now()
    job.save(update_fields=["status", "counts", "errors", "finished", "rows_done", "rows_total"])
    return job


def job_run(job_id: int, work: Callable[[Job], tuple[dict, list]]) -> Job | None:
    """Claim the job, run `work(job)` → (counts, row errors) and finish it: succeeded, or failed
    with its reason when `work` raises — a job never stays `running` because its task broke."""
    job = job_claim(job_id)
    if job is None:
        return None  # gone or already run (a redelivered message)
    try:
        counts, errors = work(job)
    except Exception as exc:  # noqa: BLE001  (any failure ends the job, with its reason)
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        return job_finish(
            job, succeeded=False, errors=[{"row": None, "column": None, "message": f"{type(exc).__name__}: {exc}"}]
        )
    return job_finish(job, succeeded=True, counts=counts, errors=errors)


def job_files_purge(*, actor, now: datetime.datetime | None = None) -> int:
    """Delete the input and result files of every job that finished more than
    `SUNWU_UPLOAD_RETENTION_DAYS` ago: they hold full ID numbers and are needed only while the
    import can be checked. The job's record stays (kind, who, when, counts, errors) and says
    when its files went (`params["files_purged"]`). Running it again changes nothing.
    Only the system purges (the nightly task, the `purge_job_files` command).
    Returns how many jobs lost their files."""
    require(actor, roles=())
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.SUNWU_UPLOAD_RETENTION_DAYS)
    expired = Job.objects.filter(finished__lt=cutoff).filter(~Q(input_file="") | ~Q(result_file="")).order_by("pk")
    purged = 0
    for job in expired.iterator():
        names = [f.name for f in (job.input_file, job.result_file) if f]
        for field in (job.input_file, job.result_file):
            if field:
                field.storage.delete(field.name)  # a file already gone is no error
        job.input_file = ""
        job.result_file = ""
        job.params = {**job.params, "files_purged": timezone.now().isoformat()}
        job.save(update_fields=["input_file", "result_file", "params"])
        record_event(actor=actor, action=BaseEvent.JOB_FILES_PURGE, obj=job, files=names)
        purged += 1
    return purged
