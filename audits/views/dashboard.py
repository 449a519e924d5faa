"""The user's dashboard: figures for a township user's township, or the county by township."""

import datetime

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from benefits.reviews.selectors import running_campaigns_progress
from households.selectors import household_totals
from sunwu_relief import clock
from sunwu_relief.roles import role_of

from ..models import FindingKind
from ..selectors import dashboard_figures, open_findings_by_township
from ..selectors.queues import work_queues


def _as_of(request: HttpRequest) -> tuple[datetime.date, bool]:
    """`?on=YYYY-MM-DD`: the figures as of a past date (the campaign's baseline); today by default.
    A future date is shown as today, and the page says so (the second value)."""
    raw = request.GET.get("on", "")
    try:
        day = datetime.date.fromisoformat(raw)
    except ValueError:
        return clock.today(), False
    today = clock.today()
    return min(day, today), day > today


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    on, clamped = _as_of(request)
    totals = household_totals(request.user)
    by_township, total = dashboard_figures(request.user, on=on)
    return render(
        request,
        "audits/dashboard.html",
        {
            "totals": totals,
            "by_township": by_township,
            "total": total,
            "on": on,
            "clamped": clamped,
            "requested": request.GET.get("on", ""),
            "role": role_of(request.user),
            "queues": work_queues(request.user),
            # The clean-up campaigns under way: each township's progress (a bar per township).
            "campaigns": running_campaigns_progress(request.user),
            # Reconciliation findings open, by township and kind (ledger issue).
            "findings_by_township": open_findings_by_township(request.user),
            "finding_kinds": FindingKind.choices,
        },
    )
