"""The transition map of 临时救助 (docs/temporary-aid.md), one per kind. Guards live in services.

急难型 is decided at once (an emergency grant 先行救助 by the township within its limit, its
remaining steps 补办 afterwards); 支出型 follows the normal steps: acceptance, the investigation
of the household's means, the township's review, the public notice, then the decision — by the
township within its limit (filed with the county), by the county above it."""

from django.utils.translation import gettext as _

from sunwu_relief.errors import Problem, WorkflowError

from .models import TemporaryKind, TemporaryStatus

S = TemporaryStatus

# action: (allowed from-statuses, to-status)
EMERGENCY: dict[str, tuple[frozenset[str], str]] = {
    "township_approve": (frozenset({S.SUBMITTED}), S.GRANTED),
    "send_to_county": (frozenset({S.SUBMITTED}), S.COUNTY_REVIEW),
    "township_reject": (frozenset({S.SUBMITTED}), S.REJECTED),
    "county_approve": (frozenset({S.COUNTY_REVIEW}), S.GRANTED),
    "county_reject": (frozenset({S.COUNTY_REVIEW}), S.REJECTED),
}
EXPENDITURE: dict[str, tuple[frozenset[str], str]] = {
    "start_investigation": (frozenset({S.SUBMITTED}), S.INVESTIGATING),
    "finish_investigation": (frozenset({S.INVESTIGATING}), S.TOWNSHIP_REVIEW),
    "township_review": (frozenset({S.TOWNSHIP_REVIEW}), S.PUBLIC_NOTICE),
    "objection_upheld": (frozenset({S.PUBLIC_NOTICE}), S.INVESTIGATING),
    "township_approve": (frozenset({S.PUBLIC_NOTICE}), S.GRANTED),
    "send_to_county": (frozenset({S.PUBLIC_NOTICE}), S.COUNTY_REVIEW),
    "township_reject": (
        frozenset({S.SUBMITTED, S.INVESTIGATING, S.TOWNSHIP_REVIEW, S.PUBLIC_NOTICE}),
        S.REJECTED,
    ),
    "county_approve": (frozenset({S.COUNTY_REVIEW}), S.GRANTED),
    "county_reject": (frozenset({S.COUNTY_REVIEW}), S.REJECTED),
}
ALLOWED = {TemporaryKind.EMERGENCY: EMERGENCY, TemporaryKind.EXPENDITURE: EXPENDITURE}

# Who takes each step (the services check it again).
TOWNSHIP_STEPS = frozenset(
    {"start_investigation", "finish_investigation", "township_review", "objection_upheld"}
    | {"township_approve", "send_to_county", "township_reject"}
)
CASEWORKER_STEPS = frozenset({"start_investigation", "finish_investigation"})
COUNTY_STEPS = frozenset({"county_approve", "county_reject"})
# Statuses in which a case still waits for its decision.
OPEN = frozenset({S.SUBMITTED, S.INVESTIGATING, S.TOWNSHIP_REVIEW, S.PUBLIC_NOTICE, S.COUNTY_REVIEW})


def allowed_actions(kind: str, status: str) -> list[str]:
    return [action for action, (sources, _to) in ALLOWED.get(kind, {}).items() if status in sources]


def target(kind: str, action: str) -> str | None:
    move = ALLOWED.get(kind, {}).get(action)
    return move[1] if move else None


def next_status(kind: str, status: str, action: str, *, code: str = "temporary.step_not_allowed") -> str:
    """The status `action` leads to from `status`, or a WorkflowError with `code`."""
    move = ALLOWED.get(kind, {}).get(action)
    if move is None or status not in move[0]:
        raise WorkflowError(problems=[Problem(code, _("This step is not possible in this case's state."))])
    return move[1]
