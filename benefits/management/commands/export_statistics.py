import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from benefits.statistics.events import StatisticsEvent
from benefits.statistics.selectors import monthly_report, parse_month, report_of_job
from benefits.statistics.services import statistics_report_start
from benefits.statistics.xlsx import report_workbook
from households.models import Township
from households.selectors import county_settings
from sunwu_relief.audit import record_event
from sunwu_relief.authz import system
from sunwu_relief.models import Job


class Command(BaseCommand):
    help = "Write the monthly statistics report (docs/interfaces.md §12) from the decisions in force that month."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--output", required=True)
        parser.add_argument("--township")
        parser.add_argument(
            "--split",
            action="store_true",
            help="one part per township, run by the Celery workers side by side (here when tasks are eager)",
        )
        parser.add_argument("--wait", type=float, default=1800, help="with --split: seconds to wait for the workers")

    def handle(
        self, *args, month: str, output: str, township: str | None, split: bool = False, wait: float = 1800, **options
    ) -> None:
        when = parse_month(month)
        if when is None:
            raise CommandError(f"--month must be YYYY-MM, got {month!r}")
        townships = Township.objects.order_by("code")
        name = ""
        if township:
            townships = townships.filter(name=township.strip())
            if not townships.exists():
                raise CommandError(f"unknown township {township!r}")
            name = township.strip()
        path = Path(output)
        if not path.parent.exists():
            raise CommandError(f"the folder {path.parent} does not exist")
        if split:
            report = self._split_report(when, list(townships.values_list("pk", flat=True)), wait)
        else:
            report = monthly_report(month=when, townships=list(townships))
        path.write_bytes(report_workbook(report, bureau_name=county_settings().bureau_name, township=name))
        record_event(
            actor=system("command:export_statistics"),
            action=StatisticsEvent.EXPORT,
            month=f"{when:%Y-%m}",
            township=name,
            channel="command",
        )
        total = report.total
        self.stdout.write(
            f"{when:%Y-%m}: 低保 {total.dibao_households} households / {total.dibao_persons} persons / "
            f"{total.dibao_amount} yuan; 特困 {total.tekun_persons} persons / {total.tekun_amount} yuan; "
            f"临时救助 {total.temporary_count} / {total.temporary_amount} yuan; "
            f"医疗救助 {total.medical_count} / {total.medical_amount} yuan → {path}"
        )

    def _split_report(self, month, township_ids: list[int], wait: float):
        job = statistics_report_start(actor=system("command:export_statistics"), month=month, township_ids=township_ids)
        deadline = time.monotonic() + wait
        while job.status in (Job.Status.PENDING, Job.Status.RUNNING):
            if time.monotonic() > deadline:
                raise CommandError(f"job {job.pk}: the workers did not finish in {wait:.0f} s (it goes on)")
            time.sleep(0.2)
            job.refresh_from_db()
        if job.status != Job.Status.SUCCEEDED:
            raise CommandError(f"job {job.pk} failed: {job.errors}")
        return report_of_job(job.counts)
