"""Project-level views: the health check, the 403 and 404 handlers."""

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.http import require_GET

from .celery import app
from .refusals import record_refusal


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # noqa: BLE001  (any failure means not ok)
        return False


def _broker_state() -> str:
    if not settings.CELERY_BROKER_URL:
        return "eager"
    try:
        # The URL from the settings, so that what is checked is what the tasks will use.
        with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return "ok"
    except Exception:  # noqa: BLE001
        return "unavailable"


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    state = {"database": "ok" if _database_ok() else "unavailable", "broker": _broker_state()}
    healthy = state["database"] == "ok" and state["broker"] in ("ok", "eager")
    return JsonResponse(state, status=200 if healthy else 503)


def api_not_found(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"detail": str(_("Not found."))}, status=404)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler403: every 403 of the UI and the admin leaves a `refused` audit event."""
    record_refusal(request, status=403, exc=exception)
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: out of scope is answered as not found, and leaves a `refused` audit event."""
    record_refusal(request, status=404, exc=exception)
    return defaults.page_not_found(request, exception)
