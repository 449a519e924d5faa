from django.http import HttpRequest

from .roles import role_of
from .two_factor import two_factor_satisfied


def staff(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    profile = getattr(user, "staff_profile", None) if user is not None and user.is_authenticated else None
    return {
        "staff_role": role_of(user) if user is not None else None,
        "staff_profile": profile,
        # Logged in with the password but the code not yet entered: the menu is not shown.
        "two_factor_pending": user is not None and user.is_authenticated and not two_factor_satisfied(user),
    }
