from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from benefits.medical.claims_file import medical_claims_import
from sunwu_relief.errors import DomainError


class Command(BaseCommand):
    help = (
        "Import the medical insurance office's claims file (docs/medical-claims.md): all or nothing, every row error."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")

    def handle(self, *args, path: str, **options) -> None:
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"no such file: {path}")
        try:
            result = medical_claims_import(actor=None, source=source, source_name=source.name)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(result.errors)} errors; nothing was imported")
        self.stdout.write(f"imported {result.created} claims, aid {result.total_aid} yuan")
