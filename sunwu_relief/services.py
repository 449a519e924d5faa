"""Writes owned by the project package: staff accounts, roles and their groups, log-in lock-outs, API tokens."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import devices_for_user

from .audit import record_event
from .authz import require
from .errors import InvalidInput, NotAllowed
from .events import BaseEvent
from .models import StaffProfile
from .roles import ADMIN_ROLES, ROLE_PERMISSIONS, TOWNSHIP_ROLES, Role
from .text import validate_plain_text
from .two_factor import is_verified, otp_required_for


def _require_account_manager(actor, *, code: str, message: str) -> None:
    """The accounts are managed by the county's administrators (superusers, in the admin), the
    bureau's reviewers, and operators' commands (the system)."""
    if getattr(actor, "is_superuser", False):
        return
    require(actor, roles=(Role.BUREAU_REVIEWER,), code=code, message=message)


def ensure_role_groups() -> None:
    """One group per role with the role's model permissions (idempotent; runs after migrate)."""
    for role, codes in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        wanted = []
        for code in codes:
            app_label, codename = code.split(".")
            permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if permission is not None:
                wanted.append(permission)
        group.permissions.set(wanted)


@transaction.atomic
def staff_assign(*, actor, user, role: str, township=None) -> StaffProfile:
    """Give a user one role (and, for township roles, one township)."""
    _require_account_manager(
        actor, code="staff.not_allowed", message=_("Only the county bureau manages staff accounts.")
    )
    if role not in Role.values:
        raise InvalidInput(field_errors={"role": [_("Unknown role.")]})
    if role in TOWNSHIP_ROLES and township is None:
        raise InvalidInput(field_errors={"township": [_("A township role needs a township.")]})
    if role not in TOWNSHIP_ROLES:
        township = None
    profile, _created = StaffProfile.objects.select_for_update().get_or_create(user=user, defaults={"role": role})
    old = (profile.role, profile.township_id)
    profile.role = role
    profile.township = township
    profile.save()
    user.staff_profile = profile  # keep the caller's user object in step with the new role
    user.groups.set(Group.objects.filter(name=role))
    is_staff = role in ADMIN_ROLES
    if user.is_staff != is_staff and not user.is_superuser:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])
    if old != (profile.role, profile.township_id) or _created:
        record_event(
            actor=actor,
            action=BaseEvent.STAFF_ASSIGN,
            obj=user,
            township_id=profile.township_id,
            role=[old[0], role],
            township=[old[1], profile.township_id],
        )
    return profile


@transaction.atomic
def staff_create_or_update(
    *, actor, username: str, role: str, township=None, password: str | None = None, name: str | None = None
):
    """Create or update a staff account. `name` is the person's real name (姓名), printed on
    papers and timelines; it is kept whole in `first_name` (Chinese names are not split)."""
    _require_account_manager(
        actor, code="staff.not_allowed", message=_("Only the county bureau manages staff accounts.")
    )
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(username=username)
    if name is not None:
        name = name.strip()
        try:
            validate_plain_text(name)
        except ValidationError as exc:
            raise InvalidInput(field_errors={"name": list(exc.messages)}) from exc
        if len(name) > 150:
            raise InvalidInput(field_errors={"name": [_("The name is too long.")]})
        if (user.first_name, user.last_name) != (name, ""):
            old_name = user.get_full_name()
            user.first_name, user.last_name = name, ""
            user.save(update_fields=["first_name", "last_name"])
            if not created:
                record_event(actor=actor, action=BaseEvent.STAFF_RENAME, obj=user, name=[old_name, name])
    if password:
        # Password complexity (等保2.0); the transaction undoes a new user when it fails.
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise InvalidInput(field_errors={"password": list(exc.messages)}) from exc
        user.set_password(password)
        user.save()
    elif created:
        user.set_unusable_password()
        user.save()
    staff_assign(actor=actor, user=user, role=role, township=township)
    if created:
        record_event(actor=actor, action=BaseEvent.STAFF_CREATE, obj=user)
    return user, created


def login_unlock(*, actor, username: str) -> int:
    """Lift the lock-out of a user name after too many failed log-ins (every address); only the
    county bureau's administrators (bureau reviewers, superusers) or an operator's command (the
    system). Returns how many lock-out records were cleared."""
    from axes.utils import reset

    _require_account_manager(actor, code="not_allowed", message=_("Only the county bureau may unlock a log-in."))
    username = username.strip()
    if not username:
        raise InvalidInput(field_errors={"username": [_("Give the user name.")]})
    cleared = reset(username=username)
    record_event(actor=actor, action=BaseEvent.LOGIN_UNLOCK, username=username, cleared=cleared)
    return cleared


@transaction.atomic
def api_tokens_revoke(*, actor, user) -> int:
    """Revoke every API token of `user` (knox keeps only hashes: revoking is deleting the rows);
    only the county's administrators (superusers, who manage the user accounts), bureau reviewers,
    or an operator's command (the system). Audited.
    Returns how many tokens were revoked."""
    from knox.models import AuthToken

    _require_account_manager(
        actor, code="api_token.revoke_not_allowed", message=_("Only the county bureau may revoke API tokens.")
    )
    revoked, _details = AuthToken.objects.filter(user=user).delete()
    record_event(actor=actor, action=BaseEvent.API_TOKEN_REVOKE, obj=user, count=revoked)
    return revoked


@dataclass(frozen=True)
class IssuedToken:
    token: str  # shown once: knox keeps only its hash
    expiry: object  # datetime or None (never)
    revoked: int  # older tokens revoked first


@transaction.atomic
def api_token_issue(*, actor, user, revoke_old: bool = False) -> IssuedToken:
    """A new API token for `user` (a user with a role); older tokens stay valid, so that a client
    can switch over, unless `revoke_old`. Same authority as revoking; audited with the token's
    prefix (never the token)."""
    from knox.models import AuthToken

    _require_account_manager(
        actor, code="api_token.issue_not_allowed", message=_("Only the county bureau may issue API tokens.")
    )
    # A token opens the API without a second factor (docs/security.md): a person issues one only
    # from a session that has entered its two-factor code. (The operators' command acts as the system.)
    if otp_required_for(actor) and not is_verified(actor):
        raise NotAllowed(_("Enter your two-factor code before issuing an API token."), code="otp.required")
    revoked = api_tokens_revoke(actor=actor, user=user) if revoke_old else 0
    instance, token = AuthToken.objects.create(user=user)
    record_event(actor=actor, action=BaseEvent.API_TOKEN_ISSUE, obj=user, token_prefix=instance.token_key)
    return IssuedToken(token=token, expiry=instance.expiry, revoked=revoked)


@transaction.atomic
def otp_devices_reset(*, actor, user) -> int:
    """Delete every two-factor device of `user` (a lost or replaced phone, or too many wrong
    codes): at the next log-in they enrol again. Same authority as unlocking a log-in. Audited.
    Returns how many devices were deleted."""
    _require_account_manager(
        actor, code="otp.reset_not_allowed", message=_("Only the county bureau may reset a two-factor log-in.")
    )
    devices = list(devices_for_user(user, confirmed=None))
    for device in devices:
        device.delete()
    record_event(actor=actor, action=BaseEvent.OTP_RESET, obj=user, count=len(devices))
    return len(devices)
