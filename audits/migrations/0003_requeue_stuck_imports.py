"""Beat: queue again the ledger imports left pending (docs/security.md, Celery faults: broker down)."""

from django.db import migrations

NAME = "Re-queue stuck ledger imports"


def register(apps, schema_editor) -> None:
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every, _ = IntervalSchedule.objects.get_or_create(every=15, period="minutes")
    PeriodicTask.objects.update_or_create(
        name=NAME,
        defaults={"task": "households.tasks.requeue_stuck_ledger_imports", "interval": every, "enabled": True},
    )


def unregister(apps, schema_editor) -> None:
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("audits", "0002_nightly_reconciliation")]

    operations = [migrations.RunPython(register, unregister)]
