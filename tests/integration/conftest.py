"""A real Celery worker over the real broker, sharing the test database.

Fixture
    ``celery_worker``
        Starts ``celery.contrib.testing.worker.start_worker`` (solo pool, in a thread of this
        process) on a queue of its own, and points ``.delay()`` at that queue for the duration of
        the test (with eager execution off even if the rest of the suite runs tasks eagerly), so
        that neither stale messages in the broker nor a concurrent test run on the same Redis can
        steal or feed its tasks. The test is transactional (the worker's database
        connection must see committed rows) with *serialized rollback*, so the townships and
        villages written by migrations are present.

Every test collected under ``tests/integration/`` is marked ``integration`` automatically. They
need ``CELERY_BROKER_URL`` pointing at a reachable broker: without it they skip on a developer's
machine and FAIL on CI (``CI=true``), where they must run.
"""

import os
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings

from sunwu_relief.celery import app as celery_app
from tests.prerequisites import mark_folder, prerequisite_missing

INTEGRATION_DIR = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    mark_folder(items, INTEGRATION_DIR, pytest.mark.integration)


def wait_for(condition: Callable[[], bool], *, timeout: float = 20.0, what: str = "the task's effect") -> None:
    """Poll until `condition()` is true; the worker runs in another thread and commits on its own."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)


@pytest.fixture
def broker_url() -> str:
    if not settings.CELERY_BROKER_URL:
        prerequisite_missing("CELERY_BROKER_URL is not set: no broker for a real Celery worker")
    try:
        with celery_app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=2, interval_start=0.2, timeout=3)
    except Exception as exc:  # noqa: BLE001  (any failure means the broker is not usable)
        prerequisite_missing(f"the broker at CELERY_BROKER_URL does not answer: {exc}")
    return settings.CELERY_BROKER_URL


@pytest.fixture
def celery_worker(broker_url, transactional_db, django_db_serialized_rollback) -> Iterator[object]:
    from celery.contrib.testing.worker import start_worker

    queue = f"sunwu-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    previous = {
        name: celery_app.conf[name] for name in ("task_default_queue", "task_always_eager", "worker_hijack_root_logger")
    }
    celery_app.conf.task_default_queue = queue
    celery_app.conf.task_always_eager = False  # the rest of the suite may run tasks eagerly; these go to the broker
    celery_app.conf.worker_hijack_root_logger = False  # keep pytest's log capture
    try:
        with start_worker(
            celery_app,
            pool="solo",
            concurrency=1,
            perform_ping_check=False,  # the ping needs a result backend; our tasks report through the database
            shutdown_timeout=15,
            queues=[queue],
            loglevel="WARNING",
        ) as worker:
            yield worker
    finally:
        celery_app.conf.update(previous)
        with celery_app.connection_for_write() as connection:
            connection.default_channel.queue_delete(queue)
