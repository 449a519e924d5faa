"""Jobs survive a broker that is down and a worker that is lost (sunwu_relief.jobs; the real
worker processes are in tests/integration/test_task_faults.py)."""

import datetime

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from kombu.exceptions import OperationalError

from sunwu_relief import jobs
from sunwu_relief.authz import system
from sunwu_relief.celery import app as celery_app
from sunwu_relief.errors import NotAllowed
from sunwu_relief.jobs import job_claim, job_create, job_finish, job_send, jobs_requeue
from sunwu_relief.models import Job

pytestmark = pytest.mark.django_db

OUR_APPS = ("sunwu_relief.", "households.", "assessments.", "benefits.", "audits.")


class _Unreachable:
    """A task whose broker is down: `.delay()` raises what kombu raises then."""

    app = celery_app
    name = "tests.unreachable"
    calls = 0

    def delay(self, *args):
        type(self).calls += 1
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


class _Reachable:
    app = celery_app
    name = "tests.reachable"
    sent: list[int] = []

    def delay(self, job_id):
        self.sent.append(job_id)


@pytest.fixture
def not_eager():
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = previous


def test_a_broker_that_is_down_leaves_the_job_pending_and_says_so(not_eager):
    job = job_create(kind="test.job", actor=None)
    assert job_send(job.pk, _Unreachable()) is False
    job.refresh_from_db()
    assert job.status == Job.Status.PENDING
    assert job.queue_failed is not None


def test_the_beat_sends_again_what_could_not_be_sent_and_clears_the_mark(not_eager, monkeypatch):
    waiting = job_create(kind="test.job", actor=None, task="tests.reachable", queue_failed=timezone.now())
    fresh = job_create(kind="test.job", actor=None, task="tests.reachable")  # sent a moment ago
    lost = job_create(
        kind="test.job", actor=None, task="tests.reachable", created=timezone.now() - datetime.timedelta(hours=1)
    )
    no_task = job_create(kind="test.job", actor=None, queue_failed=timezone.now())  # not ours to send
    monkeypatch.setattr(jobs, "_task", lambda task: _Reachable())
    _Reachable.sent = []

    assert jobs_requeue(actor=system("test")) == [waiting.pk, lost.pk]
    assert _Reachable.sent == [waiting.pk, lost.pk]
    waiting.refresh_from_db()
    assert waiting.queue_failed is None
    assert fresh.pk not in _Reachable.sent
    assert no_task.pk not in _Reachable.sent


def test_while_the_broker_is_down_the_beat_keeps_the_jobs(not_eager, monkeypatch):
    job = job_create(kind="test.job", actor=None, task="tests.unreachable", queue_failed=timezone.now())
    monkeypatch.setattr(jobs, "_task", lambda task: _Unreachable())
    assert jobs_requeue(actor=system("test")) == []
    job.refresh_from_db()
    assert job.status == Job.Status.PENDING
    assert job.queue_failed is not None


def test_only_the_system_requeues(bureau_reviewer):
    with pytest.raises(NotAllowed):
        jobs_requeue(actor=bureau_reviewer)


def test_a_claim_counts_the_run_and_a_second_claim_gets_nothing():
    job = job_create(kind="test.job", actor=None)
    claimed = job_claim(job.pk)
    assert claimed.attempts == 1
    assert job_claim(job.pk) is None
    job_finish(claimed, succeeded=True)
    assert job_claim(job.pk) is None


@override_settings(CELERY_TASK_ALWAYS_EAGER=False)
def test_every_task_of_ours_is_acknowledged_late_and_given_back_when_its_worker_is_lost():
    """acks_late: a message is acknowledged after the task, so a worker killed mid-way leaves it
    to be delivered again; reject_on_worker_lost: the pool gives it back when its child dies.
    Safe because every job task claims its job once (sunwu_relief.jobs.job_claim) and the beat
    tasks' services are idempotent."""
    celery_app.loader.import_default_modules()
    ours = {name: task for name, task in celery_app.tasks.items() if name.startswith(OUR_APPS)}
    assert "benefits.payments.tasks.prepare_payment_batch" in ours
    assert "sunwu_relief.tasks.requeue_pending_jobs" in ours
    late = {name for name, task in ours.items() if not task.acks_late}
    lost = {name for name, task in ours.items() if not task.reject_on_worker_lost}
    assert late == set()
    assert lost == set()


def test_the_requeue_runs_every_five_minutes(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["requeue-pending-jobs"]
    assert entry["task"] == "sunwu_relief.tasks.requeue_pending_jobs"


def _orphan(**fields) -> Job:
    """A job left `running` by a worker that died: claimed, and its session (the claim's lock) gone."""
    job = job_create(kind="test.job", actor=None, **fields)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, attempts=1, started=timezone.now())
    return job


def test_the_beat_hands_an_orphaned_job_back_instead_of_waiting_hours_for_the_broker(not_eager, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("only PostgreSQL's session locks tell a dead worker (CI runs this on PostgreSQL)")
    resent = _orphan(task="tests.reachable")
    nightly = _orphan()  # a nightly run's own job: no task to send
    monkeypatch.setattr(jobs, "_task", lambda task: _Reachable())
    _Reachable.sent = []

    assert jobs_requeue(actor=system("test")) == [resent.pk]
    assert _Reachable.sent == [resent.pk]
    resent.refresh_from_db()
    assert resent.status == Job.Status.RUNNING  # the new delivery reruns or fails it (job_claim)
    nightly.refresh_from_db()
    assert nightly.status == Job.Status.FAILED
    assert nightly.errors[0]["message"]


def test_a_job_whose_claim_is_alive_is_left_alone(not_eager, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("only PostgreSQL's session locks tell a dead worker (CI runs this on PostgreSQL)")
    job = job_create(kind="test.job", actor=None, task="tests.reachable")
    claimed = job_claim(job.pk)  # this session is its (live) worker
    monkeypatch.setattr(jobs, "_task", lambda task: _Reachable())
    _Reachable.sent = []
    assert jobs_requeue(actor=system("test")) == []
    job_finish(claimed, succeeded=True)
