"""Admin for county staff: the registry, read-only (the township caseworkers keep it through
services), with history, scoped and masked like every other channel."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import BooleanField, QuerySet, Value
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from sunwu_relief.admin_base import AccessLoggedAdminMixin, ReadOnlyAdminMixin
from sunwu_relief.forms import PlainTextAdminMixin
from sunwu_relief.roles import Role, can_see_full_id, can_see_health_data, role_of

from . import services
from .ids import mask_id_number
from .models import CountySettings, Household, LedgerRecord, Member, MemberMove, Relationship, Township, Village
from .selectors import (
    county_settings,
    households_for,
    ledger_records_for,
    member_moves_for,
    members_for,
    poverty_label,
    townships_for,
    villages_all_for,
    with_ledger_flags,
)
from .services import COUNTY_SETTINGS_FIELDS, TOWNSHIP_CONTACT_FIELDS, village_confirm

HEALTH_FIELDS = frozenset({"serious_illness", "illness_note", "disability_kind", "disability_grade"})
# Never shown in the admin, whatever the role (the admin excludes the field from its forms too).
HIDDEN_FIELDS = frozenset({"phone"})


def _with_visibility(queryset: QuerySet[Member], request: HttpRequest) -> QuerySet[Member]:
    """Mark each row with what this request may see.

    ModelAdmin instances are shared by all requests (and threads): the visibility must travel
    with the rows, never be kept on the admin object.
    """
    return queryset.annotate(
        shows_full_id=Value(can_see_full_id(request.user), output_field=BooleanField()),
        shows_health=Value(can_see_health_data(request.user), output_field=BooleanField()),
    )


def _shown_id_number(member: Member) -> str:
    # Rows that did not come through _with_visibility (e.g. historical versions) are masked.
    return member.id_number if getattr(member, "shows_full_id", False) else mask_id_number(member.id_number)


def _shown_birth(member: Member) -> str:
    """The birth date beside a full ID number, the age beside a masked one (the birth date is
    exactly the 8 digits the mask hides)."""
    if getattr(member, "shows_full_id", False):
        return f"{member.birth_date:%Y-%m-%d}"
    return str(member.age)


class _MaskedHistoryHelper(HistoricalRecordContextHelper):
    """The history page's old → new values, masked like the rest of the admin."""

    def __init__(self, model, historical_record, *, full_ids: bool, health: bool) -> None:
        super().__init__(model, historical_record)
        self.full_ids = full_ids
        self.health = health

    def prepare_delta_change_value(self, change, value) -> Any:
        if change.field == "id_number" and not self.full_ids:
            return mask_id_number(value or "")
        if change.field == "birth_date" and not self.full_ids:
            return "***"
        if change.field in HIDDEN_FIELDS or (change.field in HEALTH_FIELDS and not self.health):
            return "***"
        return super().prepare_delta_change_value(change, value)


class MemberInline(admin.TabularInline):
    model = Member
    extra = 0
    can_delete = False
    fields = ["name", "shown_id_number", "relationship", "sex", "shown_birth", "labour_capacity", "shown_health"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("ID number"))
    def shown_id_number(self, member: Member) -> str:
        return _shown_id_number(member)

    @admin.display(description=_("Birth date or age"))
    def shown_birth(self, member: Member) -> str:
        return _shown_birth(member)

    @admin.display(description=_("Health"))
    def shown_health(self, member: Member) -> str:
        if not getattr(member, "shows_health", False):
            return "***"
        parts = []
        if member.serious_illness:
            parts.append(str(_("serious illness")))
        if member.disability_kind:
            parts.append(f"{member.get_disability_kind_display()} {member.disability_grade}")
        return "，".join(parts) or "—"

    def get_queryset(self, request):
        return _with_visibility(members_for(request.user), request)


@admin.register(Household)
class HouseholdAdmin(AccessLoggedAdminMixin, ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["number", "township", "village", "head_name", "classification", "poverty"]
    list_filter = ["township", "classification"]
    search_fields = ["number", "members__name", "=members__id_number"]
    list_select_related = ["township", "village"]
    inlines = [MemberInline]
    fields = ["number", "township", "village", "address", "hukou_number", "classification", "classification_reason"]

    def get_queryset(self, request):
        # with_ledger_flags: registered poor / out of poverty from the ledger (ledger issue).
        return (
            with_ledger_flags(households_for(request.user))
            .select_related("township", "village")
            .prefetch_related("members")
        )

    @admin.display(description=_("Registered poor"))
    def poverty(self, household: Household) -> str:
        return poverty_label(household)

    @admin.display(description=_("Head of household"))
    def head_name(self, household: Household) -> str:
        heads = [m.name for m in household.members.all() if m.relationship == Relationship.HEAD]
        return heads[0] if heads else "—"

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(
            request, queryset, search_term.strip().upper() if len(search_term.strip()) == 18 else search_term
        )

    # The change page's member inline shows ID numbers and health data; the list and the
    # household's own history show neither.
    def shows_full_ids(self, request: HttpRequest, page: str) -> bool:
        return page == "change" and can_see_full_id(request.user)

    def shows_health_data(self, request: HttpRequest, page: str) -> bool:
        return page == "change" and can_see_health_data(request.user)


@admin.register(Member)
class MemberAdmin(AccessLoggedAdminMixin, ReadOnlyAdminMixin, SimpleHistoryAdmin):
    # No sorting on the ID number or the birth date (the order would tell masked digits apart):
    # both are shown through functions without an ordering.
    list_display = ["name", "shown_id_number", "household", "relationship", "sex", "shown_birth"]
    list_filter = ["household__township", "relationship", "sex"]
    search_fields = ["name", "=id_number", "household__number"]
    list_select_related = ["household"]
    exclude = [
        "id_number",
        "birth_date",
        "illness_note",
        "serious_illness",
        "disability_kind",
        "disability_grade",
        "phone",
    ]
    readonly_fields = ["shown_id_number", "shown_birth"]

    def get_queryset(self, request):
        return _with_visibility(members_for(request.user).select_related("household"), request)

    @admin.display(description=_("ID number"))
    def shown_id_number(self, member: Member) -> str:
        return _shown_id_number(member)

    @admin.display(description=_("Birth date or age"))
    def shown_birth(self, member: Member) -> str:
        return _shown_birth(member)

    def shows_full_ids(self, request: HttpRequest, page: str) -> bool:
        return can_see_full_id(request.user)

    def shows_health_data(self, request: HttpRequest, page: str) -> bool:
        # Only the history shows health fields (their old and new values); list and change exclude them.
        return page == "history" and can_see_health_data(request.user)

    def get_historical_record_context_helper(self, request, historical_record) -> HistoricalRecordContextHelper:
        return _MaskedHistoryHelper(
            self.model,
            historical_record,
            full_ids=can_see_full_id(request.user),
            health=can_see_health_data(request.user),
        )


def _is_bureau(request: HttpRequest) -> bool:
    return role_of(request.user) == Role.BUREAU_REVIEWER


@admin.register(CountySettings)
class CountySettingsAdmin(PlainTextAdminMixin, SimpleHistoryAdmin):
    """One row, edited by the bureau through the service (audited); history kept."""

    list_display = ["bureau_name", "complaints_telephone", "appeal_body", "court", "updated"]
    fields = COUNTY_SETTINGS_FIELDS

    def has_module_permission(self, request: HttpRequest) -> bool:
        return role_of(request.user) in (Role.BUREAU_REVIEWER, Role.AUDITOR)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return _is_bureau(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the one row exists from the migrations on

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context=None):
        county_settings()  # make sure the row exists
        return super().changelist_view(request, extra_context)

    def save_model(self, request: HttpRequest, obj: CountySettings, form, change: bool) -> None:
        services.county_settings_save(
            actor=request.user, settings=obj, **{name: form.cleaned_data[name] for name in COUNTY_SETTINGS_FIELDS}
        )


@admin.register(Township)
class TownshipAdmin(PlainTextAdminMixin, SimpleHistoryAdmin):
    """Read-only but for the service centre's address and telephone, edited by the bureau."""

    list_display = ["code", "name", "service_address", "service_telephone"]
    fields = ["code", "name", *TOWNSHIP_CONTACT_FIELDS]
    readonly_fields = ["code", "name"]

    def get_queryset(self, request):
        return townships_for(request.user)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return _is_bureau(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Township, form, change: bool) -> None:
        services.township_contact_save(
            actor=request.user,
            township=obj,
            service_address=form.cleaned_data.get("service_address", ""),
            service_telephone=form.cleaned_data.get("service_telephone", ""),
        )


@admin.register(Village)
class VillageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Villages, confirmed or waiting: one first named by the poverty office's ledger is offered to
    caseworkers only once a county bureau reviewer confirms it here."""

    list_display = ["name", "township", "confirmed"]
    list_filter = ["confirmed", "township"]
    search_fields = ["name"]
    actions = ["confirm_villages"]

    def get_queryset(self, request):
        return villages_all_for(request.user)

    def has_confirm_permission(self, request: HttpRequest) -> bool:
        return role_of(request.user) == Role.BUREAU_REVIEWER or request.user.is_superuser

    @admin.action(description=_("Confirm the selected villages"), permissions=["confirm"])
    def confirm_villages(self, request: HttpRequest, queryset: QuerySet[Village]) -> None:
        confirmed = 0
        for village in queryset.filter(confirmed=False):
            village_confirm(actor=request.user, village=village)
            confirmed += 1
        self.message_user(request, _("%(count)d villages confirmed.") % {"count": confirmed}, messages.SUCCESS)


@admin.register(MemberMove)
class MemberMoveAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created", "member", "from_household", "to_household", "actor"]

    def get_queryset(self, request):
        return member_moves_for(request.user).select_related("member", "from_household", "to_household", "actor")


@admin.register(LedgerRecord)
class LedgerRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The poverty office's records: never edited by our users."""

    list_display = ["household_number", "name", "township", "village", "poverty_attribute", "poverty_status", "removed"]
    list_filter = ["township", "poverty_status", "removed"]
    search_fields = ["name", "=id_number", "household_number"]
    exclude = ["id_number", "health"]

    def get_queryset(self, request):
        return ledger_records_for(request.user).select_related("township", "village")
