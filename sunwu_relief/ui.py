"""Helpers shared by the browser views of every app."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from .errors import DomainError
from .roles import role_of
from .text import forbidden_characters


def roles_required(*roles: str) -> Callable:
    """Log-in required; a user of another role gets 403."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        @login_required
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if role_of(request.user) not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def add_domain_error(form: forms.Form, exc: DomainError, *, prefix_map: dict[str, str] | None = None) -> None:
    """Put a service's field errors on the form's fields (others as a non-field error)."""
    prefix_map = prefix_map or {}
    if not exc.field_errors:
        form.add_error(None, exc.message)
        return
    for field, messages in exc.field_errors.items():
        name = prefix_map.get(field, field)
        for message in messages:
            form.add_error(name if name in form.fields else None, message)


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def query_int(request: HttpRequest, name: str) -> int | None:
    """The query parameter `name` as a positive whole number; None when absent or not one
    (`?village=abc`, `1.5`, a NUL byte): a filter that cannot apply is ignored, never a 500."""
    raw = request.GET.get(name, "")
    if not raw.isascii() or not raw.isdigit():
        return None
    value = int(raw)
    # Beyond a 64-bit key no row can match, and the database would refuse the number.
    return value if 0 < value < 2**63 else None


def query_text(request: HttpRequest, name: str, default: str = "") -> str:
    """The query parameter `name`, or `default` when it holds a control or format character
    (PostgreSQL refuses a NUL byte in a string with an error, not an empty result)."""
    raw = request.GET.get(name, default)
    return default if forbidden_characters(raw) else raw
