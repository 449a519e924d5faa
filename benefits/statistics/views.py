"""The monthly statistics page: one month's report by township, its xlsx, and the trend of the
last twelve months as charts, each with the table it is drawn from."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from households.selectors import county_settings, townships_for
from sunwu_relief import clock
from sunwu_relief.audit import record_event
from sunwu_relief.db_router import replica_reads
from sunwu_relief.roles import COUNTY_ROLES, TOWNSHIP_ROLES, is_county_wide
from sunwu_relief.ui import query_text, roles_required

from .events import StatisticsEvent
from .selectors import last_months, monthly_report, parse_month, report_and_trend
from .xlsx import report_workbook

READERS = tuple(sorted(COUNTY_ROLES | TOWNSHIP_ROLES))
TREND_MONTHS = 12


def _month(request: HttpRequest):
    return parse_month(query_text(request, "month")) or clock.current_month()


@roles_required(*READERS)
@replica_reads()
def statistics_view(request: HttpRequest) -> HttpResponse:
    month = _month(request)
    townships = list(townships_for(request.user))
    report, trend = report_and_trend(month=month, townships=townships, months=TREND_MONTHS)
    chart = {
        "labels": [f"{m:%Y-%m}" for m, _row in trend],
        "dibao_households": [row.dibao_households for _m, row in trend],
        "tekun_persons": [row.tekun_persons for _m, row in trend],
        "dibao_amount": [str(row.dibao_amount) for _m, row in trend],
        "tekun_amount": [str(row.tekun_amount) for _m, row in trend],
    }
    return render(
        request,
        "benefits/statistics.html",
        {
            "report": report,
            "month": month,
            "months": last_months(36, until=clock.current_month())[::-1],
            "county_wide": is_county_wide(request.user),
            "trend": trend,
            "chart": chart,
        },
    )


@roles_required(*READERS)
@replica_reads()
def statistics_download_view(request: HttpRequest) -> HttpResponse:
    month = _month(request)
    townships = list(townships_for(request.user))
    report = monthly_report(month=month, townships=townships)
    township = "" if is_county_wide(request.user) else (townships[0].name if townships else "")
    content = report_workbook(report, bureau_name=county_settings().bureau_name, township=township)
    record_event(
        actor=request.user,
        action=StatisticsEvent.EXPORT,
        township_id=None if is_county_wide(request.user) else (townships[0].pk if townships else None),
        month=f"{month:%Y-%m}",
        channel="ui",
    )
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="statistics-{month:%Y-%m}.xlsx"'
    return response
