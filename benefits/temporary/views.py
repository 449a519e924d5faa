"""Pages of temporary assistance for township staff: the list with the remaining steps due, a
new case, the case page with its steps (each a POST calling one service)."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from households.selectors import members_for
from sunwu_relief import clock
from sunwu_relief.errors import DomainError, OutOfScope
from sunwu_relief.roles import Role, role_of
from sunwu_relief.ui import add_domain_error, post_only, roles_required

from ..models import Programme
from ..selectors import standard_for
from .forms import OpinionForm, ReasonForm, SupplementForm, TemporaryCaseForm
from .models import TemporaryCase, TemporaryStatus
from .selectors import supplements_due, temporary_cases_for
from .services import (
    TemporaryData,
    temporary_cap,
    temporary_case_create,
    temporary_reject,
    temporary_send_to_county,
    temporary_supplement_complete,
    temporary_township_approve,
)

READERS = (Role.CASEWORKER, Role.TOWNSHIP_REVIEWER, Role.BUREAU_REVIEWER, Role.AUDITOR)
STEPS = {
    "approve": (Role.TOWNSHIP_REVIEWER, OpinionForm, temporary_township_approve, gettext_lazy("Granted.")),
    "to-county": (Role.TOWNSHIP_REVIEWER, OpinionForm, temporary_send_to_county, gettext_lazy("Sent to the county.")),
    "reject": (
        Role.TOWNSHIP_REVIEWER,
        ReasonForm,
        temporary_reject,
        gettext_lazy("Refused; the written notice was produced."),
    ),
    "supplement": (
        Role.CASEWORKER,
        SupplementForm,
        temporary_supplement_complete,
        gettext_lazy("Remaining steps completed."),
    ),
}


@roles_required(*READERS)
def temporary_list_view(request: HttpRequest) -> HttpResponse:
    cases = temporary_cases_for(request.user).order_by("-reported_at")[:200]
    return render(
        request,
        "benefits/temporary_list.html",
        {
            "cases": cases,
            "due": supplements_due(request.user, on=clock.today()),
            "can_create": role_of(request.user) == Role.CASEWORKER,
        },
    )


@roles_required(Role.CASEWORKER)
def temporary_create_view(request: HttpRequest) -> HttpResponse:
    members = members_for(request.user).filter(removed_on__isnull=True).select_related("household")
    form = TemporaryCaseForm(request.POST or None, members=members)
    standard = standard_for(Programme.TEMPORARY, clock.today().year)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = temporary_case_create(
                actor=request.user,
                data=TemporaryData(
                    kind=data["kind"],
                    cause=data["cause"],
                    circumstances=data["circumstances"],
                    amount=data["amount"],
                    form=data["form"],
                    in_kind=data["in_kind"],
                    emergency_grant=data["emergency_grant"],
                    member=data["member"],
                    person_name=data["person_name"],
                    person_id_number=data["person_id_number"],
                    person_origin=data["person_origin"],
                    person_phone=data["person_phone"],
                ),
            )
        except DomainError as exc:
            add_domain_error(form, exc, request=request)
        else:
            messages.success(request, _("The case was recorded."))
            return redirect("benefits:temporary", pk=case.pk)
    context = {
        "form": form,
        "limit": standard.temporary_township_limit if standard else None,
        "cap": temporary_cap(standard) if standard else None,
    }
    return render(request, "benefits/temporary_form.html", context)


def _case(request: HttpRequest, pk: int) -> TemporaryCase:
    case = temporary_cases_for(request.user).filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


@roles_required(*READERS)
def temporary_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    role = role_of(request.user)
    steps = []
    if case.status == TemporaryStatus.SUBMITTED and role == Role.TOWNSHIP_REVIEWER:
        steps = [
            ("approve", _("Grant (township)"), OpinionForm()),
            ("to-county", _("Send to the county"), OpinionForm()),
            ("reject", _("Refuse"), ReasonForm()),
        ]
    if (
        case.emergency_grant
        and case.status == TemporaryStatus.GRANTED
        and case.supplement_completed_on is None
        and role in (Role.CASEWORKER, Role.TOWNSHIP_REVIEWER)
    ):
        steps.append(("supplement", _("Remaining steps completed"), SupplementForm()))
    overdue = bool(case.supplement_due and case.supplement_completed_on is None and case.supplement_due < clock.today())
    return render(request, "benefits/temporary_detail.html", {"case": case, "steps": steps, "overdue": overdue})


@roles_required(Role.CASEWORKER, Role.TOWNSHIP_REVIEWER)
@post_only(lambda pk, step: reverse("benefits:temporary", args=[pk]))
def temporary_step_view(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    case = _case(request, pk)
    if step not in STEPS:
        raise Http404
    role, form_class, service, done = STEPS[step]
    form = form_class(request.POST)
    if form.is_valid():
        values = dict(form.cleaned_data)
        try:
            service(actor=request.user, case=case, **values)
        except OutOfScope as exc:
            raise Http404 from exc
        except DomainError as exc:
            add_domain_error(form, exc, request=request)
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        else:
            messages.success(request, done)
    else:
        messages.error(request, _("Fill in the form."))
    return redirect("benefits:temporary", pk=case.pk)
