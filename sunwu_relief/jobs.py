"""The life of a job record: created with the request, claimed once by a task, finished once."""

import datetime
import importlib
import logging
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError

from .audit import record_event
from .authz import require
from .events import BaseEvent
from .locks import LockKey, session_lock_try, session_unlock
from .models import Job

logger = logging.getLogger(__name__)
# What sending a message raises when the broker is down or unreachable (kombu wraps most of them).
BROKER_ERRORS = (OperationalError, ConnectionError, OSError)
# A job pending this long was most likely never delivered: jobs_requeue sends it again.
STUCK_AFTER = datetime.timedelta(minutes=15)


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
    imports its tasks module, and tasks (which call services) never form a cycle with it. The
    name is kept on the job: when the broker cannot be reached the request still succeeds, the
    job stays pending with `queue_failed` set (its page says so), and `jobs_requeue` (beat, every
    few minutes) sends it when the broker is back."""
    name = task if isinstance(task, str) else task.name
    job.task = name
    Job.objects.filter(pk=job.pk).update(task=name)
    transaction.on_commit(lambda: job_send(job.pk, name))


def job_send(job_id: int, task: "Callable | str") -> bool:
    """Send the job's message now; False (and the job marked `queue_failed`) when the broker
    cannot be reached. Never raises for a broker that is down: the job is safe in the database.
    (Eager tasks, the tests and the demo, run here and now: their own errors are theirs.)"""
    task = _task(task)
    if task.app.conf.task_always_eager:
        task.delay(job_id)
        return True
    try:
        task.delay(job_id)
    except BROKER_ERRORS as exc:
        logger.warning("job %s: the broker cannot be reached (%s); it stays pending and is sent later", job_id, exc)
        Job.objects.filter(pk=job_id, status=Job.Status.PENDING).update(queue_failed=timezone.now())
        return False
    Job.objects.filter(pk=job_id, queue_failed__isnull=False).update(queue_failed=None)
    return True


def jobs_requeue(*, actor, stuck_after: datetime.timedelta = STUCK_AFTER) -> list[int]:
    """Send again the pending jobs whose message could not be sent (the broker was down), and
    those pending for longer than `stuck_after` (a lost message). A duplicate is harmless: a job
    is claimed once. Only the system (the beat task). Returns the jobs sent."""
    require(actor, roles=())
    waiting = (
        Job.objects.filter(status=Job.Status.PENDING)
        .exclude(task="")
        .filter(Q(queue_failed__isnull=False) | Q(created__lt=timezone.now() - stuck_after))
        .order_by("pk")
        .values_list("pk", "task")
    )
    sent = [job_id for job_id, task in waiting if job_send(job_id, task)]
    return sent + jobs_recover_orphans(actor=actor)


def jobs_recover_orphans(*, actor) -> list[int]:
    """Running jobs whose worker is gone (PostgreSQL: nobody holds the claim's lock). The broker
    would deliver their message again only after its visibility timeout (hours); a job with a
    task is sent again now, and the new delivery reruns or fails it (`job_claim`); one without
    (a nightly run's own job, an operator's command) is failed with the reason. Returns the jobs
    sent again. Nothing on SQLite, which cannot tell."""
    require(actor, roles=())
    # A split job holds no lock of its own (its parts do): it is settled, in case the worker that
    # finished its last part stopped before it could (job_parts_settle is idempotent).
    for parent_id in (
        Job.objects.filter(status=Job.Status.RUNNING, parts__isnull=False).distinct().values_list("pk", flat=True)
    ):
        job_parts_settle(parent_id)
    sent = []
    running = Job.objects.filter(status=Job.Status.RUNNING, parts__isnull=True)
    for job_id in running.order_by("pk").values_list("pk", flat=True):
        if session_lock_try(LockKey.JOB_CLAIM, job_id) is not True:
            continue  # a live worker runs it (or SQLite, or this session runs it)
        job = running.filter(pk=job_id).first()
        if job is not None and job.task:
            session_unlock(LockKey.JOB_CLAIM, job_id)  # for the delivery to take
            if job_send(job_id, job.task):
                sent.append(job_id)
        elif job is not None:
            _job_after_lost_worker(job, rerun=False)
        else:
            session_unlock(LockKey.JOB_CLAIM, job_id)
    return sent


def enqueue_task(task: "Callable | str", *args: object) -> None:
    """Queue a Celery task now, by name or by the task itself (eager in tests and the demo).
    From a service, call it inside `transaction.on_commit`. Raises one of `BROKER_ERRORS` when the
    broker cannot be reached (`job_send` catches them)."""
    _task(task).delay(*args)


def _task(task: "Callable | str"):
    if isinstance(task, str):
        # The task's module registers it on import; the name says which module that is.
        module, _dot, function = task.rpartition(".")
        task = getattr(importlib.import_module(module), function)
    return task


def job_claim(job_id: int, *, rerun_if_lost: bool = False) -> Job | None:
    """pending → running, exactly once; None when gone, finished, or being run by a live worker
    (a redelivered message, a second worker).

    On PostgreSQL the claimer also holds a session lock on the job (`LockKey.JOB_CLAIM`) until
    `job_finish`: the database releases it when the worker's connection ends, also when the worker
    is killed (SIGKILL, out of memory, machine down). A job found `running` whose lock is free has
    lost its worker, and the redelivered message (acks_late, reject_on_worker_lost) decides:
    work done in one transaction (`rerun_if_lost`: an import, a batch preparation) was rolled back
    with the lost run and runs again, up to `SUNWU_JOB_MAX_ATTEMPTS` runs in all, then fails
    (a job that kills its worker is not retried forever); other work (several transactions, part
    of it kept) fails at once with that reason, for a person to start again. Either way the job is
    finished once. (SQLite, the demo's eager mode: running means claimed.)"""
    locked = session_lock_try(LockKey.JOB_CLAIM, job_id)
    if locked is False:
        return None  # a live worker holds it
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.PENDING).update(
        status=Job.Status.RUNNING, started=timezone.now(), attempts=F("attempts") + 1
    )
    if claimed == 1:
        return Job.objects.get(pk=job_id)
    if locked is None:
        return None  # SQLite (cannot tell a lost worker), or this session runs it already
    job = Job.objects.filter(pk=job_id, status=Job.Status.RUNNING).first()
    if job is None:  # gone or finished
        session_unlock(LockKey.JOB_CLAIM, job_id)
        return None
    return _job_after_lost_worker(job, rerun=rerun_if_lost)


def _job_after_lost_worker(job: Job, *, rerun: bool) -> Job | None:
    """A running job whose worker was lost (its lock is ours now): run it again, or fail it."""
    if rerun and job.attempts < settings.SUNWU_JOB_MAX_ATTEMPTS:
        Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
            attempts=F("attempts") + 1, started=timezone.now(), rows_done=0
        )
        logger.warning("job %s (%s) lost its worker: running it again", job.pk, job.kind)
        return Job.objects.get(pk=job.pk)
    if rerun:
        message = _("The worker running this job stopped %(count)d times; it is not tried again.") % {
            "count": job.attempts
        }
    else:
        message = _("The worker running this job stopped before it finished; start it again.")
    logger.error("job %s (%s) lost its worker (%s runs): failed", job.pk, job.kind, job.attempts)
    job_finish(job, succeeded=False, errors=[{"row": None, "column": None, "message": message}])
    return None


def job_progress(job: Job, *, rows_done: int, rows_total: int | None = None) -> None:
    job.rows_done = rows_done
    fields = ["rows_done"]
    if rows_total is not None:
        job.rows_total = rows_total
        fields.append("rows_total")
    Job.objects.filter(pk=job.pk).update(**{name: getattr(job, name) for name in fields})


def job_finish(job: Job, *, succeeded: bool, counts: dict | None = None, errors: list | None = None) -> Job:
    """running → succeeded or failed, and the claim's lock released."""
    job.status = Job.Status.SUCCEEDED if succeeded else Job.Status.FAILED
    job.counts = counts or {}
    job.errors = errors or []
    job.finished = timezone.now()
    job.save(update_fields=["status", "counts", "errors", "finished", "rows_done", "rows_total"])
    # At once, not at a commit: tasks finish outside a transaction; the suite's eager tasks finish
    # inside its test transaction, which never commits, and would pile up locks.
    session_unlock(LockKey.JOB_CLAIM, job.pk)
    return job


def job_run(job_id: int, work: Callable[[Job], tuple[dict, list]], *, rerun_if_lost: bool = False) -> Job | None:
    """Claim the job, run `work(job)` → (counts, row errors) and finish it: succeeded, or failed
    with its reason when `work` raises — a job never stays `running` because its task broke.
    `rerun_if_lost`: `work` is one transaction (see `job_claim`)."""
    job = job_claim(job_id, rerun_if_lost=rerun_if_lost)
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


def job_fan_out(
    *, kind: str, actor, township_ids: list[int], part_task: str, params: dict | None = None, combine: str = ""
) -> Job:
    """A job split by township: the parent, running at once (it is the sum of its parts and has
    nothing to claim), and one part per township, each a job of its own (pending, its township
    set), sent to `part_task` once committed, claimed once by whichever worker takes it.

    Everything lives in the database, not in the broker (no chord, no result backend): a part
    whose message is lost is sent again by `jobs_requeue`, one whose worker was killed is claimed
    again (`job_claim`); the parent is finished by the part that finishes last (`job_parts_settle`),
    or by `jobs_recover_orphans` when that part's worker stopped in between. `combine` names a
    function `(parent, parts) -> (counts, errors)` of the succeeded parts; without it their counts
    are summed. Eager tasks (no broker) run the parts here, one after the other."""
    params = params or {}
    now = timezone.now()
    with transaction.atomic():
        parent = job_create(
            kind=kind,
            actor=actor,
            params={**params, "combine": combine} if combine else params,
            status=Job.Status.RUNNING,
            started=now,
            attempts=1,
            rows_total=len(township_ids),
        )
        parts = Job.objects.bulk_create(
            Job(kind=kind, parent=parent, created_by=parent.created_by, township_id=pk, params=params, task=part_task)
            for pk in township_ids
        )
        for part in parts:
            transaction.on_commit(lambda pk=part.pk: job_send(pk, part_task))
        if not parts:
            job_finish(parent, succeeded=True)
    parent.refresh_from_db()
    return parent


def job_part_run(part_id: int, work: Callable[[Job], tuple[dict, list]], *, rerun_if_lost: bool = True) -> Job | None:
    """`job_run` for a part of a split job, then its parent settled. A part must be idempotent
    (run again after a lost worker, it finds its own work done): hence `rerun_if_lost`. A part
    already finished does nothing (a redelivered message)."""
    job = job_run(part_id, work, rerun_if_lost=rerun_if_lost)
    parent_id = Job.objects.filter(pk=part_id).values_list("parent_id", flat=True).first()
    if parent_id is not None:
        job_parts_settle(parent_id)
    return job


def job_parts_settle(parent_id: int) -> Job | None:
    """Finish a split job once all its parts have: succeeded with its parts' counts summed (or
    combined), or failed with every part's errors, each naming its township. Until then its
    progress is the parts finished. Idempotent, and once: the parent's row is locked, and a
    parent already finished is left as it is. Returns the parent when this call finished it."""
    finished = (Job.Status.SUCCEEDED, Job.Status.FAILED)
    with transaction.atomic():
        parent = Job.objects.select_for_update().filter(pk=parent_id, status=Job.Status.RUNNING).first()
        if parent is None:
            return None
        parts = list(parent.parts.order_by("township_id", "pk"))
        done = sum(part.status in finished for part in parts)
        parent.rows_done, parent.rows_total = done, len(parts)
        if done < len(parts):
            Job.objects.filter(pk=parent.pk).update(rows_done=done, rows_total=len(parts))
            return None
        errors = [{**error, "township_id": part.township_id} for part in parts for error in part.errors]
        if any(part.status == Job.Status.FAILED for part in parts):
            return job_finish(parent, succeeded=False, counts=job_counts_sum(parts), errors=errors)
        combine = parent.params.get("combine")
        try:
            with transaction.atomic():
                counts, more = _task(combine)(parent, parts) if combine else (job_counts_sum(parts), [])
        except Exception as exc:  # noqa: BLE001  (the parent ends, with its reason)
            logger.exception("job %s (%s): combining its parts failed", parent.pk, parent.kind)
            more = [{"row": None, "column": None, "message": f"{type(exc).__name__}: {exc}"}]
            return job_finish(parent, succeeded=False, counts=job_counts_sum(parts), errors=errors + more)
        return job_finish(parent, succeeded=True, counts=counts, errors=errors + more)


def job_counts_sum(parts: list[Job]) -> dict:
    """The succeeded parts' counts added up: numbers summed, dictionaries merged key by key."""

    def add(into: dict, counts: dict) -> dict:
        for key, value in counts.items():
            if isinstance(value, dict):
                into[key] = add(into.get(key) or {}, value)
            elif isinstance(value, int | float) and not isinstance(value, bool):
                into[key] = into.get(key, 0) + value
            else:
                into.setdefault(key, value)
        return into

    total: dict = {}
    for part in parts:
        if part.status == Job.Status.SUCCEEDED:
            add(total, part.counts)
    return total


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
