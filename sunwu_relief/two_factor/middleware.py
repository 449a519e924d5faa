"""Nothing but the two-factor pages before the code (docs/security.md)."""

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import user_has_device

from . import is_verified, otp_required_for

# What a logged-in user may open before entering the code: the two-factor pages themselves,
# logging out (or in as someone else), static files, the health check and the public page.
EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz", "/public/")


class TwoFactorMiddleware:
    """After the password, a user who must use two factors (`otp_required_for`) and has not
    entered a code in this session is sent to enrol an authenticator app (none confirmed yet) or
    to enter its code, and then on to the page asked for. The API answers 403 with
    `code: "otp.required"` to such a session (a token request carries no session: see
    docs/security.md for tokens). Runs after django-otp's OTPMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and not request.path.startswith(EXEMPT_PREFIXES)
            and otp_required_for(user)
            and not is_verified(user)
        ):
            return self.refuse(request, user)
        return self.get_response(request)

    @staticmethod
    def refuse(request: HttpRequest, user) -> HttpResponse:
        if request.path.startswith("/api/") and not request.path.startswith("/api/v1/docs/"):
            return JsonResponse({"detail": _("Enter your two-factor code first."), "code": "otp.required"}, status=403)
        page = "two_factor:verify" if user_has_device(user, confirmed=True) else "two_factor:enrol"
        next_url = request.get_full_path() if request.method == "GET" else "/"
        return HttpResponseRedirect(f"{reverse(page)}?{urlencode({'next': next_url})}")
