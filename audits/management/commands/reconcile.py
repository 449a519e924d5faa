"""`reconcile` (docs/interfaces.md §3): the ledger against the 低保/特困 rolls; prints the count of each finding."""

from django.core.management.base import BaseCommand

from audits.models import FindingKind
from audits.services import reconciliation_run
from sunwu_relief.authz import system


class Command(BaseCommand):
    help = "Reconcile the registered-poor ledger with the 低保/特困 rolls and print the count of each finding."

    def handle(self, *args, **options) -> None:
        result = reconciliation_run(actor=system("command:reconcile"))
        self.stdout.write(f"{'finding':<24} {'open':>6} {'new':>6}")
        for kind in FindingKind.values:
            self.stdout.write(f"{kind:<24} {result.open.get(kind, 0):>6} {result.new.get(kind, 0):>6}")
        self.stdout.write(f"reopened {result.reopened}, cleared {result.cleared}")
