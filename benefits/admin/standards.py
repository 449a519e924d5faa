"""The policy data county staff edit: the yearly standards and the holiday calendar, saved through the services."""

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from sunwu_relief import clock
from sunwu_relief.forms import ModelForm, PlainTextAdminMixin
from sunwu_relief.roles import Role, role_of

from .. import services
from ..models import (
    Holiday,
    Standard,
)
from ..selectors import (
    holiday_years_covered,
    years_text,
)


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
