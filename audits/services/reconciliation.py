"""Ledger reconciliation 台帐比对 (docs/rules.md, docs/interfaces.md §4): the poverty office's ledger against
our 低保/特困 rolls, matched by ID number, recorded as findings that people work on.

One run reads the ledger once, in household order, with our registry's members and the covered
households in memory (the county's registry, not the ledger, bounds that), and writes each
discrepancy under a stable key: running again finds nothing twice. A run holds a lock so that two
runs (the nightly one and one after an import) never interleave.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from django.db import transaction
from django.utils import timezone

from benefits.models import COVERED_STATUSES, Benefit, Programme
from households.ids import mask_id_number
from households.models import Household, LedgerRecord, Member, PovertyStatus, Relationship
from sunwu_relief.audit import record_event
from sunwu_relief.authz import require
from sunwu_relief.jobs import job_claim, job_create, job_finish
from sunwu_relief.locks import LockKey, advisory_lock
from sunwu_relief.models import Job
from sunwu_relief.roles import Role

from ..events import AuditsEvent
from ..models import Finding, FindingEvent, FindingKind, FindingStatus, Resolution
from ..rules import same_name
from ..selectors import open_counts

JOB_KIND = "reconciliation"
RUN_ROLES = (Role.BUREAU_REVIEWER, Role.AUDITOR)
logger = logging.getLogger(__name__)

# The rolls the ledger is compared with; covered means a benefit of theirs that counts as covering.
COVERING_PROGRAMMES = (Programme.DIBAO, Programme.TEKUN)


@dataclass
class _Found:
    kind: str
    id_number: str
    name: str
    household_id: int | None
    ledger_household_number: str
    township_id: int | None
    detail: dict[str, Any]


@dataclass
class ReconciliationResult:
    new: dict[str, int] = field(default_factory=dict)
    open: dict[str, int] = field(default_factory=dict)
    reopened: int = 0
    cleared: int = 0

    def as_counts(self) -> dict[str, Any]:
        return {"open": self.open, "new": self.new, "reopened": self.reopened, "cleared": self.cleared}


@dataclass(frozen=True, slots=True)
class _Ours:
    name: str
    household_id: int


@dataclass(frozen=True, slots=True)
class _Ledger:
    id_number: str
    name: str
    household_number: str
    relationship: str
    poverty_status: str
    exit_year: int | None
    township_id: int


def _person(record: _Ledger, ours: _Ours | None, households: dict[int, tuple[int, str]]) -> dict[str, Any]:
    return {
        "name": record.name,
        "id_number": mask_id_number(record.id_number),
        "relationship": record.relationship,
        "poverty_status": record.poverty_status,
        "ledger_household_number": record.household_number,
        "our_household": households[ours.household_id][1] if ours else None,
        "our_name": ours.name if ours else None,
    }


def _household_ref(household_id: int, households: dict[int, tuple[int, str]]) -> dict[str, Any]:
    return {"id": household_id, "number": households[household_id][1]}


def find_discrepancies() -> dict[str, _Found]:
    """Every discrepancy of docs/interfaces.md §4 now, by key. Reads only."""
    households = {
        pk: (township_id, number)
        for pk, township_id, number in Household.objects.values_list("pk", "township_id", "number")
    }
    members: dict[str, _Ours] = {}
    heads: dict[int, tuple[str, str]] = {}
    for id_number, name, household_id, relationship in Member.objects.values_list(
        "id_number", "name", "household_id", "relationship"
    ).iterator(chunk_size=5000):
        members[id_number] = _Ours(name, household_id)
        if relationship == Relationship.HEAD:
            heads[household_id] = (id_number, name)
    covered: dict[int, list[dict[str, Any]]] = defaultdict(list)
    # Amount and status are this month's decision's (the one rule of every channel).
    for benefit in (
        Benefit.objects.filter(programme__in=COVERING_PROGRAMMES, status__in=COVERED_STATUSES)
        .only("id", "household_id", "programme", "status", "start_month")
        .prefetch_related("changes")
        .iterator(chunk_size=2000)
    ):
        covered[benefit.household_id].append(
            {
                "programme": benefit.programme,
                "status": benefit.current_status,
                "monthly_amount": str(benefit.monthly_amount),
                "start_month": f"{benefit.start_month:%Y-%m}",
            }
        )

    found: dict[str, _Found] = {}
    ledger_numbers_of: dict[int, set[str]] = defaultdict(set)
    persons_of: dict[int, list[dict[str, Any]]] = defaultdict(list)
    out_of: dict[int, list[_Ledger]] = defaultdict(list)

    def our_head(household_id: int) -> tuple[str, str]:
        return heads.get(household_id, ("", ""))

    records = (
        _Ledger(*values)
        for values in LedgerRecord.objects.filter(removed=False)
        .order_by("household_number", "id")
        .values_list(
            "id_number", "name", "household_number", "relationship", "poverty_status", "exit_year", "township_id"
        )
        .iterator(chunk_size=5000)
    )
    for ledger_number, group in groupby(records, key=lambda record: record.household_number):
        people = list(group)
        matched = [(record, members.get(record.id_number)) for record in people]
        head = next((r for r in people if r.relationship == Relationship.HEAD), people[0])
        ours_of_head = members.get(head.id_number)
        our_households = sorted({ours.household_id for _record, ours in matched if ours})
        main_household = ours_of_head.household_id if ours_of_head else (our_households[0] if our_households else None)
        township_id = households[main_household][0] if main_household else head.township_id
        persons = [_person(record, ours, households) for record, ours in matched]

        for record, ours in matched:
            if ours is None:
                continue
            ledger_numbers_of[ours.household_id].add(ledger_number)
            persons_of[ours.household_id].append(_person(record, ours, households))
            if record.poverty_status == PovertyStatus.OUT:
                out_of[ours.household_id].append(record)
            if not same_name(record.name, ours.name):
                found[f"{FindingKind.IDENTITY_MISMATCH}:{record.id_number}"] = _Found(
                    FindingKind.IDENTITY_MISMATCH,
                    record.id_number,
                    ours.name,
                    ours.household_id,
                    ledger_number,
                    households[ours.household_id][0],
                    {"ledger_name": record.name, "our_name": ours.name},
                )
        if len(our_households) > 1:
            found[f"{FindingKind.HOUSEHOLD_MISMATCH}:ledger:{ledger_number}"] = _Found(
                FindingKind.HOUSEHOLD_MISMATCH,
                head.id_number,
                head.name,
                main_household,
                ledger_number,
                township_id,
                {
                    "spread": "ledger_household_over_ours",
                    "our_households": [_household_ref(pk, households) for pk in our_households],
                    "persons": persons,
                },
            )
        still_poor = any(record.poverty_status == PovertyStatus.NOT_OUT for record in people)
        if still_poor and not any(pk in covered for pk in our_households):
            found[f"{FindingKind.NOT_COVERED}:{ledger_number}"] = _Found(
                FindingKind.NOT_COVERED,
                head.id_number,
                head.name,
                main_household,
                ledger_number,
                township_id,
                {"our_households": [_household_ref(pk, households) for pk in our_households], "persons": persons},
            )

    for household_id, numbers in ledger_numbers_of.items():
        if len(numbers) > 1:
            id_number, name = our_head(household_id)
            found[f"{FindingKind.HOUSEHOLD_MISMATCH}:ours:{household_id}"] = _Found(
                FindingKind.HOUSEHOLD_MISMATCH,
                id_number,
                name,
                household_id,
                sorted(numbers)[0],
                households[household_id][0],
                {
                    "spread": "our_household_over_ledger",
                    "ledger_households": sorted(numbers),
                    "persons": persons_of[household_id],
                },
            )
    for household_id, benefits in covered.items():
        id_number, name = our_head(household_id)
        township_id = households[household_id][0]
        if household_id not in ledger_numbers_of:
            found[f"{FindingKind.NOT_REGISTERED}:{household_id}"] = _Found(
                FindingKind.NOT_REGISTERED, id_number, name, household_id, "", township_id, {"programmes": benefits}
            )
        elif out_of.get(household_id):
            out = out_of[household_id]
            found[f"{FindingKind.COVERED_OUT_OF_POVERTY}:{household_id}"] = _Found(
                FindingKind.COVERED_OUT_OF_POVERTY,
                id_number,
                name,
                household_id,
                out[0].household_number,
                township_id,
                {
                    "programmes": benefits,
                    "out_of_poverty": [
                        {"name": r.name, "id_number": mask_id_number(r.id_number), "exit_year": r.exit_year}
                        for r in out
                    ],
                },
            )
    return found


RECORDED_FIELDS = ("kind", "id_number", "name", "household_id", "ledger_household_number", "township_id", "detail")


@transaction.atomic
def reconciliation_run(*, actor) -> ReconciliationResult:
    """Reconcile now: record new findings, refresh known ones, clear the gone, reopen the returned.
    The system runs it (after an import, nightly, the `reconcile` command); of people, the county."""
    advisory_lock(LockKey.RECONCILIATION)
    require(actor, roles=RUN_ROLES)
    now = timezone.now()
    found = find_discrepancies()
    result = ReconciliationResult()
    existing = {finding.key: finding for finding in Finding.objects.all()}
    new, changed, events = [], [], []
    for key, data in found.items():
        finding = existing.get(key)
        values = {name: getattr(data, name) for name in RECORDED_FIELDS}
        if finding is None:
            new.append(Finding(key=key, first_found=now, last_found=now, **values))
            result.new[data.kind] = result.new.get(data.kind, 0) + 1
            continue
        for name, value in values.items():
            setattr(finding, name, value)
        finding.last_found = now
        if not finding.present:
            finding.present = True
            if finding.status == FindingStatus.RESOLVED:
                # It came back after it had gone: somebody must look at it again.
                finding.status = FindingStatus.OPEN
                finding.resolution = ""
                finding.note = ""
                finding.resolved_by = None
                finding.resolved_at = None
                finding.reopened_count += 1
                events.append(FindingEvent(finding=finding, action=FindingEvent.Action.REOPENED, created=now))
                result.reopened += 1
        changed.append(finding)
    for key, finding in existing.items():
        if key in found or not finding.present:
            continue
        finding.present = False
        if finding.status == FindingStatus.OPEN:
            finding.status = FindingStatus.RESOLVED
            finding.resolution = Resolution.CLEARED
            finding.resolved_at = now
            finding.resolved_by = None
            events.append(
                FindingEvent(
                    finding=finding, action=FindingEvent.Action.CLEARED, resolution=Resolution.CLEARED, created=now
                )
            )
            result.cleared += 1
        changed.append(finding)
    created = Finding.objects.bulk_create(new, batch_size=1000)
    if not all(f.pk for f in created):  # backends that return no keys (none we use): fetch them
        created = list(Finding.objects.filter(key__in=[f.key for f in new]))
    events.extend(FindingEvent(finding=f, action=FindingEvent.Action.FOUND, created=now) for f in created)
    Finding.objects.bulk_update(
        changed,
        [
            *RECORDED_FIELDS,
            "last_found",
            "present",
            "status",
            "resolution",
            "note",
            "resolved_by",
            "resolved_at",
            "reopened_count",
        ],
        batch_size=1000,
    )
    FindingEvent.objects.bulk_create(events, batch_size=1000)
    result.open = open_counts()
    record_event(actor=actor, action=AuditsEvent.RECONCILIATION_RUN, **result.as_counts())
    return result


def reconciliation_job_run(*, actor) -> Job | None:
    """The reconciliation under a job record, as the task runs it (after every successful ledger
    import and nightly): the job is claimed once, and says whether the run succeeded. A failure
    is recorded on the job and raised again. None when the job was already claimed."""
    job = job_claim(job_create(kind=JOB_KIND, actor=actor).pk)
    if job is None:
        return None
    try:
        result = reconciliation_run(actor=actor)
    except Exception:
        logger.exception("reconciliation job %s failed", job.pk)
        job_finish(job, succeeded=False, errors=[{"row": None, "column": None, "message": "reconciliation failed"}])
        raise
    return job_finish(job, succeeded=True, counts=result.as_counts())
