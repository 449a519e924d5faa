import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audits.selectors import dashboard_figures
from benefits import services
from benefits.models import ApplicationStatus

pytestmark = pytest.mark.django_db


def test_counts_are_answerable_as_of_a_past_date(cases):
    application = cases.to(ApplicationStatus.APPROVED)
    benefit = application.benefit
    start = benefit.start_month
    stop = (start + datetime.timedelta(days=40)).replace(day=1)
    services.benefit_change(
        actor=cases.bureau,
        benefit=benefit,
        kind="stop",
        effective_month=stop,
        reason_code="moved_or_deceased",
        reason="迁出",
    )
    _rows, at_start = dashboard_figures(cases.bureau, on=start)
    _rows, after_stop = dashboard_figures(cases.bureau, on=stop)
    _rows, before = dashboard_figures(cases.bureau, on=start - datetime.timedelta(days=1))
    assert at_start.covered_persons["dibao"] == 2
    assert after_stop.covered_persons.get("dibao", 0) == 0
    assert before.covered_persons.get("dibao", 0) == 0


def test_township_user_sees_only_their_township_and_overdue_cases(client, cases, caseworker_chenqing):
    cases.to(ApplicationStatus.ACCEPTED)
    late = timezone.localdate() + datetime.timedelta(days=30)
    rows, total = dashboard_figures(cases.caseworker, on=late)
    assert [r.name for r in rows] == ["孙吴镇"]
    assert total.open_applications == 1
    assert total.overdue_applications == 1
    rows, total = dashboard_figures(caseworker_chenqing, on=late)
    assert total.open_applications == 0
    client.force_login(cases.caseworker)
    response = client.get(reverse("dashboard"), {"on": "2020-01-01"})
    assert response.status_code == 200
    assert response.context["on"] == datetime.date(2020, 1, 1)


def test_the_bureau_dashboard_queries_do_not_grow_with_the_cases_and_benefits(client, cases):
    """Open cases and benefits are read as plain rows, a fixed number of queries however many."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        client.force_login(cases.bureau)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("dashboard")).status_code == 200
        return len(queries)

    cases.to(ApplicationStatus.APPROVED)
    cases.to(ApplicationStatus.COUNTY_REVIEW)
    first = count()
    for _ in range(2):
        cases.to(ApplicationStatus.APPROVED)
        cases.to(ApplicationStatus.ACCEPTED)
    assert count() == first
    _rows, total = dashboard_figures(cases.bureau, on=timezone.localdate())
    assert total.open_applications == 3
