import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser

from benefits.medical.exports import write_coverage
from benefits.medical.selectors import coverage_periods


class Command(BaseCommand):
    help = "Write who is 低保/特困 on which dates, for the medical insurance office's one-stop settlement."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", required=True)
        parser.add_argument("--since", help="YYYY-MM-DD: leave out periods that ended before this day")

    def handle(self, *args, output: str, since: str | None = None, **options) -> None:
        day = None
        if since:
            try:
                day = datetime.date.fromisoformat(since)
            except ValueError as exc:
                raise CommandError("--since is a date written YYYY-MM-DD") from exc
        periods = coverage_periods(since=day)
        title = "孙吴县低保、特困人员身份信息" + (f"（{day:%Y-%m-%d} 起）" if day else "")
        count = write_coverage(periods, output, title=title)
        self.stdout.write(f"wrote {count} periods to {output}")
