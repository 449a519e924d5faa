"""Writes of audit work, one module per topic; the public names are re-exported here, so that
`from audits.services import spot_check_draw` works whichever module holds it."""

from .findings import RESOLVE_ROLES, finding_resolve, findings_close_started
from .reconciliation import ReconciliationResult, find_discrepancies, reconciliation_job_run, reconciliation_run
from .spot_checks import DRAW_ROLES, always_reasons, draw_pending, hash_programme, spot_check_draw

__all__ = [
    "DRAW_ROLES",
    "RESOLVE_ROLES",
    "ReconciliationResult",
    "always_reasons",
    "draw_pending",
    "find_discrepancies",
    "finding_resolve",
    "findings_close_started",
    "hash_programme",
    "reconciliation_job_run",
    "reconciliation_run",
    "spot_check_draw",
]
