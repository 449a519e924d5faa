"""Admin for the county: the departments requests are referred to (data, edited through the
service), the intake requests and referrals of every township (read; overdue marked)."""

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from households.selectors import with_township_names
from sunwu_relief import clock
from sunwu_relief.admin_base import ReadOnlyAdminMixin, row_township
from sunwu_relief.forms import PlainTextAdminMixin
from sunwu_relief.roles import Role, role_of

from .models import Department, IntakeRequest, Referral
from .selectors import intake_requests_for, referrals_for
from .services import department_save

COUNTY_READERS = (Role.BUREAU_REVIEWER, Role.AUDITOR)


class CountyReaderMixin:
    def has_module_permission(self, request: HttpRequest) -> bool:
        return role_of(request.user) in COUNTY_READERS

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.has_module_permission(request)


@admin.register(Department)
class DepartmentAdmin(CountyReaderMixin, PlainTextAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code", "handles", "answer_days", "telephone", "active", "position"]
    fields = ["code", "name", "handles", "answer_days", "telephone", "active", "position"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return role_of(request.user) == Role.BUREAU_REVIEWER

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return role_of(request.user) == Role.BUREAU_REVIEWER

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # referrals keep their department: set it inactive instead

    def save_model(self, request: HttpRequest, obj: Department, form, change: bool) -> None:
        department_save(actor=request.user, department=obj)


@admin.register(IntakeRequest)
class IntakeRequestAdmin(CountyReaderMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["receipt_number", "received_on", "township", "person_name", "kind", "channel", "status"]
    list_filter = ["status", "kind", "channel"]
    search_fields = ["receipt_number", "person_name", "requester_name"]
    exclude = ["township_id", "requester_phone"]

    def get_queryset(self, request: HttpRequest):
        return with_township_names(intake_requests_for(request.user))

    @admin.display(description=gettext_lazy("township"))
    def township(self, intake: IntakeRequest) -> str:
        return row_township(intake)


@admin.register(Referral)
class ReferralAdmin(CountyReaderMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["intake", "township", "department", "referred_on", "due_on", "state", "answered_on", "outcome"]
    list_filter = ["department", "outcome"]
    search_fields = ["intake__receipt_number", "intake__person_name"]
    exclude = ["township_id"]

    def get_queryset(self, request: HttpRequest):
        return with_township_names(referrals_for(request.user))

    @admin.display(description=gettext_lazy("township"))
    def township(self, referral: Referral) -> str:
        return row_township(referral)

    @admin.display(description=gettext_lazy("state"))
    def state(self, referral: Referral) -> str:
        if referral.answered_on is not None:
            return _("answered late") if referral.answered_on > referral.due_on else _("answered")
        return _("Overdue") if referral.overdue_on(clock.today()) else _("Due")
