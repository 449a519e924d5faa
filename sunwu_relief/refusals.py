"""Refused attempts leave an audit trace (等保2.0 asks for failures as well as successes).

Recorded once, where refusals are mapped to HTTP: the API's exception handler, the UI's 403 and
404 handlers, and the UI's mapping of domain errors to form errors and messages
(`sunwu_relief.ui`). The trace is an `AuditEvent` with action `refused`, `success=False`, the
time and user, what was tried (method, path with ID numbers masked, view) and the outcome (HTTP
status and the error's codes)."""

import logging

from django.db import DatabaseError
from django.http import HttpRequest
from rest_framework.exceptions import APIException

from .audit import record_event
from .errors import DomainError, InvalidInput
from .events import BaseEvent
from .logging import mask_in_text
from .models import AuditEvent

REFUSED = BaseEvent.REFUSED
logger = logging.getLogger(__name__)


def is_refusal(exc: DomainError) -> bool:
    """Scope, role and workflow refusals; not input that fails validation."""
    return not isinstance(exc, InvalidInput)


def refusal_codes(exc: BaseException) -> tuple[str, list[str]]:
    """The error's stable code and codes; for an Http404 or PermissionDenied raised `from` a
    domain error, that error's."""
    domain = exc if isinstance(exc, DomainError) else exc.__cause__
    if isinstance(domain, DomainError):
        return domain.code, list(domain.codes)
    if isinstance(exc, APIException):
        return str(exc.default_code), [str(exc.default_code)]
    name = {"Http404": "not_found", "PermissionDenied": "permission_denied"}.get(type(exc).__name__, "refused")
    return name, [name]


def _channel(request: HttpRequest) -> str:
    match = request.resolver_match
    if request.path.startswith("/api/"):
        return "api"
    if match is not None and match.namespace == "admin":
        return "admin"
    return "ui"


def record_refusal(request: HttpRequest, *, status: int, exc: BaseException) -> AuditEvent | None:
    """One `refused` event for the request (a second refusal in the same request is not recorded
    again). Nothing for anonymous callers (log-in failures are recorded on their own) or for a
    path that no view answers (a mistyped URL is not an attempt on anything)."""
    request = getattr(request, "_request", request)  # DRF's Request wraps Django's
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False) or request.resolver_match is None:
        return None
    if getattr(request, "_sunwu_refusal_recorded", False):
        return None
    request._sunwu_refusal_recorded = True
    code, codes = refusal_codes(exc)
    try:
        return record_event(
            actor=user,
            action=REFUSED,
            success=False,
            channel=_channel(request),
            method=request.method,
            path=mask_in_text(request.get_full_path())[:500],
            view=request.resolver_match.view_name,
            status=status,
            code=code,
            codes=codes,
        )
    except DatabaseError:
        # The refusal is answered whatever happens to its trace (e.g. inside a broken transaction).
        logger.exception("could not record a refused request")
        return None
