"""Pages of the one door for township staff (county staff read): the requests and the referrals
awaiting an answer (overdue marked, counted per township for the county), a new request, the
request's page with its steps (each a POST calling one service), and the printed receipt 回执."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from households.selectors import contacts_for, members_for, townships_for
from sunwu_relief import clock
from sunwu_relief.errors import DomainError, OutOfScope
from sunwu_relief.exports import Column, ListExport, wants_xlsx
from sunwu_relief.roles import Role, is_county_wide, role_of
from sunwu_relief.ui import add_domain_error, object_or_404, post_only, roles_required

from .forms import AnswerForm, ApplicationForm, CloseForm, IntakeForm, LinkMemberForm, ReferForm
from .models import IntakeRequest, IntakeStatus
from .selectors import (
    departments,
    intake_requests_for,
    open_referrals,
    overdue_referrals_by_township,
    referral_state,
)
from .services import (
    IntakeData,
    intake_close,
    intake_link_member,
    intake_refer,
    intake_register,
    intake_to_application,
    referral_answer,
)

READERS = (Role.CASEWORKER, Role.TOWNSHIP_REVIEWER, Role.BUREAU_REVIEWER, Role.AUDITOR)
TOWNSHIP = (Role.CASEWORKER, Role.TOWNSHIP_REVIEWER)


def _members(request: HttpRequest):
    return members_for(request.user).filter(removed_on__isnull=True).select_related("household").order_by("name")


def _forms(request: HttpRequest, data=None) -> dict:
    """Each step's form (bound to `data` for the step that was posted)."""
    return {
        "application": ApplicationForm(data),
        "link": LinkMemberForm(data, members=_members(request)),
        "refer": ReferForm(data, departments=departments()),
        "answer": AnswerForm(data),
        "close": CloseForm(data),
    }


# step: (who may take it, the statuses it applies to)
STEPS = {
    "application": ((Role.CASEWORKER,), {IntakeStatus.OPEN}),
    "link": ((Role.CASEWORKER,), {IntakeStatus.OPEN}),
    "refer": (TOWNSHIP, {IntakeStatus.OPEN}),
    "answer": (TOWNSHIP, {IntakeStatus.REFERRED}),
    "close": (TOWNSHIP, {IntakeStatus.OPEN}),
}
LABELS = {
    "application": gettext_lazy("Make it an application"),
    "link": gettext_lazy("Link the member of the registry"),
    "refer": gettext_lazy("Refer to another department"),
    "answer": gettext_lazy("Record the department's answer"),
    "close": gettext_lazy("Close with a reason"),
}


# The requests table as the page shows it (the download holds every request, the page the latest 200).
INTAKE_EXPORT = ListExport(
    name="intake_requests",
    title=gettext_lazy("One-door intake"),
    columns=(
        Column(gettext_lazy("receipt number"), lambda r: r.receipt_number),
        Column(gettext_lazy("received on"), lambda r: r.received_on),
        Column(gettext_lazy("for whom"), lambda r: r.person_name),
        Column(gettext_lazy("kind"), lambda r: r.get_kind_display()),
        Column(gettext_lazy("channel"), lambda r: r.get_channel_display()),
        Column(gettext_lazy("status"), lambda r: r.get_status_display()),
    ),
)


@roles_required(*READERS)
def intake_list_view(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    requests = intake_requests_for(request.user).order_by("-received_on", "-id")
    if wants_xlsx(request):
        return INTAKE_EXPORT.response(request, requests)
    requests = requests[:200]
    return render(
        request,
        "benefits/intake_list.html",
        {
            "requests": requests,
            "referrals": open_referrals(request.user, on=today),
            "by_township": overdue_referrals_by_township(request.user, on=today)
            if is_county_wide(request.user)
            else [],
            "can_create": role_of(request.user) == Role.CASEWORKER,
        },
    )


@roles_required(Role.CASEWORKER)
def intake_create_view(request: HttpRequest) -> HttpResponse:
    form = IntakeForm(request.POST or None, members=_members(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            intake = intake_register(
                actor=request.user,
                data=IntakeData(
                    channel=data["channel"],
                    kind=data["kind"],
                    requester_name=data["requester_name"],
                    requester_relation=data["requester_relation"],
                    requester_phone=data["requester_phone"],
                    member=data["member"],
                    person_name=data["person_name"],
                    person_address=data["person_address"],
                    request=data["request"],
                ),
            )
        except DomainError as exc:
            add_domain_error(form, exc, request=request)
        else:
            messages.success(request, _("Registered; print the receipt for the person."))
            return redirect("benefits:intake", pk=intake.pk)
    return render(request, "benefits/intake_form.html", {"form": form})


def _intake(request: HttpRequest, pk: int) -> IntakeRequest:
    return object_or_404(intake_requests_for(request.user), pk=pk)


@roles_required(*READERS)
def intake_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    intake = _intake(request, pk)
    role = role_of(request.user)
    forms = _forms(request)
    steps = [
        (name, LABELS[name], forms[name])
        for name, (roles, statuses) in STEPS.items()
        if role in roles and intake.status in statuses and not (name == "link" and intake.member_id)
    ]
    referral = getattr(intake, "referral", None)
    state = referral_state(referral, on=clock.today()) if referral is not None else None
    return render(request, "benefits/intake_detail.html", {"intake": intake, "steps": steps, "state": state})


@roles_required(*READERS)
def intake_receipt_view(request: HttpRequest, pk: int) -> HttpResponse:
    intake = _intake(request, pk)
    township = townships_for(request.user).filter(pk=intake.township_id).first()
    return render(request, "benefits/intake_receipt.html", {"intake": intake, "office": contacts_for(township)})


def _run(request: HttpRequest, intake: IntakeRequest, step: str, data: dict):
    if step == "application":
        application = intake_to_application(actor=request.user, intake=intake, programme=data["programme"])
        return _("The application was created from the request."), reverse(
            "benefits:application", args=[application.pk]
        )
    if step == "link":
        intake_link_member(actor=request.user, intake=intake, member=data["member"])
        return _("The member is linked."), None
    if step == "refer":
        intake_refer(actor=request.user, intake=intake, department=data["department"], handed_over=data["handed_over"])
        return _("Referred; the answer is due by the date shown."), None
    if step == "answer":
        referral_answer(
            actor=request.user,
            referral=intake.referral,
            outcome=data["outcome"],
            answer=data["answer"],
            answered_on=data["answered_on"],
        )
        return _("The department's answer is recorded."), None
    intake_close(actor=request.user, intake=intake, reason_code=data["reason_code"], note=data["note"])
    return _("Closed with its reason."), None


@roles_required(*TOWNSHIP)
@post_only(lambda pk, step: reverse("benefits:intake", args=[pk]))
def intake_step_view(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    intake = _intake(request, pk)
    if step not in STEPS:
        raise Http404
    if role_of(request.user) not in STEPS[step][0]:
        raise PermissionDenied  # a caseworker's step taken by the reviewer: 403, not a message
    form = _forms(request, request.POST)[step]
    if form.is_valid():
        try:
            done, target = _run(request, intake, step, form.cleaned_data)
        except OutOfScope as exc:
            raise Http404 from exc
        except DomainError as exc:
            add_domain_error(form, exc, request=request)
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        else:
            messages.success(request, done)
            if target:
                return redirect(target)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("benefits:intake", pk=intake.pk)
