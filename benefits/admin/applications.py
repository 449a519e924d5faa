"""Applications in the admin, with the county decision: home visit, then approve, reject or return."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from sunwu_relief import clock
from sunwu_relief.admin_base import ReadOnlyAdminMixin, snapshot_table, township_name
from sunwu_relief.audit import record_access
from sunwu_relief.errors import DomainError
from sunwu_relief.forms import Form
from sunwu_relief.roles import Role, role_of
from sunwu_relief.ui import client_ip, form_domain_error, object_or_404

from .. import services
from ..forms import CountyVisitForm, DiscrepancyOverrideForm, ExtensionForm
from ..models import (
    IN_PROCEDURE,
    Application,
    Obligor,
    Programme,
    ReasonCode,
    Standard,
    Transition,
)
from ..models import ApplicationStatus as S
from ..selectors import (
    application_deadlines,
    application_details_for,
    applications_for,
    decision_evidence,
)
from .common import CaseReaderMixin, _system


class TransitionInline(admin.TabularInline):
    model = Transition
    extra = 0
    can_delete = False
    fields = readonly_fields = ["created", "step", "by", "reason_code", "comment"]

    @admin.display(description=gettext_lazy("step"))
    def step(self, transition: Transition) -> str:
        if transition.action == "create":
            return _("Application created (draft)")
        return f"{transition.get_from_status_display()} → {transition.get_to_status_display()}"

    @admin.display(description=gettext_lazy("actor"))
    def by(self, transition: Transition) -> str:
        return str(transition.actor) if transition.actor_id else str(_system())

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class ObligorInline(admin.TabularInline):
    """The 特困 applicant's obligors, as the caseworker recorded them (read-only here)."""

    model = Obligor
    extra = 0
    can_delete = False
    fields = readonly_fields = ["name", "relation", "can_support", "inability", "note", "recorded_by", "created"]

    def has_view_permission(self, request, obj=None) -> bool:
        return role_of(request.user) in (Role.BUREAU_REVIEWER, Role.AUDITOR)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class DecisionForm(Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            ("approve", gettext_lazy("Approve")),
            ("reject", gettext_lazy("Reject")),
            ("return", gettext_lazy("Return for rework")),
        ],
    )
    reason_code = forms.ChoiceField(
        label=gettext_lazy("Reason (reject or return)"), choices=[("", "—"), *ReasonCode.choices], required=False
    )
    comment = forms.CharField(
        label=gettext_lazy("Explanation"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


@admin.register(Application)
class ApplicationAdmin(CaseReaderMixin, ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = [
        "id",
        "programme",
        "applicant_name",
        "village",
        "status",
        "filed",
        "spot_check_required",
        "decide_link",
    ]
    list_filter = ["status", "programme", "filed", "spot_check_required", "household__township"]
    search_fields = ["applicant_name", "household__number", "=household__members__id_number"]
    list_select_related = ["household__village"]
    inlines = [ObligorInline, TransitionInline]
    # Raw columns are shown in words instead: the township's name, the standard as a table.
    exclude = ["single_member", "township_id", "standard_snapshot", "filed_reasons"]
    readonly_fields = [
        "status_name",
        "township_name",
        "creator",
        "filed_reasons_text",
        "standard_used",
    ]

    @admin.display(description=gettext_lazy("status"))
    def status_name(self, application: Application) -> str:
        return application.get_status_display()

    @admin.display(description=gettext_lazy("township"))
    def township_name(self, application: Application) -> str:
        return township_name(application.township_id)

    @admin.display(description=gettext_lazy("created by"))
    def creator(self, application: Application) -> str:
        return str(application.created_by)

    @admin.display(description=gettext_lazy("filing reasons"))
    def filed_reasons_text(self, application: Application) -> str:
        return "；".join(application.filed_reasons or []) or "—"

    @admin.display(description=gettext_lazy("standard used"))
    def standard_used(self, obj) -> str:
        return snapshot_table(Standard, obj.standard_snapshot)

    def get_queryset(self, request: HttpRequest):
        return applications_for(request.user).select_related("household__village")

    @admin.display(description=gettext_lazy("Village"))
    def village(self, application: Application) -> str:
        return application.household.village.name

    @admin.display(description=gettext_lazy("County decision"))
    def decide_link(self, application: Application) -> str:
        if application.status != S.COUNTY_REVIEW:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:benefits_application_decide", args=[application.pk]), _("Decide")
        )

    def get_urls(self):
        own = [
            path("<int:pk>/decide/", self.admin_site.admin_view(self.decide_view), name="benefits_application_decide")
        ]
        return own + super().get_urls()

    def decide_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The county decision: home visit record, then approve / reject / return."""
        if role_of(request.user) not in (Role.BUREAU_REVIEWER, Role.AUDITOR):
            raise PermissionDenied
        application = object_or_404(application_details_for(request.user), pk=pk)
        decision_form = DecisionForm(request.POST if "decide" in request.POST else None, prefix="decision")
        visit_form = CountyVisitForm(request.POST if "visit" in request.POST else None, prefix="visit")
        override_form = DiscrepancyOverrideForm(request.POST if "override" in request.POST else None, prefix="override")
        extension_form = ExtensionForm(request.POST if "extend" in request.POST else None, prefix="extend")
        if request.method == "POST":
            form_in_use = {"decide": decision_form, "override": override_form, "extend": extension_form}
            failed = next((f for name, f in form_in_use.items() if name in request.POST), visit_form)
            try:
                if "visit" in request.POST and visit_form.is_valid():
                    services.county_visit_record(
                        actor=request.user, application=application, visitors=[request.user], **visit_form.cleaned_data
                    )
                    messages.success(request, _("The county home visit was recorded."))
                    return redirect(request.path)
                if "override" in request.POST and override_form.is_valid():
                    visit = application.county_visits.filter(pk=override_form.cleaned_data["visit"]).first()
                    if visit is None:
                        raise Http404
                    services.county_visit_override(
                        actor=request.user, visit=visit, reason=override_form.cleaned_data["reason"]
                    )
                    messages.success(request, _("The reason why eligibility stands was recorded."))
                    return redirect(request.path)
                if "extend" in request.POST and extension_form.is_valid():
                    services.application_extend_deadline(
                        actor=request.user, application=application, reason=extension_form.cleaned_data["reason"]
                    )
                    messages.success(request, _("The decision deadline was extended to 45 working days."))
                    return redirect(request.path)
                if "decide" in request.POST and decision_form.is_valid():
                    return self._decide(request, application, decision_form)
            except DomainError as exc:
                form_domain_error(failed, exc, request=request)
        # The evidence shows health facts (disability, serious illness): one access-log row.
        record_access(
            user=request.user,
            obj=application.household,
            channel="admin",
            full_id_numbers=False,
            health_data=True,
            ip_address=client_ip(request),
        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("County decision"),
            "application": application,
            "evidence": decision_evidence(application),
            "problems": services.approval_problems(application, request.user)
            if application.status == S.COUNTY_REVIEW
            else [],
            "visit_required": services.county_visit_required(application),
            "discrepancies": [
                {
                    "visit": v,
                    "form": override_form
                    if override_form.is_bound and override_form.data.get("override-visit") == str(v.pk)
                    else DiscrepancyOverrideForm(prefix="override", initial={"visit": v.pk}),
                }
                for v in services.open_discrepancies(application)
            ]
            if application.status == S.COUNTY_REVIEW
            else [],
            "override_form": override_form,
            "extension_form": extension_form,
            "can_extend": role_of(request.user) == Role.BUREAU_REVIEWER
            and application.programme == Programme.DIBAO
            and not application.deadline_extended
            and application.status in IN_PROCEDURE,
            "deadlines": application_deadlines(application, on=clock.today()),
            "decision_form": decision_form,
            "visit_form": visit_form,
            "can_decide": role_of(request.user) == Role.BUREAU_REVIEWER and application.status == S.COUNTY_REVIEW,
            "opts": self.model._meta,
        }
        return render(request, "admin/benefits/application_decide.html", context)

    def _decide(self, request: HttpRequest, application: Application, form: DecisionForm) -> HttpResponse:
        data = form.cleaned_data
        if data["decision"] == "approve":
            benefit = services.application_county_approve(actor=request.user, application=application)
            messages.success(
                request,
                _("Approved: %(amount)s yuan per month from %(month)s.")
                % {"amount": benefit.monthly_amount, "month": f"{benefit.start_month:%Y-%m}"},
            )
        elif data["decision"] == "reject":
            services.application_county_reject(
                actor=request.user, application=application, reason_code=data["reason_code"], comment=data["comment"]
            )
            messages.success(request, _("Rejected; the written notice was produced."))
        else:
            services.application_county_return(
                actor=request.user, application=application, reason_code=data["reason_code"], comment=data["comment"]
            )
            messages.success(request, _("Returned to the township."))
        return redirect("admin:benefits_application_change", application.pk)
