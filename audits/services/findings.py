"""Writes of audit work: resolving reconciliation findings."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sunwu_relief.audit import record_event
from sunwu_relief.authz import require
from sunwu_relief.errors import InvalidInput, OutOfScope, WorkflowError
from sunwu_relief.roles import Role

from ..events import AuditsEvent
from ..models import PERSON_RESOLUTIONS, Finding, FindingEvent, FindingStatus
from ..selectors import findings_for

# Township staff work their township's findings; the bureau may too. The poverty office and the
# auditors read only.
RESOLVE_ROLES = frozenset({Role.CASEWORKER, Role.TOWNSHIP_REVIEWER, Role.BUREAU_REVIEWER})


@transaction.atomic
def finding_resolve(*, actor, finding: Finding, resolution: str, note: str) -> Finding:
    """Close a finding with what was decided (check, include, stop, correct) and why."""
    # Locked through the user's scope: a finding the user may not see is not found.
    try:
        finding = findings_for(actor).select_for_update().get(pk=finding.pk)
    except Finding.DoesNotExist as exc:
        raise OutOfScope from exc
    require(actor, roles=RESOLVE_ROLES, township_id=finding.township_id, allow_system=False)
    if finding.status == FindingStatus.RESOLVED:
        raise WorkflowError(_("This finding has already been resolved."))
    errors: dict[str, list[str]] = {}
    if resolution not in PERSON_RESOLUTIONS:
        errors["resolution"] = [_("Choose what was done: check, include, stop or correct.")]
    if not (note or "").strip():
        errors["note"] = [_("Write a note saying what was found and done.")]
    if errors:
        raise InvalidInput(field_errors=errors)
    now = timezone.now()
    finding.status = FindingStatus.RESOLVED
    finding.resolution = resolution
    finding.note = note.strip()
    finding.resolved_by = actor
    finding.resolved_at = now
    finding.save(update_fields=["status", "resolution", "note", "resolved_by", "resolved_at"])
    FindingEvent.objects.create(
        finding=finding,
        action=FindingEvent.Action.RESOLVED,
        actor=actor,
        resolution=resolution,
        note=finding.note,
        created=now,
    )
    record_event(actor=actor, action=AuditsEvent.FINDING_RESOLVE, obj=finding, kind=finding.kind, resolution=resolution)
    return finding
