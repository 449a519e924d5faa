"""Browser pages of the economic-status check, for township staff (read) and caseworkers (write).
One module per topic; `assessments.urls` names the views through this package."""

from .assessments import (
    assessment_start_view,
    assessment_view,
    asset_add_view,
    authorisation_view,
    cross_check_view,
    declaration_remove_view,
    file_view,
    finish_view,
    household_view,
    income_add_view,
    job_view,
    labour_new_view,
    township_cross_check_view,
)
from .common import STAFF_ROLES
from .visits import (
    visit_attach_view,
    visit_correct_view,
    visit_new_view,
    visit_print_view,
    visit_sign_view,
    visit_view,
)

__all__ = [
    "STAFF_ROLES",
    "assessment_start_view",
    "assessment_view",
    "asset_add_view",
    "authorisation_view",
    "cross_check_view",
    "declaration_remove_view",
    "file_view",
    "finish_view",
    "household_view",
    "income_add_view",
    "job_view",
    "labour_new_view",
    "township_cross_check_view",
    "visit_attach_view",
    "visit_correct_view",
    "visit_new_view",
    "visit_print_view",
    "visit_sign_view",
    "visit_view",
]
