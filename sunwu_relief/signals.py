"""Log-in events into the audit trail (等保2.0: every user action, success or failure)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .audit import record_event
from .events import BaseEvent


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs) -> None:
    record_event(actor=user, action=BaseEvent.LOGIN)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        record_event(actor=user, action=BaseEvent.LOGOUT)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    # Only the user name is kept; never the password.
    record_event(actor=None, action=BaseEvent.LOGIN, success=False, username=str(credentials.get("username", ""))[:150])
