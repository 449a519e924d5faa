from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from benefits.payments.services import bank_results_import
from sunwu_relief.errors import DomainError

from ._payments import domain_error


class Command(BaseCommand):
    help = "Import the bank's result file: all or nothing, every row error; the same file twice changes nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")

    def handle(self, *args, path: str, **options) -> None:
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"no such file: {path}")
        try:
            record, created = bank_results_import(actor=None, source=source.read_bytes(), filename=source.name)
        except DomainError as exc:
            errors = getattr(exc, "errors", None) or []
            for error in errors:
                self.stderr.write(str(error))
            if errors:
                raise CommandError(f"{len(errors)} errors; nothing was imported") from exc
            raise domain_error(exc) from exc
        if not created:
            self.stdout.write(f"already imported on {record.created:%Y-%m-%d %H:%M}; nothing changed")
            return
        self.stdout.write(f"paid {record.paid}, failed {record.failed}, unchanged {record.unchanged}")
