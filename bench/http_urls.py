"""The project's URLs plus the floors of the API benchmark: bare Django views answering the same
page (or the same look-up) with plain queries and no DRF, no authentication, no access log.
Served only by the benchmark (`bench/http_settings.py`)."""

import json

from django.db.models import OuterRef, Subquery
from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from households.models import Household, LedgerRecord, Member


def bare_households(request: HttpRequest) -> JsonResponse:
    """The same page as GET /api/v1/households/: count, the page's households and their heads."""
    size = int(request.GET.get("page_size", 100))
    page = int(request.GET.get("page", 1))
    queryset = Household.objects.order_by("township__code", "number")
    count = queryset.count()
    rows = list(
        queryset[(page - 1) * size : page * size].values(
            "id",
            "number",
            "township__name",
            "village__name",
            "classification",
            head=Subquery(Member.objects.filter(household=OuterRef("pk"), relationship="head").values("name")[:1]),
        )
    )
    return JsonResponse({"count": count, "results": rows})


@csrf_exempt
def bare_status(request: HttpRequest) -> JsonResponse:
    """The same rows as POST /api/v1/assistance-status/: the members and ledger records of the numbers."""
    numbers = json.loads(request.body)["id_numbers"]
    members = list(Member.objects.filter(id_number__in=numbers).values("id_number", "name", "household_id"))
    records = list(
        LedgerRecord.objects.filter(id_number__in=numbers, removed=False).values("id_number", "name", "poverty_status")
    )
    return JsonResponse({"members": members, "ledger": records})


urlpatterns = [
    path("bench/bare/households/", bare_households),
    path("bench/bare/status/", bare_status),
    path("", include("sunwu_relief.urls")),
]
