"""Pages of dynamic management: re-verifications (`reviews`) and clean-up campaigns (`campaigns`)."""

from .campaigns import (
    campaign_detail_view,
    campaign_list_view,
    campaign_report_view,
    campaign_step_view,
)
from .reviews import (
    review_batch_approve_view,
    review_detail_view,
    review_list_view,
    review_open_view,
    review_step_view,
)

__all__ = [
    "campaign_detail_view",
    "campaign_list_view",
    "campaign_report_view",
    "campaign_step_view",
    "review_batch_approve_view",
    "review_detail_view",
    "review_list_view",
    "review_open_view",
    "review_step_view",
]
