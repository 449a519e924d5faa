"""Admin for users and roles, and the read-only audit trail and access log."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .admin_base import ReadOnlyAdminMixin
from .models import AccessLog, AuditEvent, StaffProfile
from .roles import Role
from .services import staff_assign

User = get_user_model()


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    fields = ["role", "township"]
    verbose_name_plural = _("role and township")


class StaffUserAdmin(UserAdmin):
    inlines = [StaffProfileInline]
    list_display = ["username", "get_full_name", "role", "township", "is_active", "last_login"]
    list_filter = ["staff_profile__role", "staff_profile__township", "is_active"]
    list_select_related = ["staff_profile__township"]

    @admin.display(description=_("role"))
    def role(self, user) -> str:
        profile = getattr(user, "staff_profile", None)
        return profile.get_role_display() if profile else "—"

    @admin.display(description=_("township"))
    def township(self, user) -> str:
        profile = getattr(user, "staff_profile", None)
        return str(profile.township) if profile and profile.township else "—"

    def save_formset(self, request, form, formset, change) -> None:
        # The role goes through the service (groups, audit), not straight into the table.
        if formset.model is not StaffProfile:
            return super().save_formset(request, form, formset, change)
        for inline_form in formset.forms:
            data = getattr(inline_form, "cleaned_data", None)
            if data and data.get("role") in Role.values:
                staff_assign(actor=request.user, user=form.instance, role=data["role"], township=data.get("township"))
        return None


admin.site.unregister(User)
admin.site.register(User, StaffUserAdmin)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created", "actor", "action", "object_type", "object_id", "success"]
    list_filter = ["action", "success", "object_type"]
    search_fields = ["object_id", "actor__username"]
    date_hierarchy = "created"
    list_select_related = ["actor"]


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "created",
        "user",
        "object_type",
        "object_id",
        "object_ids",
        "channel",
        "full_id_numbers",
        "health_data",
    ]
    list_filter = ["channel", "object_type"]
    # object_ids names everything a request showed (one object or a whole list).
    search_fields = ["object_id", "object_ids", "user__username"]
    date_hierarchy = "created"
    list_select_related = ["user"]


admin.site.site_header = _("Sunwu County social assistance — county administration")
admin.site.site_title = _("Sunwu County social assistance")
