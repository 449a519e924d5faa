"""Written notices in the admin (read-only; printed from the page of the notice)."""

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sunwu_relief.admin_base import ReadOnlyAdminMixin, township_name

from ..models import (
    WrittenNotice,
)
from ..selectors import (
    written_notices_for,
)
from .common import CaseReaderMixin


@admin.register(WrittenNotice)
class WrittenNoticeAdmin(CaseReaderMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["issued_on", "kind", "addressee", "reason_code", "due_on", "print_link"]
    list_filter = ["kind"]
    exclude = ["township_id"]
    readonly_fields = ["township_name"]

    @admin.display(description=gettext_lazy("township"))
    def township_name(self, notice: WrittenNotice) -> str:
        return township_name(notice.township_id)

    def get_queryset(self, request: HttpRequest):
        return written_notices_for(request.user)

    @admin.display(description=gettext_lazy("Print"))
    def print_link(self, notice: WrittenNotice) -> str:
        return format_html('<a href="{}">{}</a>', reverse("benefits:written-notice", args=[notice.pk]), _("Print"))
