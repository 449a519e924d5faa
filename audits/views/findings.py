"""Browser pages of the reconciliation work list: township staff work their township's findings."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sunwu_relief.audit import record_access
from sunwu_relief.errors import DomainError
from sunwu_relief.exports import Column, ListExport, wants_xlsx
from sunwu_relief.roles import Role, can_see_full_id, is_county_wide, role_of
from sunwu_relief.ui import client_ip, form_domain_error, object_or_404, page_of, query_text, roles_required

from ..forms import ResolveForm
from ..models import FindingKind, FindingStatus
from ..selectors import finding_details_for, finding_last_found, finding_list
from ..services import RESOLVE_ROLES, finding_resolve

VIEW_ROLES = (Role.CASEWORKER, Role.TOWNSHIP_REVIEWER, Role.BUREAU_REVIEWER, Role.AUDITOR)
PAGE_SIZE = 25


def _status(finding) -> str:
    return finding.get_status_display() + (f" · {finding.get_resolution_display()}" if finding.resolution else "")


# The list's columns as the page shows them (every page, IDs masked as on screen).
FINDINGS_EXPORT = ListExport(
    name="findings",
    title=gettext_lazy("Ledger findings"),
    columns=(
        Column(gettext_lazy("Finding"), lambda f: f.get_kind_display()),
        Column(gettext_lazy("Township"), lambda f: f.township.name if f.township else ""),
        Column(gettext_lazy("Name"), lambda f: f.name),
        Column(gettext_lazy("ID number"), lambda f: f.masked_id_number),
        Column(gettext_lazy("Our household"), lambda f: f.household.number if f.household else ""),
        Column(gettext_lazy("Ledger household number"), lambda f: f.ledger_household_number),
        Column(gettext_lazy("Status"), _status),
    ),
)


@roles_required(*VIEW_ROLES)
def finding_list_view(request: HttpRequest) -> HttpResponse:
    queryset = finding_list(request.user)
    kind = query_text(request, "finding")
    status = query_text(request, "status", FindingStatus.OPEN)
    township = query_text(request, "township")
    if kind in FindingKind.values:
        queryset = queryset.filter(kind=kind)
    if status in FindingStatus.values:
        queryset = queryset.filter(status=status)
    if township and is_county_wide(request.user):
        queryset = queryset.filter(township__name=township)
    queryset = queryset.order_by("kind", "township__code", "ledger_household_number", "id")
    if wants_xlsx(request):
        return FINDINGS_EXPORT.response(request, queryset.select_related("township", "household"))
    page, query = page_of(request, queryset, PAGE_SIZE)
    return render(
        request,
        "audits/findings.html",
        {
            "page": page,
            "query": query,
            "kinds": FindingKind.choices,
            "statuses": FindingStatus.choices,
            "kind": kind,
            "status": status,
            "full_ids": False,  # lists always mask (least exposure)
        },
    )


@roles_required(*VIEW_ROLES)
def finding_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    finding = object_or_404(finding_details_for(request.user), pk=pk)
    can_resolve = role_of(request.user) in RESOLVE_ROLES and finding.status == FindingStatus.OPEN
    form = ResolveForm(request.POST or None) if can_resolve else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied  # a reading role, or already resolved
        if form.is_valid():
            try:
                finding_resolve(actor=request.user, finding=finding, **form.cleaned_data)
            except DomainError as exc:
                form_domain_error(form, exc, request=request)
            else:
                messages.success(request, _("The finding was resolved."))
                return redirect("audits:finding", pk=finding.pk)
    full_ids = can_see_full_id(request.user)
    record_access(
        user=request.user,
        obj=finding,
        channel="ui",
        full_id_numbers=full_ids and bool(finding.id_number),
        health_data=False,
        ip_address=client_ip(request),
    )
    return render(
        request,
        "audits/finding_detail.html",
        {
            "finding": finding,
            "form": form,
            "full_ids": full_ids,
            "can_apply": role_of(request.user) == Role.CASEWORKER and finding.household_id is not None,
            "events": finding.events.all(),
            "last_found": finding_last_found(finding),
        },
    )
