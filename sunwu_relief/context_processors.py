from django.http import HttpRequest

from .roles import role_of


def staff(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    profile = getattr(user, "staff_profile", None) if user is not None and user.is_authenticated else None
    return {
        "staff_role": role_of(user) if user is not None else None,
        "staff_profile": profile,
    }
