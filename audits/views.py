"""The user's dashboard: counts for a township user's township, or the county by township."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from households.selectors import household_list, townships_for
from sunwu_relief.roles import role_of


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    households = household_list(request.user)
    totals = households.aggregate(
        households=Count("id", distinct=True),
        registered_poor=Count("id", filter=Q(registered_poor=True), distinct=True),
    )
    by_township = (
        townships_for(request.user).annotate(household_count=Count("households", distinct=True)).order_by("code")
    )
    return render(
        request,
        "audits/dashboard.html",
        {"totals": totals, "by_township": by_township, "role": role_of(request.user)},
    )
