"""Browser pages of the integrity work list: township staff work their township's findings,
county staff all of them (the kinds that name the register or judge a township are county-only)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sunwu_relief.errors import DomainError, OutOfScope
from sunwu_relief.exports import Column, ListExport, wants_xlsx
from sunwu_relief.forms import Form
from sunwu_relief.roles import COUNTY_ROLES, role_of
from sunwu_relief.ui import add_domain_error, page_of, query_text, roles_required

from .finding_models import (
    COUNTY_ONLY_KINDS,
    PERSON_RESOLUTIONS,
    IntegrityFinding,
    IntegrityKind,
    IntegrityResolution,
    IntegrityStatus,
)
from .finding_selectors import integrity_finding_detail, integrity_finding_last_found, integrity_finding_list
from .services.findings import RESOLVE_ROLES, integrity_finding_resolve

PAGE_SIZE = 25


class ResolveForm(Form):
    resolution = forms.ChoiceField(
        label=gettext_lazy("What was done"),
        choices=[(value, IntegrityResolution(value).label) for value in PERSON_RESOLUTIONS],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=gettext_lazy("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


def _kinds_for(user) -> list[tuple[str, str]]:
    county = role_of(user) in COUNTY_ROLES
    return [(value, label) for value, label in IntegrityKind.choices if county or value not in COUNTY_ONLY_KINDS]


def _status(finding: IntegrityFinding) -> str:
    status = finding.get_status_display()
    return f"{status} · {finding.get_resolution_display()}" if finding.resolution else status


INTEGRITY_EXPORT = ListExport(
    name="integrity-findings",
    title=gettext_lazy("Integrity findings"),
    columns=(
        Column(gettext_lazy("Finding"), lambda f: f.get_kind_display()),
        Column(gettext_lazy("Township"), lambda f: f.township.name if f.township else ""),
        Column(gettext_lazy("Summary"), lambda f: f.summary),
        Column(gettext_lazy("Household"), lambda f: f.household.number if f.household else ""),
        Column(gettext_lazy("Case"), lambda f: f"#{f.application_id}" if f.application_id else ""),
        Column(gettext_lazy("Status"), _status),
    ),
)


@roles_required(*RESOLVE_ROLES)
def integrity_list_view(request: HttpRequest) -> HttpResponse:
    queryset = integrity_finding_list(request.user)
    kind = query_text(request, "finding")
    shown = query_text(request, "status", IntegrityStatus.OPEN)
    if kind in IntegrityKind.values:
        queryset = queryset.filter(kind=kind)
    if shown in IntegrityStatus.values:
        queryset = queryset.filter(status=shown)
    if wants_xlsx(request):
        return INTEGRITY_EXPORT.response(request, queryset.order_by("kind", "township__code", "id"))
    page, query = page_of(request, queryset.order_by("kind", "township__code", "id"), PAGE_SIZE)
    return render(
        request,
        "audits/integrity_findings.html",
        {
            "page": page,
            "query": query,
            "kinds": _kinds_for(request.user),
            "statuses": IntegrityStatus.choices,
            "kind": kind,
            "status": shown,
        },
    )


@roles_required(*RESOLVE_ROLES)
def integrity_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        finding = integrity_finding_detail(request.user, pk=pk)
    except IntegrityFinding.DoesNotExist as exc:
        raise Http404 from exc
    form = ResolveForm(request.POST or None) if finding.status == IntegrityStatus.OPEN else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied  # already resolved
        if form.is_valid():
            try:
                integrity_finding_resolve(actor=request.user, finding=finding, **form.cleaned_data)
            except OutOfScope as exc:
                raise Http404 from exc
            except DomainError as exc:
                add_domain_error(form, exc, request=request)
            else:
                messages.success(request, _("The finding was resolved."))
                return redirect("audits:integrity-finding", pk=finding.pk)
    return render(
        request,
        "audits/integrity_finding_detail.html",
        {
            "finding": finding,
            "form": form,
            "events": finding.events.all(),
            "last_found": integrity_finding_last_found(finding),
        },
    )
