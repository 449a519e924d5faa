"""Two-factor log-in (等保 level 3, docs/security.md): who must enter a one-time code (TOTP, an
authenticator app, django-otp) after the password, and whether this session has entered one.

County staff (bureau reviewers, auditors, the poverty office) and administrators (is_staff,
superusers) must; township staff only when `settings.OTP_REQUIRED_FOR_TOWNSHIP`; nobody when
`settings.OTP_REQUIRED` is off (the test suite; never production)."""

from django.conf import settings

from ..roles import COUNTY_ROLES, TOWNSHIP_ROLES, role_of


def otp_required_for(user) -> bool:
    """Must `user` enter a one-time code after the password? (A pure question about the account.)"""
    if not settings.OTP_REQUIRED or not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    role = role_of(user)
    if role in COUNTY_ROLES:
        return True
    return role in TOWNSHIP_ROLES and settings.OTP_REQUIRED_FOR_TOWNSHIP


def is_verified(user) -> bool:
    """Has this request's user entered a code in this session? (django-otp's middleware installs
    `is_verified()` on the request's user; a user object without it has not.)"""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False


def two_factor_satisfied(user) -> bool:
    """The user may go on: no code is required of them, or they have entered one this session."""
    return not otp_required_for(user) or is_verified(user)
