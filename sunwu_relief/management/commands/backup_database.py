from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sunwu_relief.authz import system
from sunwu_relief.backup import BackupError, backup_create, default_folder


class Command(BaseCommand):
    help = (
        "Back up the PostgreSQL database of DATABASE_URL (pg_dump, custom format) into "
        "backups/<UTC timestamp>.dump or --output-dir (never into the project's tracked files); "
        "prints the file's path on the last line. What `make backup` runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output-dir", type=Path, default=None, help=f"default: {default_folder()}")

    def handle(self, *args, output_dir: Path | None, **options) -> None:
        try:
            backup = backup_create(actor=system("command:backup_database"), folder=output_dir)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{backup.entries} archive entries, {backup.size} bytes")
        self.stdout.write(str(backup.path))
