"""Admin for county staff: reconciliation findings, read-only (people resolve them through the
service, township staff in the browser), scoped and masked like every other channel."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, DateTimeField, QuerySet, Value
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from benefits.models import Programme
from households.ids import mask_id_number
from sunwu_relief.admin_base import AccessLoggedAdminMixin, ReadOnlyAdminMixin, township_name
from sunwu_relief.errors import NotAllowed
from sunwu_relief.roles import Role, can_see_full_id, role_of

from .models import Finding, FindingEvent, SpotCheckBatch, SpotCheckItem
from .selectors import finding_last_found, findings_for, reconciliation_last_run
from .services import spot_check_draw


class FindingEventInline(admin.TabularInline):
    model = FindingEvent
    extra = 0
    can_delete = False
    fields = ["created", "action", "resolution", "actor", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Finding)
class FindingAdmin(AccessLoggedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "kind",
        "township",
        "name",
        "shown_id_number",
        "household",
        "ledger_household_number",
        "status",
        "resolution",
        "last_found_shown",
    ]
    list_filter = ["kind", "status", "resolution", "township", "present"]
    search_fields = ["name", "=id_number", "ledger_household_number", "household__number"]
    list_select_related = ["township", "household"]
    fields = [
        "kind",
        "township",
        "name",
        "shown_id_number",
        "household",
        "ledger_household_number",
        "detail",
        "status",
        "present",
        "resolution",
        "note",
        "resolved_by",
        "resolved_at",
        "reopened_count",
        "first_found",
        "last_found_shown",
    ]
    readonly_fields = fields
    inlines = [FindingEventInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Finding]:
        # Visibility travels with the rows (admin instances are shared between requests).
        return findings_for(request.user).annotate(
            shows_full_id=Value(can_see_full_id(request.user), output_field=BooleanField()),
            last_run=Value(reconciliation_last_run(), output_field=DateTimeField()),
        )

    @admin.display(description=_("last found"), ordering="last_found")
    def last_found_shown(self, finding: Finding):
        return finding_last_found(finding, getattr(finding, "last_run", None))

    @admin.display(description=_("ID number"))
    def shown_id_number(self, finding: Finding) -> str:
        return (
            finding.id_number if getattr(finding, "shows_full_id", False) else mask_id_number(finding.id_number or "")
        )

    def shows_full_ids(self, request: HttpRequest, page: str) -> bool:
        return can_see_full_id(request.user)


class SpotCheckItemInline(admin.TabularInline):
    model = SpotCheckItem
    extra = 0
    can_delete = False
    fields = readonly_fields = ["application", "township_name", "drawn", "reasons"]

    @admin.display(description=_("township"))
    def township_name(self, item: SpotCheckItem) -> str:
        return township_name(item.township_id)

    @admin.display(description=_("always checked because"))
    def reasons(self, item: SpotCheckItem) -> str:
        return "；".join(str(r) for r in item.always_reasons or []) or "—"

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(SpotCheckBatch)
class SpotCheckBatchAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Draws are made by the service (command `draw_spot_checks`, the nightly task); read-only here."""

    list_display = ["id", "created", "seed", "created_by"]
    list_select_related = ["created_by"]
    inlines = [SpotCheckItemInline]
    fields = readonly_fields = ["created", "seed", "created_by", "summary_table"]

    @admin.display(description=_("drawn per township"))
    def summary_table(self, batch: SpotCheckBatch) -> str:
        rows = [
            (
                row.get("township", ""),
                Programme(row["programme"]).label
                if row.get("programme") in Programme.values
                else row.get("programme", ""),
                row.get("drawn", 0),
                row.get("total", 0),
                row.get("ratio", ""),
            )
            for row in batch.summary or []
        ]
        if not rows:
            return "—"
        head = format_html(
            "<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
            _("township"),
            _("programme"),
            _("drawn"),
            _("cases"),
            _("ratio"),
        )
        return format_html(
            "<table>{}{}</table>",
            head,
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
        )

    def has_module_permission(self, request: HttpRequest) -> bool:
        return role_of(request.user) in (Role.BUREAU_REVIEWER, Role.AUDITOR)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.has_module_permission(request)

    def get_urls(self) -> list:
        own = [path("draw/", self.admin_site.admin_view(self.draw_view), name="audits_spotcheckbatch_draw")]
        return own + super().get_urls()

    def draw_view(self, request: HttpRequest) -> HttpResponse:
        """POST: draw the sample now over the cases waiting for county review (the nightly task's service)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        try:
            batch = spot_check_draw(actor=request.user)
        except NotAllowed as exc:
            raise PermissionDenied from exc
        if batch is None:
            messages.info(request, _("No case is waiting for the draw."))
        else:
            drawn = sum(row["drawn"] for row in batch.summary)
            total = sum(row["total"] for row in batch.summary)
            messages.success(
                request,
                _("Spot-check batch %(batch)s (seed %(seed)s): %(drawn)d of %(total)d cases drawn.")
                % {"batch": batch.pk, "seed": batch.seed, "drawn": drawn, "total": total},
            )
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("admin:audits_spotcheckbatch_changelist")
        return redirect(target)


# The integrity work's admin pages (close-relatives register, complaints) live in its packages.
from .complaints import admin as _complaints_admin  # noqa: E402, F401
from .integrity import admin as _integrity_admin  # noqa: E402, F401
