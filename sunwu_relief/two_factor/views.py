"""The two-factor pages: enrol an authenticator app (first log-in), enter its code (every log-in)."""

from urllib.parse import urlencode

import django_otp
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ..errors import DomainError
from ..ui import add_domain_error
from . import is_verified, otp_required_for
from .forms import TokenForm
from .selectors import enrolment_display, has_enrolled_device, pending_enrolment
from .services import totp_enrol_confirm, totp_enrol_start, totp_verify

ENROLMENT_SESSION_KEY = "otp_enrolment_device"


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("dashboard")


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def _verified(request: HttpRequest, device) -> HttpResponse:
    """Mark the session verified by `device` and go on (a new session key: the session has just
    gained the right to every page)."""
    django_otp.login(request, device)
    request.session.cycle_key()
    request.session.pop(ENROLMENT_SESSION_KEY, None)
    return HttpResponseRedirect(_next_url(request))


def _required(request: HttpRequest) -> None:
    """The pages exist only for users who must use two factors (others: not found)."""
    if not otp_required_for(request.user):
        raise Http404


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    _required(request)
    next_url = _next_url(request)
    if is_verified(request.user):
        return HttpResponseRedirect(next_url)
    if has_enrolled_device(request.user):
        return HttpResponseRedirect(_with_next("two_factor:verify", next_url))
    device = pending_enrolment(request.user, request.session.get(ENROLMENT_SESSION_KEY))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and device is not None and form.is_valid():
        try:
            confirmed = totp_enrol_confirm(user=request.user, device_id=device.pk, token=form.cleaned_data["token"])
        except DomainError as exc:
            add_domain_error(form, exc, request=request)
        else:
            messages.success(request, _("Your authenticator app is enrolled. Enter its code at every log-in."))
            return _verified(request, confirmed)
    if device is None or request.method == "GET":
        # A new secret for every enrolment page: a secret is shown once, on one page.
        device = totp_enrol_start(user=request.user)
        request.session[ENROLMENT_SESSION_KEY] = device.pk
        if request.method == "POST":
            form = TokenForm()
            messages.error(request, _("This enrolment had ended; scan the new code below."))
    context = {"form": form, "next": next_url, **enrolment_display(device)}
    return render(request, "registration/two_factor_enrol.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    _required(request)
    next_url = _next_url(request)
    if is_verified(request.user):
        return HttpResponseRedirect(next_url)
    if not has_enrolled_device(request.user):
        return HttpResponseRedirect(_with_next("two_factor:enrol", next_url))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = totp_verify(user=request.user, token=form.cleaned_data["token"])
        except DomainError as exc:
            add_domain_error(form, exc, request=request)
        else:
            return _verified(request, device)
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": next_url})
