"""Shared API parts: role permission and the one mapping of domain errors to HTTP.

Pagination and throttling live in their own modules: DRF imports them while it loads its views."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, permissions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .db_router import replica_reads
from .errors import DomainError
from .refusals import is_refusal, record_refusal
from .roles import role_of


class HasRole(permissions.BasePermission):
    """Allow the roles named by the view's `allowed_roles` (403 for any other role)."""

    def has_permission(self, request, view) -> bool:
        allowed = getattr(view, "allowed_roles", None)
        if allowed is None:
            return False
        return role_of(request.user) in allowed


class HasAnyRole(permissions.BasePermission):
    """A logged-in user with one of our roles (the API schema: a user without a role gets 403)."""

    def has_permission(self, request, view) -> bool:
        return role_of(request.user) is not None


class ReplicaListMixin:
    """A read-only list endpoint: its reads go to the read replica when there is one (db_router)."""

    def list(self, request, *args, **kwargs):
        with replica_reads():
            return super().list(request, *args, **kwargs)


def _record_refusal(exc: Exception, context: dict) -> None:
    """Scope, role and workflow refusals leave an audit trace (sunwu_relief.refusals)."""
    request = context.get("request")
    if request is None:
        return
    if isinstance(exc, DomainError):
        if is_refusal(exc):
            record_refusal(request, status=exc.status_code, exc=exc)
    elif isinstance(exc, Http404 | exceptions.NotFound):
        record_refusal(request, status=404, exc=exc)
    elif isinstance(exc, DjangoPermissionDenied | exceptions.PermissionDenied):
        record_refusal(request, status=403, exc=exc)


def exception_handler(exc: Exception, context: dict) -> Response | None:
    _record_refusal(exc, context)
    if isinstance(exc, DomainError):
        body: dict = {"detail": exc.message, "code": exc.code, "codes": exc.codes}
        if exc.field_errors:
            body.update(exc.field_errors)
        return Response(body, status=exc.status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, SuspiciousOperation):
        # Too many fields, a malformed upload and the like: the client's fault, answered in JSON.
        exc = exceptions.ParseError(_("The request could not be read."))
    return drf_exception_handler(exc, context)
