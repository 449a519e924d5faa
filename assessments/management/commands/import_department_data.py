"""import_department_data SOURCE PATH.xlsx --date YYYY-MM-DD (formats: assessments/FORMATS.md)."""

import datetime
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.models import Source
from assessments.services import ImportFailed, department_import
from sunwu_relief.authz import system
from sunwu_relief.errors import DomainError


class Command(BaseCommand):
    help = "Import a department's xlsx file (all-or-nothing; the same file twice changes nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", choices=Source.values)
        parser.add_argument("path", type=Path)
        parser.add_argument("--date", required=True, help="the date the department's data is as of (YYYY-MM-DD)")

    def handle(self, *args, source: str, path: Path, date: str, **options) -> None:
        try:
            data_date = datetime.date.fromisoformat(date)
        except ValueError as exc:
            raise CommandError(f"--date: not a date: {date}") from exc
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        try:
            outcome = department_import(
                actor=system("command:import_department_data"),
                source=source,
                data_date=data_date,
                file=path.read_bytes(),
                filename=path.name,
            )
        except ImportFailed as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            self.stderr.write(exc.message)
            sys.exit(1)
        except DomainError as exc:
            self.stderr.write(exc.message)
            sys.exit(1)
        job = outcome.job
        if not outcome.created:
            self.stdout.write(f"already imported on {job.created:%Y-%m-%d} (import #{job.pk}); nothing changed")
            return
        self.stdout.write(
            f"import #{job.pk}: {job.rows} rows, {job.created_count} created, {job.updated_count} updated"
        )
