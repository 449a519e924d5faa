"""What the assessment pages share: who sees them, and one mapping of a service's refusal."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from households.services import REGISTRY_EDITORS
from sunwu_relief.errors import DomainError, NotAllowed, OutOfScope
from sunwu_relief.roles import Role, role_of
from sunwu_relief.ui import add_domain_error, domain_error_message

STAFF_ROLES = (Role.CASEWORKER, Role.TOWNSHIP_REVIEWER, Role.BUREAU_REVIEWER, Role.AUDITOR)


def run_service(request: HttpRequest, action: Callable[..., Any], **kwargs: Any) -> Any:
    """Call a service; outside the scope is a 404, a refusal a message. None when refused."""
    try:
        return action(actor=request.user, **kwargs)
    except OutOfScope as exc:
        raise Http404 from exc
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        domain_error_message(request, exc)
        return None


def run_form_service(request: HttpRequest, form, action: Callable[..., Any], **kwargs: Any) -> Any:
    try:
        return action(actor=request.user, **kwargs)
    except OutOfScope as exc:
        raise Http404 from exc
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        add_domain_error(form, exc, request=request)
        return None


def can_edit(request: HttpRequest) -> bool:
    return role_of(request.user) in REGISTRY_EDITORS
