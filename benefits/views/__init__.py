"""Browser pages of the workflow for township staff: the case page and one POST per step.

One module per topic; `benefits/urls.py` names the views through this package:
- `common`: who reads a case, fetching it (404 outside the scope)
- `steps`: the workflow's steps as the case page offers them (`STEPS`)
- `applications`: the case page, a step's POST, the new application, the list
- `boards`: the village board's notice list and standing list (长期公示)
- `written_notices`: written notices, their receipt and the record of delivery
- `papers`: the printable papers of a case
"""

from .applications import application_create_view, application_detail_view, application_list_view, application_step_view
from .boards import notice_list_view, standing_list_view
from .papers import PAPERS, application_paper_view
from .steps import STEPS, Step, step_form
from .steps import step_form as _step_form  # the old private name, for its tests
from .written_notices import (
    written_notice_batch_view,
    written_notice_deliver_view,
    written_notice_list_view,
    written_notice_receipt_view,
    written_notice_view,
)

__all__ = [
    "PAPERS",
    "STEPS",
    "Step",
    "_step_form",
    "application_create_view",
    "application_detail_view",
    "application_list_view",
    "application_paper_view",
    "application_step_view",
    "notice_list_view",
    "standing_list_view",
    "step_form",
    "written_notice_batch_view",
    "written_notice_deliver_view",
    "written_notice_list_view",
    "written_notice_receipt_view",
    "written_notice_view",
]
