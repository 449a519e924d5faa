"""The poverty office's registered-poor ledger 建档立卡 (docs/interfaces.md §6): parse, validate, upsert.

One import is one pass over the rows, in one transaction, in bounded memory: rows are read one
at a time (streamed by `sunwu_relief.xlsx.iter_xlsx`), validated, and written in
batches; a row equal to its record writes nothing (a re-import of an unchanged ledger is reads
only). The same ID number twice in one file is found through the file's numbers kept as integer
codes (see `_Writer`); a record written by a run carries the run's key and its row. If any row is invalid the transaction is rolled back at the end —
nothing is written — and every error is reported with its row and column.

The poverty office's records are kept apart from ours: nothing here touches a household or a
member, and nothing else writes a LedgerRecord.
"""

import uuid
from array import array
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sunwu_relief.audit import record_event
from sunwu_relief.authz import require
from sunwu_relief.locks import LockKey, advisory_lock
from sunwu_relief.roles import Role
from sunwu_relief.xlsx import XlsxError, XlsxFileError

from ..events import HouseholdEvent
from ..models import LedgerRecord, Township, Village
from . import ledger_insert
from .ledger_flags import member_ledger_flags_refresh
from .ledger_format import HEADERS, ImportResult, LedgerError, LedgerRow, Progress
from .ledger_rows import RowValidator, column_key, column_position, xlsx_rows

# The ledger is the poverty office's: only its own users import it (and the system: an operator's
# command, the demo).
LEDGER_IMPORTERS = frozenset({Role.POVERTY_OFFICE})
BATCH_SIZE = 1000
PROGRESS_EVERY = 5000
MAX_ERRORS = 10_000  # listed; beyond that they are counted (a million rows with one systematic fault)
_NOTHING: frozenset[str | None] = frozenset()


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
                    skip = {column_key(e.column, label) for e in cell_errors} if cell_errors else _NOTHING
                    row = validator.clean(number, values, skip=skip)
                    if cell_errors or validator.errors:
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
                result.removed = writer.remove_absent()
            if not dry_run and (result.created or result.updated or result.removed):
                member_ledger_flags_refresh()  # who of ours is on the ledger now (unchanged: as it was)
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


def _code(id_number: str) -> int:
    """A valid ID number as one 64-bit integer (17 digits and the check character)."""
    last = id_number[17]
    return int(id_number[:17]) * 11 + (10 if last == "X" else int(last))


class _Writer:
    """Valid rows → LedgerRecords, a batch at a time. A row equal to its record writes nothing.

    The file's ID numbers are kept as integer codes (about 50 bytes each: some 50 MB at Excel's
    1,048,576 rows), so that the same number twice is found across batches and `replace` knows
    who was absent, without marking the unchanged records in the database."""

    def __init__(self, *, run: str, label: Callable[[str], str], errors: _Errors, result: ImportResult, actor) -> None:
        self.run = run
        self.actor = actor
        self.label = label
        self.errors = errors
        self.result = result
        self.batch: dict[str, LedgerRow] = {}
        self.seen: set[int] = set()
        self.seen_order = array("q")  # the codes in file order, beside their rows ...
        self.seen_rows = array("q")
        self._first_rows: dict[int, int] | None = None  # ... indexed only when a duplicate is found
        self.villages: dict[tuple[int, str], int] = {
            (township_id, name): pk
            for pk, township_id, name in Village.objects.values_list("pk", "township_id", "name")
        }

    def add(self, row: LedgerRow) -> None:
        first = self.batch.get(row.id_number)
        if first is not None:
            self._duplicate(row, first.row)
            return
        code = _code(row.id_number)
        if code in self.seen:
            self._duplicate(row, self._first_row(code))
            return
        self.batch[row.id_number] = row
        if len(self.batch) >= BATCH_SIZE:
            self.flush()

    def _first_row(self, code: int) -> int | None:
        if self._first_rows is None:
            self._first_rows = {}
            for seen, row in zip(self.seen_order, self.seen_rows, strict=True):
                self._first_rows.setdefault(seen, row)
        return self._first_rows.get(code)

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
        for id_number, row in rows.items():
            code = _code(id_number)
            self.seen.add(code)
            self.seen_order.append(code)
            self.seen_rows.append(row.row or 0)
            if self._first_rows is not None:
                self._first_rows.setdefault(code, row.row)
        # The stored values as plain rows, compared as tuples: no model instance for an unchanged one.
        existing = {
            values[0]: values[1:]
            for values in LedgerRecord.objects.filter(id_number__in=list(rows))
            .order_by()
            .values_list("id_number", "pk", "removed", *COMPARED_FIELDS)
        }
        now = timezone.now()
        new, changed = [], []
        unchanged = 0
        for id_number, row in rows.items():
            values = (
                row.name,
                row.household_number,
                row.relationship,
                row.township_id,
                self._village_id(row.township_id, row.village_name),
                row.household_size,
                row.poverty_attribute,
                row.poverty_status,
                row.exit_year,
                row.poverty_cause,
                row.labour_capacity,
                row.health,
            )
            stored = existing.get(id_number)
            if stored is None:
                new.append((id_number, *values, False, None, self.run, row.row))  # ledger_insert.FIELDS
                continue
            pk, removed, *current = stored
            if not removed and tuple(current) == values:
                unchanged += 1  # nothing to write
                continue
            changed.append(
                LedgerRecord(
                    pk=pk,
                    id_number=id_number,
                    removed=False,
                    removed_at=None,
                    last_import=self.run,
                    source_row=row.row,
                    updated=now,
                    **dict(zip(COMPARED_FIELDS, values, strict=True)),
                )
            )
        ledger_insert.insert(new, now=now)
        if changed:
            LedgerRecord.objects.bulk_update(changed, UPDATE_FIELDS, batch_size=BATCH_SIZE)
        self.result.created += len(new)
        self.result.updated += len(changed)
        self.result.unchanged += unchanged

    def remove_absent(self) -> int:
        """`replace`: the records on the ledger that this file does not list are marked removed."""
        absent = [
            pk
            for pk, id_number in LedgerRecord.objects.filter(removed=False)
            .order_by()
            .values_list("pk", "id_number")
            .iterator(chunk_size=10_000)
            if _code(id_number) not in self.seen
        ]
        now = timezone.now()
        removed = 0
        for start in range(0, len(absent), 5000):
            removed += LedgerRecord.objects.filter(pk__in=absent[start : start + 5000]).update(
                removed=True, removed_at=now
            )
        return removed
