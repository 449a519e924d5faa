"""Admin for county staff: standards (edited through the service), and the county decision on
applications through admin views that call the same services as every other channel."""

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

from assessments.models import Assessment
from sunwu_relief import clock
from sunwu_relief.admin_base import ReadOnlyAdminMixin, snapshot_table, township_name
from sunwu_relief.audit import record_access
from sunwu_relief.errors import DomainError, OutOfScope
from sunwu_relief.forms import Form, ModelForm, PlainTextAdminMixin
from sunwu_relief.roles import Role, role_of
from sunwu_relief.ui import add_domain_error, client_ip

from . import services
from .forms import CountyVisitForm, DiscrepancyOverrideForm, ExtensionForm
from .models import (
    IN_PROCEDURE,
    Application,
    Benefit,
    BenefitChange,
    Holiday,
    ManualReason,
    Obligor,
    ReasonCode,
    Standard,
    StopNotice,
    Transition,
    WrittenNotice,
)
from .selectors import (
    application_deadlines,
    application_detail,
    applications_for,
    benefits_for,
    decision_evidence,
    holiday_years_covered,
    written_notices_for,
    years_text,
)
from .services import BENEFIT_CHANGES


class StandardForm(ModelForm):
    class Meta:
        model = Standard
        # Every policy number; `version` is not editable (the service bumps it on every save).
        fields = [f.name for f in Standard._meta.concrete_fields if f.editable and not f.primary_key]

    def clean(self) -> dict:
        data = super().clean()
        problem = services.standard_problem(
            programme=data.get("programme"),
            monthly=data.get("monthly_standard"),
            tekun_basic=data.get("tekun_basic"),
            factor=data.get("tekun_basic_factor"),
        )
        if problem:
            self.add_error("tekun_basic", problem)
        return data


@admin.register(Standard)
class StandardAdmin(PlainTextAdminMixin, SimpleHistoryAdmin):
    form = StandardForm
    list_display = ["year", "programme", "version", "monthly_standard", "notice_days", "spot_check_ratio", "updated"]
    list_filter = ["programme", "year"]
    readonly_fields = ["version"]

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return role_of(request.user) == Role.BUREAU_REVIEWER

    has_add_permission = has_change_permission

    def has_module_permission(self, request: HttpRequest) -> bool:
        # Shown in the admin menu to the county staff who may open it (not only to superusers).
        return role_of(request.user) in (Role.BUREAU_REVIEWER, Role.AUDITOR)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return role_of(request.user) in (Role.BUREAU_REVIEWER, Role.AUDITOR)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Standard, form, change: bool) -> None:
        services.standard_save(actor=request.user, standard=obj)


@admin.register(Holiday)
class HolidayAdmin(PlainTextAdminMixin, SimpleHistoryAdmin):
    """The working-day calendar: loaded from the State Council's schedule, corrected here by the
    bureau through the services (audited, with history)."""

    list_display = ["date", "name", "is_working_day", "source"]
    list_filter = ["is_working_day", "source"]
    date_hierarchy = "date"
    fields = ["date", "name", "is_working_day"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return role_of(request.user) in (Role.BUREAU_REVIEWER, Role.AUDITOR)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return role_of(request.user) == Role.BUREAU_REVIEWER

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return role_of(request.user) == Role.BUREAU_REVIEWER

    has_delete_permission = has_change_permission

    def changelist_view(self, request: HttpRequest, extra_context=None):
        covered = holiday_years_covered()
        coverage = years_text(covered) or _("none")
        year = clock.today().year
        missing = [y for y in (year, year + 1) if y not in covered]
        title = _("Holidays and make-up working days (years covered: %(years)s)") % {"years": coverage}
        if missing:
            messages.warning(
                request,
                _(
                    "No holidays are loaded for %(years)s: deadlines there count weekends only. Once the State "
                    "Council publishes the schedule, upgrade chinesecalendar and run load_holidays, or enter the days here."
                )
                % {"years": years_text(missing)},
            )
        return super().changelist_view(request, {**(extra_context or {}), "title": title, "years_covered": coverage})

    def save_model(self, request: HttpRequest, obj: Holiday, form, change: bool) -> None:
        services.holiday_save(actor=request.user, holiday=obj)

    def delete_model(self, request: HttpRequest, obj: Holiday) -> None:
        services.holiday_delete(actor=request.user, holiday=obj)

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        for holiday in queryset:
            services.holiday_delete(actor=request.user, holiday=holiday)


def _system() -> str:
    return gettext_lazy("system")


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


class CaseReaderMixin:
    def has_module_permission(self, request: HttpRequest) -> bool:
        return role_of(request.user) in (Role.BUREAU_REVIEWER, Role.AUDITOR)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.has_module_permission(request)


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
        if application.status != "county_review":
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
        try:
            application = application_detail(request.user, pk=pk)
        except Application.DoesNotExist as exc:
            raise Http404 from exc
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
            except OutOfScope as exc:
                raise Http404 from exc
            except DomainError as exc:
                add_domain_error(failed, exc, request=request)
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
            if application.status == "county_review"
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
            if application.status == "county_review"
            else [],
            "override_form": override_form,
            "extension_form": extension_form,
            "can_extend": role_of(request.user) == Role.BUREAU_REVIEWER
            and application.programme == "dibao"
            and not application.deadline_extended
            and application.status in IN_PROCEDURE,
            "deadlines": application_deadlines(application, on=clock.today()),
            "decision_form": decision_form,
            "visit_form": visit_form,
            "can_decide": role_of(request.user) == Role.BUREAU_REVIEWER and application.status == "county_review",
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
        queryset=Assessment.objects.none(),
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
        self.fields["assessment"].queryset = Assessment.objects.filter(
            household=household, status=Assessment.Status.FINISHED
        ).order_by("-finished_at")


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
        benefit = (
            benefits_for(request.user).filter(pk=pk).select_related("household").prefetch_related("changes").first()
        )
        if benefit is None:
            raise Http404
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
                if data["kind"] == BenefitChange.Kind.STOP and benefit.programme == "tekun":
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
                add_domain_error(form, exc, request=request)
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


@admin.register(WrittenNotice)
class WrittenNoticeAdmin(CaseReaderMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["issued_on", "kind", "addressee", "reason_code", "due_on", "print_link"]
    list_filter = ["kind"]
    exclude = ["township_id"]
    readonly_fields = ["township_name"]

    @admin.display(description=gettext_lazy("township"))
    def township_name(self, notice: WrittenNotice) -> str:
        return township_name(notice.township_id)

    def get_queryset(self, request: HttpRequest):
        return written_notices_for(request.user)

    @admin.display(description=gettext_lazy("Print"))
    def print_link(self, notice: WrittenNotice) -> str:
        return format_html('<a href="{}">{}</a>', reverse("benefits:written-notice", args=[notice.pk]), _("Print"))


from .payments import admin as payments_admin  # noqa: E402, F401  (registers the payment pages)

# Temporary assistance and medical claims: their own module, registered with the same site.
from .temporary import admin as _programme_admin  # noqa: E402, F401
