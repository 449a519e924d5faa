"""Every write of the workflow and of benefits: one keyword-only service per change, by topic.

Each service locks its row, returns early if the change is already done, checks the transition
map and its guards (a clear Chinese message for each unmet guard), saves, records the transition
and the audit entry, and queues side effects after commit. The UI, the admin, the API, tasks and
commands all call these; nothing else changes a status.

`from benefits import services; services.x(...)` and `from benefits.services import x` keep
working: every public name of the topic modules is re-exported here.
"""

from ..eligibility import proposed_decision  # reads; callers reach these through this module
from ..selectors import running_benefits, standard_for
from .applications import (
    application_create,
    application_resubmit,
    application_submit,
    application_withdraw,
    eligibility_problems,
    submit_problems,
)
from .benefit_changes import (
    benefit_change,
    benefits_take_effect,
    phase_outs_complete,
)
from .common import (
    WORKFLOW_PROGRAMMES,
    application_finished,
    today,
)
from .county import (
    application_county_approve,
    application_county_reject,
    application_county_return,
    application_mark_for_spot_check,
    approval_problems,
    county_visit_override,
    county_visit_record,
    county_visit_required,
    open_discrepancies,
)
from .decision_records import (
    AMOUNT_KINDS,
    AMOUNT_NUMBERS,
    BENEFIT_CHANGES,
    CARRYING_KINDS,
    RECOMPUTED_PROGRAMMES,
    Basis,
    Kind,
    benefit_grant_record,
    manual_ceiling,
    rule_amount,
)
from .holidays import (
    HOLIDAY_FIELDS,
    holiday_delete,
    holiday_save,
    holidays_load,
)
from .investigation import (
    OBLIGOR_STATUSES,
    application_finish_evaluation,
    application_finish_investigation,
    application_start_investigation,
    evaluation_problems,
    evaluation_record,
    investigation_problems,
    last_upheld_objection_at,
    obligor_add,
    obligor_remove,
)
from .nightly import public_notices_complete
from .roll_export import roll_export
from .roll_import import (
    CLASSIFICATIONS,
    COLUMNS,
    RollImportResult,
    roll_import,
)
from .spot_checks import applications_mark_for_spot_check
from .standards import (
    benefits_recompute_for_standard,
    standard_effective_month,
    standard_problem,
    standard_recompute_start,
    standard_save,
)
from .tekun_stops import (
    stop_notice_cancel,
    stop_notices_complete,
    tekun_stop_propose,
)
from .township import (
    application_extend_deadline,
    application_notice_complete,
    application_township_approve,
    application_township_return,
    notice_problems,
    notices_complete_by_township,
    notices_complete_due,
    objection_record,
    objection_resolve,
)
from .written_notices import (
    _written_notice,
    appeal_text,
    written_notice_deliver,
)

__all__ = [
    "AMOUNT_KINDS",
    "AMOUNT_NUMBERS",
    "BENEFIT_CHANGES",
    "Basis",
    "CARRYING_KINDS",
    "CLASSIFICATIONS",
    "COLUMNS",
    "HOLIDAY_FIELDS",
    "Kind",
    "OBLIGOR_STATUSES",
    "RECOMPUTED_PROGRAMMES",
    "RollImportResult",
    "WORKFLOW_PROGRAMMES",
    "application_finished",
    "_written_notice",
    "appeal_text",
    "application_county_approve",
    "application_county_reject",
    "application_county_return",
    "application_create",
    "application_extend_deadline",
    "application_finish_evaluation",
    "application_finish_investigation",
    "application_mark_for_spot_check",
    "applications_mark_for_spot_check",
    "application_notice_complete",
    "application_resubmit",
    "application_start_investigation",
    "application_submit",
    "application_township_approve",
    "application_township_return",
    "application_withdraw",
    "approval_problems",
    "benefit_change",
    "benefit_grant_record",
    "benefits_recompute_for_standard",
    "benefits_take_effect",
    "county_visit_override",
    "county_visit_record",
    "county_visit_required",
    "eligibility_problems",
    "evaluation_problems",
    "evaluation_record",
    "holiday_delete",
    "holiday_save",
    "holidays_load",
    "investigation_problems",
    "last_upheld_objection_at",
    "manual_ceiling",
    "notice_problems",
    "notices_complete_by_township",
    "notices_complete_due",
    "objection_record",
    "objection_resolve",
    "obligor_add",
    "obligor_remove",
    "open_discrepancies",
    "phase_outs_complete",
    "proposed_decision",
    "public_notices_complete",
    "roll_export",
    "roll_import",
    "rule_amount",
    "running_benefits",
    "standard_effective_month",
    "standard_for",
    "standard_problem",
    "standard_recompute_start",
    "standard_save",
    "stop_notice_cancel",
    "stop_notices_complete",
    "submit_problems",
    "tekun_stop_propose",
    "today",
    "written_notice_deliver",
]
