"""Celery faults with real worker processes (docs/security.md): a worker killed (SIGKILL) in the
middle of a ledger import is replaced and the import runs exactly once, and so are a payment
batch's preparation (one batch, no benefit paid twice, the total right) and the ledger
reconciliation (one finding per discrepancy, the counts of one run, one job); a job that keeps killing
its worker is not retried forever; a malformed file fails fast and is not delivered again; a
broker that is down does not turn the request into a 500 — the job waits in the database, its
page says so, and it is sent when the broker is back.

The workers are separate processes (`celery worker --pool=solo`, tests/integration/worker_settings.py:
a visibility timeout of seconds), sharing the test database, on a queue of the test's own."""

import datetime
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from knox.models import AuthToken

from households.ids import check_code
from households.models import LedgerRecord
from households.services import ledger_import_submit
from households.services.ledger_import import PROGRESS_EVERY
from sunwu_relief import clock
from sunwu_relief.authz import system
from sunwu_relief.celery import app as celery_app
from sunwu_relief.jobs import jobs_requeue
from sunwu_relief.models import AuditEvent, Job
from tests.ledger_builders import ledger_row
from tests.prerequisites import prerequisite_missing

from .conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Rows of the import that is killed: the kill comes once the import's transaction holds the
# ledger's write lock, with most of the rows still to write. A kill at a fixed time after the claim
# (0.3 s, 3,000 rows) came after the commit on a quiet machine (while the worker ran the
# reconciliation the import queues: tasks are eager inside the worker) or, under load, before.
ROWS = 2 * PROGRESS_EVERY
DEAD_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connection refused at once


def _rows(count: int) -> list[dict]:
    rows = []
    for i in range(count):
        born = datetime.date(1950, 1, 1) + datetime.timedelta(days=i // 900)
        first17 = f"231124{born:%Y%m%d}{i % 900 + 1:03d}"
        rows.append(ledger_row(household_number=f"K{i:07d}", id_number=first17 + check_code(first17)))
    return rows


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Workers:
    """Start worker processes on the test's queue; kill or stop them."""

    def __init__(self, queue: str, folder: Path) -> None:
        self.queue, self.folder, self.processes = queue, folder, []

    def start(self, **env: str) -> subprocess.Popen:
        number = len(self.processes) + 1
        log = (self.folder / f"worker-{number}.log").open("wb")
        process = subprocess.Popen(  # noqa: S603  (our own fixed command line)
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "sunwu_relief",
                "worker",
                "--pool=solo",
                "-Q",
                self.queue,
                "-n",
                f"fault-{number}-{uuid.uuid4().hex[:6]}@%h",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "-l",
                "WARNING",
            ],
            cwd=settings.BASE_DIR,
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "tests.integration.worker_settings",
                "DATABASE_URL": _database_url(),
                "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
                **env,
            },
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        return process

    def kill(self, process: subprocess.Popen) -> None:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-3000:] for p in sorted(self.folder.glob("worker-*.log")))


@pytest.fixture
def workers(broker_url, tmp_path) -> Iterator[Workers]:
    if connection.vendor != "postgresql":
        prerequisite_missing("the worker processes share the test database: they need PostgreSQL (DATABASE_URL)")
    queue = f"sunwu-faults-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    previous = {name: celery_app.conf[name] for name in ("task_default_queue", "task_always_eager")}
    celery_app.conf.task_default_queue = queue
    celery_app.conf.task_always_eager = False
    pool = Workers(queue, tmp_path)
    try:
        yield pool
    finally:
        pool.stop_all()
        celery_app.conf.update(previous)
        with celery_app.connection_for_write() as conn:
            conn.default_channel.queue_delete(queue)


def _messages_left(queue: str) -> int:
    """Messages of `queue` still in the broker: waiting, or delivered and not acknowledged."""
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    unacked = 0
    for raw in client.hvals("unacked"):
        _payload, _exchange, routing_key = json.loads(raw)
        unacked += routing_key == queue
    return client.llen(queue) + unacked


def _job(job_id: int) -> Job:
    return Job.objects.get(pk=job_id)


def _ledger_being_written() -> bool:
    """Another session of this database holds the ledger table's write lock (an open transaction
    that has inserted or updated ledger rows)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
            " WHERE c.relname = %s AND l.mode = 'RowExclusiveLock' AND l.granted AND l.pid <> pg_backend_pid()"
            " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            [LedgerRecord._meta.db_table],
        )
        return cursor.fetchone() is not None


def _kill_mid_import(workers: Workers, job_id: int) -> None:
    # Inside the import's transaction: its first insert has taken the ledger table's write lock,
    # which it holds until it commits (a fixed sleep is too short on a loaded machine and too
    # long once the import is fast).
    _kill_when(workers, _ledger_being_written, "the first worker to write the ledger", settle=0)
    job = _job(job_id)
    assert job.status == Job.Status.RUNNING, f"the import ended before the kill ({job.status}): make ROWS larger"
    assert not LedgerRecord.objects.exists()  # the killed run's transaction never committed


def test_a_worker_killed_mid_import_is_replaced_and_the_import_runs_exactly_once(workers, poverty_office):
    started = time.monotonic()
    rows = _rows(ROWS)
    job = ledger_import_submit(actor=poverty_office, rows=rows)
    assert job.task == "households.tasks.run_ledger_import"

    _kill_mid_import(workers, job.pk)
    killed = time.monotonic()

    # The new worker gets the unacknowledged message again (acks_late, reject_on_worker_lost), finds
    # the job running with its claim's lock free (the killed worker's session ended) and runs it again.
    workers.start()
    wait_for(lambda: _job(job.pk).status != Job.Status.RUNNING, timeout=90, what="the second worker to finish")
    job = _job(job.pk)
    assert job.status == Job.Status.SUCCEEDED, (job.errors, workers.logs())
    assert job.attempts == 2
    assert job.counts["created"] == ROWS
    assert job.counts["updated"] == 0
    assert LedgerRecord.objects.count() == ROWS  # not doubled
    assert AuditEvent.objects.filter(action="ledger.import").count() == 1  # finished once
    # The import queued the reconciliation; let the worker finish it before the flush.
    wait_for(
        lambda: Job.objects.filter(kind="reconciliation", status__in=["succeeded", "failed"]).exists(),
        timeout=60,
        what="the reconciliation after the import",
    )
    wait_for(lambda: _messages_left(workers.queue) == 0, timeout=20, what="the message to be acknowledged")
    rerun = (job.finished - job.started).total_seconds()
    print(  # noqa: T201
        f"import of {ROWS} rows: killed after {killed - started:.1f} s, done {time.monotonic() - started:.1f} s"
        f" (the rerun itself {rerun:.1f} s)"
    )


def test_a_job_that_keeps_losing_its_worker_is_not_run_forever(workers, poverty_office):
    job = ledger_import_submit(actor=poverty_office, rows=_rows(ROWS))
    _kill_mid_import(workers, job.pk)
    # One run in all allowed: the redelivery finds its one run lost and fails the job for good.
    workers.start(SUNWU_JOB_MAX_ATTEMPTS="1")
    wait_for(lambda: _job(job.pk).status != Job.Status.RUNNING, timeout=60, what="the job to be failed")
    job = _job(job.pk)
    assert job.status == Job.Status.FAILED
    assert job.attempts == 1
    assert len(job.errors) == 1
    assert not LedgerRecord.objects.exists()
    wait_for(lambda: _messages_left(workers.queue) == 0, timeout=20, what="the message to be acknowledged")


def test_a_malformed_file_fails_fast_and_is_not_delivered_again(workers, poverty_office):
    started = time.monotonic()
    garbage = ContentFile("身份证号,姓名\n230000000000000000,张三\n".encode(), name="ledger.xlsx")  # a CSV renamed
    job = ledger_import_submit(actor=poverty_office, file=garbage)
    workers.start()
    wait_for(lambda: _job(job.pk).status == Job.Status.FAILED, timeout=60, what="the malformed import to fail")
    failed = time.monotonic()
    job = _job(job.pk)
    assert job.errors
    assert job.errors[0]["message"]
    wait_for(lambda: _messages_left(workers.queue) == 0, timeout=20, what="the message to be acknowledged")
    # Past the visibility timeout nothing comes back: the job ran once and stays failed.
    time.sleep(5)
    assert _messages_left(workers.queue) == 0
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.FAILED, 1)
    assert workers.processes[0].poll() is None  # the worker is still alive
    print(f"malformed file failed after {failed - started:.1f} s (worker start included)")  # noqa: T201


def _reset_broker_connections() -> None:
    """Forget the app's pools: the next message picks the pools of `broker_url` now (kombu keeps
    one pool per broker URL, so the real broker's pool is still there for afterwards)."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def broker_down() -> Iterator[None]:
    """The web process's broker URL points where nothing listens."""
    previous = {name: celery_app.conf[name] for name in ("broker_url", "broker_write_url")}
    celery_app.conf.update(broker_url=DEAD_BROKER, broker_write_url=DEAD_BROKER)
    _reset_broker_connections()
    try:
        yield
    finally:
        celery_app.conf.update(previous)
        _reset_broker_connections()


def test_a_broker_that_is_down_does_not_break_the_request_and_the_job_is_sent_later(
    workers, client, poverty_office, bureau_reviewer
):
    _instance, token = AuthToken.objects.create(user=poverty_office)
    with broker_down():
        started = time.monotonic()
        response = client.post(
            "/api/v1/ledger-imports/",
            {"rows": _rows(3), "replace": False},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {token}",
        )
        answered = time.monotonic() - started
        assert response.status_code == 202, response.content
        job = _job(response.json()["id"])
        assert job.status == Job.Status.PENDING
        assert job.queue_failed is not None

        # The bureau's page of a batch preparation says that it waits for the queue.
        client.force_login(bureau_reviewer)
        prepare = client.post(
            "/admin/benefits/paymentbatch/prepare/", {"programme": "dibao", "month": f"{clock.current_month():%Y-%m}"}
        )
        assert prepare.status_code == 302, prepare.content[:500]
        page = client.get(prepare["Location"])
        assert page.status_code == 200
        assert b'data-testid="job-queue-failed"' in page.content
        # Still down: the beat's requeue changes nothing and does not fail.
        assert jobs_requeue(actor=system("test")) == []

    # The broker is back: the beat's requeue sends both, and a worker runs them.
    sent = jobs_requeue(actor=system("test"))
    assert job.pk in sent
    assert len(sent) == 2
    workers.start()
    wait_for(lambda: _job(job.pk).status == Job.Status.SUCCEEDED, timeout=60, what="the import sent late")
    assert _job(job.pk).queue_failed is None
    assert LedgerRecord.objects.count() == 3
    wait_for(
        lambda: not Job.objects.filter(status__in=[Job.Status.PENDING, Job.Status.RUNNING]).exists(),
        timeout=60,
        what="every job to finish",
    )
    print(f"the API answered in {answered:.2f} s with the broker down")  # noqa: T201


# --- a batch preparation and a reconciliation, killed mid-way ----------------------------------

# Sizes that take a worker a few seconds (measured: see the commit), so that the kill lands inside.
BATCH_BENEFITS = 12_000
LEDGER_HOUSEHOLDS = 20_000


def _kill_when(workers: Workers, started: Callable[[], bool], what: str, *, settle: float = 0.3) -> None:
    """Start a worker, wait for `started()` (the work has begun), let it work `settle` seconds
    more, then kill the worker."""
    first = workers.start()
    wait_for(started, timeout=60, what=what)
    time.sleep(settle)
    workers.kill(first)


def test_a_worker_killed_while_preparing_a_batch_is_replaced_and_the_batch_is_prepared_once(workers, bureau_reviewer):
    from bench.bench_payments import populate
    from benefits.models import BenefitChange, PaymentBatch, PaymentItem
    from benefits.payments.services import payment_batch_prepare_start

    started = time.monotonic()
    month = datetime.date(2026, 1, 1)
    populate(BATCH_BENEFITS, 7, month)  # benefits, first decisions and payees, in bulk
    built = time.monotonic()
    job, existing = payment_batch_prepare_start(actor=bureau_reviewer, programme="dibao", month=month)
    assert existing is None
    assert job.task == "benefits.payments.tasks.prepare_payment_batch"

    # The preparation writes its progress (rows_total first) on a side connection once it reads the roll.
    # At once (settle=0): the preparation reads and writes its 12,000 items in well under a second
    # now (plain rows, one COPY); a kill that lands after its COMMIT was sent would find it done.
    _kill_when(
        workers, lambda: _job(job.pk).rows_total == BATCH_BENEFITS, "the first worker to start preparing", settle=0
    )
    job = _job(job.pk)
    assert job.status == Job.Status.RUNNING, (
        f"the preparation ended before the kill ({job.status}): raise BATCH_BENEFITS"
    )
    assert not PaymentBatch.objects.exists()  # the killed run's transaction never committed
    killed = time.monotonic()

    workers.start()
    wait_for(lambda: _job(job.pk).status != Job.Status.RUNNING, timeout=90, what="the second worker to finish")
    job = _job(job.pk)
    assert job.status == Job.Status.SUCCEEDED, (job.errors, workers.logs())
    assert job.attempts == 2
    batch = PaymentBatch.objects.get()
    assert (batch.programme, batch.month) == ("dibao", month)
    assert job.counts == {"batch": batch.pk, "number": batch.number, "created": True, "items": BATCH_BENEFITS}
    items = PaymentItem.objects.filter(batch=batch)
    assert items.count() == BATCH_BENEFITS == batch.item_count
    assert items.values("benefit_id").distinct().count() == BATCH_BENEFITS  # no benefit paid twice
    expected = sum(BenefitChange.objects.filter(kind="grant").values_list("new_amount", flat=True))
    assert batch.total == expected == sum(items.values_list("amount", flat=True))
    assert AuditEvent.objects.filter(action="payments.prepare").count() == 1  # prepared once
    wait_for(lambda: _messages_left(workers.queue) == 0, timeout=20, what="the message to be acknowledged")
    print(  # noqa: T201
        f"batch of {BATCH_BENEFITS}: built {built - started:.1f} s, killed after {killed - built:.1f} s,"
        f" done {time.monotonic() - built:.1f} s (the rerun itself {(job.finished - job.started).total_seconds():.1f} s)"
    )


def _ledger_of(count: int) -> None:
    """`count` one-person households of the ledger, still poor and on no roll of ours: each is one
    `not_covered` discrepancy. Written in bulk (the import's own kill is the test above)."""
    from households.models import Township

    townships = [(t.pk, t.villages.order_by("pk").first().pk) for t in Township.objects.order_by("code")]
    records = []
    for i in range(count):
        township_id, village_id = townships[i % len(townships)]
        born = datetime.date(1940, 1, 1) + datetime.timedelta(days=i // 900)
        first17 = f"231124{born:%Y%m%d}{i % 900 + 1:03d}"
        records.append(
            LedgerRecord(
                id_number=first17 + check_code(first17),
                name=f"台帐{i}",
                household_number=f"R{i:07d}",
                relationship="head",
                township_id=township_id,
                village_id=village_id,
                household_size=1,
                poverty_attribute="dibao",
                poverty_status="not_out",
            )
        )
    LedgerRecord.objects.bulk_create(records, batch_size=5000)


def test_a_worker_killed_mid_reconciliation_is_replaced_and_each_discrepancy_is_found_once(workers):
    from audits.models import Finding
    from audits.tasks import reconcile_ledger

    started = time.monotonic()
    _ledger_of(LEDGER_HOUSEHOLDS)
    built = time.monotonic()
    reconcile_ledger.delay()
    runs = Job.objects.filter(kind="reconciliation")
    _kill_when(workers, lambda: runs.filter(status=Job.Status.RUNNING).exists(), "the first worker to reconcile")
    assert runs.get().status == Job.Status.RUNNING, "the reconciliation ended before the kill: raise LEDGER_HOUSEHOLDS"
    assert not Finding.objects.exists()  # the killed run's transaction never committed
    killed = time.monotonic()

    workers.start()
    wait_for(lambda: not runs.filter(status=Job.Status.RUNNING).exists(), timeout=90, what="the rerun to finish")
    job = runs.get()  # the lost run taken over, not left running beside a new one
    assert job.status == Job.Status.SUCCEEDED, (job.errors, workers.logs())
    assert job.attempts == 2
    assert job.counts["new"] == {"not_covered": LEDGER_HOUSEHOLDS}
    assert job.counts["open"]["not_covered"] == LEDGER_HOUSEHOLDS
    assert Finding.objects.count() == LEDGER_HOUSEHOLDS
    assert Finding.objects.values("ledger_household_number").distinct().count() == LEDGER_HOUSEHOLDS  # one each
    assert AuditEvent.objects.filter(action="reconciliation.run").count() == 1  # recorded once
    wait_for(lambda: _messages_left(workers.queue) == 0, timeout=20, what="the message to be acknowledged")
    print(  # noqa: T201
        f"reconciliation of {LEDGER_HOUSEHOLDS}: built {built - started:.1f} s, killed after {killed - built:.1f} s,"
        f" done {time.monotonic() - built:.1f} s (the rerun itself {(job.finished - job.started).total_seconds():.1f} s)"
    )
