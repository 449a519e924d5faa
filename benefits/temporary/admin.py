"""Admin for the county: temporary assistance cases (the decision above the township's limit
through the same service as every channel) and the medical assistance claims, read only."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from households.selectors import with_township_names
from sunwu_relief.admin_base import ReadOnlyAdminMixin, row_township
from sunwu_relief.errors import DomainError
from sunwu_relief.forms import Form
from sunwu_relief.roles import Role, role_of
from sunwu_relief.ui import add_domain_error

from ..medical.models import MedicalClaim
from ..medical.selectors import claims_for
from .models import TemporaryCase, TemporaryStatus
from .selectors import temporary_cases_for
from .services import temporary_county_approve, temporary_reject

COUNTY_READERS = (Role.BUREAU_REVIEWER, Role.AUDITOR)


class CountyReaderMixin:
    def has_module_permission(self, request: HttpRequest) -> bool:
        return role_of(request.user) in COUNTY_READERS

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.has_module_permission(request)


class TemporaryDecisionForm(Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[("approve", gettext_lazy("Approve")), ("reject", gettext_lazy("Reject"))],
    )
    opinion = forms.CharField(label=gettext_lazy("Opinion or reason"), widget=forms.Textarea(attrs={"rows": 3}))
    late_reason = forms.CharField(
        label=gettext_lazy("Reason for the delay (past the emergency limit)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


@admin.register(TemporaryCase)
class TemporaryCaseAdmin(CountyReaderMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "id",
        "person_name",
        "kind",
        "amount",
        "form",
        "status",
        "township",
        "reported_at",
        "decided_late",
        "decide_link",
    ]
    list_filter = ["status", "kind", "form", "emergency_grant", "decided_late"]
    search_fields = ["person_name"]
    exclude = ["township_id", "standard_snapshot", "person_id_number", "person_phone"]

    def get_queryset(self, request: HttpRequest):
        return with_township_names(temporary_cases_for(request.user))

    @admin.display(description=gettext_lazy("township"))
    def township(self, case: TemporaryCase) -> str:
        return row_township(case)

    @admin.display(description=gettext_lazy("County decision"))
    def decide_link(self, case: TemporaryCase) -> str:
        if case.status != TemporaryStatus.COUNTY_REVIEW:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:benefits_temporarycase_decide", args=[case.pk]), _("Decide")
        )

    def get_urls(self):
        own = [
            path("<int:pk>/decide/", self.admin_site.admin_view(self.decide_view), name="benefits_temporarycase_decide")
        ]
        return own + super().get_urls()

    def decide_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The county's decision on a case above the township's limit."""
        if role_of(request.user) not in COUNTY_READERS:
            raise PermissionDenied
        case = temporary_cases_for(request.user).filter(pk=pk).first()
        if case is None:
            raise Http404
        form = TemporaryDecisionForm(request.POST or None)
        can_decide = role_of(request.user) == Role.BUREAU_REVIEWER and case.status == TemporaryStatus.COUNTY_REVIEW
        if request.method == "POST" and can_decide and form.is_valid():
            try:
                if form.cleaned_data["decision"] == "approve":
                    temporary_county_approve(
                        actor=request.user,
                        case=case,
                        opinion=form.cleaned_data["opinion"],
                        late_reason=form.cleaned_data["late_reason"],
                    )
                    messages.success(request, _("Approved; the payment is recorded for the payments."))
                else:
                    temporary_reject(actor=request.user, case=case, reason=form.cleaned_data["opinion"])
                    messages.success(request, _("Rejected; the written notice was produced."))
                return redirect("admin:benefits_temporarycase_change", case.pk)
            except DomainError as exc:
                add_domain_error(form, exc, request=request)
        context = {
            **self.admin_site.each_context(request),
            "title": _("County decision"),
            "case": case,
            "form": form,
            "can_decide": can_decide,
            "opts": self.model._meta,
        }
        return render(request, "admin/benefits/temporarycase_decide.html", context)


@admin.register(MedicalClaim)
class MedicalClaimAdmin(CountyReaderMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id", "member", "hospital", "kind", "treated_on", "self_pay", "aid", "status_programme", "source"]
    list_filter = ["kind", "source", "status_programme", "year"]
    exclude = ["township_id", "standard_snapshot"]

    def get_queryset(self, request: HttpRequest):
        return claims_for(request.user)
