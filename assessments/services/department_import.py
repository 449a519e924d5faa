"""Import of the departments' xlsx files (formats in assessments/FORMATS.md).

All-or-nothing: every row error is reported and nothing is written when there is one. The same
file (SHA-256) imported again changes nothing. Records are upserted by (source, ID number, item)."""

import datetime
import hashlib
import logging
import zlib
from typing import IO

from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils.translation import gettext as _

from sunwu_relief.audit import record_event
from sunwu_relief.authz import require, system, user_or_none
from sunwu_relief.errors import DomainError, InvalidInput
from sunwu_relief.jobs import job_claim, job_create, job_enqueue, job_finish
from sunwu_relief.locks import LockKey, advisory_lock
from sunwu_relief.models import Job
from sunwu_relief.roles import Role

from ..events import AssessmentEvent
from ..models import DepartmentImport, DepartmentRecord
from ..selectors import DEPARTMENT_IMPORT_JOB
from .department_format import FORMATS, ImportFailed, ImportOutcome, read_department_file

logger = logging.getLogger(__name__)

JOB_KIND = DEPARTMENT_IMPORT_JOB
RUN_TASK = "assessments.tasks.run_department_import"


IMPORTERS = frozenset({Role.BUREAU_REVIEWER})


def _require_importer(actor) -> None:
    """The county bureau (or the operator's superuser, or an operator's command: the system)."""
    if not getattr(actor, "is_superuser", False):
        require(actor, roles=IMPORTERS, message=_("Only the county bureau imports data from other departments."))


def department_import(
    *, actor, source: str, data_date: datetime.date, file: IO[bytes] | bytes, filename: str
) -> ImportOutcome:
    """Validate the whole file, then write it in one transaction; the same file twice is a no-op.

    `actor` is the bureau's user, or `system("command:import_department_data")` for an operator."""
    _require_importer(actor)
    data = file if isinstance(file, bytes) else file.read()
    digest = hashlib.sha256(data).hexdigest()
    # The same file again: a no-op, answered before the file is parsed.
    existing = DepartmentImport.objects.filter(source=source, sha256=digest).first()
    if existing is not None:
        return ImportOutcome(job=existing, created=False)
    records = read_department_file(source, data)
    with transaction.atomic():
        # One import of a source at a time: the same file twice at once waits for the first and
        # returns it (a row lock cannot hold on an import not written yet), and two files naming
        # the same new person and item never both insert them.
        advisory_lock(LockKey.DEPARTMENT_IMPORT, zlib.crc32(source.encode()) & 0x7FFF_FFFF or 1)
        existing = DepartmentImport.objects.filter(source=source, sha256=digest).first()
        if existing is not None:
            return ImportOutcome(job=existing, created=False)
        job = DepartmentImport(
            source=source,
            data_date=data_date,
            filename=filename[:200],
            sha256=digest,
            rows=len(records),
            imported_by=user_or_none(actor),
        )
        job.file.save(filename or f"{source}.xlsx", ContentFile(data), save=False)
        job.save()
        current = {}
        id_numbers = sorted({p.id_number for p in records})
        for start in range(0, len(id_numbers), 500):  # SQLite caps the parameters of one query
            for record in DepartmentRecord.objects.select_for_update().filter(
                source=source, id_number__in=id_numbers[start : start + 500]
            ):
                current[(record.id_number, record.key)] = record
        new_records: list[DepartmentRecord] = []
        changed: list[DepartmentRecord] = []
        for parsed in records:
            fields = {
                "name": parsed.name,
                "label": parsed.label,
                "amount": parsed.amount,
                "area": parsed.area,
                "active": parsed.active,
                "extra": parsed.extra,
            }
            record = current.get((parsed.id_number, parsed.key))
            if record is None:
                new_records.append(
                    DepartmentRecord(
                        source=source,
                        id_number=parsed.id_number,
                        key=parsed.key,
                        imported=job,
                        data_date=data_date,
                        **fields,
                    )
                )
            elif record.data_date <= data_date and any(getattr(record, k) != v for k, v in fields.items()):
                for name, value in fields.items():
                    setattr(record, name, value)
                record.imported = job
                record.data_date = data_date
                changed.append(record)
        # Departmental records are the departments' data, not case data: no history rows needed.
        DepartmentRecord.objects.bulk_create(new_records, batch_size=500)
        DepartmentRecord.objects.bulk_update(
            changed, ["name", "label", "amount", "area", "active", "extra", "imported", "data_date"], batch_size=500
        )
        created, updated = len(new_records), len(changed)
        job.created_count, job.updated_count = created, updated
        job.save(update_fields=["created_count", "updated_count"])
        record_event(
            actor=actor,
            action=AssessmentEvent.DEPARTMENT_DATA_IMPORT,
            obj=job,
            source=source,
            data_date=data_date,
            rows=len(records),
            created=created,
            updated=updated,
        )
    return ImportOutcome(job=job, created=True)


@transaction.atomic
def department_import_submit(*, actor, source: str, data_date: datetime.date, file: IO[bytes], filename: str) -> Job:
    """Record the upload as a job (in the caller's transaction) and queue its import once committed.

    Nothing of the file is parsed here: a hostile upload costs a worker, not the web process."""
    _require_importer(actor)
    if source not in FORMATS:
        raise InvalidInput(field_errors={"source": [_("Unknown data source.")]}, code="department.unknown_source")
    job = job_create(
        kind=JOB_KIND,
        actor=actor,
        params={"source": source, "data_date": data_date.isoformat(), "filename": filename[:200]},
    )
    job.input_file.save(f"department-{job.pk}.xlsx", file if isinstance(file, File) else File(file), save=False)
    job.save(update_fields=["input_file"])
    record_event(
        actor=actor,
        action=AssessmentEvent.DEPARTMENT_DATA_IMPORT_SUBMIT,
        obj=job,
        source=source,
        filename=filename[:200],
    )
    job_enqueue(job, RUN_TASK)
    return job


def department_import_job_run(*, job_id: int) -> Job | None:
    """The task's body: claim once, import, finish with the counts or every row error."""
    job = job_claim(job_id)
    if job is None:
        return None
    params = job.params
    try:
        with job.input_file.open("rb") as handle:
            data = handle.read()
        outcome = department_import(
            actor=job.created_by or system("task:run_department_import"),
            source=params["source"],
            data_date=datetime.date.fromisoformat(params["data_date"]),
            file=data,
            filename=params.get("filename", ""),
        )
    except ImportFailed as exc:
        return job_finish(job, succeeded=False, errors=[e.as_dict() for e in exc.errors])
    except DomainError as exc:
        error = {"row": None, "column": None, "message": exc.message, "code": exc.code}
        return job_finish(job, succeeded=False, errors=[error])
    except Exception:
        # Not retried: a file that broke the import once breaks it again. The job says so.
        logger.exception("department import job %s failed", job.pk)
        message = _("The import failed unexpectedly; nothing was written.")
        return job_finish(job, succeeded=False, errors=[{"row": None, "column": None, "message": message}])
    record = outcome.job
    job.rows_total = job.rows_done = record.rows
    counts = {"import": record.pk, "rows": record.rows, "created": record.created_count}
    counts |= {"updated": record.updated_count, "already_imported": not outcome.created}
    return job_finish(job, succeeded=True, counts=counts)
