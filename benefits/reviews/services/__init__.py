"""Writes of dynamic management: opening, working and deciding re-verifications 复核.

The flow: `review_open` (the daily run, an event, a campaign, a person) → `review_start` (a new
economic-status assessment, the household visit on it) → `review_propose` (the outcome the rules
give on the finished assessment; a campaign's check form signed) → `review_township_approve`
(an unchanged benefit is decided here; a change goes to the county) → `review_county_decide`
(the decision, an ordinary `benefit_change` with its written notice). `review_return` sends a
proposal back for a new investigation. Deciding advances the benefit's next due date and tells
the apps above (`review_decided`: an upheld complaint, a ledger finding close)."""

from .campaigns import campaign_accept, campaign_checker_assign, campaign_create, campaign_launch
from .common import DECISION_KINDS, REVIEWED_PROGRAMMES, review_decided
from .opening import (
    REVERIFICATION_JOB,
    review_open,
    reviews_open_due,
    reviews_open_due_part,
    reviews_open_due_start,
    reviews_open_for_household,
    running_reviewed_benefits,
)
from .working import (
    review_cancel,
    review_county_decide,
    review_propose,
    review_result,
    review_return,
    review_start,
    review_township_approve,
)

__all__ = [
    "DECISION_KINDS",
    "REVERIFICATION_JOB",
    "REVIEWED_PROGRAMMES",
    "campaign_accept",
    "campaign_checker_assign",
    "campaign_create",
    "campaign_launch",
    "review_cancel",
    "review_county_decide",
    "review_decided",
    "review_open",
    "review_propose",
    "review_result",
    "review_return",
    "review_start",
    "review_township_approve",
    "reviews_open_due",
    "reviews_open_due_part",
    "reviews_open_due_start",
    "reviews_open_for_household",
    "running_reviewed_benefits",
]
