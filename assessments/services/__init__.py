"""Every write of the economic-status check, one module per topic; the public names are
importable from `assessments.services` (`from assessments import services; services.income_add(...)`)."""

from sunwu_relief.errors import InvalidInput  # named through this module by callers and tests

from .assessments import assessment_finish, assessment_start
from .common import MAX_UPLOAD, check_document, ensure_member, lock_open_assessment
from .cross_check import CROSS_CHECK_JOB, cross_check, cross_check_township_run, cross_check_township_start
from .declarations import asset_add, authorisation_record, declaration_remove, income_add
from .department_format import (
    FORMATS,
    ImportFailed,
    ImportOutcome,
    ParsedRecord,
    parse_row,
    read_department_file,
)
from .department_import import (
    department_import,
    department_import_job_run,
    department_import_submit,
)
from .economics import EconomicResult, asset_facts, economic_result, limits_from, member_income
from .labour import labour_assessment_record, policy_limits_save
from .visits import (
    VISIT_FIELDS,
    VisitData,
    visit_attach,
    visit_correct,
    visit_create,
    visit_sign,
    visit_update,
)

__all__ = [
    "CROSS_CHECK_JOB",
    "FORMATS",
    "MAX_UPLOAD",
    "VISIT_FIELDS",
    "EconomicResult",
    "InvalidInput",
    "ImportFailed",
    "ImportOutcome",
    "ParsedRecord",
    "VisitData",
    "assessment_finish",
    "assessment_start",
    "asset_add",
    "asset_facts",
    "authorisation_record",
    "check_document",
    "cross_check",
    "cross_check_township_run",
    "cross_check_township_start",
    "declaration_remove",
    "department_import",
    "department_import_job_run",
    "department_import_submit",
    "economic_result",
    "ensure_member",
    "income_add",
    "labour_assessment_record",
    "limits_from",
    "lock_open_assessment",
    "member_income",
    "parse_row",
    "policy_limits_save",
    "read_department_file",
    "visit_attach",
    "visit_correct",
    "visit_create",
    "visit_sign",
    "visit_update",
]
