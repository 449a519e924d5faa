"""Run the integrity checks now (what the nightly task does) and print the open findings per kind."""

from django.core.management.base import BaseCommand

from audits.integrity.finding_models import IntegrityKind
from audits.integrity.services.findings import integrity_checks_run
from sunwu_relief.authz import system


class Command(BaseCommand):
    help = "Run the integrity checks: record new findings, clear the gone, reopen the returned."

    def handle(self, *args, **options) -> None:
        result = integrity_checks_run(actor=system("command:run_integrity_checks"))
        for kind in IntegrityKind:
            self.stdout.write(
                f"{kind.value:<24} open {result.open.get(kind.value, 0):>5}  new {result.new.get(kind.value, 0):>5}"
            )
        self.stdout.write(f"reopened {result.reopened}, cleared {result.cleared}")
