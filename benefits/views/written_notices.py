"""Written notices (书面通知): the list, the notice, its receipt (送达回证) and the record of delivery."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from households.selectors import contacts_for, villages_all_for, villages_for
from sunwu_relief import clock
from sunwu_relief.errors import DomainError
from sunwu_relief.exports import Column, ListExport, wants_xlsx
from sunwu_relief.roles import Role
from sunwu_relief.ui import form_domain_error, object_or_404, query_int, roles_required

from .. import services
from ..forms import DeliveryForm
from ..models import WrittenNotice
from ..selectors import (
    undelivered_notices_for,
    written_notice_number,
    written_notice_numbers,
    written_notices_for,
)
from .common import CASE_READERS, TOWNSHIP_ROLES


def _serve_by(notice: WrittenNotice) -> str:
    late = notice.delivered_on is None and notice.due_on < clock.today()
    return f"{notice.due_on:%Y-%m-%d}" + (f" {_('overdue')}" if late else "")


def _delivered(notice: WrittenNotice) -> str:
    if notice.delivered_on is None:
        return ""
    return f"{notice.delivered_on:%Y-%m-%d}（{notice.get_delivery_method_display()}）"


# The list's columns as the page shows them.
WRITTEN_NOTICES_EXPORT = ListExport(
    name="written_notices",
    title=gettext_lazy("Written notices"),
    columns=(
        Column(gettext_lazy("Issued on"), lambda w: w.issued_on),
        Column(gettext_lazy("Kind"), lambda w: w.get_kind_display()),
        Column(gettext_lazy("Addressee"), lambda w: w.addressee),
        Column(gettext_lazy("Household"), lambda w: w.household.number),
        Column(gettext_lazy("Village"), lambda w: w.household.village.name),
        Column(gettext_lazy("Serve by"), _serve_by),
        Column(gettext_lazy("Delivered on"), _delivered),
    ),
)


@roles_required(*CASE_READERS)
def written_notice_list_view(request: HttpRequest) -> HttpResponse:
    """The written notices of the user's scope, those still to be served first (township staff
    deliver them; the county sees all); by kind, delivery and village."""
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
    villages = villages_for(request.user)
    village_id = query_int(request, "village")
    village = villages.filter(pk=village_id).first() if village_id else None
    if village is not None:
        queryset = queryset.filter(household__village=village)
    if wants_xlsx(request):
        return WRITTEN_NOTICES_EXPORT.response(request, queryset)
    page = Paginator(queryset, 25).get_page(request.GET.get("page"))
    filters = (("kind", kind), ("state", state), ("village", village.pk if village else ""))
    query = "&".join(f"{name}={value}" for name, value in filters if value)
    return render(
        request,
        "benefits/written_notice_list.html",
        {
            "page": page,
            "kinds": WrittenNotice.Kind.choices,
            "kind": kind,
            "state": state,
            "villages": villages,
            "village": village,
            "query": query,
            "today": today,
        },
    )


@roles_required(*CASE_READERS)
def written_notice_batch_view(request: HttpRequest, village_pk: int) -> HttpResponse:
    """Every written notice of one village not yet delivered, each on its own sheet, to print
    them at once for the round of the village (the same paper as one notice's page)."""
    village = object_or_404(villages_all_for(request.user), pk=village_pk)
    notices = list(
        undelivered_notices_for(request.user, on=clock.today())
        .filter(household__village=village)
        .select_related("household__township")
    )
    numbers = written_notice_numbers(notices)
    return render(
        request,
        "benefits/written_notice_batch.html",
        {
            "village": village,
            "papers": [(notice, numbers[notice.pk]) for notice in notices],
            "contacts": contacts_for(village.township),
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
