from celery import shared_task

from sunwu_relief.authz import system

from .services import ledger_import_job_run, ledger_imports_requeue_stuck, members_refresh_initials


@shared_task(acks_late=True)
def refresh_name_initials(township_id: int | None = None) -> int:
    """Recompute members' pinyin initials (after the surname override map changes)."""
    return members_refresh_initials(actor=system("task:refresh_name_initials"), township_id=township_id)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_ledger_import(job_id: int) -> None:
    """Run a ledger import job: claimed once (a redelivered message finds it claimed and stops);
    a bad file fails the job and is not retried."""
    ledger_import_job_run(job_id=job_id)


@shared_task(acks_late=True, ignore_result=True)
def requeue_stuck_ledger_imports() -> list[int]:
    """Beat, every 15 minutes: ledger imports still pending are queued again."""
    return ledger_imports_requeue_stuck()
