"""Pages of temporary assistance for township staff: the list with the emergency grants waiting
and the remaining steps due, a new case, the case page with its deadlines, timeline and the
steps its state allows (each a POST calling one service)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from households.selectors import members_for
from sunwu_relief import clock
from sunwu_relief.errors import DomainError, OutOfScope
from sunwu_relief.exports import Column, ListExport, wants_xlsx
from sunwu_relief.roles import Role, role_of
from sunwu_relief.ui import add_domain_error, post_only, roles_required

from ..models import Programme
from ..selectors import standard_for
from . import services
from .forms import (
    ApproveForm,
    AssessmentForm,
    EmptyForm,
    OpinionForm,
    ReasonForm,
    ReviewForm,
    SupplementForm,
    TemporaryCaseForm,
)
from .models import TemporaryCase, TemporaryStatus
from .selectors import case_deadlines, emergencies_waiting, supplements_due, temporary_case_page, temporary_cases_for
from .workflow import allowed_actions

READERS = (Role.CASEWORKER, Role.TOWNSHIP_REVIEWER, Role.BUREAU_REVIEWER, Role.AUDITOR)
CW, TR = Role.CASEWORKER, Role.TOWNSHIP_REVIEWER


def _case_name(case: TemporaryCase) -> str:
    return case.person_name + (f"（{_('from outside')}）" if case.transient else "")


def _case_status(case: TemporaryCase) -> str:
    return case.get_status_display() + (f" · {_('decided after the emergency limit')}" if case.decided_late else "")


# The cases table as the page shows it (the download holds every case, the page the latest 200).
TEMPORARY_EXPORT = ListExport(
    name="temporary_cases",
    title=gettext_lazy("Temporary assistance"),
    columns=(
        Column(gettext_lazy("reported"), lambda c: timezone.localtime(c.reported_at)),
        Column(gettext_lazy("name"), _case_name),
        Column(gettext_lazy("kind"), lambda c: c.get_kind_display()),
        Column(gettext_lazy("amount (yuan)"), lambda c: c.amount),
        Column(gettext_lazy("given as"), lambda c: c.get_form_display()),
        Column(gettext_lazy("status"), _case_status),
    ),
)
# slug: (workflow action, role, form, service, label, message when done)
STEPS = {
    "start-investigation": (
        "start_investigation",
        CW,
        EmptyForm,
        services.temporary_investigation_start,
        gettext_lazy("Start the investigation"),
        gettext_lazy("The investigation started."),
    ),
    "assessment": (
        "finish_investigation",
        CW,
        AssessmentForm,
        services.temporary_assessment_record,
        gettext_lazy("Household's means assessed"),
        gettext_lazy("The assessment was recorded; the case goes to the township's review."),
    ),
    "review": (
        "township_review",
        TR,
        ReviewForm,
        services.temporary_township_review,
        gettext_lazy("Township review: open the public notice"),
        gettext_lazy("Reviewed; the public notice is open."),
    ),
    "objection": (
        "objection_upheld",
        TR,
        ReasonForm,
        services.temporary_objection_uphold,
        gettext_lazy("Objection upheld: investigate again"),
        gettext_lazy("Back to the investigation."),
    ),
    "approve": (
        "township_approve",
        TR,
        ApproveForm,
        services.temporary_township_approve,
        gettext_lazy("Grant (township)"),
        gettext_lazy("Granted."),
    ),
    "to-county": (
        "send_to_county",
        TR,
        OpinionForm,
        services.temporary_send_to_county,
        gettext_lazy("Send to the county"),
        gettext_lazy("Sent to the county."),
    ),
    "reject": (
        "township_reject",
        TR,
        ReasonForm,
        services.temporary_reject,
        gettext_lazy("Refuse"),
        gettext_lazy("Refused; the written notice was produced."),
    ),
    "supplement": (
        "supplement",
        CW,
        SupplementForm,
        services.temporary_supplement_complete,
        gettext_lazy("Remaining steps completed"),
        gettext_lazy("Remaining steps completed."),
    ),
}
SUPPLEMENT_ROLES = (CW, TR)


@roles_required(*READERS)
def temporary_list_view(request: HttpRequest) -> HttpResponse:
    cases = temporary_cases_for(request.user).order_by("-reported_at", "-id")
    if wants_xlsx(request):
        return TEMPORARY_EXPORT.response(request, cases)
    cases = cases[:200]
    return render(
        request,
        "benefits/temporary_list.html",
        {
            "cases": cases,
            "waiting": emergencies_waiting(request.user),
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
            case = services.temporary_case_create(
                actor=request.user,
                data=services.TemporaryData(
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
                    requested_at=data["requested_at"],
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
        "cap": services.temporary_cap(standard) if standard else None,
        "hours": standard.temporary_emergency_hours if standard else None,
    }
    return render(request, "benefits/temporary_form.html", context)


def _case(request: HttpRequest, pk: int) -> TemporaryCase:
    case = temporary_cases_for(request.user).filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


def _steps(case: TemporaryCase, role: str | None) -> list[tuple[str, str, object]]:
    """The steps this user may take on the case now."""
    actions = set(allowed_actions(case.kind, case.status))
    if (
        case.emergency_grant
        and case.status == TemporaryStatus.GRANTED
        and case.supplement_completed_on is None
        and role in SUPPLEMENT_ROLES
    ):
        actions.add("supplement")
    steps = []
    for slug, (action, step_role, form_class, _service, label, _done) in STEPS.items():
        if action in actions and (role == step_role or (action == "supplement" and role in SUPPLEMENT_ROLES)):
            steps.append((slug, label, form_class()))
    return steps


@roles_required(*READERS)
def temporary_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = temporary_case_page(request.user, pk)
    if case is None:
        raise Http404
    today, now = clock.today(), timezone.now()
    deadlines = case_deadlines(case, on=today, now=now)
    assessments = list(case.assessments.all())
    context = {
        "case": case,
        "steps": _steps(case, role_of(request.user)),
        "deadlines": deadlines,
        "overdue": any(d.overdue and d.code == "supplement" for d in deadlines),
        "assessment": assessments[0] if assessments else None,
        "notice_over": case.notice_ends_on is not None and today > case.notice_ends_on,
    }
    return render(request, "benefits/temporary_detail.html", context)


@roles_required(Role.CASEWORKER, Role.TOWNSHIP_REVIEWER)
@post_only(lambda pk, step: reverse("benefits:temporary", args=[pk]))
def temporary_step_view(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    case = _case(request, pk)
    if step not in STEPS:
        raise Http404
    _action, step_role, form_class, service, _label, done = STEPS[step]
    if role_of(request.user) != step_role:
        raise PermissionDenied  # the other township role's step: 403, as the case page's steps
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
