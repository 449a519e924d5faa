"""Browser pages of the economic-status check: the household's assessments, one assessment and its
declarations, labour capacity, the township's cross-check and the scanned files."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from households.selectors import households_for, members_for
from sunwu_relief.audit import record_access
from sunwu_relief.errors import DomainError
from sunwu_relief.roles import Role, can_see_full_id, can_see_health_data
from sunwu_relief.ui import client_ip, object_or_404, post_only, roles_required

from .. import services
from ..forms import AssetForm, AuthorisationForm, IncomeForm, LabourAssessmentForm
from ..models import Source
from ..selectors import (
    assessment_details_for,
    assessments_for,
    authorisations_for,
    cross_check_jobs_for,
    declarations_for,
    departmental_records,
    labour_assessments_for,
    members_with_labour,
    signed_visit,
    visit_attachments_for,
)
from .common import STAFF_ROLES, can_edit, run_form_service, run_service

# --- household page ---------------------------------------------------------------------------


@roles_required(*STAFF_ROLES)
def household_view(request: HttpRequest, pk: int) -> HttpResponse:
    household = object_or_404(households_for(request.user).select_related("township", "village"), pk=pk)
    assessments = assessments_for(request.user).filter(household=household).select_related("created_by", "finished_by")
    return render(
        request,
        "assessments/household.html",
        {
            "household": household,
            "members": members_with_labour(household),
            "assessments": assessments,
            "open_assessment": next((a for a in assessments if a.is_open), None),
            "can_edit": can_edit(request),
            "health": can_see_health_data(request.user),
        },
    )


@roles_required(Role.CASEWORKER)
@post_only(lambda pk: reverse("assessments:household", args=[pk]))
def assessment_start_view(request: HttpRequest, pk: int) -> HttpResponse:
    household = object_or_404(households_for(request.user), pk=pk)
    assessment = run_service(request, services.assessment_start, household=household)
    if assessment is None:
        return redirect("assessments:household", pk=household.pk)
    return redirect("assessments:detail", pk=assessment.pk)


# --- assessment page ------------------------------------------------------------------------


@roles_required(*STAFF_ROLES)
def assessment_view(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = object_or_404(assessment_details_for(request.user), pk=pk)
    members = list(assessment.household.members.order_by("id"))
    records = list(departmental_records([m.id_number for m in members]))
    discrepancies = list(assessment.discrepancies.all())
    flagged_records = {d.record_id for d in discrepancies if d.record_id}
    flagged_members = {d.member_id for d in discrepancies if d.member_id}
    rows = []
    for member in members:
        rows.append(
            {
                "member": member,
                "incomes": [i for i in assessment.incomes.all() if i.member_id == member.pk],
                "assets": [a for a in assessment.assets.all() if a.member_id == member.pk],
                "records": [r for r in records if r.id_number == member.id_number],
                "flagged": member.pk in flagged_members,
            }
        )
    preview = None
    if assessment.is_open:
        try:
            preview = services.economic_result(assessment)
        except DomainError as exc:
            messages.warning(request, exc.message)
    full_ids = can_see_full_id(request.user)
    record_access(
        user=request.user,
        obj=assessment,
        channel="ui",
        full_id_numbers=full_ids,
        health_data=False,
        ip_address=client_ip(request),
    )
    visits = list(assessment.visits.all())
    return render(
        request,
        "assessments/detail.html",
        {
            "assessment": assessment,
            "household": assessment.household,
            "rows": rows,
            "discrepancies": discrepancies,
            "flagged_records": flagged_records,
            # No departmental record of any member: the cross-check compared nothing.
            "has_department_data": bool(records),
            "preview": preview,
            "visits": visits,
            "signed": signed_visit(assessment),
            "authorisations": list(assessment.authorisations.all()),
            "can_edit": can_edit(request) and assessment.is_open,
            "full_ids": full_ids,
            "sources": Source,
        },
    )


def _declaration_view(request: HttpRequest, pk: int, form_class, action, template_title: str) -> HttpResponse:
    assessment = object_or_404(assessments_for(request.user).select_related("household"), pk=pk)
    members = assessment.household.members.order_by("id")
    form = form_class(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if run_form_service(request, form, action, assessment=assessment, **data) is not None:
            messages.success(request, _("The declaration was saved."))
            if "another" in request.POST:
                return redirect(request.path)
            return redirect("assessments:detail", pk=assessment.pk)
    return render(
        request,
        "assessments/form.html",
        {"form": form, "assessment": assessment, "title": template_title, "another": True},
    )


@roles_required(Role.CASEWORKER)
def income_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _declaration_view(request, pk, IncomeForm, services.income_add, _("Declare income"))


@roles_required(Role.CASEWORKER)
def asset_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _declaration_view(request, pk, AssetForm, services.asset_add, _("Declare an asset"))


@roles_required(Role.CASEWORKER)
@post_only(lambda kind, pk: reverse("dashboard"))
def declaration_remove_view(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    declarations = declarations_for(request.user, kind=kind)
    if declarations is None:
        raise Http404
    declaration = object_or_404(declarations, pk=pk)
    if run_service(request, services.declaration_remove, declaration=declaration) is not None:
        messages.success(request, _("The declaration was removed."))
    return redirect("assessments:detail", pk=declaration.assessment_id)


@roles_required(Role.CASEWORKER)
def authorisation_view(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = object_or_404(assessments_for(request.user).select_related("household"), pk=pk)
    form = AuthorisationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        if run_form_service(request, form, services.authorisation_record, assessment=assessment, **form.cleaned_data):
            messages.success(request, _("The authorisation was recorded."))
            return redirect("assessments:detail", pk=assessment.pk)
    return render(
        request,
        "assessments/form.html",
        {"form": form, "assessment": assessment, "title": _("Authorisation to check finances"), "upload": True},
    )


@roles_required(Role.CASEWORKER)
@post_only(lambda pk: reverse("assessments:detail", args=[pk]))
def cross_check_view(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = object_or_404(assessments_for(request.user), pk=pk)
    found = run_service(request, services.cross_check, assessment=assessment)
    if found is not None:
        messages.success(request, _("Cross-check done: %(count)d discrepancies.") % {"count": len(found)})
    return redirect("assessments:detail", pk=assessment.pk)


@roles_required(Role.CASEWORKER)
@post_only(lambda pk: reverse("assessments:detail", args=[pk]))
def finish_view(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = object_or_404(assessments_for(request.user), pk=pk)
    if run_service(request, services.assessment_finish, assessment=assessment) is not None:
        messages.success(request, _("The investigation is finished; its result is frozen."))
    return redirect("assessments:detail", pk=assessment.pk)


# --- labour capacity -------------------------------------------------------------------------


@roles_required(Role.CASEWORKER)
def labour_new_view(request: HttpRequest, pk: int) -> HttpResponse:
    member = object_or_404(members_for(request.user).select_related("household"), pk=pk)
    form = LabourAssessmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        if run_form_service(request, form, services.labour_assessment_record, member=member, **form.cleaned_data):
            messages.success(request, _("The labour-capacity assessment was recorded."))
            return redirect("assessments:household", pk=member.household_id)
    return render(
        request,
        "assessments/form.html",
        {
            "form": form,
            "title": _("Labour-capacity assessment of %(name)s") % {"name": member.name},
            "upload": True,
            "back": member.household,
        },
    )


# --- township runs and files ------------------------------------------------------------------


@roles_required(Role.CASEWORKER)
@post_only(lambda: reverse("dashboard"))
def township_cross_check_view(request: HttpRequest) -> HttpResponse:
    township = request.user.staff_profile.township
    if township is None:
        raise Http404
    job = run_service(request, services.cross_check_township_start, township=township)
    if job is None:
        return redirect("dashboard")
    return redirect("assessments:job", pk=job.pk)


@roles_required(Role.CASEWORKER, Role.TOWNSHIP_REVIEWER)
def job_view(request: HttpRequest, pk: int) -> HttpResponse:
    job = object_or_404(cross_check_jobs_for(request.user), pk=pk)
    return render(request, "assessments/job.html", {"job": job})


@roles_required(*STAFF_ROLES)
def file_view(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Scanned documents, served only inside the user's scope (never from a public media URL)."""
    if kind == "authorisation":
        obj = object_or_404(authorisations_for(request.user), pk=pk)
        file = obj.scan
    elif kind == "attachment":
        obj = object_or_404(visit_attachments_for(request.user), pk=pk)
        file = obj.file
    elif kind == "labour":
        obj = object_or_404(labour_assessments_for(request.user), pk=pk)
        file = obj.document
    else:
        raise Http404
    if not file:
        raise Http404
    record_access(
        user=request.user, obj=obj, channel="ui", full_id_numbers=False, health_data=True, ip_address=client_ip(request)
    )
    return FileResponse(file.open("rb"), as_attachment=False, filename=file.name.rsplit("/", 1)[-1])
