from django.core.management.base import BaseCommand, CommandParser

from benefits.payments.services import PAYABLE_PROGRAMMES, payment_batch_prepare
from sunwu_relief.errors import DomainError

from ._payments import domain_error, parse_month, totals_lines, user_named


class Command(BaseCommand):
    help = "Prepare a programme's payment batch of a month as a county user (or show it if it exists)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--programme", required=True, choices=sorted(PAYABLE_PROGRAMMES))
        parser.add_argument("--month", required=True)
        parser.add_argument("--user", required=True)

    def handle(self, *args, programme: str, month: str, user: str, **options) -> None:
        actor = user_named(user)
        try:
            batch, created = payment_batch_prepare(actor=actor, programme=programme, month=parse_month(month))
        except DomainError as exc:
            raise domain_error(exc) from exc
        state = "prepared" if created else "exists"
        self.stdout.write(f"batch {batch.number} ({batch.status}, {state})")
        for line in totals_lines(batch):
            self.stdout.write(line)
