import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from benefits import services
from benefits.models import Programme
from households.models import Township
from sunwu_relief.authz import system


def parse_month(value: str) -> datetime.date:
    try:
        return datetime.datetime.strptime(value, "%Y-%m").date()  # noqa: DTZ007  (a calendar month, no time)
    except ValueError as exc:
        raise CommandError(f"--month must be YYYY-MM, got {value!r}") from exc


class Command(BaseCommand):
    help = "Write the payment roll of a programme for a month (docs/interfaces.md §7)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--programme", required=True, choices=Programme.values)
        parser.add_argument("--month", required=True)
        parser.add_argument("--output", required=True)
        parser.add_argument("--township")

    def handle(self, *args, programme: str, month: str, output: str, township: str | None, **options) -> None:
        when = parse_month(month)
        township_id = None
        name = ""
        if township:
            place = Township.objects.filter(name=township.strip()).first()
            if place is None:
                raise CommandError(f"unknown township {township!r}")
            township_id = place.pk
            name = place.name
        path = Path(output)
        if not path.parent.exists():
            raise CommandError(f"the folder {path.parent} does not exist")
        rows = services.roll_export(
            actor=system("command:export_roll"),
            programme=programme,
            month=when,
            path=path,
            township_id=township_id,
            township=name,
        )
        total = sum(r.amount for r in rows)
        self.stdout.write(
            f"{len(rows)} households, {sum(r.covered for r in rows)} persons, {total} yuan/month → {path}"
        )
