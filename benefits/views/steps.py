"""The workflow's steps as the case page offers them: who, in which statuses, which form, which service."""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sunwu_relief.errors import DomainError, OutOfScope
from sunwu_relief.roles import Role

from .. import services
from ..forms import (
    CommentForm,
    EvaluationForm,
    ExtensionForm,
    ObjectionForm,
    ObjectionResolveForm,
    ObligorForm,
    ObligorRemoveForm,
    ReasonForm,
    RequiredCommentForm,
    TownshipApproveForm,
)
from ..models import IN_PROCEDURE, Application, Programme
from ..models import ApplicationStatus as S
from ..selectors import current_notice, objections_for
from ..workflow import ALLOWED
from .common import TOWNSHIP_ROLES

CASE_READERS = (Role.CASEWORKER, Role.TOWNSHIP_REVIEWER, Role.BUREAU_REVIEWER, Role.AUDITOR)


@dataclass(frozen=True)
class Step:
    label: str
    roles: tuple[str, ...]
    statuses: frozenset[str]
    form: type[forms.Form]
    run: Callable[..., object]
    primary: bool = True
    # Offered only for the applications this returns true for (default: all of its statuses).
    offered: Callable[[Application], bool] | None = None


def _record_objection(*, actor, application: Application, data: dict) -> object:
    notice = current_notice(application)
    if notice is None:
        raise DomainError(_("There is no public notice."))
    return services.objection_record(actor=actor, notice=notice, **data)


def _resolve_objection(*, actor, application: Application, data: dict) -> object:
    objection = objections_for(actor).filter(notice__application=application, pk=data["objection"]).first()
    if objection is None:
        raise OutOfScope()
    return services.objection_resolve(
        actor=actor, objection=objection, upheld=data["upheld"], resolution=data["resolution"]
    )


def _remove_obligor(*, actor, application: Application, data: dict) -> None:
    obligor = application.obligors.filter(pk=data["obligor"]).first()
    if obligor is None:
        raise OutOfScope()
    services.obligor_remove(actor=actor, obligor=obligor)


# The statuses a transition step is offered in come from the workflow's own map.
_FROM = {action: allowed for action, (allowed, _to) in ALLOWED.items()}

STEPS: dict[str, Step] = {
    "submit": Step(
        gettext_lazy("Accept the application (受理)"),
        (Role.CASEWORKER,),
        _FROM["submit"],
        CommentForm,
        lambda actor, application, data: services.application_submit(actor=actor, application=application),
    ),
    "resubmit": Step(
        gettext_lazy("Resubmit after rework"),
        (Role.CASEWORKER,),
        _FROM["resubmit"],
        CommentForm,
        lambda actor, application, data: services.application_resubmit(
            actor=actor, application=application, comment=data["comment"]
        ),
    ),
    "start_investigation": Step(
        gettext_lazy("Start the investigation"),
        (Role.CASEWORKER,),
        _FROM["start_investigation"],
        CommentForm,
        lambda actor, application, data: services.application_start_investigation(actor=actor, application=application),
    ),
    "finish_investigation": Step(
        gettext_lazy("Finish the investigation"),
        (Role.CASEWORKER,),
        _FROM["finish_investigation"],
        CommentForm,
        lambda actor, application, data: services.application_finish_investigation(
            actor=actor, application=application
        ),
    ),
    "record_evaluation": Step(
        gettext_lazy("Record the democratic evaluation"),
        (Role.CASEWORKER,),
        frozenset({S.EVALUATING}),
        EvaluationForm,
        lambda actor, application, data: services.evaluation_record(actor=actor, application=application, **data),
        primary=False,
    ),
    "finish_evaluation": Step(
        gettext_lazy("Finish the evaluation"),
        (Role.CASEWORKER,),
        _FROM["finish_evaluation"],
        CommentForm,
        lambda actor, application, data: services.application_finish_evaluation(actor=actor, application=application),
    ),
    "township_approve": Step(
        gettext_lazy("Approve at township level and publish the notice"),
        (Role.TOWNSHIP_REVIEWER,),
        _FROM["township_approve"],
        TownshipApproveForm,
        lambda actor, application, data: services.application_township_approve(
            actor=actor,
            application=application,
            opinion=data["opinion"],
            care_level=data.get("care_level") or "full_self_care",
        ),
    ),
    "township_return": Step(
        gettext_lazy("Return for rework"),
        (Role.TOWNSHIP_REVIEWER,),
        _FROM["township_return"],
        ReasonForm,
        lambda actor, application, data: services.application_township_return(
            actor=actor, application=application, **data
        ),
        primary=False,
    ),
    "record_objection": Step(
        gettext_lazy("Record an objection"),
        TOWNSHIP_ROLES,
        frozenset({S.PUBLIC_NOTICE}),
        ObjectionForm,
        lambda actor, application, data: _record_objection(actor=actor, application=application, data=data),
        primary=False,
    ),
    "resolve_objection": Step(
        gettext_lazy("Resolve an objection"),
        (Role.TOWNSHIP_REVIEWER,),
        frozenset({S.PUBLIC_NOTICE}),
        ObjectionResolveForm,
        lambda actor, application, data: _resolve_objection(actor=actor, application=application, data=data),
        primary=False,
    ),
    "add_obligor": Step(
        gettext_lazy("Record an obligor (法定赡养、抚养、扶养义务人)"),
        (Role.CASEWORKER,),
        services.OBLIGOR_STATUSES,
        ObligorForm,
        lambda actor, application, data: services.obligor_add(actor=actor, application=application, **data),
        primary=False,
    ),
    "remove_obligor": Step(
        gettext_lazy("Remove the obligor"),
        (Role.CASEWORKER,),
        services.OBLIGOR_STATUSES,
        ObligorRemoveForm,
        lambda actor, application, data: _remove_obligor(actor=actor, application=application, data=data),
        primary=False,
    ),
    "notice_complete": Step(
        gettext_lazy("Notice period over: send to the county for approval"),
        TOWNSHIP_ROLES,
        _FROM["notice_complete"],
        CommentForm,
        lambda actor, application, data: services.application_notice_complete(actor=actor, application=application),
    ),
    "extend_deadline": Step(
        gettext_lazy("Extend the decision deadline to 45 working days"),
        (Role.TOWNSHIP_REVIEWER,),
        frozenset(IN_PROCEDURE),
        ExtensionForm,
        lambda actor, application, data: services.application_extend_deadline(
            actor=actor, application=application, reason=data["reason"]
        ),
        primary=False,
        offered=lambda application: application.programme == Programme.DIBAO and not application.deadline_extended,
    ),
    "withdraw": Step(
        gettext_lazy("Withdraw (at the applicant's request)"),
        (Role.CASEWORKER,),
        _FROM["withdraw"],
        RequiredCommentForm,
        lambda actor, application, data: services.application_withdraw(
            actor=actor, application=application, comment=data["comment"]
        ),
        primary=False,
    ),
}


def step_form(name: str, step: Step, application: Application, *args, **kwargs) -> forms.Form:
    form = step.form(*args, prefix=name, **kwargs)
    if name == "township_approve" and application.programme != Programme.TEKUN:
        # Self-care ability sets the 特困 care allowance only; a 低保 reviewer is not asked for it.
        del form.fields["care_level"]
    return form
