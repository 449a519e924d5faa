"""`run_reverification [--on YYYY-MM-DD]`: what the daily task does, on demand."""

from django.core.management.base import BaseCommand, CommandParser

from benefits.reviews.services import reviews_open_due
from households.models import Township
from sunwu_relief.authz import system
from sunwu_relief.commands import date_option


class Command(BaseCommand):
    help = (
        "Open the re-verifications due on that date (key and long-term households yearly, general ones every "
        "6 months, migrated ones at once, and the households an upheld complaint or an out-of-poverty "
        "declaration names), once each. Prints opened / already open per township."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--on", help="the date to judge what is due by (default: today)")

    def handle(self, *args, on: str | None, **options) -> None:
        day = date_option(on)
        counts = reviews_open_due(actor=system("command:run_reverification"), on=day)
        for township_id, name in Township.objects.order_by("code").values_list("pk", "name"):
            row = counts.get(township_id)
            if row:
                self.stdout.write(f"{name}: opened {row['opened']}, already open {row['already_open']}")
        opened = sum(row["opened"] for row in counts.values())
        already = sum(row["already_open"] for row in counts.values())
        self.stdout.write(f"opened: {opened}; already open: {already}")
