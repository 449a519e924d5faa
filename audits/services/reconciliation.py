"""Ledger reconciliation 台帐比对 (docs/rules.md, docs/interfaces.md §4): the poverty office's ledger against
our 低保/特困 rolls, matched by ID number, recorded as findings that people work on.

One run reads the ledger once, in household order, with our registry's members and the covered
households in memory (the county's registry, not the ledger, bounds that), and writes each
discrepancy under a stable key: running again finds nothing twice. A run holds a lock so that two
runs (the nightly one and one after an import) never interleave.

On PostgreSQL a run first asks which parts of the comparison (a ledger household, one of ours)
changed since the last run (`reconciliation_units`), and computes and compares only those parts'
findings: with nothing changed that is one query, and nothing is written. A part's findings are
computed from the same rows whichever way (the pass below, restricted to the changed parts).
"""

import gc
import logging
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from benefits.models import COVERED_STATUSES, Benefit, Programme
from benefits.states import decision_states
from households.ids import mask_id_number
from households.models import Member, PovertyStatus, Relationship
from sunwu_relief.audit import record_event
from sunwu_relief.authz import require
from sunwu_relief.jobs import job_claim, job_create, job_finish
from sunwu_relief.locks import LockKey, advisory_lock
from sunwu_relief.models import Job
from sunwu_relief.roles import Role

from ..events import AuditsEvent
from ..models import Finding, FindingEvent, FindingKind
from ..rules import same_name
from ..selectors import open_counts
from ..selectors.findings import last_run_at
from .reconciliation_rows import _household_ref, _Ledger, _ledger_with_ours, _Ours, _person
from .reconciliation_units import ledger_unit, ledger_units_of, our_unit, unit_changes, units_store
from .sync import sync_findings

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
    unit: str


@dataclass
class ReconciliationResult:
    new: dict[str, int] = field(default_factory=dict)
    open: dict[str, int] = field(default_factory=dict)
    reopened: int = 0
    cleared: int = 0

    def as_counts(self) -> dict[str, Any]:
        return {"open": self.open, "new": self.new, "reopened": self.reopened, "cleared": self.cleared}


@contextmanager
def _no_cyclic_gc():
    """The pass builds a few hundred thousand small objects and no cycles: without the cyclic
    collector re-scanning them all every few thousand allocations it takes a third less time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def find_discrepancies(units: set[str] | None = None) -> dict[str, _Found]:
    """Every discrepancy of docs/interfaces.md §4 now, by key — or only those of the parts
    `units` (`reconciliation_units`). Reads only."""
    with _no_cyclic_gc():
        return _find_discrepancies(units)


def _find_discrepancies(units: set[str] | None) -> dict[str, _Found]:
    # Our households as far as a finding needs them: (township, number) of those the ledger's
    # people live in and of the covered ones.
    households: dict[int, tuple[int, str]] = {}
    covered: dict[int, list[dict[str, Any]]] = defaultdict(list)
    # Amount and status are this month's decision's (the one rule of every channel), read as
    # plain rows: the county's benefits are not built as model instances.
    covering = Benefit.objects.filter(programme__in=COVERING_PROGRAMMES, status__in=COVERED_STATUSES)
    ledger_rows = _ledger_with_ours()
    wanted_ledger: set[str] | None = None  # the ledger households whose findings are computed (None: all)
    wanted_ours: set[int] | None = None  # and ours
    if units is not None:
        wanted_ledger = {key[2:] for key in units if key.startswith("L:")}
        wanted_ours = {int(key[2:]) for key in units if key.startswith("H:")}
        # Every record of those ledger households, every record matched to those of ours; the
        # benefits of the households these records are matched to (whether they are covered).
        ledger_rows = list(_ledger_with_ours(sorted(wanted_ledger), sorted(wanted_ours)))
        matched = {row[8] for row in ledger_rows if row[8] is not None}
        covering = covering.filter(household_id__in=sorted(matched | wanted_ours))
    states = decision_states(covering)
    for pk, household_id, township_id, number, programme, status, start_month in (
        covering.order_by("-start_month", "-id")
        .values_list(
            "id", "household_id", "household__township_id", "household__number", "programme", "status", "start_month"
        )
        .iterator(chunk_size=5000)
    ):
        households[household_id] = (township_id, number)
        current_status, amount = states.get(pk) or (status, Decimal("0"))
        covered[household_id].append(
            {
                "programme": programme,
                "status": current_status or status,
                "monthly_amount": str(amount),
                "start_month": f"{start_month:%Y-%m}",
            }
        )

    found: dict[str, _Found] = {}
    ledger_numbers_of: dict[int, set[str]] = defaultdict(set)
    persons_of: dict[int, list[tuple[_Ledger, _Ours]]] = defaultdict(list)  # built into details when needed
    out_of: dict[int, list[_Ledger]] = defaultdict(list)
    ours_of: dict[str, _Ours] = {}

    def records():
        for *values, our_name, household_id, township_id, number in ledger_rows:
            record = _Ledger(*values)
            if household_id is not None:
                ours_of[record.id_number] = _Ours(our_name, household_id)
                households[household_id] = (township_id, number)
            yield record

    def our_head(household_id: int) -> tuple[str, str]:
        return heads.get(household_id, ("", ""))

    for ledger_number, group in groupby(records(), key=lambda record: record.household_number):
        people = list(group)
        matched = [(record, ours_of.pop(record.id_number, None)) for record in people]
        head = next((r for r in people if r.relationship == Relationship.HEAD), people[0])
        ours_of_head = next((ours for record, ours in matched if record is head), None)
        our_households = sorted({ours.household_id for _record, ours in matched if ours})
        main_household = ours_of_head.household_id if ours_of_head else (our_households[0] if our_households else None)
        township_id = households[main_household][0] if main_household else head.township_id

        def persons() -> list[dict[str, Any]]:
            return [_person(record, ours, households) for record, ours in matched]  # noqa: B023 (used at once)

        wanted = wanted_ledger is None or ledger_number in wanted_ledger
        unit = ledger_unit(ledger_number)
        for record, ours in matched:
            if ours is None:
                continue
            ledger_numbers_of[ours.household_id].add(ledger_number)
            persons_of[ours.household_id].append((record, ours))
            if record.poverty_status == PovertyStatus.OUT:
                out_of[ours.household_id].append(record)
            if wanted and not same_name(record.name, ours.name):
                found[f"{FindingKind.IDENTITY_MISMATCH}:{record.id_number}"] = _Found(
                    FindingKind.IDENTITY_MISMATCH,
                    record.id_number,
                    ours.name,
                    ours.household_id,
                    ledger_number,
                    households[ours.household_id][0],
                    {"ledger_name": record.name, "our_name": ours.name},
                    unit,
                )
        if not wanted:
            continue
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
                    "persons": persons(),
                },
                unit,
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
                {"our_households": [_household_ref(pk, households) for pk in our_households], "persons": persons()},
                unit,
            )

    # The heads of the households a finding names (the covered ones, and ours over two ledger households).
    spread = [household_id for household_id, numbers in ledger_numbers_of.items() if len(numbers) > 1]
    heads: dict[int, tuple[str, str]] = {}
    for household_id, id_number, name in (
        Member.objects.filter(relationship=Relationship.HEAD)
        .filter(Q(household__in=covering.values("household_id")) | Q(household_id__in=spread))
        .order_by("household_id", "id")
        .values_list("household_id", "id_number", "name")
        .iterator(chunk_size=5000)
    ):
        heads[household_id] = (id_number, name)

    for household_id, numbers in ledger_numbers_of.items():
        if len(numbers) > 1 and (wanted_ours is None or household_id in wanted_ours):
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
                    "persons": [_person(record, ours, households) for record, ours in persons_of[household_id]],
                },
                our_unit(household_id),
            )
    for household_id, benefits in covered.items():
        if wanted_ours is not None and household_id not in wanted_ours:
            continue
        id_number, name = our_head(household_id)
        township_id = households[household_id][0]
        if household_id not in ledger_numbers_of:
            found[f"{FindingKind.NOT_REGISTERED}:{household_id}"] = _Found(
                FindingKind.NOT_REGISTERED,
                id_number,
                name,
                household_id,
                "",
                township_id,
                {"programmes": benefits},
                our_unit(household_id),
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
                our_unit(household_id),
            )
    return found


RECORDED_FIELDS = (
    "kind",
    "id_number",
    "name",
    "household_id",
    "ledger_household_number",
    "township_id",
    "detail",
    "unit",
)
# More changed parts than this and the whole comparison is computed (cheaper than long lists).
FULL_PASS = 5000


@transaction.atomic
def reconciliation_run(*, actor) -> ReconciliationResult:
    """Reconcile now: record new findings, refresh known ones, clear the gone, reopen the returned.
    The system runs it (after an import, nightly, the `reconcile` command); of people, the county."""
    advisory_lock(LockKey.RECONCILIATION)
    require(actor, roles=RUN_ROLES)
    now = timezone.now()
    changes = unit_changes(COVERING_PROGRAMMES)
    result = ReconciliationResult()
    if changes is None or changes:
        if changes is None or len(changes) > FULL_PASS:
            found, scope = find_discrepancies(), None
        else:
            # The findings of the changed parts (and of the ledger households whose people are
            # in a changed household of ours), and any found now under a key known elsewhere.
            ours = [int(key[2:]) for key in changes if key.startswith("H:")]
            units = set(changes) | ledger_units_of(ours)
            found = find_discrepancies(units)
            scope = Q(unit__in=sorted(units)) | Q(key__in=sorted(found))
        synced = sync_findings(
            model=Finding,
            event_model=FindingEvent,
            found=found,
            recorded=RECORDED_FIELDS,
            now=now,
            previous_run=last_run_at(AuditsEvent.RECONCILIATION_RUN),
            scope=scope,
        )
        result = ReconciliationResult(new=synced.new, reopened=synced.reopened, cleared=synced.cleared)
        if changes:
            units_store(changes)
    result.open = open_counts()
    record_event(actor=actor, action=AuditsEvent.RECONCILIATION_RUN, **result.as_counts())
    return result


def _lost_run() -> Job | None:
    """A reconciliation job left running by a worker that was lost (killed mid-run: its claim's
    lock is free, its transaction rolled back), taken over to run again (`job_claim`); None when
    there is none (or on SQLite, which cannot tell)."""
    running = Job.objects.filter(kind=JOB_KIND, status=Job.Status.RUNNING).order_by("pk")
    for job_id in running.values_list("pk", flat=True):
        job = job_claim(job_id, rerun_if_lost=True)
        if job is not None:
            return job
    return None


def reconciliation_job_run(*, actor) -> Job | None:
    """The reconciliation under a job record, as the task runs it (after every successful ledger
    import and nightly): the job is claimed once, and says whether the run succeeded. A failure
    is recorded on the job and raised again. None when the job was already claimed.

    The task's message names no job: when a worker is killed mid-run, the redelivered message
    takes over the job it left running (one transaction: nothing of the lost run was kept) rather
    than leaving it `running` beside a new one; a job that keeps killing its worker is failed
    after `SUNWU_JOB_MAX_ATTEMPTS` runs and a new one is started."""
    job = _lost_run() or job_claim(job_create(kind=JOB_KIND, actor=actor).pk)
    if job is None:
        return None
    try:
        result = reconciliation_run(actor=actor)
    except Exception:
        logger.exception("reconciliation job %s failed", job.pk)
        job_finish(job, succeeded=False, errors=[{"row": None, "column": None, "message": "reconciliation failed"}])
        raise
    return job_finish(job, succeeded=True, counts=result.as_counts())
