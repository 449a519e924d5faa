"""Browser pages of the reconciliation work list: township staff work their township's findings."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from sunwu_relief.audit import record_access
from sunwu_relief.errors import DomainError
from sunwu_relief.exports import MAX_ROWS, xlsx_download
from sunwu_relief.roles import Role, can_see_full_id, is_county_wide, role_of
from sunwu_relief.ui import client_ip, form_domain_error, object_or_404, query_text, roles_required

from ..forms import ResolveForm
from ..models import FindingKind, FindingStatus
from ..selectors import finding_details_for, finding_last_found, finding_list
from ..services import RESOLVE_ROLES, finding_resolve

VIEW_ROLES = (Role.CASEWORKER, Role.TOWNSHIP_REVIEWER, Role.BUREAU_REVIEWER, Role.AUDITOR)
PAGE_SIZE = 25


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
    if request.GET.get("format") == "xlsx":
        return _findings_download(request, queryset)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audits/findings.html",
        {
            "page": page,
            "query": query.urlencode(),
            "kinds": FindingKind.choices,
            "statuses": FindingStatus.choices,
            "kind": kind,
            "status": status,
            "full_ids": False,  # lists always mask (least exposure)
        },
    )


def _findings_download(request: HttpRequest, queryset) -> HttpResponse:
    """The list as it is shown (every page, IDs masked as on screen)."""
    findings = list(queryset.select_related("township", "household")[:MAX_ROWS])
    rows = [
        [
            finding.get_kind_display(),
            finding.township.name if finding.township else "",
            finding.name,
            finding.masked_id_number,
            finding.household.number if finding.household else "",
            finding.ledger_household_number,
            finding.get_status_display() + (f" · {finding.get_resolution_display()}" if finding.resolution else ""),
        ]
        for finding in findings
    ]
    return xlsx_download(
        request,
        filename="findings",
        title=_("Ledger findings"),
        headers=[
            _("Finding"),
            _("Township"),
            _("Name"),
            _("ID number"),
            _("Our household"),
            _("Ledger household number"),
            _("Status"),
        ],
        rows=rows,
        objects=findings,
        list_name="findings",
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
