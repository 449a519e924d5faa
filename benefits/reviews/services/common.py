"""What the re-verification services share: the access and text checks, the signal, the decision kinds."""

import datetime

from django.core.exceptions import ValidationError
from django.dispatch import Signal
from django.utils.translation import gettext as _

from sunwu_relief.audit import record_event
from sunwu_relief.errors import InvalidInput, Problem, WorkflowError
from sunwu_relief.roles import Role
from sunwu_relief.text import validate_plain_text

from ... import rules
from ...models import Benefit, BenefitChange, Programme
from ...selectors import standard_for
from ..models import (
    Review,
    ReviewOutcome,
)

# Sent after commit when a review is decided (or cancelled): `review`, `actor`.
review_decided = Signal()

# Programmes re-verified by this procedure (特困 support is reviewed through its own stop notice).
REVIEWED_PROGRAMMES = frozenset({Programme.DIBAO})
OPEN_ROLES = (Role.CASEWORKER, Role.TOWNSHIP_REVIEWER, Role.BUREAU_REVIEWER)
DECISION_KINDS = {
    ReviewOutcome.RAISE: BenefitChange.Kind.RAISE,
    ReviewOutcome.LOWER: BenefitChange.Kind.LOWER,
    ReviewOutcome.PHASE_OUT: BenefitChange.Kind.PHASE_OUT,
    ReviewOutcome.SUSPEND: BenefitChange.Kind.SUSPEND,
    ReviewOutcome.STOP: BenefitChange.Kind.STOP,
}


def _problem(code: str, message: str) -> Problem:
    return Problem(code, message)


def _refuse(code: str, message: str) -> WorkflowError:
    return WorkflowError(problems=[_problem(code, message)], code=code)


def _locked(review: Review) -> Review:
    return Review.objects.select_for_update().select_related("benefit", "household").get(pk=review.pk)


def _expect(review: Review, *statuses: str) -> None:
    if review.status not in statuses:
        raise _refuse(
            "review.wrong_status",
            _("This step is not possible while the re-verification is “%(status)s”.")
            % {"status": review.get_status_display()},
        )


class _CompleteBy:
    """The day a review started on `start` is to be finished by (`review_complete_days` of the
    programme's standard of that year), each standard read once per run."""

    def __init__(self) -> None:
        self.days: dict[tuple[str, int], int] = {}

    def __call__(self, programme: str, start: datetime.date) -> datetime.date:
        key = (programme, start.year)
        if key not in self.days:
            self.days[key] = rules.policy_number("review_complete_days", standard=standard_for(programme, start.year))
        return start + datetime.timedelta(days=self.days[key])


def _complete_by(due_on: datetime.date, benefit: Benefit) -> datetime.date:
    return _CompleteBy()(benefit.programme, due_on)


def _plain(value: str, field: str) -> str:
    """Plain text of one line or several, or the field's error (no control characters, no markup)."""
    value = (value or "").strip()
    try:
        validate_plain_text(value, multiline=field == "note")
    except ValidationError:
        raise InvalidInput(
            field_errors={field: [_problem("review.text", _("Plain text only, without control characters."))]},
            code="review.text",
        ) from None
    return value


def _event(review: Review, action: str, *, actor, **detail) -> None:
    record_event(actor=actor, action=action, obj=review, township_id=review.township_id, **detail)
