"""Delete uploaded and generated files of jobs past the retention period (what the nightly task does)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from sunwu_relief.authz import system
from sunwu_relief.jobs import job_files_purge


class Command(BaseCommand):
    help = "Delete the files of jobs finished more than SUNWU_UPLOAD_RETENTION_DAYS ago; keep the job records."

    def handle(self, *args, **options) -> None:
        purged = job_files_purge(actor=system("command:purge_job_files"))
        self.stdout.write(f"{purged} jobs' files deleted (retention {settings.SUNWU_UPLOAD_RETENTION_DAYS} days)")
