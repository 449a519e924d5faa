"""The project's URLs plus the floors of the API benchmark: bare Django views answering the same
page (or the same look-up) with plain queries and no DRF, no authentication, no access log.
Served only by the benchmark (`bench/http_settings.py`)."""

import json

from django.db.models import OuterRef, Subquery
from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from benefits.models import Benefit, BenefitChange
from households.models import Household, LedgerRecord, Member
from sunwu_relief.expressions import among


def bare_households(request: HttpRequest) -> JsonResponse:
    """The same page as GET /api/v1/households/: count, the page's households and their heads
    (`township`: a township caller's page, of that township's households)."""
    size = int(request.GET.get("page_size", 100))
    page = int(request.GET.get("page", 1))
    queryset = Household.objects.order_by("township__code", "number")
    if "township" in request.GET:
        queryset = queryset.filter(township_id=int(request.GET["township"]))
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
    """The same rows as POST /api/v1/assistance-status/, each table read once in the shape the
    planner serves best (the numbers as one unnested array: a list of 1,000 literals is planned
    as a scan of the whole table): the members and ledger records of the numbers, the benefits of
    the members' households and those benefits' decisions. No validation, no rules, no log."""
    numbers = json.loads(request.body)["id_numbers"]
    members = list(
        Member.objects.filter(id_number__in=among(numbers, "varchar")).values(
            "id", "id_number", "name", "household_id", "household__classification"
        )
    )
    records = list(
        LedgerRecord.objects.filter(id_number__in=among(numbers, "varchar"), removed=False).values(
            "id", "id_number", "name", "township_id", "poverty_status"
        )
    )
    benefits = Benefit.objects.exclude(status="stopped").filter(
        household_id__in=among({m["household_id"] for m in members}, "integer")
    )
    decisions = list(
        BenefitChange.objects.filter(benefit__in=benefits.values("pk")).values(
            "benefit_id", "effective_month", "created", "id", "new_status", "new_amount"
        )
    )
    rows = list(benefits.values("id", "household_id", "programme", "status", "classification", "start_month"))
    return JsonResponse({"members": members, "ledger": records, "benefits": rows, "decisions": decisions})


urlpatterns = [
    path("bench/bare/households/", bare_households),
    path("bench/bare/status/", bare_status),
    path("", include("sunwu_relief.urls")),
]
