"""Written notices (书面通知): the list, the notice, its receipt (送达回证) and the record of delivery."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from households.selectors import contacts_for
from sunwu_relief import clock
from sunwu_relief.errors import DomainError
from sunwu_relief.roles import Role
from sunwu_relief.ui import form_domain_error, object_or_404, roles_required

from .. import services
from ..forms import DeliveryForm
from ..models import WrittenNotice
from ..selectors import (
    undelivered_notices_for,
    written_notice_number,
    written_notices_for,
)
from .common import CASE_READERS, TOWNSHIP_ROLES


@roles_required(*CASE_READERS)
def written_notice_list_view(request: HttpRequest) -> HttpResponse:
    """The written notices of the user's scope, those still to be served first (township staff
    deliver them; the county sees all)."""
    today = clock.today()
    state = request.GET.get("state", "")
    if state in ("undelivered", "overdue"):
        queryset = undelivered_notices_for(request.user, on=today, overdue_only=state == "overdue")
    else:
        state = ""
        queryset = written_notices_for(request.user)
    queryset = queryset.select_related("household__village", "application").order_by(
        F("delivered_on").asc(nulls_first=True), "-issued_on", "-id"
    )
    kind = request.GET.get("kind", "")
    if kind in WrittenNotice.Kind.values:
        queryset = queryset.filter(kind=kind)
    page = Paginator(queryset, 25).get_page(request.GET.get("page"))
    query = "&".join(f"{name}={value}" for name, value in (("kind", kind), ("state", state)) if value)
    return render(
        request,
        "benefits/written_notice_list.html",
        {
            "page": page,
            "kinds": WrittenNotice.Kind.choices,
            "kind": kind,
            "state": state,
            "query": query,
            "today": today,
        },
    )


@roles_required(*CASE_READERS)
def written_notice_view(request: HttpRequest, pk: int) -> HttpResponse:
    notice = object_or_404(
        written_notices_for(request.user).select_related("household__village", "household__township"), pk=pk
    )
    return render(
        request,
        "benefits/written_notice.html",
        {
            "notice": notice,
            "contacts": contacts_for(notice.household.township),
            "document_number": written_notice_number(notice),
            "today": clock.today(),
        },
    )


@roles_required(*CASE_READERS)
def written_notice_receipt_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The 送达回证 of a written notice: the township serves the notice and the household signs it."""
    notice = object_or_404(
        written_notices_for(request.user).select_related("household__village", "household__township"), pk=pk
    )
    return render(
        request,
        "benefits/paper_receipt.html",
        {
            "notice": notice,
            "contacts": contacts_for(notice.household.township),
            "document_number": written_notice_number(notice),
        },
    )


@roles_required(*TOWNSHIP_ROLES, Role.BUREAU_REVIEWER)
def written_notice_deliver_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The township's record of delivery (送达): date, how, who received it, the signed receipt."""
    notice = object_or_404(written_notices_for(request.user), pk=pk)
    form = DeliveryForm(request.POST or None, request.FILES or None, initial={"delivered_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.written_notice_deliver(actor=request.user, notice=notice, **form.cleaned_data)
        except DomainError as exc:
            form_domain_error(form, exc, request=request)
        else:
            messages.success(request, _("The delivery was recorded."))
            return redirect("benefits:written-notice", pk=notice.pk)
    return render(
        request,
        "benefits/written_notice_deliver.html",
        {"notice": notice, "form": form},
        status=400 if request.method == "POST" else 200,
    )
