"""Audit work as Celery tasks: reconciliation after every successful ledger import and nightly
(beat), the spot-check draw nightly. Each calls one service as the system."""

from celery import shared_task

from sunwu_relief.authz import system

from .services import reconciliation_job_run, spot_check_draw


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def reconcile_ledger() -> int | None:
    """Run the reconciliation under a job record; idempotent (a second run finds nothing new)."""
    job = reconciliation_job_run(actor=system("task:reconcile_ledger"))
    return job.pk if job else None


def queue_reconciliation() -> None:
    """Registered with households.ledger: runs once a ledger import has committed."""
    reconcile_ledger.delay()


@shared_task(acks_late=True, ignore_result=True)
def draw_spot_checks() -> int | None:
    """Beat, nightly: draw the spot-check sample over the cases that reached county review."""
    batch = spot_check_draw(actor=system("task:draw_spot_checks"))
    return batch.pk if batch else None


# The nightly integrity checks (docs/integrity.md) live with the integrity work.
from .integrity.tasks import run_integrity_checks  # noqa: E402, F401
