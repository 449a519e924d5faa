"""The township performance page (county staff): the table for a period, and the cases behind
each of its figures."""

import datetime

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from households.selectors import townships_for
from sunwu_relief.roles import Role
from sunwu_relief.ui import object_or_404, page_of, query_text, roles_required

from .selectors import METRICS, Period, default_period, metric_rows, performance_table

READERS = (Role.BUREAU_REVIEWER, Role.AUDITOR)
PAGE_SIZE = 50


def _period(request: HttpRequest) -> Period:
    period = default_period()
    try:
        start = datetime.date.fromisoformat(query_text(request, "from")) if request.GET.get("from") else period.start
        end = datetime.date.fromisoformat(query_text(request, "to")) if request.GET.get("to") else period.end
    except ValueError:
        return period  # a period that cannot be read is ignored, never a 500
    return Period(start=start, end=end) if start <= end else period


@roles_required(*READERS)
def performance_view(request: HttpRequest) -> HttpResponse:
    period = _period(request)
    table = performance_table(period=period, townships=list(townships_for(request.user).order_by("code")))
    return render(request, "audits/performance.html", {"period": period, "table": table, "metrics": METRICS})


@roles_required(*READERS)
def performance_detail_view(request: HttpRequest, township_pk: int, metric: str) -> HttpResponse:
    if metric not in METRICS:
        raise Http404
    township = object_or_404(townships_for(request.user), pk=township_pk)
    period = _period(request)
    page, query = page_of(request, metric_rows(metric=metric, period=period, township=township), PAGE_SIZE)
    return render(
        request,
        "audits/performance_detail.html",
        {
            "period": period,
            "township": township,
            "metric": metric,
            "rows": page.object_list,
            "page": page,
            "query": query,
        },
    )
