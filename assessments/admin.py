"""Admin for county staff: read-only results, departmental-data imports, the policy limits."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BooleanField, Value
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from households.ids import mask_id_number
from sunwu_relief.admin_base import AccessLoggedAdminMixin, ReadOnlyAdminMixin
from sunwu_relief.errors import DomainError
from sunwu_relief.forms import ModelForm, PlainTextAdminMixin
from sunwu_relief.models import Job
from sunwu_relief.refusals import is_refusal, record_refusal
from sunwu_relief.roles import Role, can_see_full_id, role_of
from sunwu_relief.ui import add_domain_error

from . import services
from .forms import DepartmentImportForm
from .models import (
    Assessment,
    DepartmentImport,
    DepartmentRecord,
    Discrepancy,
    HouseholdVisit,
    IncomeKind,
    LabourAssessment,
    PolicyLimits,
)
from .selectors import assessments_for, department_import_jobs, labour_assessments_for, visits_for
from .services import department_import_submit

COUNTY_ADMIN = (Role.BUREAU_REVIEWER, Role.AUDITOR)


class CountyViewMixin(ReadOnlyAdminMixin):
    """County staff see; nobody edits (writes go through services)."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return role_of(request.user) in COUNTY_ADMIN

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return role_of(request.user) in COUNTY_ADMIN


class PolicyLimitsForm(ModelForm):
    excluded_income_kinds = forms.MultipleChoiceField(
        label=gettext_lazy("income kinds not counted"),
        choices=IncomeKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = PolicyLimits
        fields = [
            "year",
            "excluded_income_kinds",
            "employment_deduction",
            "deposits_per_capita_max",
            "vehicles_max",
            "vehicle_exempt_types",
            "housing_count_max",
            "housing_area_per_capita_max",
            "machinery_value_max",
            "business_allowed",
        ]


@admin.register(PolicyLimits)
class PolicyLimitsAdmin(PlainTextAdminMixin, SimpleHistoryAdmin):
    form = PolicyLimitsForm
    list_display = [
        "year",
        "deposits_per_capita_max",
        "vehicles_max",
        "housing_count_max",
        "housing_area_per_capita_max",
        "machinery_value_max",
        "business_allowed",
    ]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return role_of(request.user) in COUNTY_ADMIN

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return role_of(request.user) in COUNTY_ADMIN

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return role_of(request.user) == Role.BUREAU_REVIEWER

    def has_add_permission(self, request: HttpRequest) -> bool:
        return role_of(request.user) == Role.BUREAU_REVIEWER

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: PolicyLimits, form, change: bool) -> None:
        try:
            services.policy_limits_save(actor=request.user, limits=obj)
        except DomainError as exc:
            if is_refusal(exc):
                record_refusal(request, status=exc.status_code, exc=exc)
            raise ValidationError(exc.message) from exc


class DiscrepancyInline(admin.TabularInline):
    model = Discrepancy
    extra = 0
    can_delete = False
    fields = ["severity", "source", "message"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Assessment)
class AssessmentAdmin(CountyViewMixin, SimpleHistoryAdmin):
    list_display = [
        "household",
        "status",
        "created",
        "finished_at",
        "members_count",
        "per_capita_income",
        "assets_within_limits",
    ]
    list_filter = ["status", "household__township", "assets_within_limits"]
    search_fields = ["household__number"]
    list_select_related = ["household"]
    inlines = [DiscrepancyInline]
    exclude = ["policy_numbers"]

    def get_queryset(self, request):
        return assessments_for(request.user).select_related("household")


@admin.register(HouseholdVisit)
class HouseholdVisitAdmin(CountyViewMixin, SimpleHistoryAdmin):
    list_display = ["assessment", "visit_date", "signed_at", "household_confirmed", "supersedes"]
    list_filter = ["assessment__household__township"]

    def get_queryset(self, request):
        return visits_for(request.user).select_related("assessment__household", "supersedes")


@admin.register(LabourAssessment)
class LabourAssessmentAdmin(CountyViewMixin, SimpleHistoryAdmin):
    list_display = ["member", "result", "assessed_on"]
    list_filter = ["result"]

    def get_queryset(self, request):
        return labour_assessments_for(request.user).select_related("member")


@admin.register(DepartmentRecord)
class DepartmentRecordAdmin(AccessLoggedAdminMixin, CountyViewMixin, admin.ModelAdmin):
    """Departments' rows, with the ID number masked for roles without full access (the auditor)."""

    list_display = ["source", "name", "shown_id_number", "key", "label", "amount", "area", "active", "data_date"]
    list_filter = ["source", "active"]
    search_fields = ["=id_number", "name", "key"]
    exclude = ["id_number"]
    readonly_fields = ["shown_id_number"]

    def get_queryset(self, request):
        if role_of(request.user) not in COUNTY_ADMIN:
            return super().get_queryset(request).none()
        # Visibility travels with the rows (admin instances are shared between requests).
        return (
            super()
            .get_queryset(request)
            .select_related("imported")
            .annotate(shows_full_id=Value(can_see_full_id(request.user), output_field=BooleanField()))
        )

    def get_ordering(self, request: HttpRequest) -> list[str]:
        # Not by ID number (the model's order): for a masked caller it would rank the hidden birth dates.
        return ["source", "name", "key", "id"]

    @admin.display(description=gettext_lazy("ID number"))
    def shown_id_number(self, record: DepartmentRecord) -> str:
        return record.id_number if getattr(record, "shows_full_id", False) else mask_id_number(record.id_number)

    def shows_full_ids(self, request: HttpRequest, page: str) -> bool:
        return can_see_full_id(request.user)


@admin.register(DepartmentImport)
class DepartmentImportAdmin(CountyViewMixin, admin.ModelAdmin):
    """Imports of departmental data: uploaded here (bureau reviewers) and by the management command."""

    list_display = [
        "source",
        "data_date",
        "filename",
        "rows",
        "created_count",
        "updated_count",
        "imported_by",
        "created",
    ]
    list_filter = ["source"]
    change_list_template = "assessments/admin/import_changelist.html"

    def get_urls(self):
        return [
            path("upload/", self.admin_site.admin_view(self.upload_view), name="assessments_departmentimport_upload"),
            path(
                "upload/<int:job_id>/",
                self.admin_site.admin_view(self.job_view),
                name="assessments_departmentimport_job",
            ),
            *super().get_urls(),
        ]

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        """The upload is stored as a job and parsed by a worker, never here (a hostile file costs
        a worker, not the web process). Without a broker the job runs at once and its outcome shows."""
        if role_of(request.user) != Role.BUREAU_REVIEWER:
            raise PermissionDenied
        form = DepartmentImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job = department_import_submit(
                    actor=request.user,
                    source=form.cleaned_data["source"],
                    data_date=form.cleaned_data["data_date"],
                    file=upload,
                    filename=upload.name,
                )
            except DomainError as exc:
                add_domain_error(form, exc, request=request)
            else:
                job.refresh_from_db()
                if job.status == Job.Status.FAILED:
                    return self._upload_page(request, form, job)
                return self._finished_or_waiting(request, job)
        return self._upload_page(request, form, None)

    def job_view(self, request: HttpRequest, job_id: int) -> HttpResponse:
        if role_of(request.user) != Role.BUREAU_REVIEWER:
            raise PermissionDenied
        job = get_object_or_404(department_import_jobs(), pk=job_id)
        if job.status == Job.Status.FAILED:
            return self._upload_page(request, DepartmentImportForm(), job)
        if job.status == Job.Status.SUCCEEDED:
            return self._finished_or_waiting(request, job)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import departmental data"),
            "job": job,
            "opts": self.model._meta,
        }
        return render(request, "assessments/admin/import_job.html", context)

    def _finished_or_waiting(self, request: HttpRequest, job: Job) -> HttpResponse:
        if job.status != Job.Status.SUCCEEDED:
            return redirect(reverse("admin:assessments_departmentimport_job", args=[job.pk]))
        counts = job.counts
        if counts.get("already_imported"):
            messages.info(request, _("This file was imported before; nothing changed."))
        else:
            messages.success(
                request,
                _("Imported %(rows)d rows: %(created)d new, %(updated)d updated.")
                % {"rows": counts["rows"], "created": counts["created"], "updated": counts["updated"]},
            )
        return redirect(reverse("admin:assessments_departmentimport_changelist"))

    def _upload_page(self, request: HttpRequest, form: DepartmentImportForm, job: Job | None) -> HttpResponse:
        row_errors: list[str] = []
        failure = ""
        if job is not None:
            errors = job.errors or []
            if len(errors) == 1 and errors[0].get("row") is None:
                failure = errors[0]["message"]
            else:
                failure = _("The file has %(count)d errors; nothing was imported.") % {"count": len(errors)}
                row_errors = [f"row {e['row']}, column {e['column']}: {e['message']}" for e in errors]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import departmental data"),
            "form": form,
            "failure": failure,
            "row_errors": row_errors,
            "opts": self.model._meta,
        }
        return render(request, "assessments/admin/import_upload.html", context)
