"""Pages of dynamic management: the re-verifications (overdue ones marked and counted per
township), a review's page with its steps (each a POST calling one service), and the campaigns
专项清理 with their progress per township, acceptance and final report (page and xlsx)."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from households.selectors import contacts_for, households_for, townships_for
from sunwu_relief import clock
from sunwu_relief.errors import DomainError, InvalidInput
from sunwu_relief.exports import xlsx_download
from sunwu_relief.roles import Role, role_of
from sunwu_relief.ui import add_domain_error, object_or_404, post_only, roles_required

from ..forms import AcceptForm, CampaignForm, CheckerForm
from ..selectors import (
    campaign_checkers,
    campaign_progress,
    campaign_report,
    campaigns_for,
    township_staff,
)
from ..services import (
    campaign_accept,
    campaign_checker_assign,
    campaign_create,
    campaign_launch,
)

READERS = (Role.CASEWORKER, Role.TOWNSHIP_REVIEWER, Role.BUREAU_REVIEWER, Role.AUDITOR)
LIST_LIMIT = 200

# Campaigns ---------------------------------------------------------------------------------------


@roles_required(*READERS)
def campaign_list_view(request: HttpRequest) -> HttpResponse:
    form = None
    if role_of(request.user) == Role.BUREAU_REVIEWER:
        form = CampaignForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            numbers = [line.strip() for line in data["household_numbers"].splitlines() if line.strip()]
            ids = list(households_for(request.user).filter(number__in=numbers).values_list("pk", flat=True))
            try:
                if len(ids) != len(set(numbers)):
                    raise InvalidInput(
                        field_errors={"household_numbers": [_("Some household numbers are not in the registry.")]},
                        code="campaign.unknown_households",
                    )
                campaign = campaign_create(
                    actor=request.user,
                    name=data["name"],
                    scope=data["scope"],
                    deployment_starts=data["deployment_starts"],
                    implementation_starts=data["implementation_starts"],
                    acceptance_starts=data["acceptance_starts"],
                    ends_on=data["ends_on"],
                    household_ids=ids,
                )
            except DomainError as exc:
                add_domain_error(form, exc, request=request)
            else:
                messages.success(request, _("The campaign is planned; assign the checkers and launch it."))
                return redirect("benefits:campaign", pk=campaign.pk)
    elif request.method == "POST":
        raise Http404
    return render(
        request, "benefits/campaign_list.html", {"campaigns": campaigns_for(request.user).order_by("-id"), "form": form}
    )


def _campaign(request: HttpRequest, pk: int):
    return object_or_404(campaigns_for(request.user), pk=pk)


@roles_required(*READERS)
def campaign_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    bureau = role_of(request.user) == Role.BUREAU_REVIEWER
    return render(
        request,
        "benefits/campaign_detail.html",
        {
            "campaign": campaign,
            "phase": campaign.phase_on(clock.today()),
            "progress": campaign_progress(request.user, campaign),
            "checkers": campaign_checkers(campaign),
            "checker_form": CheckerForm(staff=township_staff()) if bureau else None,
            "accept_form": AcceptForm() if bureau else None,
            "bureau": bureau,
        },
    )


@roles_required(Role.BUREAU_REVIEWER)
@post_only(lambda pk, step: reverse("benefits:campaign", args=[pk]))
def campaign_step_view(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    campaign = _campaign(request, pk)
    try:
        if step == "launch":
            counts = campaign_launch(actor=request.user, campaign=campaign)
            messages.success(request, _("%(count)s checks opened.") % {"count": sum(counts.values())})
        elif step == "checker":
            form = CheckerForm(request.POST, staff=township_staff())
            if not form.is_valid():
                raise InvalidInput(field_errors=form.errors, code="campaign.checker_invalid")
            user = form.cleaned_data["user"]
            campaign_checker_assign(
                actor=request.user, campaign=campaign, township=user.staff_profile.township, user=user
            )
            messages.success(request, _("Checker assigned."))
        elif step == "accept":
            form = AcceptForm(request.POST)
            if not form.is_valid():
                raise InvalidInput(field_errors=form.errors, code="campaign.note_required")
            campaign_accept(actor=request.user, campaign=campaign, note=form.cleaned_data["note"])
            messages.success(request, _("The campaign is accepted."))
        else:
            raise Http404
    except DomainError as exc:
        for problem in exc.problems or []:
            messages.error(request, str(problem))
        for errors in (exc.field_errors or {}).values():
            for error in errors:
                messages.error(request, str(error))
        if not exc.problems and not exc.field_errors:
            messages.error(request, str(exc))
    return redirect("benefits:campaign", pk=campaign.pk)


REPORT_COLUMNS = [
    ("checked", gettext_lazy("households checked")),
    ("kept", gettext_lazy("kept")),
    ("changed", gettext_lazy("changed")),
    ("stopped", gettext_lazy("stopped")),
    ("included", gettext_lazy("newly included")),
    ("poor_checked", gettext_lazy("registered poor checked")),
    ("poor_included", gettext_lazy("registered poor included")),
]


@roles_required(*READERS)
def campaign_report_view(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    report = campaign_report(request.user, campaign)
    if request.GET.get("format") == "xlsx":
        rows = [[row["township"], *[row[key] for key, _label in REPORT_COLUMNS]] for row in report.rows]
        rows.append([_("Total"), *[report.total[key] for key, _label in REPORT_COLUMNS]])
        return xlsx_download(
            request,
            filename=f"campaign-{campaign.pk}-report",
            title=_("Campaign report"),
            headers=[_("township"), *[str(label) for _key, label in REPORT_COLUMNS]],
            rows=rows,
            objects=[campaign],
            list_name="campaign_report",
        )
    return render(
        request,
        "benefits/campaign_report.html",
        {
            "campaign": campaign,
            "report": report,
            "columns": REPORT_COLUMNS,
            "office": contacts_for(None),
            "today": clock.today(),
            "townships": townships_for(request.user),
        },
    )
