"""Benefits in the admin, with the county's decisions on them (raise, lower, suspend, stop)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from sunwu_relief import clock
from sunwu_relief.admin_base import ReadOnlyAdminMixin, township_name
from sunwu_relief.errors import DomainError
from sunwu_relief.forms import Form
from sunwu_relief.roles import Role, role_of
from sunwu_relief.ui import form_domain_error, object_or_404

from .. import services
from ..models import (
    Benefit,
    BenefitChange,
    ManualReason,
    Programme,
    ReasonCode,
    StopNotice,
)
from ..selectors import (
    benefits_for,
    finished_assessments,
)
from ..services import BENEFIT_CHANGES
from .applications import ApplicationAdmin
from .common import CaseReaderMixin, _system


class BenefitChangeForm(Form):
    """A decision: a raise or lower rests on a finished assessment (the amount is the rules') or
    is a manual adjustment with its reason and amount; status changes keep the amount."""

    kind = forms.ChoiceField(
        label=gettext_lazy("Change"),
        choices=[(k, label) for k, label in BenefitChange.Kind.choices if k in BENEFIT_CHANGES],
    )
    effective_month = forms.DateField(
        label=gettext_lazy("Effective month"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    assessment = forms.ModelChoiceField(
        label=gettext_lazy("Assessment the amount rests on (raise or lower)"),
        queryset=None,
        required=False,
    )
    manual_reason = forms.ChoiceField(
        label=gettext_lazy("Or: reason of a manual adjustment"),
        choices=[("", "—"), *ManualReason.choices],
        required=False,
    )
    new_amount = forms.DecimalField(
        label=gettext_lazy("Manual monthly amount"), required=False, min_value=0, max_digits=10, decimal_places=2
    )
    reason_code = forms.ChoiceField(label=gettext_lazy("Reason"), choices=ReasonCode.choices)
    reason = forms.CharField(label=gettext_lazy("Explanation"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, household, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assessment"].queryset = finished_assessments(household)


class StopWithdrawForm(Form):
    reason = forms.CharField(label=gettext_lazy("Why the stop is withdrawn"), widget=forms.Textarea(attrs={"rows": 2}))


class BenefitChangeInline(admin.TabularInline):
    model = BenefitChange
    extra = 0
    can_delete = False
    fields = readonly_fields = [
        "created",
        "kind",
        "effective_month",
        "old_amount",
        "new_amount",
        "old_status_name",
        "new_status_name",
        "basis",
        "explanation",
        "reason_code",
        "reason",
        "decider",
    ]

    @admin.display(description=gettext_lazy("old status"))
    def old_status_name(self, change: BenefitChange) -> str:
        return change.get_old_status_display()

    @admin.display(description=gettext_lazy("new status"))
    def new_status_name(self, change: BenefitChange) -> str:
        return change.get_new_status_display()

    @admin.display(description=gettext_lazy("decided by"))
    def decider(self, change: BenefitChange) -> str:
        return str(change.actor) if change.actor_id else str(_system())

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Benefit)
class BenefitAdmin(CaseReaderMixin, ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = [
        "id",
        "household",
        "programme",
        "status_this_month",
        "classification",
        "amount_this_month",
        "next_decision_shown",
        "start_month",
        "next_review_due",
        "migrated",
        "change_link",
    ]
    list_filter = ["programme", "status", "classification", "migrated"]
    search_fields = ["household__number", "household__members__name"]
    list_select_related = ["household"]
    inlines = [BenefitChangeInline]
    exclude = ["covered_members", "township_id", "standard_snapshot", "decided_by"]
    readonly_fields = [
        "status_name",
        "amount_this_month",
        "next_decision_shown",
        "township_name",
        "decider",
        "standard_used",
    ]

    @admin.display(description=gettext_lazy("Status this month"))
    def status_name(self, benefit: Benefit) -> str:
        return benefit.get_current_status_display()

    @admin.display(description=gettext_lazy("township"))
    def township_name(self, benefit: Benefit) -> str:
        return township_name(benefit.township_id)

    @admin.display(description=gettext_lazy("decided by"))
    def decider(self, benefit: Benefit) -> str:
        return str(benefit.decided_by) if benefit.decided_by_id else "—"

    standard_used = ApplicationAdmin.standard_used

    def get_queryset(self, request: HttpRequest):
        return benefits_for(request.user).select_related("household").prefetch_related("changes")

    # Every column is the decision in force this month (the one rule of every channel).
    @admin.display(description=gettext_lazy("Status this month"))
    def status_this_month(self, benefit: Benefit) -> str:
        return benefit.get_current_status_display()

    @admin.display(description=gettext_lazy("Amount this month"))
    def amount_this_month(self, benefit: Benefit):
        return benefit.monthly_amount

    @admin.display(description=gettext_lazy("Next decision"))
    def next_decision_shown(self, benefit: Benefit) -> str:
        decision = benefit.next_decision
        if decision is None:
            return "—"
        return f"{decision.effective_month:%Y-%m} {decision.get_new_status_display()} {decision.new_amount}"

    @admin.display(description=gettext_lazy("Change"))
    def change_link(self, benefit: Benefit) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:benefits_benefit_decide", args=[benefit.pk]), _("Change")
        )

    def get_urls(self):
        own = [path("<int:pk>/decide/", self.admin_site.admin_view(self.decide_view), name="benefits_benefit_decide")]
        return own + super().get_urls()

    def decide_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if role_of(request.user) != Role.BUREAU_REVIEWER:
            raise PermissionDenied
        benefit = object_or_404(
            benefits_for(request.user).select_related("household").prefetch_related("changes"), pk=pk
        )
        running_stop = benefit.stop_notices.filter(status=StopNotice.Status.RUNNING).first()
        withdraw_form = StopWithdrawForm(request.POST if "withdraw_stop" in request.POST else None, prefix="withdraw")
        if "withdraw_stop" in request.POST and running_stop is not None and withdraw_form.is_valid():
            services.stop_notice_cancel(
                actor=request.user, notice=running_stop, reason=withdraw_form.cleaned_data["reason"]
            )
            messages.success(request, _("The proposed stop was withdrawn; the support continues."))
            return redirect(request.path)
        form = BenefitChangeForm(
            (request.POST or None) if "withdraw_stop" not in request.POST else None,
            household=benefit.household,
            initial={"effective_month": clock.current_month()},
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                if data["kind"] == BenefitChange.Kind.STOP and benefit.programme == Programme.TEKUN:
                    # A 特困 stop is published for 7 days first; the nightly task decides it afterwards.
                    notice = services.tekun_stop_propose(
                        actor=request.user, benefit=benefit, reason_code=data["reason_code"], reason=data["reason"]
                    )
                    messages.success(
                        request,
                        _("The proposed stop is under public notice until %(date)s; it is decided after that.")
                        % {"date": notice.ends_on.isoformat()},
                    )
                    return redirect("admin:benefits_benefit_change", benefit.pk)
                services.benefit_change(actor=request.user, benefit=benefit, **data)
            except DomainError as exc:
                form_domain_error(form, exc, request=request)
            else:
                messages.success(request, _("The change was decided and its written notice produced."))
                return redirect("admin:benefits_benefit_change", benefit.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Change a benefit"),
            "benefit": benefit,
            "form": form,
            "running_stop": running_stop,
            "withdraw_form": withdraw_form,
            "opts": self.model._meta,
        }
        return render(request, "admin/benefits/benefit_decide.html", context)
