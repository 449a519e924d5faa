from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from benefits.models import Programme
from benefits.services import roll_import
from sunwu_relief.errors import DomainError


class Command(BaseCommand):
    help = "Take over existing beneficiaries from an Excel roll (docs/interfaces.md §7 columns) as migrated benefits."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument("--programme", required=True, choices=[Programme.DIBAO, Programme.TEKUN])
        parser.add_argument("--user", required=True, help="the importing bureau reviewer")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, path: str, programme: str, user: str, dry_run: bool, **options) -> None:
        actor = get_user_model().objects.filter(username=user).first()
        if actor is None:
            raise CommandError(f"no user {user!r}")
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"no file {path}")
        try:
            result = roll_import(
                actor=actor, source=source, programme=programme, source_name=source.name, dry_run=dry_run
            )
        except DomainError as exc:
            raise CommandError(f"{exc.message} ({exc.code})") from exc  # the code is stable, the message translated
        if result.errors:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(result.errors)} errors; nothing was written")
        verb = "would migrate" if dry_run else "migrated"
        self.stdout.write(
            f"{verb} {result.created if not dry_run else 'all rows'}; re-verification is due at once for each"
        )
