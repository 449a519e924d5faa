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

import datetime
import json
import logging
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sunwu_relief import clock
from sunwu_relief.audit import record_event
from sunwu_relief.jobs import job_claim, job_create, job_enqueue, job_finish
from sunwu_relief.locks import LockKey, advisory_lock
from sunwu_relief.models import Job
from sunwu_relief.text import forbidden_characters
from sunwu_relief.xlsx import Column, XlsxError, XlsxFileError, iter_xlsx

from .ids import validate_id_number
from .models import (
    HealthStatus,
    LabourCapacity,
    LedgerRecord,
    PovertyAttribute,
    PovertyCause,
    PovertyStatus,
    Relationship,
    Township,
    Village,
)

# The ledger's values (docs/interfaces.md §6) → our codes.
RELATIONSHIPS = {
    "户主": Relationship.HEAD,
    "配偶": Relationship.SPOUSE,
    "之子": Relationship.SON,
    "之女": Relationship.DAUGHTER,
    "之儿媳": Relationship.DAUGHTER_IN_LAW,
    "之女婿": Relationship.SON_IN_LAW,
    "之孙子": Relationship.GRANDSON,
    "之孙女": Relationship.GRANDDAUGHTER,
    "之父": Relationship.FATHER,
    "之母": Relationship.MOTHER,
    "之兄弟姐妹": Relationship.SIBLING,
    "其他": Relationship.OTHER,
}
POVERTY_ATTRIBUTES = {
    "一般贫困户": PovertyAttribute.GENERAL,
    "低保贫困户": PovertyAttribute.DIBAO,
    "特困供养贫困户": PovertyAttribute.TEKUN,
    "五保贫困户": PovertyAttribute.TEKUN,  # the old name of 特困供养
}
POVERTY_STATUSES = {"未脱贫": PovertyStatus.NOT_OUT, "已脱贫": PovertyStatus.OUT}
POVERTY_CAUSES = {
    "因病": PovertyCause.ILLNESS,
    "因残": PovertyCause.DISABILITY,
    "因学": PovertyCause.EDUCATION,
    "因灾": PovertyCause.DISASTER,
    "缺土地": PovertyCause.LAND,
    "缺水": PovertyCause.WATER,
    "缺技术": PovertyCause.SKILLS,
    "缺劳力": PovertyCause.LABOUR,
    "缺资金": PovertyCause.CAPITAL,
    "交通条件落后": PovertyCause.TRANSPORT,
    "自身发展动力不足": PovertyCause.MOTIVATION,
    "其他": PovertyCause.OTHER,
}
LABOUR_CAPACITIES = {
    "普通劳动力": LabourCapacity.NORMAL,
    "技能劳动力": LabourCapacity.SKILLED,
    "弱劳动力或半劳动力": LabourCapacity.WEAK,
    "丧失劳动力": LabourCapacity.LOST,
    "无劳动力": LabourCapacity.NONE,
}
HEALTH = {
    "健康": HealthStatus.HEALTHY,
    "长期慢性病": HealthStatus.CHRONIC,
    "患有大病": HealthStatus.SERIOUS,
    "残疾": HealthStatus.DISABLED,
}
# Our codes back to the ledger's words (for showing the ledger's view, and for writing ledgers).
LEDGER_WORDS: dict[str, dict[str, str]] = {
    "relationship": {code: word for word, code in RELATIONSHIPS.items()},
    "poverty_attribute": {code: word for word, code in POVERTY_ATTRIBUTES.items() if word != "五保贫困户"},
    "poverty_status": {code: word for word, code in POVERTY_STATUSES.items()},
    "poverty_cause": {code: word for word, code in POVERTY_CAUSES.items()},
    "labour_capacity": {code: word for word, code in LABOUR_CAPACITIES.items()},
    "health": {code: word for word, code in HEALTH.items()},
}

COLUMNS = [
    Column("户编号", "household_number"),
    Column("姓名", "name"),
    Column("身份证号", "id_number", text=True),
    Column("与户主关系", "relationship"),
    Column("乡镇", "township"),
    Column("行政村", "village"),
    Column("家庭人口数", "household_size", required=False),
    Column("贫困户属性", "poverty_attribute"),
    Column("脱贫状态", "poverty_status"),
    Column("脱贫年度", "exit_year", required=False),
    Column("主要致贫原因", "poverty_cause", required=False),
    Column("劳动能力", "labour_capacity", required=False),
    Column("健康状况", "health", required=False),
]
HEADERS = {column.key: column.header for column in COLUMNS}
KEYS = tuple(HEADERS)
REQUIRED_KEYS = frozenset(column.key for column in COLUMNS if column.required)
HEADER_CELL = "身份证号"

BATCH_SIZE = 1000
PROGRESS_EVERY = 5000
MAX_ROWS = 1_048_576  # Excel's own limit
MAX_ERRORS = 10_000  # listed; beyond that they are counted (a million rows with one systematic fault)
MAX_UNCOMPRESSED = 2 * 1024**3  # a million-row sheet is ~0.5 GB of XML; the ratio check stops bombs
# The shared-string table, which openpyxl keeps in memory: a million people's names and ID
# numbers are ~70 MB of it.
MAX_PART = 128 * 1024**2
FIRST_EXIT_YEAR = 2013  # 精准扶贫 began with the 2014 registration; older exits are typing errors

JOB_KIND = "ledger_import"
MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_JSON_ROWS = 50_000  # larger ledgers come as a file

STUCK_AFTER = datetime.timedelta(minutes=15)

Progress = Callable[[int], None]
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LedgerError:
    """One error: a row and column of the file (or neither, for the file as a whole)."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return f"column {self.column}: {self.message}" if self.column else self.message
        return f"row {self.row}, column {self.column}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ImportResult:
    succeeded: bool
    dry_run: bool
    rows_total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    errors: list[LedgerError] = field(default_factory=list)
    errors_not_listed: int = 0

    @property
    def counts(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged, "removed": self.removed}

    def error_dicts(self) -> list[dict[str, Any]]:
        listed = [error.as_dict() for error in self.errors]
        if self.errors_not_listed:
            listed.append(LedgerError(None, None, _more_errors(self.errors_not_listed)).as_dict())
        return listed


def _more_errors(count: int) -> str:
    return _("%(count)d further errors are not listed; correct the errors above and import again.") % {"count": count}


@dataclass(slots=True)
class _Row:
    row: int
    id_number: str
    name: str
    household_number: str
    relationship: str
    township_id: int
    village_name: str
    household_size: int | None
    poverty_attribute: str
    poverty_status: str
    exit_year: int | None
    poverty_cause: str
    labour_capacity: str
    health: str


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
    rows = _xlsx_rows(source)
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


def _xlsx_rows(source: str | Path | bytes | IO[bytes]) -> Iterator[tuple[int, dict[str, Any], list[LedgerError]]]:
    rows = iter_xlsx(
        source,
        columns=COLUMNS,
        header=HEADER_CELL,
        max_rows=MAX_ROWS,
        max_uncompressed=MAX_UNCOMPRESSED,
        max_part=MAX_PART,
    )
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except XlsxFileError:
            raise
        except Exception as exc:  # broken XML, a CRC error, defusedxml refusing entities ...
            raise XlsxFileError(_("The file is damaged or incomplete; it cannot be read as .xlsx.")) from exc
        yield row.number, row.values, [LedgerError(e.row, e.column, e.message) for e in row.errors]


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
            validator = _Validator(label=label, townships=dict(Township.objects.values_list("name", "id")))
            try:
                for number, values, cell_errors in rows:
                    result.rows_total += 1
                    row = validator.clean(number, values, skip={_key_of(e.column, label) for e in cell_errors})
                    # A row's errors in the order of its columns, whoever found them.
                    for error in sorted([*cell_errors, *validator.errors], key=lambda e: _position(e.column, label)):
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
                action="ledger.import" if not dry_run else "ledger.import_dry_run",
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
                action="ledger.import",
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


def _position(column: str | None, label: Callable[[str], str]) -> int:
    key = _key_of(column, label)
    return KEYS.index(key) if key is not None else -1


def _key_of(column: str | None, label: Callable[[str], str]) -> str | None:
    for key in KEYS:
        if label(key) == column:
            return key
    return None


class _Validator:
    """One row's values → a clean _Row, or None with `errors` (every error of the row)."""

    def __init__(self, *, label: Callable[[str], str], townships: dict[str, int]) -> None:
        self.label = label
        self.townships = townships
        self.errors: list[LedgerError] = []

    def _error(self, key: str, message: str) -> None:
        self.errors.append(LedgerError(self.number, self.label(key), message))

    def clean(self, number: int, values: Any, *, skip: set[str | None]) -> _Row | None:
        self.number = number
        self.errors = []
        if not isinstance(values, dict):
            self.errors.append(LedgerError(number, None, _("each row must be an object of column values")))
            return None
        text = {}
        for key in KEYS:
            if key in skip:
                text[key] = None
                continue
            text[key] = self._text(key, values.get(key))
        id_number = self._id_number(text["id_number"]) if text["id_number"] is not None else None
        name = self._name("name", text["name"], max_length=64)
        household_number = self._name("household_number", text["household_number"], max_length=64)
        relationship = self._choice("relationship", text["relationship"], RELATIONSHIPS)
        township_id = self._township(text["township"])
        village = self._name("village", text["village"], max_length=64)
        size = self._integer("household_size", text["household_size"], low=1, high=99)
        attribute = self._choice("poverty_attribute", text["poverty_attribute"], POVERTY_ATTRIBUTES)
        status = self._choice("poverty_status", text["poverty_status"], POVERTY_STATUSES)
        this_year = clock.today().year
        exit_year = self._integer("exit_year", text["exit_year"], low=FIRST_EXIT_YEAR, high=this_year)
        if status == PovertyStatus.OUT and text["exit_year"] is None and "exit_year" not in skip:
            self._error("exit_year", _("the exit year is required when the status is 已脱贫"))
        elif status == PovertyStatus.NOT_OUT and exit_year is not None:
            self._error("exit_year", _("an exit year is given but the status is 未脱贫"))
        cause = self._choice("poverty_cause", text["poverty_cause"], POVERTY_CAUSES)
        labour = self._choice("labour_capacity", text["labour_capacity"], LABOUR_CAPACITIES)
        health = self._choice("health", text["health"], HEALTH)
        for key in REQUIRED_KEYS:
            if text[key] is None and key not in skip:
                self._error(key, _("a value is required"))
        if self.errors or None in (
            id_number,
            name,
            household_number,
            relationship,
            township_id,
            village,
            attribute,
            status,
        ):
            return None
        return _Row(
            row=number,
            id_number=id_number,
            name=name,
            household_number=household_number,
            relationship=relationship,
            township_id=township_id,
            village_name=village,
            household_size=size,
            poverty_attribute=attribute,
            poverty_status=status,
            exit_year=exit_year,
            poverty_cause=cause or "",
            labour_capacity=labour or "",
            health=health or "",
        )

    def _text(self, key: str, value: Any) -> str | None:
        """A cell as trimmed text; numbers are accepted where digits cannot have been lost."""
        if value is None:
            return None
        if isinstance(value, bool):
            self._error(key, _("must be text, not true/false"))
            return None
        if isinstance(value, str):
            return value.strip() or None
        if key == "id_number" and isinstance(value, int | float):
            self._error(
                key,
                _(
                    "the cell is a number, not text; Excel may have changed the digits — format the column as text and type it again"
                ),
            )
            return None
        if isinstance(value, int) or (isinstance(value, float) and value.is_integer() and abs(value) < 1e15):
            return str(int(value))
        self._error(key, _("must be text or a whole number"))
        return None

    def _id_number(self, value: str) -> str | None:
        try:
            return validate_id_number(value)
        except ValidationError as exc:
            self._error("id_number", " ".join(exc.messages))
            return None

    def _name(self, key: str, value: str | None, *, max_length: int) -> str | None:
        if value is None:
            return None
        found = forbidden_characters(value)
        if found:
            self._error(key, _("Remove the invisible or control characters (%(chars)s).") % {"chars": ", ".join(found)})
            return None
        if len(value) > max_length:
            self._error(key, _("is too long (at most %(max)d characters)") % {"max": max_length})
            return None
        return value

    def _choice(self, key: str, value: str | None, choices: dict[str, str]) -> str | None:
        if value is None:
            return None
        code = choices.get(value)
        if code is None:
            self._error(
                key,
                _("unknown value “%(value)s”; expected one of: %(choices)s")
                % {"value": value[:40], "choices": "、".join(choices)},
            )
        return code

    def _township(self, value: str | None) -> int | None:
        if value is None:
            return None
        township_id = self.townships.get(value)
        if township_id is None:
            self._error("township", _("“%(value)s” is not a township of the county") % {"value": value[:40]})
        return township_id

    def _integer(self, key: str, value: str | None, *, low: int, high: int) -> int | None:
        if value is None:
            return None
        if not value.isascii() or not value.isdigit() or not low <= int(value) <= high:
            self._error(key, _("must be a whole number from %(low)d to %(high)d") % {"low": low, "high": high})
            return None
        return int(value)


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

    def __init__(
        self, *, run: str, label: Callable[[str], str], errors: _Errors, result: ImportResult, actor=None
    ) -> None:
        self.run = run
        self.actor = actor
        self.label = label
        self.errors = errors
        self.result = result
        self.batch: dict[str, _Row] = {}
        self.villages: dict[tuple[int, str], int] = {
            (township_id, name): pk
            for pk, township_id, name in Village.objects.values_list("pk", "township_id", "name")
        }

    def add(self, row: _Row) -> None:
        first = self.batch.get(row.id_number)
        if first is not None:
            self._duplicate(row, first.row)
            return
        self.batch[row.id_number] = row
        if len(self.batch) >= BATCH_SIZE:
            self.flush()

    def _duplicate(self, row: _Row, first_row: int | None) -> None:
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
                record_event(actor=self.actor, action="village.create_from_ledger", obj=village, run=self.run)
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


# ---------------------------------------------------------------------------------------------
# Jobs: the API's and the command's way in


@transaction.atomic
def ledger_import_submit(
    *, actor, file: IO[bytes] | None = None, rows: list[dict[str, Any]] | None = None, replace: bool = False
) -> Job:
    """Record a ledger import job (in the caller's transaction) and queue it once committed."""
    from .tasks import run_ledger_import

    job = job_create(
        kind=JOB_KIND, actor=actor, params={"replace": replace, "source": "json" if file is None else "xlsx"}
    )
    if file is not None:
        job.input_file.save(f"ledger-{job.pk}.xlsx", file if isinstance(file, File) else File(file), save=False)
    else:
        job.rows_total = len(rows or [])
        job.input_file.save(
            f"ledger-{job.pk}.json", ContentFile(json.dumps(rows or [], ensure_ascii=False).encode()), save=False
        )
    job.save(update_fields=["input_file", "rows_total"])
    record_event(actor=actor, action="ledger.import_submit", obj=job, source=job.params["source"], replace=replace)
    job_enqueue(job, run_ledger_import)
    return job


def ledger_import_job_run(*, job_id: int) -> Job | None:
    """The task's body: claim, import, finish. None when the job is gone or already claimed."""
    job = job_claim(job_id)
    if job is None:
        return None
    progress = _JobProgress(job)
    replace = bool(job.params.get("replace"))
    try:
        with job.input_file.open("rb") as handle:
            if job.params.get("source") == "json":
                result = ledger_import_rows(
                    _json_rows(handle), actor=job.created_by, replace=replace, progress=progress, job_id=job.pk
                )
            else:
                result = ledger_import_xlsx(
                    handle, actor=job.created_by, replace=replace, progress=progress, job_id=job.pk
                )
    except Exception:
        # Not retried: a file that broke the import once breaks it again. The job says so.
        logger.exception("ledger import job %s failed", job.pk)
        job.rows_done = progress.done
        return job_finish(
            job,
            succeeded=False,
            errors=[LedgerError(None, None, _("The import failed unexpectedly; nothing was written.")).as_dict()],
        )
    finally:
        progress.close()
    job.rows_total = result.rows_total
    job.rows_done = result.rows_total
    return job_finish(job, succeeded=result.succeeded, counts=result.counts, errors=result.error_dicts())


def _json_rows(handle: IO[bytes]) -> list[dict[str, Any]]:
    rows = json.load(handle)
    return rows if isinstance(rows, list) else []


class _JobProgress:
    """rows_done, written where the API can see it while the import's transaction is still open.

    On PostgreSQL that is a second connection (autocommit); SQLite has one writer at a time, so
    there the number is written in the import's transaction and shows at the end."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.done = 0
        self.side = connections.create_connection(DEFAULT_DB_ALIAS) if connection.vendor == "postgresql" else None

    def __call__(self, done: int) -> None:
        self.done = done
        table = Job._meta.db_table
        if self.side is not None:
            with self.side.cursor() as cursor:
                cursor.execute(f"UPDATE {table} SET rows_done = %s WHERE id = %s", [done, self.job.pk])  # noqa: S608
        else:
            Job.objects.filter(pk=self.job.pk).update(rows_done=done)

    def close(self) -> None:
        if self.side is not None:
            self.side.close()


def ledger_import_jobs() -> "models.QuerySet[Job]":
    return Job.objects.filter(kind=JOB_KIND)


def ledger_imports_requeue_stuck(*, older_than: datetime.timedelta = STUCK_AFTER) -> list[int]:
    """Queue again the imports still pending after a while (the broker was down when they were
    submitted, or the message was lost). Claiming makes a duplicate delivery harmless."""
    from .tasks import run_ledger_import

    stuck = list(
        ledger_import_jobs()
        .filter(status=Job.Status.PENDING, created__lt=timezone.now() - older_than)
        .values_list("pk", flat=True)
    )
    for job_id in stuck:
        run_ledger_import.delay(job_id)
    return stuck
