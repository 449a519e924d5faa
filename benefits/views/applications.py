"""The case page of an application, its steps, the new application and the list."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from households.models import Classification, Household
from households.selectors import household_detail
from sunwu_relief import clock
from sunwu_relief.errors import DomainError
from sunwu_relief.exports import MAX_ROWS, Column, ListExport, wants_xlsx
from sunwu_relief.roles import Role, role_of
from sunwu_relief.ui import form_domain_error, post_only, roles_required

from .. import services
from ..forms import ApplicationForm, ObjectionResolveForm
from ..models import Application, ApplicationStatus, Objection, Programme
from ..models import ApplicationStatus as S
from ..selectors import (
    WorkingCalendar,
    application_deadlines,
    applications_for,
    current_notice,
    standard_for,
)
from .common import CASE_READERS, TOWNSHIP_ROLES, get_application
from .steps import STEPS, step_form


def _proposal_preview(application: Application) -> dict | None:
    """What the township reviewer would propose, shown before approving (nothing is saved)."""
    if application.status != S.TOWNSHIP_REVIEW:
        return None
    standard = standard_for(application.programme, clock.today().year)
    if standard is None:
        return {"problem": _("No standard is set for this programme and year; the county must set one first.")}
    try:
        amount, classification = services.proposed_decision(application, standard=standard)
    except DomainError as exc:
        return {"problem": exc.message}
    return {
        "amount": amount.value,
        "explanation": amount.explanation,
        "classification": Classification(classification).label if classification else "",
        "tekun": application.programme == Programme.TEKUN,
    }


def _problems(application: Application) -> list[str]:
    """What is missing for the next step, shown on the case page."""
    if application.status == S.DRAFT:
        return services.submit_problems(application)
    if application.status == S.INVESTIGATING:
        return services.investigation_problems(application)
    if application.status == S.EVALUATING:
        return services.evaluation_problems(application)
    if application.status == S.TOWNSHIP_REVIEW:
        # The reviewer sees before deciding which programme conditions the frozen result fails.
        return services.eligibility_problems(application, assessment=application.assessment)
    if application.status == S.PUBLIC_NOTICE:
        return services.notice_problems(application, on=clock.today())
    if application.status == S.COUNTY_REVIEW:
        return services.approval_problems(application, None)
    return []


@roles_required(*CASE_READERS)
def application_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_case(request, pk)


def _render_case(request: HttpRequest, pk: int, forms_with_errors: dict | None = None) -> HttpResponse:
    application = get_application(request, pk)
    role = role_of(request.user)
    steps = []
    for name, step in STEPS.items():
        if role in step.roles and application.status in step.statuses:
            if step.offered is not None and not step.offered(application):
                continue
            form = (forms_with_errors or {}).get(name) or step_form(name, step, application)
            if name in ("add_obligor", "remove_obligor") and application.programme != Programme.TEKUN:
                continue
            if name == "remove_obligor":
                # One small form per recorded obligor, shown beside it in the obligor list.
                continue
            if name == "resolve_objection":
                open_objections = [
                    o
                    for n in application.notices.all()
                    for o in n.objections.all()
                    if o.status == Objection.Status.OPEN
                ]
                if not open_objections:
                    continue
                steps.extend(
                    {
                        "name": name,
                        "step": step,
                        "form": ObjectionResolveForm(prefix=name, initial={"objection": o.pk}),
                        "objection": o,
                    }
                    for o in open_objections
                )
                continue
            steps.append({"name": name, "step": step, "form": form})
    return render(
        request,
        "benefits/application_detail.html",
        {
            "application": application,
            "household": application.household,
            "steps": steps,
            "problems": _problems(application),
            "deadlines": application_deadlines(application, on=clock.today()),
            "notice": current_notice(application),
            "proposal": _proposal_preview(application) if role in TOWNSHIP_ROLES else None,
            "benefit": getattr(application, "benefit", None) if application.status == S.APPROVED else None,
            "obligors": list(application.obligors.all()) if application.programme == Programme.TEKUN else [],
            "obligors_editable": role == Role.CASEWORKER and application.status in services.OBLIGOR_STATUSES,
        },
        status=400 if forms_with_errors else 200,
    )


@roles_required(*TOWNSHIP_ROLES)
@post_only(lambda pk, step: reverse("benefits:application", args=[pk]))
def application_step_view(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    application = get_application(request, pk)
    if step not in STEPS:
        raise Http404
    definition = STEPS[step]
    if role_of(request.user) not in definition.roles:
        raise PermissionDenied
    form = step_form(step, definition, application, request.POST, request.FILES)
    if form.is_valid():
        try:
            definition.run(request.user, application, form.cleaned_data)
        except DomainError as exc:
            form_domain_error(form, exc, request=request)
        else:
            messages.success(request, _("Done: %(step)s.") % {"step": definition.label})
            return redirect("benefits:application", pk=application.pk)
    return _render_case(request, pk, forms_with_errors={step: form})


@roles_required(Role.CASEWORKER)
def application_create_view(request: HttpRequest, household_pk: int) -> HttpResponse:
    try:
        household = household_detail(request.user, pk=household_pk)
    except Household.DoesNotExist as exc:
        raise Http404 from exc
    form = ApplicationForm(request.POST or None, household=household)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_create(actor=request.user, household=household, **form.cleaned_data)
        except DomainError as exc:
            form_domain_error(form, exc, request=request)
        else:
            messages.success(request, _("The application was created as a draft."))
            return redirect("benefits:application", pk=application.pk)
    return render(request, "benefits/application_form.html", {"form": form, "household": household})


def _deadlines_text(row: dict) -> str:
    return "；".join(
        f"{d['label']} {d['due']:%Y-%m-%d}" + (f" {_('overdue')}" if d["overdue"] else "") for d in row["deadlines"]
    )


# The list's columns as the page shows them; a row is {"application", "deadlines"}.
APPLICATIONS_EXPORT = ListExport(
    name="applications",
    title=gettext_lazy("Applications"),
    columns=(
        Column("#", lambda row: row["application"].pk),
        Column(gettext_lazy("Programme"), lambda row: row["application"].get_programme_display()),
        Column(gettext_lazy("Applicant"), lambda row: row["application"].applicant_name),
        Column(gettext_lazy("Village"), lambda row: row["application"].household.village.name),
        Column(gettext_lazy("Status"), lambda row: row["application"].get_status_display()),
        Column(gettext_lazy("Deadlines"), _deadlines_text),
    ),
    objects=lambda row: row["application"],
)


def _rows(applications) -> list[dict]:
    today = clock.today()
    calendar = WorkingCalendar()
    return [
        {"application": a, "deadlines": application_deadlines(a, on=today, calendar=calendar)} for a in applications
    ]


@roles_required(*CASE_READERS)
def application_list_view(request: HttpRequest) -> HttpResponse:
    queryset = applications_for(request.user).select_related("household__village").order_by("-created")
    status = request.GET.get("status", "")
    if status in ApplicationStatus.values:
        queryset = queryset.filter(status=status)
    if wants_xlsx(request):
        return APPLICATIONS_EXPORT.response(request, _rows(queryset[:MAX_ROWS]))
    page = Paginator(queryset, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "benefits/application_list.html",
        {
            "page": page,
            "rows": _rows(page),
            "statuses": ApplicationStatus.choices,
            "status": status,
            "query": f"status={status}" if status else "",
        },
    )
