"""/public/: no log-in, Chinese, readable on a telephone; a form to leave a complaint."""

import hashlib

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from sunwu_relief.errors import DomainError
from sunwu_relief.ui import add_domain_error, client_ip

from ..complaints.services import PublicComplaintData, complaint_submit_public
from .forms import PublicComplaintForm
from .selectors import public_facts, public_townships


def _page(request: HttpRequest, form: PublicComplaintForm, *, status: int = 200) -> HttpResponse:
    return render(request, "audits/public.html", {"facts": public_facts(), "form": form}, status=status)


@require_safe
def public_view(request: HttpRequest) -> HttpResponse:
    return _page(request, PublicComplaintForm(townships=public_townships()))


@require_http_methods(["POST"])
def public_complaint_view(request: HttpRequest) -> HttpResponse:
    form = PublicComplaintForm(request.POST, townships=public_townships())
    if not form.is_valid():
        return _page(request, form, status=400)
    # The address is not stored: only its keyed hash, for the flood limit.
    client_key = hashlib.sha256(f"{settings.SECRET_KEY}|{client_ip(request)}".encode()).hexdigest()
    try:
        complaint = complaint_submit_public(data=PublicComplaintData(**form.cleaned_data), client_key=client_key)
    except DomainError as exc:
        add_domain_error(form, exc, request=None)
        return _page(request, form, status=exc.status_code)
    messages.success(
        request, _("Your report was received with number %(number)s. Thank you.") % {"number": complaint.number}
    )
    return redirect("public:home")
