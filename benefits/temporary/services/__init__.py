"""Writes for 临时救助 (docs/temporary-aid.md): `cases` records and decides a case, `procedure`
takes a 支出型 case through its normal steps before the decision."""

from .cases import (
    temporary_case_create,
    temporary_county_approve,
    temporary_reject,
    temporary_send_to_county,
    temporary_supplement_complete,
    temporary_township_approve,
)
from .common import KIND_NAMES, TemporaryData, temporary_cap
from .procedure import (
    temporary_assessment_record,
    temporary_investigation_start,
    temporary_objection_uphold,
    temporary_township_review,
)

__all__ = [
    "KIND_NAMES",
    "TemporaryData",
    "temporary_assessment_record",
    "temporary_cap",
    "temporary_case_create",
    "temporary_county_approve",
    "temporary_investigation_start",
    "temporary_objection_uphold",
    "temporary_reject",
    "temporary_send_to_county",
    "temporary_supplement_complete",
    "temporary_township_approve",
    "temporary_township_review",
]
