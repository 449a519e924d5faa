"""Admin for county staff: the registry, read-only (the township caseworkers keep it through
services), with history, scoped and masked like every other channel."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from sunwu_relief.admin_base import ReadOnlyAdminMixin
from sunwu_relief.audit import record_access
from sunwu_relief.roles import can_see_full_id, can_see_health_data

from .ids import mask_id_number
from .models import Household, LedgerRecord, Member, MemberMove, Township, Village
from .selectors import households_for, members_for, townships_for, villages_for


class MemberInline(admin.TabularInline):
    model = Member
    extra = 0
    can_delete = False
    fields = ["name", "shown_id_number", "relationship", "sex", "birth_date", "labour_capacity", "shown_health"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("ID number"))
    def shown_id_number(self, member: Member) -> str:
        return member.id_number if can_see_full_id(self._request_user) else mask_id_number(member.id_number)

    @admin.display(description=_("Health"))
    def shown_health(self, member: Member) -> str:
        if not can_see_health_data(self._request_user):
            return "***"
        parts = []
        if member.serious_illness:
            parts.append(str(_("serious illness")))
        if member.disability_kind:
            parts.append(f"{member.get_disability_kind_display()} {member.disability_grade}")
        return "，".join(parts) or "—"

    def get_queryset(self, request):
        self._request_user = request.user
        return members_for(request.user)


@admin.register(Household)
class HouseholdAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["number", "township", "village", "head_name", "classification"]
    list_filter = ["township", "classification"]
    search_fields = ["number", "members__name", "=members__id_number"]
    list_select_related = ["township", "village"]
    inlines = [MemberInline]
    fields = ["number", "township", "village", "address", "hukou_number", "classification", "classification_reason"]

    def get_queryset(self, request):
        return households_for(request.user).select_related("township", "village").prefetch_related("members")

    @admin.display(description=_("Head of household"))
    def head_name(self, household: Household) -> str:
        heads = [m.name for m in household.members.all() if m.relationship == "head"]
        return heads[0] if heads else "—"

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(
            request, queryset, search_term.strip().upper() if len(search_term.strip()) == 18 else search_term
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        household = self.get_queryset(request).filter(pk=object_id).first()
        if household is not None:
            record_access(
                user=request.user,
                obj=household,
                channel="admin",
                full_id_numbers=can_see_full_id(request.user),
                health_data=can_see_health_data(request.user),
                ip_address=request.META.get("REMOTE_ADDR"),
            )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Member)
class MemberAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "shown_id_number", "household", "relationship", "sex", "birth_date"]
    list_filter = ["household__township", "relationship", "sex"]
    search_fields = ["name", "=id_number", "household__number"]
    list_select_related = ["household"]
    exclude = ["id_number", "illness_note", "serious_illness", "disability_kind", "disability_grade", "phone"]
    readonly_fields = ["shown_id_number"]

    def get_queryset(self, request):
        self._request_user = request.user
        return members_for(request.user).select_related("household")

    @admin.display(description=_("ID number"))
    def shown_id_number(self, member: Member) -> str:
        return member.id_number if can_see_full_id(self._request_user) else mask_id_number(member.id_number)


@admin.register(Township)
class TownshipAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name"]

    def get_queryset(self, request):
        return townships_for(request.user)


@admin.register(Village)
class VillageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "township"]
    list_filter = ["township"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return villages_for(request.user)


@admin.register(MemberMove)
class MemberMoveAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created", "member", "from_household", "to_household", "actor"]

    def get_queryset(self, request):
        return MemberMove.objects.filter(to_household__in=households_for(request.user)).select_related(
            "member", "from_household", "to_household", "actor"
        )


@admin.register(LedgerRecord)
class LedgerRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The poverty office's records: never edited by our users."""

    list_display = ["household_number", "name", "township", "village", "poverty_attribute", "poverty_status", "removed"]
    list_filter = ["township", "poverty_status", "removed"]
    search_fields = ["name", "=id_number", "household_number"]
    exclude = ["id_number", "health"]

    def get_queryset(self, request):
        return LedgerRecord.objects.filter(township__in=townships_for(request.user)).select_related(
            "township", "village"
        )
