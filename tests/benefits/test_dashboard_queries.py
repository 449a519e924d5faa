"""The bureau's dashboard asks a fixed number of queries however many townships, cases, benefits
and decisions there are: open and overdue cases are counted by the database
(`open_and_overdue`), the covered households by one aggregate over the decisions in force."""

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benefits.models import Application, ApplicationStatus
from benefits.selectors import WorkingCalendar
from sunwu_relief.roles import Role
from tests.builders import CaseBuilder
from tests.conftest import make_user

from .test_open_and_overdue import _cases

pytestmark = pytest.mark.django_db

# Every query of the page, for a county-wide user (session and user, the figures, the queues,
# the campaigns, the findings): pinned so that a new query per township, case or programme shows.
DASHBOARD_QUERIES = 32


@pytest.fixture
def chenqing_cases(caseworker_chenqing, township_chenqing, bureau_reviewer, make_household) -> CaseBuilder:
    return CaseBuilder(
        caseworker=caseworker_chenqing,
        caseworker2=make_user("cw2_chenqing", Role.CASEWORKER, township_chenqing),
        reviewer=make_user("tr_chenqing", Role.TOWNSHIP_REVIEWER, township_chenqing),
        bureau=bureau_reviewer,
        make_household=make_household,
    )


def test_the_dashboard_queries_do_not_grow_with_townships_cases_and_programmes(client, cases, chenqing_cases):
    def count() -> tuple[int, dict]:
        client.force_login(cases.bureau)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("dashboard"))
        assert response.status_code == 200
        return len(queries), {row.name: row.open_applications for row in response.context["by_township"]}

    cases.to(ApplicationStatus.APPROVED)
    cases.to(ApplicationStatus.COUNTY_REVIEW)
    first, open_before = count()
    assert first == DASHBOARD_QUERIES
    # More of everything in both townships: benefits, cases in every step, every programme,
    # snapshots with other numbers (each a case of the CASE of cut-offs, not a query).
    for builder in (cases, chenqing_cases):
        builder.to(ApplicationStatus.APPROVED)
        builder.to(ApplicationStatus.ACCEPTED)
    chenqing = chenqing_cases.to(ApplicationStatus.COUNTY_REVIEW)
    households = [Application.objects.get(pk=chenqing.pk).household, cases.draft().household]
    Application.objects.bulk_create(_cases(random.Random(3), WorkingCalendar(), households, cases.caseworker, n=200))
    again, open_after = count()
    assert again == first
    assert open_after["辰清镇"] > open_before.get("辰清镇", 0) + 2
    assert open_after["孙吴镇"] > open_before["孙吴镇"] + 2
