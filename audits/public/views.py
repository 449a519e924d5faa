"""/public/: no log-in, Chinese, readable on a telephone."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .selectors import public_facts


@require_safe
def public_view(request: HttpRequest) -> HttpResponse:
    return render(request, "audits/public.html", {"facts": public_facts()})
