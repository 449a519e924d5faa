"""The bureau's payment pages in the admin: prepare, review and approve, download the bank file,
import the bank's result. Every button calls a service; the admin itself writes nothing."""

import io

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from sunwu_relief import clock
from sunwu_relief.admin_base import ReadOnlyAdminMixin
from sunwu_relief.audit import record_access
from sunwu_relief.errors import DomainError
from sunwu_relief.forms import Form, PlainTextAdminMixin
from sunwu_relief.models import Job
from sunwu_relief.roles import Role, role_of
from sunwu_relief.ui import add_domain_error, client_ip

from ..models import Bank, BatchStatus, PaymentBatch, Programme
from . import services
from .selectors import (
    account_for,
    batch_check,
    batch_total,
    batch_totals,
    batches_for,
    batches_with_differences,
    last_close_job,
    preparation_job_for,
)
from .totals import month_totals

JobStatus = Job.Status
COUNTY_READERS = (Role.BUREAU_REVIEWER, Role.AUDITOR)


class PrepareForm(Form):
    programme = forms.ChoiceField(
        label=gettext_lazy("Programme"),
        choices=[(p.value, p.label) for p in (Programme.DIBAO, Programme.TEKUN, Programme.TEMPORARY)],
    )
    month = forms.DateField(
        label=gettext_lazy("Month (YYYY-MM)"), input_formats=["%Y-%m"], widget=forms.DateInput(format="%Y-%m")
    )


class ResultUploadForm(Form):
    file = forms.FileField(label=gettext_lazy("Bank result file (.xlsx)"))


@admin.register(Bank)
class BankAdmin(PlainTextAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "uses_luhn", "active"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return role_of(request.user) in COUNTY_READERS

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return role_of(request.user) == Role.BUREAU_REVIEWER

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return role_of(request.user) == Role.BUREAU_REVIEWER

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(PaymentBatch)
class PaymentBatchAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["number", "programme_label", "month_text", "status", "prepared_by", "approved_by", "review"]
    list_filter = ["programme", "status"]
    change_list_template = "admin/benefits/paymentbatch/change_list.html"

    def has_module_permission(self, request: HttpRequest) -> bool:
        return role_of(request.user) in COUNTY_READERS

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.has_module_permission(request)

    def get_queryset(self, request: HttpRequest):
        return batches_for(request.user).select_related("prepared_by", "approved_by")

    @admin.display(description=gettext_lazy("programme"))
    def programme_label(self, batch: PaymentBatch) -> str:
        return Programme(batch.programme).label

    @admin.display(description=gettext_lazy("month"), ordering="month")
    def month_text(self, batch: PaymentBatch) -> str:
        return f"{batch.month:%Y-%m}"

    @admin.display(description=gettext_lazy("Review"))
    def review(self, batch: PaymentBatch) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:benefits_paymentbatch_review", args=[batch.pk]), _("Review")
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        own = [
            path("prepare/", view(self.prepare_view), name="benefits_paymentbatch_prepare"),
            path("import/", view(self.import_view), name="benefits_paymentbatch_import"),
            path("job/<int:pk>/", view(self.job_view), name="benefits_paymentbatch_job"),
            path("close/", view(self.close_view), name="benefits_paymentbatch_close"),
            path("<int:pk>/review/", view(self.review_view), name="benefits_paymentbatch_review"),
            path("<int:pk>/approve/", view(self.approve_view), name="benefits_paymentbatch_approve"),
            path("<int:pk>/discard/", view(self.discard_view), name="benefits_paymentbatch_discard"),
            path("<int:pk>/download/", view(self.download_view), name="benefits_paymentbatch_download"),
        ]
        return own + super().get_urls()

    def _context(self, request: HttpRequest, **extra) -> dict:
        return {**self.admin_site.each_context(request), "opts": self.model._meta, **extra}

    def _bureau_only(self, request: HttpRequest) -> None:
        if role_of(request.user) != Role.BUREAU_REVIEWER:
            raise PermissionDenied

    def _batch(self, request: HttpRequest, pk: int) -> PaymentBatch:
        batch = batches_for(request.user).filter(pk=pk).first()
        if batch is None:
            raise Http404
        return batch

    def prepare_view(self, request: HttpRequest) -> HttpResponse:
        """Asks a worker to prepare the batch (a job): a county's batch takes minutes."""
        self._bureau_only(request)
        form = PrepareForm(request.POST or None, initial={"month": clock.current_month()})
        if request.method == "POST" and form.is_valid():
            try:
                job, existing = services.payment_batch_prepare_start(actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                add_domain_error(form, exc, request=request)
            else:
                if existing is not None:
                    return redirect("admin:benefits_paymentbatch_review", existing.pk)
                return redirect("admin:benefits_paymentbatch_job", job.pk)
        return render(
            request,
            "admin/benefits/paymentbatch/form.html",
            self._context(request, title=_("Prepare a payment batch"), form=form),
        )

    def job_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """A preparation's progress (rows done of rows in all); the batch once it is done."""
        if role_of(request.user) not in COUNTY_READERS:
            raise PermissionDenied
        job = preparation_job_for(request.user, pk=pk)
        if job is None:
            raise Http404
        batch_id = (job.counts or {}).get("batch")
        if job.status == JobStatus.SUCCEEDED and batch_id and batches_for(request.user).filter(pk=batch_id).exists():
            if job.counts.get("created"):
                messages.success(request, _("Batch %(number)s was prepared.") % {"number": job.counts.get("number")})
            return redirect("admin:benefits_paymentbatch_review", batch_id)
        context = self._context(request, title=_("Preparing a payment batch"), job=job)
        return render(request, "admin/benefits/paymentbatch/job.html", context)

    def close_view(self, request: HttpRequest) -> HttpResponse:
        """The month-end close: the batches whose last check found a difference, each with the
        items involved (normally none); the bureau reviewer may run the check now."""
        if role_of(request.user) not in COUNTY_READERS:
            raise PermissionDenied
        if request.method == "POST":
            self._bureau_only(request)
            services.payments_close_check_start(actor=request.user)
            messages.info(request, _("The month-end close check was started."))
            return redirect("admin:benefits_paymentbatch_close")
        context = self._context(
            request,
            title=_("Month-end close"),
            batches=list(batches_with_differences(request.user)),
            last_job=last_close_job(request.user),
            can_act=role_of(request.user) == Role.BUREAU_REVIEWER,
        )
        return render(request, "admin/benefits/paymentbatch/close.html", context)

    def review_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if role_of(request.user) not in COUNTY_READERS:
            raise PermissionDenied
        batch = self._batch(request, pk)
        items = list(batch.items.order_by("seq")[:500])
        for item in items:
            item.shown_account = account_for(request.user, item.account_number)
        context = self._context(
            request,
            title=_("Payment batch %(number)s") % {"number": batch.number},
            batch=batch,
            totals=batch_totals(batch),
            month=month_totals(batches_for(request.user), month=batch.month),
            total=batch_total(batch),
            count=batch.items.count(),
            items=items,
            differences=batch_check(batch),
            can_act=role_of(request.user) == Role.BUREAU_REVIEWER,
            is_draft=batch.status == BatchStatus.DRAFT,
            can_download=batch.status != BatchStatus.DRAFT,
        )
        return render(request, "admin/benefits/paymentbatch/review.html", context)

    def approve_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        self._bureau_only(request)
        batch = self._batch(request, pk)
        if request.method == "POST":
            try:
                services.payment_batch_approve(actor=request.user, batch=batch)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Batch %(number)s was approved.") % {"number": batch.number})
        return redirect("admin:benefits_paymentbatch_review", batch.pk)

    def discard_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        self._bureau_only(request)
        batch = self._batch(request, pk)
        if request.method == "POST":
            try:
                services.payment_batch_discard(actor=request.user, batch=batch)
            except DomainError as exc:
                messages.error(request, exc.message)
                return redirect("admin:benefits_paymentbatch_review", batch.pk)
            messages.success(request, _("The draft was discarded."))
        return redirect("admin:benefits_paymentbatch_changelist")

    def download_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        self._bureau_only(request)
        batch = self._batch(request, pk)
        buffer = io.BytesIO()
        try:
            services.payment_batch_export(actor=request.user, batch=batch, target=buffer)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("admin:benefits_paymentbatch_review", batch.pk)
        # The bank's file holds every payee's full ID and account number: each download is logged.
        record_access(
            user=request.user,
            obj=batch,
            channel="export",
            full_id_numbers=True,
            health_data=False,
            ip_address=client_ip(request),
        )
        response = HttpResponse(
            buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="{batch.number}.xlsx"'
        return response

    def import_view(self, request: HttpRequest) -> HttpResponse:
        self._bureau_only(request)
        form = ResultUploadForm(request.POST or None, request.FILES or None)
        errors = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                record, created = services.bank_results_import(
                    actor=request.user, source=upload.read(), filename=upload.name
                )
            except DomainError as exc:
                errors = [str(e) for e in getattr(exc, "errors", [])]
                add_domain_error(form, exc, request=request)
            else:
                if created:
                    messages.success(
                        request,
                        _("Imported: %(paid)s paid, %(failed)s failed.")
                        % {"paid": record.paid, "failed": record.failed},
                    )
                else:
                    messages.info(request, _("This file was imported before; nothing changed."))
                return redirect("admin:benefits_paymentbatch_changelist")
        return render(
            request,
            "admin/benefits/paymentbatch/form.html",
            self._context(request, title=_("Import a bank result file"), form=form, errors=errors, multipart=True),
        )
