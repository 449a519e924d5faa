"""The integrity checks as a work list: run them (nightly, or `run_integrity_checks`), record what
they find once, clear what is gone, reopen what comes back; people resolve findings with a note."""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sunwu_relief.audit import record_event
from sunwu_relief.authz import require
from sunwu_relief.errors import InvalidInput, OutOfScope, WorkflowError
from sunwu_relief.locks import LockKey, advisory_lock
from sunwu_relief.roles import Role
from sunwu_relief.text import text_field_errors

from ...selectors.findings import last_run_at
from ...services.sync import sync_findings
from ..checks import find_integrity_issues
from ..events import IntegrityEvent
from ..finding_models import (
    PERSON_RESOLUTIONS,
    IntegrityFinding,
    IntegrityFindingEvent,
    IntegrityKind,
    IntegrityStatus,
)
from ..finding_selectors import integrity_findings_for

RECORDED = ("kind", "summary", "township_id", "village_id", "household_id", "application_id", "detail")
RESOLVE_ROLES = (Role.CASEWORKER, Role.TOWNSHIP_REVIEWER, Role.BUREAU_REVIEWER, Role.AUDITOR)


@dataclass
class IntegrityResult:
    new: dict[str, int] = field(default_factory=dict)
    open: dict[str, int] = field(default_factory=dict)
    reopened: int = 0
    cleared: int = 0

    def as_counts(self) -> dict:
        return {"open": self.open, "new": self.new, "reopened": self.reopened, "cleared": self.cleared}


@transaction.atomic
def integrity_checks_run(*, actor) -> IntegrityResult:
    require(actor, roles=(Role.BUREAU_REVIEWER, Role.AUDITOR), allow_system=True)
    advisory_lock(LockKey.INTEGRITY_CHECKS)  # one run at a time
    now = timezone.now()
    found = find_integrity_issues()
    synced = sync_findings(
        model=IntegrityFinding,
        event_model=IntegrityFindingEvent,
        found=found,
        recorded=RECORDED,
        now=now,
        previous_run=last_run_at(IntegrityEvent.RUN),
        lock=True,
    )
    result = IntegrityResult(new=synced.new, reopened=synced.reopened, cleared=synced.cleared)
    result.open = open_counts()
    record_event(actor=actor, action=IntegrityEvent.RUN, **result.as_counts())
    return result


def open_counts(queryset: QuerySet[IntegrityFinding] | None = None) -> dict[str, int]:
    """Open findings per kind, every kind present (0 when none)."""
    counts = dict.fromkeys(IntegrityKind.values, 0)
    queryset = IntegrityFinding.objects.all() if queryset is None else queryset
    for row in queryset.filter(status=IntegrityStatus.OPEN).values("kind").annotate(n=Count("id")):
        counts[row["kind"]] = row["n"]
    return counts


@transaction.atomic
def integrity_finding_resolve(*, actor, finding: IntegrityFinding, resolution: str, note: str) -> IntegrityFinding:
    """Close a finding with what was done and why (scoped: county-only kinds by county staff)."""
    try:
        finding = integrity_findings_for(actor).select_for_update().get(pk=finding.pk)
    except IntegrityFinding.DoesNotExist as exc:
        raise OutOfScope from exc
    require(actor, roles=RESOLVE_ROLES, township_id=finding.township_id, allow_system=False)
    if finding.status == IntegrityStatus.RESOLVED:
        raise WorkflowError(_("This finding has already been resolved."), code="integrity.finding_resolved")
    note = (note or "").strip()
    errors = text_field_errors(multiline=("note",), note=note)
    if resolution not in PERSON_RESOLUTIONS:
        errors["resolution"] = [_("Choose what was done.")]
    if not note:
        errors.setdefault("note", []).append(_("Write a note saying what was found and done."))
    if errors:
        raise InvalidInput(field_errors=errors, code="integrity.finding_invalid")
    now = timezone.now()
    finding.status, finding.resolution, finding.note = IntegrityStatus.RESOLVED, resolution, note
    finding.resolved_by, finding.resolved_at = actor, now
    finding.save(update_fields=["status", "resolution", "note", "resolved_by", "resolved_at"])
    IntegrityFindingEvent.objects.create(
        finding=finding,
        action=IntegrityFindingEvent.Action.RESOLVED,
        actor=actor,
        resolution=resolution,
        note=note,
        created=now,
    )
    record_event(
        actor=actor, action=IntegrityEvent.FINDING_RESOLVE, obj=finding, kind=finding.kind, resolution=resolution
    )
    return finding
