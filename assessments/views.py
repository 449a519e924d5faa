"""Browser pages of the economic-status check, for township staff (read) and caseworkers (write)."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from households.selectors import households_for, members_for
from sunwu_relief import clock
from sunwu_relief.audit import record_access
from sunwu_relief.errors import DomainError, NotAllowed, OutOfScope
from sunwu_relief.models import Job
from sunwu_relief.roles import Role, can_see_full_id, can_see_health_data, township_id_of
from sunwu_relief.ui import add_domain_error, client_ip, domain_error_message, post_only, roles_required

from . import services
from .forms import AssetForm, AttachmentForm, AuthorisationForm, IncomeForm, LabourAssessmentForm, VisitForm
from .models import (
    Assessment,
    AssetDeclaration,
    Authorisation,
    HouseholdVisit,
    IncomeDeclaration,
    Source,
    VisitAttachment,
)
from .selectors import (
    assessment_detail,
    assessments_for,
    departmental_records,
    labour_assessments_for,
    members_with_labour,
    monthly_standard_for,
    signed_visit,
    visits_for,
)

STAFF_ROLES = (Role.CASEWORKER, Role.TOWNSHIP_REVIEWER, Role.BUREAU_REVIEWER, Role.AUDITOR)


def _get(queryset, pk: int):
    try:
        return queryset.get(pk=pk)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


def _run(request: HttpRequest, action: Callable[..., Any], **kwargs: Any) -> Any:
    """Call a service; outside the scope is a 404, a refusal a message. None when refused."""
    try:
        return action(actor=request.user, **kwargs)
    except OutOfScope as exc:
        raise Http404 from exc
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        domain_error_message(request, exc)
        return None


def _form_run(request: HttpRequest, form, action: Callable[..., Any], **kwargs: Any) -> Any:
    try:
        return action(actor=request.user, **kwargs)
    except OutOfScope as exc:
        raise Http404 from exc
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        add_domain_error(form, exc, request=request)
        return None


def _can_edit(request: HttpRequest) -> bool:
    return request.user.staff_profile.role == Role.CASEWORKER


# --- household page ---------------------------------------------------------------------------


@roles_required(*STAFF_ROLES)
def household_view(request: HttpRequest, pk: int) -> HttpResponse:
    household = _get(households_for(request.user).select_related("township", "village"), pk)
    assessments = assessments_for(request.user).filter(household=household).select_related("created_by", "finished_by")
    return render(
        request,
        "assessments/household.html",
        {
            "household": household,
            "members": members_with_labour(household),
            "assessments": assessments,
            "open_assessment": next((a for a in assessments if a.is_open), None),
            "can_edit": _can_edit(request),
            "health": can_see_health_data(request.user),
        },
    )


@roles_required(Role.CASEWORKER)
@post_only(lambda pk: reverse("assessments:household", args=[pk]))
def assessment_start_view(request: HttpRequest, pk: int) -> HttpResponse:
    household = _get(households_for(request.user), pk)
    assessment = _run(request, services.assessment_start, household=household)
    if assessment is None:
        return redirect("assessments:household", pk=household.pk)
    return redirect("assessments:detail", pk=assessment.pk)


# --- assessment page ------------------------------------------------------------------------


def _load(request: HttpRequest, pk: int) -> Assessment:
    try:
        return assessment_detail(request.user, pk=pk)
    except Assessment.DoesNotExist as exc:
        raise Http404 from exc


@roles_required(*STAFF_ROLES)
def assessment_view(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _load(request, pk)
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
            "can_edit": _can_edit(request) and assessment.is_open,
            "full_ids": full_ids,
            "sources": Source,
        },
    )


def _declaration_view(request: HttpRequest, pk: int, form_class, action, template_title: str) -> HttpResponse:
    assessment = _get(assessments_for(request.user).select_related("household"), pk)
    members = assessment.household.members.order_by("id")
    form = form_class(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if _form_run(request, form, action, assessment=assessment, **data) is not None:
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
    model = {"income": IncomeDeclaration, "asset": AssetDeclaration}.get(kind)
    if model is None:
        raise Http404
    declaration = _get(model.objects.filter(assessment__in=assessments_for(request.user)), pk)
    if _run(request, services.declaration_remove, declaration=declaration) is not None:
        messages.success(request, _("The declaration was removed."))
    return redirect("assessments:detail", pk=declaration.assessment_id)


@roles_required(Role.CASEWORKER)
def authorisation_view(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _get(assessments_for(request.user).select_related("household"), pk)
    form = AuthorisationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        if _form_run(request, form, services.authorisation_record, assessment=assessment, **form.cleaned_data):
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
    assessment = _get(assessments_for(request.user), pk)
    found = _run(request, services.cross_check, assessment=assessment)
    if found is not None:
        messages.success(request, _("Cross-check done: %(count)d discrepancies.") % {"count": len(found)})
    return redirect("assessments:detail", pk=assessment.pk)


@roles_required(Role.CASEWORKER)
@post_only(lambda pk: reverse("assessments:detail", args=[pk]))
def finish_view(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _get(assessments_for(request.user), pk)
    if _run(request, services.assessment_finish, assessment=assessment) is not None:
        messages.success(request, _("The investigation is finished; its result is frozen."))
    return redirect("assessments:detail", pk=assessment.pk)


# --- visits ------------------------------------------------------------------------------------


def _visit_initial(visit: HouseholdVisit) -> dict:
    initial = {name: getattr(visit, name) for name in services.VISIT_FIELDS}
    initial["investigators"] = list(visit.investigators.all())
    return initial


@roles_required(Role.CASEWORKER)
def visit_new_view(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _get(assessments_for(request.user).select_related("household"), pk)
    form = VisitForm(
        request.POST or None, township_id=assessment.household.township_id, initial={"investigators": [request.user]}
    )
    if request.method == "POST" and form.is_valid():
        visit = _form_run(
            request,
            form,
            services.visit_create,
            assessment=assessment,
            data=form.visit_data(),
            investigators=form.cleaned_data["investigators"],
        )
        if visit is not None:
            messages.success(request, _("The visit was recorded."))
            return redirect("assessments:visit", pk=visit.pk)
    return render(
        request, "assessments/form.html", {"form": form, "assessment": assessment, "title": _("Household visit")}
    )


def _load_visit(request: HttpRequest, pk: int) -> HouseholdVisit:
    return _get(
        visits_for(request.user)
        .select_related("assessment__household__township", "assessment__household__village", "signed_by", "supersedes")
        .prefetch_related("investigators", "attachments", "superseded_by"),
        pk,
    )


@roles_required(*STAFF_ROLES)
def visit_view(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _load_visit(request, pk)
    editable = _can_edit(request) and not visit.is_signed and visit.assessment.is_open
    form = None
    if editable:
        form = VisitForm(
            request.POST or None, township_id=visit.assessment.household.township_id, initial=_visit_initial(visit)
        )
        if request.method == "POST" and form.is_valid():
            saved = _form_run(
                request,
                form,
                services.visit_update,
                visit=visit,
                data=form.visit_data(),
                investigators=form.cleaned_data["investigators"],
            )
            if saved is not None:
                messages.success(request, _("The visit was saved."))
                return redirect("assessments:visit", pk=visit.pk)
    elif request.method == "POST":
        raise PermissionDenied
    confirmed = {c.investigator_id: c.confirmed_at for c in visit.confirmations.all()}
    investigators = list(visit.investigators.all())
    return render(
        request,
        "assessments/visit.html",
        {
            "visit": visit,
            "confirmation_rows": [{"investigator": u, "confirmed_at": confirmed.get(u.pk)} for u in investigators],
            "i_confirmed": request.user.pk in confirmed,
            "i_investigate": any(u.pk == request.user.pk for u in investigators),
            "assessment": visit.assessment,
            "form": form,
            "attach_form": AttachmentForm() if editable else None,
            "can_edit": _can_edit(request) and visit.assessment.is_open,
        },
    )


@roles_required(Role.CASEWORKER)
@post_only(lambda pk: reverse("assessments:visit", args=[pk]))
def visit_sign_view(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _load_visit(request, pk)
    signed = _run(request, services.visit_sign, visit=visit)
    if signed is not None and signed.is_signed:
        messages.success(request, _("The visit record is signed and can no longer be changed."))
    elif signed is not None:
        messages.success(
            request, _("Your confirmation was recorded; the other investigators confirm under their own log-in.")
        )
    return redirect("assessments:visit", pk=visit.pk)


@roles_required(Role.CASEWORKER)
@post_only(lambda pk: reverse("assessments:visit", args=[pk]))
def visit_correct_view(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _load_visit(request, pk)
    correction = _run(request, services.visit_correct, visit=visit)
    return redirect("assessments:visit", pk=(correction or visit).pk)


@roles_required(Role.CASEWORKER)
@post_only(lambda pk: reverse("assessments:visit", args=[pk]))
def visit_attach_view(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _load_visit(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
    elif _run(request, services.visit_attach, visit=visit, **form.cleaned_data) is not None:
        messages.success(request, _("The file was attached."))
    return redirect("assessments:visit", pk=visit.pk)


@roles_required(*STAFF_ROLES)
def visit_print_view(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _load_visit(request, pk)
    assessment = visit.assessment
    members = list(assessment.household.members.order_by("id"))
    for member in members:
        # The paper masks every ID number, so it carries the age, never the birth date (the 8
        # masked digits).
        member.age_at_visit = member.age_on(visit.visit_date)
    return render(
        request,
        "assessments/visit_print.html",
        {
            "visit": visit,
            "assessment": assessment,
            "household": assessment.household,
            "members": members,
            "incomes": assessment.incomes.select_related("member"),
            "assets": assessment.assets.select_related("member"),
            "discrepancies": assessment.discrepancies.select_related("member"),
            "investigators": list(visit.investigators.all()),
            **_income_against_standard(assessment),
            "today": clock.today(),
        },
    )


def _income_against_standard(assessment: Assessment) -> dict:
    """Per-capita income (frozen, or provisional while the investigation is open) and the 低保
    standard of the year, for the verification form."""
    per_capita, provisional = assessment.per_capita_income, False
    if assessment.is_open:
        try:
            per_capita, provisional = services.economic_result(assessment).income.per_capita_income, True
        except DomainError:
            per_capita = None
    standard = monthly_standard_for(clock.today().year)
    return {
        "per_capita": per_capita,
        "provisional": provisional,
        "monthly_standard": standard,
        "below_standard": per_capita is not None and standard is not None and per_capita < standard,
    }


# --- labour capacity -------------------------------------------------------------------------


@roles_required(Role.CASEWORKER)
def labour_new_view(request: HttpRequest, pk: int) -> HttpResponse:
    member = _get(members_for(request.user).select_related("household"), pk)
    form = LabourAssessmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        if _form_run(request, form, services.labour_assessment_record, member=member, **form.cleaned_data):
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
    job = _run(request, services.cross_check_township_start, township=township)
    if job is None:
        return redirect("dashboard")
    return redirect("assessments:job", pk=job.pk)


@roles_required(Role.CASEWORKER, Role.TOWNSHIP_REVIEWER)
def job_view(request: HttpRequest, pk: int) -> HttpResponse:
    job = _get(Job.objects.filter(kind=services.CROSS_CHECK_JOB, township_id=township_id_of(request.user)), pk)
    return render(request, "assessments/job.html", {"job": job})


@roles_required(*STAFF_ROLES)
def file_view(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Scanned documents, served only inside the user's scope (never from a public media URL)."""
    if kind == "authorisation":
        obj = _get(Authorisation.objects.filter(assessment__in=assessments_for(request.user)), pk)
        file = obj.scan
    elif kind == "attachment":
        obj = _get(VisitAttachment.objects.filter(visit__in=visits_for(request.user)), pk)
        file = obj.file
    elif kind == "labour":
        obj = _get(labour_assessments_for(request.user), pk)
        file = obj.document
    else:
        raise Http404
    if not file:
        raise Http404
    record_access(
        user=request.user, obj=obj, channel="ui", full_id_numbers=False, health_data=True, ip_address=client_ip(request)
    )
    return FileResponse(file.open("rb"), as_attachment=False, filename=file.name.rsplit("/", 1)[-1])
