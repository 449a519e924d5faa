"""Browser pages of household visits 入户调查: record, confirm and sign, correct, attach, print."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from sunwu_relief import clock
from sunwu_relief.errors import DomainError
from sunwu_relief.roles import Role
from sunwu_relief.ui import object_or_404, post_only, roles_required

from .. import services
from ..forms import AttachmentForm, VisitForm
from ..models import Assessment, HouseholdVisit
from ..selectors import (
    assessments_for,
    monthly_standard_for,
    visits_for,
)
from .common import STAFF_ROLES, can_edit, run_form_service, run_service

# --- visits ------------------------------------------------------------------------------------


def _visit_initial(visit: HouseholdVisit) -> dict:
    initial = {name: getattr(visit, name) for name in services.VISIT_FIELDS}
    initial["investigators"] = list(visit.investigators.all())
    return initial


@roles_required(Role.CASEWORKER)
def visit_new_view(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = object_or_404(assessments_for(request.user).select_related("household"), pk=pk)
    form = VisitForm(
        request.POST or None, township_id=assessment.household.township_id, initial={"investigators": [request.user]}
    )
    if request.method == "POST" and form.is_valid():
        visit = run_form_service(
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
    return object_or_404(
        visits_for(request.user)
        .select_related("assessment__household__township", "assessment__household__village", "signed_by", "supersedes")
        .prefetch_related("investigators", "attachments", "superseded_by"),
        pk=pk,
    )


@roles_required(*STAFF_ROLES)
def visit_view(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _load_visit(request, pk)
    editable = can_edit(request) and not visit.is_signed and visit.assessment.is_open
    form = None
    if editable:
        form = VisitForm(
            request.POST or None, township_id=visit.assessment.household.township_id, initial=_visit_initial(visit)
        )
        if request.method == "POST" and form.is_valid():
            saved = run_form_service(
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
            "can_edit": can_edit(request) and visit.assessment.is_open,
        },
    )


@roles_required(Role.CASEWORKER)
@post_only(lambda pk: reverse("assessments:visit", args=[pk]))
def visit_sign_view(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _load_visit(request, pk)
    signed = run_service(request, services.visit_sign, visit=visit)
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
    correction = run_service(request, services.visit_correct, visit=visit)
    return redirect("assessments:visit", pk=(correction or visit).pk)


@roles_required(Role.CASEWORKER)
@post_only(lambda pk: reverse("assessments:visit", args=[pk]))
def visit_attach_view(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _load_visit(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
    elif run_service(request, services.visit_attach, visit=visit, **form.cleaned_data) is not None:
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
