from django.core.management.base import BaseCommand, CommandParser

from benefits.medical.exports import write_subsidies
from benefits.medical.selectors import contribution_subsidies


class Command(BaseCommand):
    help = "Write the year's contribution subsidy list 资助参保 (特困 in full, 低保 a fixed amount)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--output", required=True)

    def handle(self, *args, year: int, output: str, **options) -> None:
        rows = contribution_subsidies(year=year)
        count = write_subsidies(rows, output, year=year)
        self.stdout.write(f"wrote {count} members to {output}")
