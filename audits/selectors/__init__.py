"""Reads of audit work, scoped to the user, one module per topic; the public names are
re-exported here (`from audits.selectors import findings_for`)."""

from .assistance import MAX_BULK, assistance_status
from .dashboard import TownshipFigures, dashboard_figures
from .findings import (
    finding_details_for,
    finding_last_found,
    finding_list,
    findings_for,
    open_counts,
    open_findings_by_township,
    reconciliation_last_run,
)

__all__ = [
    "MAX_BULK",
    "TownshipFigures",
    "assistance_status",
    "dashboard_figures",
    "finding_details_for",
    "finding_last_found",
    "finding_list",
    "findings_for",
    "open_counts",
    "open_findings_by_township",
    "reconciliation_last_run",
]
