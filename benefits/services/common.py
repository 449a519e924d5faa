"""What every write of the workflow shares: the access check, the row lock, the transition."""

import datetime

from django.db import transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _

from assessments.models import Assessment
from sunwu_relief import clock
from sunwu_relief.audit import record_event
from sunwu_relief.authz import is_system, require, user_or_none
from sunwu_relief.errors import InvalidInput, NotAllowed, OutOfScope, WorkflowError

from ..events import transition_event
from ..hooks import case_actor_problems
from ..models import (
    Application,
    ApplicationStatus,
    Programme,
    ReasonCode,
    Standard,
    Transition,
)
from ..selectors import CASE_ROLES, standard_for
from ..workflow import ALLOWED

WORKFLOW_PROGRAMMES = frozenset({Programme.DIBAO, Programme.TEKUN})

# Sent after commit when an application reaches its end (approved, refused, withdrawn):
# `application`, `actor`. A ledger finding that started it closes (audits).
application_finished = Signal()
FINISHED_STATUSES = frozenset({ApplicationStatus.APPROVED, ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN})


def today() -> datetime.date:
    return clock.today()


# Access -------------------------------------------------------------------------------------


def _require(
    actor, *roles: str, application: Application | None = None, township_id: int | None = None, allow_system=False
) -> None:
    """404 for whoever cannot see the case (`CASE_ROLES`: another township, no case role; scope first,
    so a refusal tells nothing of what exists elsewhere), 403 for a role that may not take this step
    or a person who may not work this case (the close-relatives register, 回避). The system
    (`authz.system`) passes only where `allow_system` says it takes the step itself."""
    if is_system(actor):
        require(actor, allow_system=allow_system)
        return
    try:
        require(actor, roles=CASE_ROLES, township_id=application.township_id if application else township_id)
    except NotAllowed:
        raise OutOfScope() from None
    require(actor, roles=roles)
    problems = case_actor_problems(actor, application) if application is not None else []
    if problems:  # the close-relatives register (audits): the relative-worker is refused (回避)
        raise NotAllowed(problems=problems, code=getattr(problems[0], "code", None))


def _lock(application: Application) -> Application:
    return Application.objects.select_for_update().select_related("household").get(pk=application.pk)


def _move(
    application: Application, action: str, *, actor, reason_code: str = "", comment: str = "", fields: tuple = ()
) -> Application:
    """Apply one transition of the ALLOWED map with a compare-and-swap on (status, version)."""
    _check_allowed(application, action)
    to_status = ALLOWED[action][1]
    from_status = application.status
    changed = Application.objects.filter(pk=application.pk, status=from_status, version=application.version).update(
        status=to_status, version=application.version + 1, **{name: getattr(application, name) for name in fields}
    )
    if changed != 1:
        raise WorkflowError(_("Someone else changed this application at the same moment; reload and check."))
    application.status = to_status
    application.version += 1
    # The compare-and-swap wrote the row; one history row keeps who moved it (simple-history skips update()).
    application._history_user = user_or_none(actor)
    application.save(update_fields=["status", "version", *fields])
    Transition.objects.create(
        application=application,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor=user_or_none(actor),
        reason_code=reason_code,
        comment=comment,
    )
    record_event(
        actor=actor,
        action=transition_event(action),
        obj=application,
        from_status=from_status,
        to_status=to_status,
        reason_code=reason_code,
    )
    if to_status in FINISHED_STATUSES:
        transaction.on_commit(
            lambda: application_finished.send(sender=Application, application=application, actor=actor)
        )
    return application


def _check_allowed(application: Application, action: str) -> None:
    if application.status not in ALLOWED[action][0]:
        raise WorkflowError(
            _("This step is not possible while the application is “%(status)s”.")
            % {"status": application.get_status_display()}
        )


def _require_reason(reason_code: str, comment: str) -> None:
    errors = {}
    if reason_code not in ReasonCode.values:
        errors["reason_code"] = [_("Choose a reason.")]
    if not comment.strip():
        errors["comment"] = [_("Explain the reason in words.")]
    if errors:
        raise InvalidInput(field_errors=errors)


def _standard(programme: str, on: datetime.date | None = None) -> Standard:
    standard = standard_for(programme, (on or today()).year)
    if standard is None:
        raise WorkflowError(_("No standard is set for this programme and year; the county must set one first."))
    return standard


def _current_assessment(application: Application):
    """The assessment this case uses: its own, else the household's latest one (an upheld
    objection detaches the frozen one, so the caseworker's new assessment is taken up)."""
    if application.assessment_id is not None:
        return application.assessment
    return Assessment.objects.filter(household=application.household).order_by("-created", "-id").first()


def _worked_on(application: Application, actions: frozenset[str]) -> set[int]:
    return set(
        application.transitions.filter(action__in=actions, actor__isnull=False).values_list("actor_id", flat=True)
    )
