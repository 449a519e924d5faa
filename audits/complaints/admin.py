"""Admin of complaints for county staff: intake (through `services.complaint_record`) and a
read-only record of each; the steps of the work are taken on the complaint's page in the UI."""

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from sunwu_relief.admin_base import SensitiveLookupsMixin
from sunwu_relief.forms import ModelForm, PlainTextAdminMixin
from sunwu_relief.roles import role_of

from . import services
from .models import Complaint, ComplaintEvent
from .selectors import COUNTY_HANDLERS, complaints_for

INTAKE_FIELDS = [
    "channel",
    "received_on",
    "anonymous",
    "reporter_name",
    "reporter_contact",
    "content",
    "township",
    "household",
    "application",
    "about_staff",
]


class IntakeForm(ModelForm):
    class Meta:
        model = Complaint
        fields = INTAKE_FIELDS

    def clean(self):
        data = super().clean()
        if not data.get("anonymous") and not (data.get("reporter_name") or "").strip():
            self.add_error("reporter_name", _("Enter the reporter's name, or record the complaint as anonymous."))
        household, application = data.get("household"), data.get("application")
        if household and application and application.household_id != household.pk:
            self.add_error("application", _("This case is not the household's."))
        return data


class EventInline(admin.TabularInline):
    model = ComplaintEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = ["created", "action", "actor", "note"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Complaint)
class ComplaintAdmin(PlainTextAdminMixin, SensitiveLookupsMixin, admin.ModelAdmin):
    form = IntakeForm
    list_display = ["number", "received_on", "channel", "township", "household", "status", "outcome", "answer_due"]
    list_filter = ["status", "channel", "outcome", "township", "review_required"]
    search_fields = ["number", "household__number"]
    list_select_related = ["township", "household"]
    raw_id_fields = ["household", "application", "about_staff"]
    inlines = [EventInline]

    def get_queryset(self, request: HttpRequest):
        return complaints_for(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return role_of(request.user) in COUNTY_HANDLERS

    has_view_permission = lambda self, request, obj=None: self.has_module_permission(request)  # noqa: E731
    has_add_permission = lambda self, request, obj=None: self.has_module_permission(request)  # noqa: E731

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # the work is done through the services, on the complaint's page

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_fields(self, request: HttpRequest, obj=None):
        if obj is None:
            return INTAKE_FIELDS
        return [
            "number",
            "status",
            "work_link",
            *INTAKE_FIELDS,
            "answer_due",
            "assigned_to",
            "findings",
            "outcome",
            "answered_on",
            "answer",
            "close_note",
            "review_required",
            "review_recorded_at",
        ]

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    def get_inlines(self, request: HttpRequest, obj=None):
        return [] if obj is None else self.inlines

    @admin.display(description=_("work it"))
    def work_link(self, complaint: Complaint) -> str:
        return format_html('<a href="{}">{}</a>', reverse("audits:complaint", args=[complaint.pk]), complaint.number)

    def save_model(self, request: HttpRequest, obj: Complaint, form, change: bool) -> None:
        data = services.ComplaintData(**{name: form.cleaned_data.get(name) for name in INTAKE_FIELDS})
        data.reporter_name = data.reporter_name or ""
        data.reporter_contact = data.reporter_contact or ""
        saved = services.complaint_record(actor=request.user, data=data)
        obj.pk = saved.pk
