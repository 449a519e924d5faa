"""Writing the payment roll of a month to a workbook (docs/interfaces.md §7), audited."""

import datetime
from pathlib import Path

from sunwu_relief.audit import record_event
from sunwu_relief.authz import require
from sunwu_relief.roles import Role

from ..events import BenefitEvent
from ..roll import RollRow, roll_export_rows, write_roll


def roll_export(
    *, actor, programme: str, month: datetime.date, path: Path, township_id: int | None = None, township: str = ""
) -> list[RollRow]:
    """Write the roll of `programme` for `month` (one township, or the county) to `path`; the rows
    written. The bureau or the system (the `export_roll` command) exports it."""
    require(actor, roles=(Role.BUREAU_REVIEWER,))
    rows = roll_export_rows(programme=programme, month=month, township_ids=[township_id] if township_id else None)
    write_roll(rows, path, programme=programme, month=month, township=township)
    record_event(
        actor=actor,
        action=BenefitEvent.ROLL_EXPORT,
        programme=programme,
        month=f"{month:%Y-%m}",
        township=township,
        rows=len(rows),
    )
    return rows
