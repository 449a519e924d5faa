"""The user's own two-factor writes: enrol an authenticator app, enter a code. Every attempt,
right or wrong, is in the audit trail (等保: every user action, success or failure); a wrong code
is counted on the device (django-otp's throttling: after n wrong codes in a row the next try
waits 2^(n-1) seconds), and that count is committed even though the attempt is refused."""

from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from ..audit import record_event
from ..errors import InvalidInput, RateLimited, WorkflowError
from ..events import BaseEvent
from . import otp_required_for

WRONG = "wrong_code"
THROTTLED = "throttled"


def _token_error() -> InvalidInput:
    return InvalidInput(
        code="otp.invalid",
        field_errors={"token": [_("The code is not right. Enter the 6 digits your authenticator app shows now.")]},
    )


def _throttled_error() -> RateLimited:
    return RateLimited(
        _("Too many wrong codes. Wait a moment before the next try; if it keeps failing, ask the bureau to reset it."),
        code="otp.throttled",
    )


def _check(device: TOTPDevice, token: str) -> str | None:
    """None when `token` is right; else why not (committed with the device's failure count)."""
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        return THROTTLED
    return None if device.verify_token(token) else WRONG


def totp_enrol_start(*, user) -> TOTPDevice:
    """A new, unconfirmed authenticator secret for `user`, replacing an unconfirmed one: each
    secret is shown on one enrolment page only, and never again once confirmed."""
    if not otp_required_for(user):
        raise WorkflowError(_("Your account does not use a two-factor log-in."), code="otp.not_required")
    with transaction.atomic():
        if user_has_device(user, confirmed=True):
            raise WorkflowError(_("An authenticator app is already enrolled."), code="otp.already_enrolled")
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def totp_enrol_confirm(*, user, device_id: int, token: str) -> TOTPDevice:
    """Confirm the enrolment of `device_id` with a code the app shows; the caller then marks the
    session verified (`django_otp.login`). Audited either way."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(pk=device_id, user=user, confirmed=False).first()
        if device is None:
            raise WorkflowError(_("This enrolment has ended; start again."), code="otp.no_enrolment")
        failure = _check(device, token)
        if failure is None:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
        record_event(actor=user, action=BaseEvent.OTP_ENROL, obj=user, success=failure is None, reason=failure or "")
    if failure == THROTTLED:
        raise _throttled_error()
    if failure == WRONG:
        raise _token_error()
    return device


def totp_verify(*, user, token: str) -> TOTPDevice:
    """Check a code against the user's enrolled app; the caller then marks the session verified.
    Audited either way (a wrong or throttled code with its reason)."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk").first()
        if device is None:
            raise WorkflowError(_("No authenticator app is enrolled yet."), code="otp.not_enrolled")
        failure = _check(device, token)
        record_event(
            actor=user,
            action=BaseEvent.OTP_VERIFY,
            obj=user,
            success=failure is None,
            reason=failure or "",
            failures=device.throttling_failure_count,
        )
    if failure == THROTTLED:
        raise _throttled_error()
    if failure == WRONG:
        raise _token_error()
    return device
