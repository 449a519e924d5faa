"""Admin for users and roles, and the read-only audit trail and access log."""

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from .admin_base import ReadOnlyAdminMixin, township_name
from .errors import NotAllowed
from .forms import PlainTextAdminMixin
from .labels import action_label, model_label
from .models import AccessLog, AuditEvent, StaffProfile
from .roles import Role, role_of
from .services import api_tokens_revoke, login_unlock, otp_devices_reset, staff_assign
from .two_factor import two_factor_satisfied

User = get_user_model()


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    fields = ["role", "township"]
    verbose_name_plural = _("role and township")


class StaffUserAdmin(PlainTextAdminMixin, UserAdmin):
    inlines = [StaffProfileInline]
    list_display = ["username", "real_name", "role", "township", "is_active", "last_login"]
    search_fields = ["username", "first_name", "last_name"]
    # One name field, kept whole (a Chinese name is not split into first and last names).
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("first_name", "email")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "first_name", "password1", "password2")}),)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "first_name" in form.base_fields:
            form.base_fields["first_name"].label = _("Real name (printed on papers)")
        return form

    @admin.display(description=_("Real name"), ordering="first_name")
    def real_name(self, user) -> str:
        return user.get_full_name() or "—"

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

    actions = ["revoke_api_tokens", "reset_two_factor"]

    @admin.action(description=_("Revoke the API tokens of the selected users"))
    def revoke_api_tokens(self, request, queryset) -> None:
        try:
            revoked = sum(api_tokens_revoke(actor=request.user, user=user) for user in queryset)
        except NotAllowed as exc:
            self.message_user(request, exc.message, level=messages.ERROR)
            return
        self.message_user(request, _("%(count)d API token(s) revoked.") % {"count": revoked})

    @admin.action(description=_("Reset the two-factor log-in of the selected users (they enrol again)"))
    def reset_two_factor(self, request, queryset) -> None:
        try:
            reset = sum(otp_devices_reset(actor=request.user, user=user) for user in queryset)
        except NotAllowed as exc:
            self.message_user(request, exc.message, level=messages.ERROR)
            return
        self.message_user(request, _("%(count)d two-factor device(s) removed.") % {"count": reset})


class PlainTextGroupAdmin(PlainTextAdminMixin, GroupAdmin):
    """Django's group admin (superusers only), its name refusing control characters too."""


# The admin requires the two-factor code as every page does (the middleware sends the user to enter
# it first); its own permission check says so too, should the middleware ever be left out.
_default_has_permission = admin.site.has_permission


def _has_permission(request) -> bool:
    return _default_has_permission(request) and two_factor_satisfied(request.user)


admin.site.has_permission = _has_permission
# Devices are enrolled by their owner and reset through the action above (audited); the raw device
# tables (secrets) are not an admin page.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)

admin.site.unregister(Group)
admin.site.register(Group, PlainTextGroupAdmin)
admin.site.unregister(User)
admin.site.register(User, StaffUserAdmin)


class ActionFilter(admin.SimpleListFilter):
    title = _("action")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        codes = model_admin.get_queryset(request).values_list("action", flat=True).distinct().order_by("action")
        return [(code, action_label(code)) for code in codes]

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


class ObjectTypeFilter(admin.SimpleListFilter):
    title = _("object type")
    parameter_name = "object_type"

    def lookups(self, request, model_admin):
        types = model_admin.get_queryset(request).values_list("object_type", flat=True).distinct()
        return sorted(((t, model_label(t)) for t in types if t), key=lambda pair: pair[1])

    def queryset(self, request, queryset):
        return queryset.filter(object_type=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created", "actor", "action_name", "object_name", "object_id", "success"]
    list_filter = [ActionFilter, "success", ObjectTypeFilter]
    fields = ["created", "actor", "action_name", "object_name", "object_id", "township_name", "success", "detail"]
    readonly_fields = fields

    @admin.display(description=_("action"), ordering="action")
    def action_name(self, event: AuditEvent) -> str:
        return action_label(event.action)

    @admin.display(description=_("object type"), ordering="object_type")
    def object_name(self, event: AuditEvent) -> str:
        return model_label(event.object_type)

    @admin.display(description=_("township"))
    def township_name(self, event: AuditEvent) -> str:
        return township_name(event.township_id)

    search_fields = ["object_id", "actor__username"]
    date_hierarchy = "created"
    list_select_related = ["actor"]


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "created",
        "user",
        "object_name",
        "object_id",
        "object_ids",
        "channel",
        "full_id_numbers",
        "health_data",
    ]
    list_filter = ["channel", ObjectTypeFilter]
    # object_ids names everything a request showed (one object or a whole list).
    search_fields = ["object_id", "object_ids", "user__username"]

    @admin.display(description=_("object type"), ordering="object_type")
    def object_name(self, entry: AccessLog) -> str:
        return model_label(entry.object_type)

    date_hierarchy = "created"
    list_select_related = ["user"]


# Lock-outs (django-axes): the bureau's administrators see them and unlock through the service
# (audited), instead of deleting the records.
admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class LockoutAdmin(AccessAttemptAdmin):
    actions = ["unlock"]

    def has_module_permission(self, request) -> bool:
        return role_of(request.user) == Role.BUREAU_REVIEWER or request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_unlock_permission(self, request) -> bool:
        return self.has_module_permission(request)

    @admin.action(description=_("Unlock the selected log-ins"), permissions=["unlock"])
    def unlock(self, request, queryset) -> None:
        names = sorted(set(queryset.values_list("username", flat=True)))
        for name in names:
            login_unlock(actor=request.user, username=name)
        self.message_user(request, _("Unlocked: %(names)s") % {"names": "、".join(names)})


admin.site.site_header = _("Sunwu County social assistance — county administration")
admin.site.site_title = _("Sunwu County social assistance")
