from django.core.management.base import BaseCommand, CommandParser

from audits.services import spot_check_draw
from sunwu_relief.authz import system


class Command(BaseCommand):
    help = "Draw the county's spot-check sample over applications waiting for county review (docs/interfaces.md §3)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, help="repeat a draw with its recorded seed")

    def handle(self, *args, seed: int | None, **options) -> None:
        batch = spot_check_draw(actor=system("command:draw_spot_checks"), seed=seed)
        if batch is None:
            self.stdout.write("No application is waiting for county review outside a batch: nothing drawn.")
            return
        self.stdout.write(f"batch {batch.pk}, seed {batch.seed}")
        for row in batch.summary:
            self.stdout.write(
                f"  {row['township']} {row['programme']}: {row['drawn']}/{row['total']} (ratio {row['ratio']})"
            )
