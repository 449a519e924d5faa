"""Helpers shared by the browser views of every app."""

import functools
import ipaddress
from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.utils.translation import gettext as _

from .errors import DomainError, OutOfScope
from .refusals import is_refusal, record_refusal
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


def add_domain_error(
    form: forms.Form,
    exc: DomainError,
    *,
    request: HttpRequest | None,
    prefix_map: dict[str, str] | None = None,
) -> None:
    """Put a service's field errors on the form's fields (others as a non-field error).

    The UI's one mapping of a domain error to a form: a refusal (scope, role, workflow; not bad
    input) leaves its audit trace here. `request` is required so that no view forgets it; None
    only where the caller has recorded the refusal itself."""
    if request is not None and is_refusal(exc):
        record_refusal(request, status=exc.status_code, exc=exc)
    prefix_map = prefix_map or {}
    if not exc.field_errors:
        form.add_error(None, exc.message)
        return
    for field, texts in exc.field_errors.items():
        name = prefix_map.get(field, field)
        for message in texts:
            form.add_error(name if name in form.fields else None, message)


def domain_error_message(request: HttpRequest, exc: DomainError) -> None:
    """A service's refusal shown as a message (where no form is involved), with its audit trace."""
    if is_refusal(exc):
        record_refusal(request, status=exc.status_code, exc=exc)
    messages.error(request, exc.message)


def client_ip(request: HttpRequest) -> str | None:
    """The address of the client that sent `request`, for the access log and django-axes.

    `REMOTE_ADDR` is the peer; behind the reverse proxy that is the proxy. Only when the peer is
    one of `settings.TRUSTED_PROXIES` do we read `X-Forwarded-For`, from the right: each trusted
    proxy appends the address it saw, so the first address from the right that is not a trusted
    proxy is the client. Whatever the client wrote further left is ignored (it can be forged).
    """
    remote = request.META.get("REMOTE_ADDR") or None
    trusted = _trusted_networks(tuple(settings.TRUSTED_PROXIES))
    if remote is None or not trusted or not _is_trusted(remote, trusted):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([part.strip() for part in forwarded.split(",")]):
        try:
            address = ipaddress.ip_address(hop)
        except ValueError:
            return remote  # a malformed chain: fall back to the proxy rather than trust it
        if not any(address in network for network in trusted):
            return str(address)
    return remote


@functools.cache
def _trusted_networks(entries: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _is_trusted(remote: str, trusted: tuple) -> bool:
    try:
        address = ipaddress.ip_address(remote)
    except ValueError:
        return False
    return any(address in network for network in trusted)


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


def page_of(request: HttpRequest, rows, size: int) -> tuple[Page, str]:
    """The page of `rows` the request asks for (`?page=`; past the end: the last, not a number:
    the first), and the request's query string without the page number (the pager's links keep
    the list's filters)."""
    page = Paginator(rows, size).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def post_only(back: Callable[..., str]) -> Callable:
    """A form's target: POST runs the view; GET (a reload, the back button, a bookmark after a
    failed step) goes back to the page the form lives on, `back(**url_kwargs)`, instead of a
    blank 405; other methods are refused."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST":
                return view(request, *args, **kwargs)
            if request.method in ("GET", "HEAD"):
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                messages.info(request, _("That address only takes a form; here is the page with the form."))
                return HttpResponseRedirect(back(**kwargs))
            return HttpResponseNotAllowed(["POST"])

        return wrapped

    return decorator


def object_or_404(queryset: QuerySet, **lookup: Any) -> Any:
    """The one object of a scoped queryset (a selector's answer) matching `lookup`, or 404: the
    one way views and admin views fetch what a URL names. Outside the user's scope is not found."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def form_domain_error(form: forms.Form, exc: DomainError, *, request: HttpRequest) -> None:
    """`add_domain_error` for a page's form, with the one exception: out of the user's scope
    (`OutOfScope`) is not found, a 404, never a form error."""
    if isinstance(exc, OutOfScope):
        raise Http404 from exc
    add_domain_error(form, exc, request=request)
