"""`load_holidays [--year Y ...]`: fill the holiday calendar from the State Council's schedule."""

from django.core.management.base import BaseCommand, CommandParser

from benefits import services
from benefits.selectors import holiday_years_covered, years_text
from sunwu_relief.authz import system


class Command(BaseCommand):
    help = (
        "Load the official holidays and make-up working days (调休) from the chinesecalendar package into "
        "the holiday calendar; days the bureau edited are kept. Run it after upgrading the package."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, action="append", dest="years", help="only this year (repeatable)")

    def handle(self, *args, years: list[int] | None, **options) -> None:
        counts = services.holidays_load(actor=system("command:load_holidays"), years=set(years) if years else None)
        self.stdout.write(
            f"added {counts['added']}, updated {counts['updated']}, unchanged {counts['unchanged']}, "
            f"kept (edited by the bureau) {counts['kept']}"
        )
        covered = holiday_years_covered()
        self.stdout.write(f"years covered: {years_text(covered) or 'none'}")
