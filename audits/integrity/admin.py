"""Admin of the close-relatives register: the bureau keeps it, auditors read it, nobody else
sees it. Every write goes through `register` (audited); full ID numbers only for the roles that
see them, with an access-log row."""

from django import forms
from django.contrib import admin, messages
from django.db.models import BooleanField, DateTimeField, QuerySet, Value
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from households.ids import mask_id_number
from sunwu_relief.admin_base import AccessLoggedAdminMixin, ReadOnlyAdminMixin, SensitiveLookupsMixin
from sunwu_relief.errors import DomainError
from sunwu_relief.forms import ModelForm, PlainTextAdminMixin
from sunwu_relief.roles import Role, can_see_full_id, role_of

from .finding_models import IntegrityFinding
from .finding_selectors import integrity_finding_last_found, integrity_findings_for, integrity_last_run
from .models import IntegritySettings, RegisteredPerson, RegisteredRelative, RelationKind
from .selectors import active_relations, can_see_register, integrity_settings, persons_for, relatives_for
from .services import register


class CountyOnlyAdmin(PlainTextAdminMixin, SensitiveLookupsMixin, admin.ModelAdmin):
    """Bureau writes, auditors read; township staff and the poverty office never see the register."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_see_register(request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return can_see_register(request.user)

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return role_of(request.user) in register.REGISTER_ROLES

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return role_of(request.user) in register.REGISTER_ROLES

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


def _shown(obj, number: str) -> str:
    return number if getattr(obj, "shows_full_id", False) else mask_id_number(number or "")


class PersonForm(ModelForm):
    class Meta:
        model = RegisteredPerson
        fields = ["kind", "name", "id_number", "post", "township", "village", "user", "left_on"]

    def _post_clean(self) -> None:
        super()._post_clean()  # the instance now holds the form's values
        if self.errors:
            return
        for field, problems in register.person_errors(self.instance).items():
            self.add_error(field if field in self.fields else None, problems)


class RelativeInline(admin.TabularInline):
    model = RegisteredRelative
    extra = 0
    can_delete = False
    fields = readonly_fields = ["name", "shown_id_number", "relation", "registered_at", "removed_at", "removal_reason"]

    @admin.display(description=_("ID number"))
    def shown_id_number(self, relative: RegisteredRelative) -> str:
        return _shown(relative.person, relative.id_number)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RegisteredPerson)
class RegisteredPersonAdmin(AccessLoggedAdminMixin, CountyOnlyAdmin):
    form = PersonForm
    list_display = ["name", "kind", "post", "township", "village", "shown_id_number", "user", "left_on"]
    list_filter = ["kind", "township"]
    search_fields = ["name", "=id_number", "post"]
    list_select_related = ["township", "village", "user"]
    inlines = [RelativeInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[RegisteredPerson]:
        return persons_for(request.user).annotate(
            shows_full_id=Value(can_see_full_id(request.user), output_field=BooleanField())
        )

    def get_fields(self, request: HttpRequest, obj=None):
        if role_of(request.user) in register.REGISTER_ROLES:
            return PersonForm.Meta.fields
        return ["kind", "name", "shown_id_number", "post", "township", "village", "user", "left_on"]

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return [] if role_of(request.user) in register.REGISTER_ROLES else self.get_fields(request, obj)

    @admin.display(description=_("ID number"))
    def shown_id_number(self, person: RegisteredPerson) -> str:
        return _shown(person, person.id_number)

    def shows_full_ids(self, request: HttpRequest, page: str) -> bool:
        return can_see_full_id(request.user)

    def save_model(self, request: HttpRequest, obj: RegisteredPerson, form, change: bool) -> None:
        register.person_save(actor=request.user, person=obj)

    def save_related(self, request, form, formsets, change) -> None:
        form.save_m2m()  # the inline is read-only: relatives are registered one by one


class RelativeForm(ModelForm):
    class Meta:
        model = RegisteredRelative
        fields = ["person", "name", "id_number", "relation"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "relation" in self.fields:
            self.fields["relation"].queryset = active_relations()

    def clean_id_number(self) -> str:
        try:
            return register._id_number(self.cleaned_data.get("id_number", ""))
        except DomainError as exc:
            raise forms.ValidationError(exc.field_errors.get("id_number") or [exc.message]) from exc


@admin.register(RegisteredRelative)
class RegisteredRelativeAdmin(AccessLoggedAdminMixin, CountyOnlyAdmin):
    form = RelativeForm
    list_display = ["person", "relation", "name", "shown_id_number", "registered_at", "removed_at"]
    list_filter = ["relation", "person__kind", "person__township"]
    search_fields = ["name", "=id_number", "person__name"]
    list_select_related = ["person", "relation"]
    actions = ["end_registrations"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[RegisteredRelative]:
        return relatives_for(request.user).annotate(
            shows_full_id=Value(can_see_full_id(request.user), output_field=BooleanField())
        )

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)  # add only; rows never edited

    def get_fields(self, request: HttpRequest, obj=None):
        if obj is None:
            return RelativeForm.Meta.fields
        return [
            "person",
            "relation",
            "name",
            "shown_id_number",
            "registered_at",
            "registered_by",
            "removed_at",
            "removed_by",
            "removal_reason",
        ]

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    @admin.display(description=_("ID number"))
    def shown_id_number(self, relative: RegisteredRelative) -> str:
        return _shown(relative, relative.id_number)

    def shows_full_ids(self, request: HttpRequest, page: str) -> bool:
        return can_see_full_id(request.user)

    def save_model(self, request: HttpRequest, obj: RegisteredRelative, form, change: bool) -> None:
        saved = register.relative_register(
            actor=request.user,
            person=form.cleaned_data["person"],
            name=form.cleaned_data["name"],
            id_number=form.cleaned_data["id_number"],
            relation=form.cleaned_data["relation"],
        )
        obj.pk = saved.pk

    @admin.action(description=_("End the selected registrations"), permissions=["change"])
    def end_registrations(self, request: HttpRequest, queryset: QuerySet[RegisteredRelative]) -> None:
        ended = 0
        for relative in queryset.filter(removed_at__isnull=True):
            register.relative_remove(actor=request.user, relative=relative, reason=str(_("Ended by the bureau")))
            ended += 1
        messages.success(request, _("%(count)d registrations ended.") % {"count": ended})

    def has_end_permission(self, request: HttpRequest) -> bool:
        return role_of(request.user) == Role.BUREAU_REVIEWER

    def get_actions(self, request: HttpRequest):
        actions = super().get_actions(request)
        if role_of(request.user) not in register.REGISTER_ROLES:
            actions.pop("end_registrations", None)
        return actions


@admin.register(RelationKind)
class RelationKindAdmin(CountyOnlyAdmin):
    list_display = ["order", "name", "code", "active"]
    list_display_links = ["name"]
    fields = ["code", "name", "active", "order"]

    def save_model(self, request: HttpRequest, obj: RelationKind, form, change: bool) -> None:
        register.relation_kind_save(actor=request.user, kind=obj)


@admin.register(IntegritySettings)
class IntegritySettingsAdmin(CountyOnlyAdmin):
    list_display = ["__str__", "move_window_days", "coverage_factor", "coverage_min_members", "complaint_answer_days"]
    fields = ["move_window_days", "coverage_factor", "coverage_min_members", "complaint_answer_days"]

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context=None):
        integrity_settings()  # the row comes with the migration
        return super().changelist_view(request, extra_context)

    def save_model(self, request: HttpRequest, obj: IntegritySettings, form, change: bool) -> None:
        register.integrity_settings_save(actor=request.user, row=obj)


@admin.register(IntegrityFinding)
class IntegrityFindingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """County staff read the integrity work list here; they resolve findings on its pages."""

    list_display = [
        "kind",
        "township",
        "summary",
        "household",
        "application",
        "status",
        "resolution",
        "last_found_shown",
    ]
    list_filter = ["kind", "status", "resolution", "township", "present"]
    search_fields = ["summary", "household__number"]
    list_select_related = ["township", "household", "application"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[IntegrityFinding]:
        return integrity_findings_for(request.user).annotate(
            last_run=Value(integrity_last_run(), output_field=DateTimeField())
        )

    @admin.display(description=_("last found"), ordering="last_found")
    def last_found_shown(self, finding: IntegrityFinding):
        return integrity_finding_last_found(finding, getattr(finding, "last_run", None))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_see_register(request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return can_see_register(request.user)
