"""`close_notices [--on YYYY-MM-DD]`: what the nightly task does, on demand."""

from django.core.management.base import BaseCommand, CommandParser

from benefits import services
from households.models import Township
from sunwu_relief.authz import system
from sunwu_relief.commands import date_option


class Command(BaseCommand):
    help = (
        "Move every application whose public notice is over, with no open objection, to county review; "
        "decide the 特困 stops whose notice is over. Prints the count per township."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--on", help="the date to judge the notice periods by (default: today)")

    def handle(self, *args, on: str | None, **options) -> None:
        day = date_option(on)
        moved, stops = services.public_notices_complete(actor=system("command:close_notices"), on=day)
        for township_id, name in Township.objects.order_by("code").values_list("pk", "name"):
            if moved.get(township_id):
                self.stdout.write(f"{name}: {moved[township_id]}")
        self.stdout.write(f"moved to county review: {sum(moved.values())}")
        self.stdout.write(f"特困 stops decided after their notice: {stops}")
