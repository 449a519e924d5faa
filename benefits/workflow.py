"""The application workflow's transition map (docs/rules.md). Guards live in benefits/services/."""

from .models import ApplicationStatus as S

# action: (allowed from-statuses, to-status)
ALLOWED: dict[str, tuple[frozenset[str], str]] = {
    "submit": (frozenset({S.DRAFT}), S.ACCEPTED),
    "resubmit": (frozenset({S.RETURNED}), S.ACCEPTED),
    "start_investigation": (frozenset({S.ACCEPTED}), S.INVESTIGATING),
    "finish_investigation": (frozenset({S.INVESTIGATING}), S.EVALUATING),
    "finish_evaluation": (frozenset({S.EVALUATING}), S.TOWNSHIP_REVIEW),
    "township_approve": (frozenset({S.TOWNSHIP_REVIEW}), S.PUBLIC_NOTICE),
    "township_return": (frozenset({S.TOWNSHIP_REVIEW}), S.RETURNED),
    "notice_complete": (frozenset({S.PUBLIC_NOTICE}), S.COUNTY_REVIEW),
    "objection_upheld": (frozenset({S.PUBLIC_NOTICE}), S.INVESTIGATING),
    "county_approve": (frozenset({S.COUNTY_REVIEW}), S.APPROVED),
    "county_reject": (frozenset({S.COUNTY_REVIEW}), S.REJECTED),
    "county_return": (frozenset({S.COUNTY_REVIEW}), S.RETURNED),
    "withdraw": (
        frozenset(
            {
                S.DRAFT,
                S.ACCEPTED,
                S.INVESTIGATING,
                S.EVALUATING,
                S.TOWNSHIP_REVIEW,
                S.PUBLIC_NOTICE,
                S.COUNTY_REVIEW,
                S.RETURNED,
            }
        ),
        S.WITHDRAWN,
    ),
}

# Steps worked at township level: the county approver must not have done any of them.
TOWNSHIP_ACTIONS = frozenset(
    {
        "submit",
        "resubmit",
        "start_investigation",
        "finish_investigation",
        "finish_evaluation",
        "township_approve",
        "township_return",
    }
)
INVESTIGATION_ACTIONS = frozenset({"start_investigation", "finish_investigation"})
