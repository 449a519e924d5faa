from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sunwu_relief.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup (a backup_database file) into a NEW PostgreSQL database: TARGET_DB is a "
        "database name on the server of DATABASE_URL, or a postgres:// URL; refused when it exists. "
        "What `make restore FILE=… TARGET_DB=…` runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--target-db", required=True)

    def handle(self, *args, file: Path, target_db: str, **options) -> None:
        try:
            target = backup_restore(path=file, target=target_db)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        where = f"{target.get('HOST') or 'localhost'}:{target.get('PORT') or 5432}"
        self.stdout.write(f"restored {file} into the database {target['NAME']} on {where}")
