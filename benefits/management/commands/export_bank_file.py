from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from benefits.payments.services import PAYABLE_PROGRAMMES, payment_batch_export
from sunwu_relief.errors import DomainError

from ._payments import batch_of, domain_error, parse_month


class Command(BaseCommand):
    help = "Write an approved payment batch as the bank's payment file (xlsx)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--programme", required=True, choices=sorted(PAYABLE_PROGRAMMES))
        parser.add_argument("--month", required=True)
        parser.add_argument("--output", required=True)

    def handle(self, *args, programme: str, month: str, output: str, **options) -> None:
        batch = batch_of(programme, parse_month(month))
        path = Path(output)
        if not path.parent.exists():
            raise CommandError(f"the folder {path.parent} does not exist")
        try:
            count, total = payment_batch_export(actor=None, batch=batch, target=path)
        except DomainError as exc:
            raise domain_error(exc) from exc
        self.stdout.write(f"batch {batch.number}: {count} items, {total} yuan → {path}")
