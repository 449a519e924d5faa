from django.core.management.base import BaseCommand, CommandParser

from benefits.payments.services import PAYABLE_PROGRAMMES, payment_batch_approve
from sunwu_relief.errors import DomainError

from ._payments import batch_of, domain_error, parse_month, totals_lines, user_named


class Command(BaseCommand):
    help = "Approve a prepared payment batch as a county user other than its preparer."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--programme", required=True, choices=sorted(PAYABLE_PROGRAMMES))
        parser.add_argument("--month", required=True)
        parser.add_argument("--user", required=True)

    def handle(self, *args, programme: str, month: str, user: str, **options) -> None:
        actor = user_named(user)
        batch = batch_of(programme, parse_month(month))
        try:
            batch = payment_batch_approve(actor=actor, batch=batch)
        except DomainError as exc:
            raise domain_error(exc) from exc
        self.stdout.write(f"batch {batch.number} approved by {actor.username}")
        for line in totals_lines(batch):
            self.stdout.write(line)
