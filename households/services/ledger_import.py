"""The poverty office's registered-poor ledger 建档立卡 (docs/interfaces.md §6): parse, validate, upsert.

One import is one pass over the rows, in one transaction, in bounded memory: rows are read one
at a time (openpyxl read-only through `sunwu_relief.xlsx.iter_xlsx`), validated, and written in
batches. The same ID number twice in one file is found through the database, not a set in memory:
every record written by a run carries the run's key and its row, so a second occurrence finds its
own run's key on the record. If any row is invalid the transaction is rolled back at the end —
nothing is written — and every error is reported with its row and column.

The poverty office's records are kept apart from ours: nothing here touches a household or a
member, and nothing else writes a LedgerRecord.
"""

import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sunwu_relief.audit import record_event
from sunwu_relief.authz import require
from sunwu_relief.locks import LockKey, advisory_lock
from sunwu_relief.roles import Role
from sunwu_relief.xlsx import XlsxError, XlsxFileError

from ..events import HouseholdEvent
from ..models import LedgerRecord, Township, Village
from .ledger_format import HEADERS, ImportResult, LedgerError, LedgerRow, Progress
from .ledger_rows import RowValidator, column_key, column_position, xlsx_rows

# The ledger is the poverty office's: only its own users import it (and the system: an operator's
# command, the demo).
LEDGER_IMPORTERS = frozenset({Role.POVERTY_OFFICE})
BATCH_SIZE = 1000
PROGRESS_EVERY = 5000
MAX_ERRORS = 10_000  # listed; beyond that they are counted (a million rows with one systematic fault)


class _RollBack(Exception):
    pass


# Extension point: what runs after a successful import (audits registers the reconciliation;
# dependencies run one way, so households cannot import it).
_after_import: list[Callable[[], None]] = []


def register_after_import(callback: Callable[[], None]) -> None:
    if callback not in _after_import:
        _after_import.append(callback)


# ---------------------------------------------------------------------------------------------
# Entry points


def ledger_import_xlsx(
    source: str | Path | bytes | IO[bytes],
    *,
    actor,
    replace: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
    job_id: int | None = None,
) -> ImportResult:
    """Import an xlsx ledger (a path, an open file or bytes); all or nothing."""
    require(actor, roles=LEDGER_IMPORTERS)
    rows = xlsx_rows(source)
    return _import(
        rows,
        label=lambda key: HEADERS[key],
        actor=actor,
        replace=replace,
        dry_run=dry_run,
        progress=progress,
        job_id=job_id,
        source="xlsx",
    )


def ledger_import_rows(
    rows: Iterable[dict[str, Any]],
    *,
    actor,
    replace: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
    job_id: int | None = None,
) -> ImportResult:
    """Import JSON rows keyed by the English keys of docs/interfaces.md §6; row numbers count from 1."""
    require(actor, roles=LEDGER_IMPORTERS)
    numbered = ((number, values, []) for number, values in enumerate(rows, start=1))
    return _import(
        numbered,
        label=lambda key: key,
        actor=actor,
        replace=replace,
        dry_run=dry_run,
        progress=progress,
        job_id=job_id,
        source="json",
    )


# ---------------------------------------------------------------------------------------------
# The import


class _Errors:
    def __init__(self) -> None:
        self.listed: list[LedgerError] = []
        self.not_listed = 0

    def add(self, error: LedgerError) -> None:
        if len(self.listed) < MAX_ERRORS:
            self.listed.append(error)
        else:
            self.not_listed += 1

    def __bool__(self) -> bool:
        return bool(self.listed)


def _import(
    rows: Iterator[tuple[int, dict[str, Any], list[LedgerError]]],
    *,
    label: Callable[[str], str],
    actor,
    replace: bool,
    dry_run: bool,
    progress: Progress | None,
    job_id: int | None,
    source: str,
) -> ImportResult:
    result = ImportResult(succeeded=False, dry_run=dry_run)
    errors = _Errors()
    run = uuid.uuid4().hex
    try:
        with transaction.atomic():
            # One import at a time: a second one waits, then upserts over the first's result
            # (without the lock both would insert the same new people and one would fail).
            advisory_lock(LockKey.LEDGER_IMPORT)
            writer = _Writer(run=run, label=label, errors=errors, result=result, actor=actor)
            validator = RowValidator(label=label, townships=dict(Township.objects.values_list("name", "id")))
            try:
                for number, values, cell_errors in rows:
                    result.rows_total += 1
                    row = validator.clean(number, values, skip={column_key(e.column, label) for e in cell_errors})
                    # A row's errors in the order of its columns, whoever found them.
                    for error in sorted(
                        [*cell_errors, *validator.errors], key=lambda e: column_position(e.column, label)
                    ):
                        errors.add(error)
                    if row is not None:
                        writer.add(row)
                    if progress is not None and result.rows_total % PROGRESS_EVERY == 0:
                        progress(result.rows_total)
            except XlsxFileError as exc:
                for error in exc.errors or [XlsxError(None, None, exc.message)]:
                    errors.add(LedgerError(error.row, error.column, error.message))
                raise _RollBack from exc
            writer.flush()
            if not errors and result.rows_total == 0:
                errors.add(LedgerError(None, None, _("The ledger has no data rows; nothing was imported.")))
            if errors:
                raise _RollBack
            if replace:
                result.removed = (
                    LedgerRecord.objects.filter(removed=False)
                    .exclude(last_import=run)
                    .update(removed=True, removed_at=timezone.now())
                )
            result.succeeded = True
            record_event(
                actor=actor,
                action=HouseholdEvent.LEDGER_IMPORT if not dry_run else HouseholdEvent.LEDGER_IMPORT_DRY_RUN,
                source=source,
                replace=replace,
                job=job_id,
                rows=result.rows_total,
                **result.counts,
            )
            if dry_run:
                raise _RollBack
            for callback in _after_import:
                transaction.on_commit(callback)
    except _RollBack:
        pass
    if not result.succeeded:
        result.created = result.updated = result.unchanged = result.removed = 0
        if not dry_run:
            record_event(
                actor=actor,
                action=HouseholdEvent.LEDGER_IMPORT,
                success=False,
                source=source,
                replace=replace,
                job=job_id,
                rows=result.rows_total,
                errors=len(errors.listed) + errors.not_listed,
            )
    result.errors = errors.listed
    result.errors_not_listed = errors.not_listed
    if progress is not None:
        progress(result.rows_total)
    return result


COMPARED_FIELDS = (
    "name",
    "household_number",
    "relationship",
    "township_id",
    "village_id",
    "household_size",
    "poverty_attribute",
    "poverty_status",
    "exit_year",
    "poverty_cause",
    "labour_capacity",
    "health",
)
UPDATE_FIELDS = [
    *(name.removesuffix("_id") if name.endswith("_id") else name for name in COMPARED_FIELDS),
    "removed",
    "removed_at",
    "last_import",
    "source_row",
    "updated",
]


class _Writer:
    """Valid rows → LedgerRecords, a batch at a time."""

    def __init__(self, *, run: str, label: Callable[[str], str], errors: _Errors, result: ImportResult, actor) -> None:
        self.run = run
        self.actor = actor
        self.label = label
        self.errors = errors
        self.result = result
        self.batch: dict[str, LedgerRow] = {}
        self.villages: dict[tuple[int, str], int] = {
            (township_id, name): pk
            for pk, township_id, name in Village.objects.values_list("pk", "township_id", "name")
        }

    def add(self, row: LedgerRow) -> None:
        first = self.batch.get(row.id_number)
        if first is not None:
            self._duplicate(row, first.row)
            return
        self.batch[row.id_number] = row
        if len(self.batch) >= BATCH_SIZE:
            self.flush()

    def _duplicate(self, row: LedgerRow, first_row: int | None) -> None:
        self.errors.add(
            LedgerError(
                row.row,
                self.label("id_number"),
                _("the same ID number appears again (first in row %(row)s)") % {"row": first_row},
            )
        )

    def _village_id(self, township_id: int, name: str) -> int:
        key = (township_id, name)
        if key not in self.villages:
            # A village new to the registry is added under its township, unconfirmed: the ledger's
            # text is not ours, and caseworkers are offered it only once the county confirms it.
            village, created = Village.objects.get_or_create(
                township_id=township_id, name=name, defaults={"confirmed": False}
            )
            if created:
                record_event(
                    actor=self.actor, action=HouseholdEvent.VILLAGE_CREATE_FROM_LEDGER, obj=village, run=self.run
                )
            self.villages[key] = village.pk
        return self.villages[key]

    def flush(self) -> None:
        if not self.batch:
            return
        rows = self.batch
        self.batch = {}
        existing = {record.id_number: record for record in LedgerRecord.objects.filter(id_number__in=list(rows))}
        now = timezone.now()
        new, changed, seen = [], [], []
        for id_number, row in rows.items():
            values = {
                "name": row.name,
                "household_number": row.household_number,
                "relationship": row.relationship,
                "township_id": row.township_id,
                "village_id": self._village_id(row.township_id, row.village_name),
                "household_size": row.household_size,
                "poverty_attribute": row.poverty_attribute,
                "poverty_status": row.poverty_status,
                "exit_year": row.exit_year,
                "poverty_cause": row.poverty_cause,
                "labour_capacity": row.labour_capacity,
                "health": row.health,
            }
            record = existing.get(id_number)
            if record is None:
                new.append(LedgerRecord(id_number=id_number, last_import=self.run, source_row=row.row, **values))
                continue
            if record.last_import == self.run:
                self._duplicate(row, record.source_row)
                continue
            record.last_import = self.run
            record.source_row = row.row
            if record.removed or any(getattr(record, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(record, name, value)
                record.removed = False
                record.removed_at = None
                record.updated = now
                changed.append(record)
            else:
                seen.append(record)
        LedgerRecord.objects.bulk_create(new, batch_size=BATCH_SIZE)
        if changed:
            LedgerRecord.objects.bulk_update(changed, UPDATE_FIELDS, batch_size=BATCH_SIZE)
        if seen:
            # Unchanged people only get the run's mark: one prepared statement, many rows (bulk_update's
            # CASE expressions cost far more for a million unchanged rows).
            table = LedgerRecord._meta.db_table
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {table} SET last_import = %s, source_row = %s WHERE id = %s",  # noqa: S608
                    [(self.run, rows[record.id_number].row, record.pk) for record in seen],
                )
        self.result.created += len(new)
        self.result.updated += len(changed)
        self.result.unchanged += len(seen)
