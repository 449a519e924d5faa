"""Pages of re-verification: the re-verifications (overdue ones marked and counted per
township), a review's page with its steps (each a POST calling one service), and the campaigns
专项清理 with their progress per township, acceptance and final report (page and xlsx)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.models import Assessment
from sunwu_relief import clock
from sunwu_relief.errors import DomainError, OutOfScope
from sunwu_relief.exports import Column, ListExport, wants_xlsx
from sunwu_relief.roles import Role, is_county_wide, role_of
from sunwu_relief.ui import add_domain_error, object_or_404, post_only, query_text, roles_required

from ..forms import ApproveForm, OpenForm, ProposeForm, ReturnForm, StartForm
from ..models import ReviewReason, ReviewStatus
from ..selectors import (
    overdue_by_township,
    reviewable_benefits_for,
    reviews_for,
)
from ..services import (
    review_county_decide,
    review_open,
    review_propose,
    review_return,
    review_start,
    review_township_approve,
)

READERS = (Role.CASEWORKER, Role.TOWNSHIP_REVIEWER, Role.BUREAU_REVIEWER, Role.AUDITOR)
LIST_LIMIT = 200

# step: (who may take it, the statuses it applies to, its form, its button)
STEPS = {
    "start": ((Role.CASEWORKER,), {ReviewStatus.OPEN}, StartForm, gettext_lazy("Start the investigation")),
    "propose": ((Role.CASEWORKER,), {ReviewStatus.OPEN}, ProposeForm, gettext_lazy("Propose the outcome")),
    "approve": (
        (Role.TOWNSHIP_REVIEWER,),
        {ReviewStatus.TOWNSHIP_REVIEW},
        ApproveForm,
        gettext_lazy("Agree (an unchanged benefit is decided)"),
    ),
    "return": (
        (Role.TOWNSHIP_REVIEWER, Role.BUREAU_REVIEWER),
        {ReviewStatus.TOWNSHIP_REVIEW, ReviewStatus.COUNTY_REVIEW},
        ReturnForm,
        gettext_lazy("Return for a new investigation"),
    ),
    "decide": ((Role.BUREAU_REVIEWER,), {ReviewStatus.COUNTY_REVIEW}, ApproveForm, gettext_lazy("Decide")),
}
RETURN_STATUS = {Role.TOWNSHIP_REVIEWER: ReviewStatus.TOWNSHIP_REVIEW, Role.BUREAU_REVIEWER: ReviewStatus.COUNTY_REVIEW}


def _filtered(request: HttpRequest):
    reviews = reviews_for(request.user)
    status = query_text(request, "status", "unfinished")
    if status == "unfinished":
        reviews = reviews.filter(
            status__in=[ReviewStatus.OPEN, ReviewStatus.TOWNSHIP_REVIEW, ReviewStatus.COUNTY_REVIEW]
        )
    elif status in ReviewStatus.values:
        reviews = reviews.filter(status=status)
    if query_text(request, "overdue") == "1":
        reviews = reviews.filter(complete_by__lt=clock.today())
    reason = query_text(request, "reason")
    if reason in ReviewReason.values:
        reviews = reviews.filter(reason=reason)
    return reviews.order_by("-priority", "complete_by", "id"), status


@roles_required(*READERS)
def review_list_view(request: HttpRequest) -> HttpResponse:
    reviews, status = _filtered(request)
    if wants_xlsx(request):
        return REVIEWS_EXPORT.response(request, reviews)
    return render(
        request,
        "benefits/review_list.html",
        {
            "reviews": reviews[:LIST_LIMIT],
            "today": clock.today(),
            "status": status,
            "statuses": ReviewStatus.choices,
            "reasons": ReviewReason.choices,
            "reason": query_text(request, "reason"),
            "overdue": query_text(request, "overdue") == "1",
            "by_township": overdue_by_township(request.user) if is_county_wide(request.user) else [],
            "open_form": OpenForm() if role_of(request.user) == Role.CASEWORKER else None,
            "can_batch_approve": role_of(request.user) == Role.TOWNSHIP_REVIEWER
            and status == ReviewStatus.TOWNSHIP_REVIEW,
            "benefits": reviewable_benefits_for(request.user).order_by("household__number")[:LIST_LIMIT]
            if role_of(request.user) == Role.CASEWORKER
            else [],
        },
    )


REVIEWS_EXPORT = ListExport(
    name="re-verifications",
    title=gettext_lazy("Re-verifications"),
    columns=(
        Column(gettext_lazy("household"), lambda r: r.household.number),
        Column(gettext_lazy("village"), lambda r: r.household.village.name),
        Column(gettext_lazy("reason"), lambda r: r.get_reason_display()),
        Column(gettext_lazy("priority"), lambda r: _("Yes") if r.priority else ""),
        Column(gettext_lazy("due"), lambda r: r.due_on),
        Column(gettext_lazy("to be finished by"), lambda r: r.complete_by),
        Column(gettext_lazy("status"), lambda r: r.get_status_display()),
        Column(gettext_lazy("outcome"), lambda r: r.get_outcome_display()),
    ),
)


@roles_required(Role.CASEWORKER)
@post_only(lambda: reverse("benefits:review-list"))
def review_open_view(request: HttpRequest) -> HttpResponse:
    form = OpenForm(request.POST)
    benefit = object_or_404(reviewable_benefits_for(request.user), pk=request.POST.get("benefit") or 0)
    if form.is_valid():
        try:
            review, _opened = review_open(
                actor=request.user, benefit=benefit, reason=form.cleaned_data["reason"], note=form.cleaned_data["note"]
            )
        except DomainError as exc:
            add_domain_error(form, exc, request=request)
        else:
            messages.success(request, _("The re-verification is open."))
            return redirect("benefits:review", pk=review.pk)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect("benefits:review-list")


@roles_required(Role.TOWNSHIP_REVIEWER)
@post_only(lambda: reverse("benefits:review-list"))
def review_batch_approve_view(request: HttpRequest) -> HttpResponse:
    """The township reviewer agrees several proposed outcomes at once (each through the service;
    one refused does not stop the others, and says why)."""
    ids = [int(pk) for pk in request.POST.getlist("review") if pk.isdigit()][:LIST_LIMIT]
    chosen = reviews_for(request.user).filter(pk__in=ids, status=ReviewStatus.TOWNSHIP_REVIEW).order_by("pk")
    agreed = 0
    for review in chosen:
        try:
            review_township_approve(actor=request.user, review=review)
        except DomainError as exc:
            messages.error(request, f"{review.household.number}：{exc}")
        else:
            agreed += 1
    messages.success(request, _("%(count)s re-verifications agreed.") % {"count": agreed})
    return redirect(f"{reverse('benefits:review-list')}?status={ReviewStatus.TOWNSHIP_REVIEW}")


def _review(request: HttpRequest, pk: int):
    return object_or_404(reviews_for(request.user), pk=pk)


def _steps(request: HttpRequest, review) -> list:
    role = role_of(request.user)
    steps = []
    for name, (roles, statuses, form_class, label) in STEPS.items():
        if role not in roles or review.status not in statuses:
            continue
        if name == "return" and RETURN_STATUS.get(role) != review.status:
            continue
        if name == "start" and review.assessment_id and review.assessment.status == Assessment.Status.OPEN:
            continue
        steps.append((name, label, form_class()))
    return steps


@roles_required(*READERS)
def review_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review(request, pk)
    benefit = review.benefit
    return render(
        request,
        "benefits/review_detail.html",
        {
            "review": review,
            "reasons": [
                (item.get("on", ""), ReviewReason(item["code"]).label, item.get("note", "")) for item in review.reasons
            ],
            "benefit": benefit,
            "decision": benefit.current_decision,
            "steps": _steps(request, review),
            "overdue": review.is_unfinished and review.complete_by < clock.today(),
        },
    )


def _run(request: HttpRequest, review, step: str, data: dict):
    actor = request.user
    if step == "start":
        assessment = review_start(actor=actor, review=review)
        return _("Investigation started: record the declarations and the visit, then finish it."), reverse(
            "assessments:detail", args=[assessment.pk]
        )
    if step == "propose":
        review_propose(
            actor=actor,
            review=review,
            note=data["note"],
            suspend=data["suspend"],
            checker_name=data["checker_name"],
            household_signatory=data["household_signatory"],
            signed_on=data["signed_on"],
        )
        return _("The outcome is proposed to the township reviewer."), None
    if step == "approve":
        review_township_approve(actor=actor, review=review)
        return _("Agreed."), None
    if step == "return":
        review_return(actor=actor, review=review, note=data["note"])
        return _("Returned for a new investigation."), None
    review_county_decide(actor=actor, review=review)
    return _("Decided; the written notice is ready to deliver."), None


@roles_required(Role.CASEWORKER, Role.TOWNSHIP_REVIEWER, Role.BUREAU_REVIEWER)
@post_only(lambda pk, step: reverse("benefits:review", args=[pk]))
def review_step_view(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    review = _review(request, pk)
    if step not in STEPS:
        raise Http404
    if role_of(request.user) not in STEPS[step][0]:
        raise PermissionDenied
    form = STEPS[step][2](request.POST)
    if form.is_valid():
        try:
            done, target = _run(request, review, step, form.cleaned_data)
        except OutOfScope as exc:
            raise Http404 from exc
        except DomainError as exc:
            add_domain_error(form, exc, request=request)
        else:
            messages.success(request, done)
            if target:
                return redirect(target)
            return redirect("benefits:review", pk=review.pk)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect("benefits:review", pk=review.pk)
