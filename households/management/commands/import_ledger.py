"""`import_ledger PATH.xlsx [--replace] [--dry-run]` (docs/interfaces.md §3, §6)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from households.services import ImportResult, ledger_import_file
from sunwu_relief.authz import system


class Command(BaseCommand):
    help = "Import the poverty office's registered-poor ledger (建档立卡) from an xlsx file; all or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the ledger, an .xlsx file")
        parser.add_argument("--replace", action="store_true", help="mark registrations absent from the file removed")
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")

    def handle(self, *args, path: str, replace: bool, dry_run: bool, **options) -> None:
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"{path}: no such file")
        result = ledger_import_file(
            actor=system("command:import_ledger"), path=source, replace=replace, dry_run=dry_run
        )
        self._report(result, replace=replace)

    def _report(self, result: ImportResult, *, replace: bool) -> None:
        if not result.succeeded:
            for error in result.errors:
                self.stderr.write(str(error))
            if result.errors_not_listed:
                self.stderr.write(f"... and {result.errors_not_listed} further errors")
            total = len(result.errors) + result.errors_not_listed
            raise CommandError(f"The ledger was not imported: {total} error(s); nothing was written.")
        prefix = "Dry run, nothing written. " if result.dry_run else ""
        self.stdout.write(
            f"{prefix}{result.rows_total} rows: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged, {result.removed} removed{'' if replace else ' (no --replace)'}."
        )
