"""Reads of reconciliation findings, scoped to what the user may see."""

from django.db.models import Count, Model, Q, QuerySet

from sunwu_relief.models import AuditEvent
from sunwu_relief.roles import TOWNSHIP_ROLES, is_county_wide, role_of, township_id_of

from ..events import AuditsEvent
from ..models import Finding, FindingKind, FindingStatus


def findings_for(user) -> QuerySet[Finding]:
    """County roles see every finding; township roles their township's; anyone else none."""
    if is_county_wide(user):
        return Finding.objects.all()
    if role_of(user) in TOWNSHIP_ROLES and township_id_of(user) is not None:
        return Finding.objects.filter(township_id=township_id_of(user))
    return Finding.objects.none()


def last_run_at(action: str):
    """When the last successful run recorded as `action` (its audit event) ran; None before the first."""
    return (
        AuditEvent.objects.filter(action=action, success=True)
        .order_by("-created", "-id")
        .values_list("created", flat=True)
        .first()
    )


def shown_last_found(finding: Model, last_run):
    """When the finding was last found: a present one, by the last run (`last_run_at`)."""
    if finding.present and last_run is not None and last_run > finding.last_found:
        return last_run
    return finding.last_found


def finding_last_found(finding: Finding, last_run=None):
    """When the finding was last found (a present one: by the last reconciliation run)."""
    return shown_last_found(finding, last_run or last_run_at(AuditsEvent.RECONCILIATION_RUN))


def reconciliation_last_run():
    return last_run_at(AuditsEvent.RECONCILIATION_RUN)


def finding_list(user) -> QuerySet[Finding]:
    return findings_for(user).select_related("township", "household", "resolved_by")


def finding_details_for(user) -> QuerySet[Finding]:
    """The findings the user may open, with what their page shows (fetch one with
    `sunwu_relief.ui.object_or_404(finding_details_for(user), pk=pk)`)."""
    return (
        findings_for(user)
        .select_related("township", "household__village", "resolved_by")
        .prefetch_related("events__actor")
    )


def open_findings_by_township(user) -> list[dict]:
    """[{township, township__name, total, <kind>: n, ...}] of open findings, for the dashboard."""
    counts = {kind: Count("id", filter=Q(kind=kind)) for kind in FindingKind.values}
    return list(
        findings_for(user)
        .filter(status=FindingStatus.OPEN)
        .values("township", "township__name")
        .annotate(total=Count("id"), **counts)
        .order_by("township__code")
    )


def open_counts(queryset: QuerySet[Finding] | None = None) -> dict[str, int]:
    """Open findings per kind, every kind present (0 when none)."""
    counts = dict.fromkeys(FindingKind.values, 0)
    queryset = Finding.objects.all() if queryset is None else queryset
    for row in queryset.filter(status=FindingStatus.OPEN).values("kind").annotate(n=Count("id")):
        counts[row["kind"]] = row["n"]
    return counts
