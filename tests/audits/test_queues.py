"""Work queues 待办 on the dashboard: each role sees its own work, in its township only, with
what is past its deadline; the page's queries do not grow with the cases."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audits.selectors.queues import work_queues
from benefits.models import Application, ApplicationStatus
from benefits.selectors import WorkingCalendar

pytestmark = pytest.mark.django_db


def _queues(user) -> dict:
    return {queue.key: queue for queue in work_queues(user)}


def test_a_caseworker_sees_the_cases_of_their_township_only(cases, caseworker_sunwu, caseworker_chenqing):
    cases.to(ApplicationStatus.INVESTIGATING)
    cases.to(ApplicationStatus.ACCEPTED)
    cases.draft()
    mine = _queues(caseworker_sunwu)
    assert mine["to_investigate"].count == 1
    assert mine["to_start"].count == 1
    assert mine["to_accept"].count == 1
    theirs = _queues(caseworker_chenqing)
    assert theirs["to_investigate"].count == 0
    assert theirs["to_start"].count == 0
    assert theirs["to_accept"].count == 0


def test_the_township_reviewer_and_the_county_see_their_steps(cases, reviewer_sunwu, bureau_reviewer):
    cases.to(ApplicationStatus.TOWNSHIP_REVIEW)
    assert _queues(reviewer_sunwu)["to_review"].count == 1
    assert "to_review" not in _queues(bureau_reviewer)
    county = cases.to(ApplicationStatus.COUNTY_REVIEW)
    decisions = _queues(bureau_reviewer)["county_decisions"]
    assert decisions.count == 1
    assert decisions.overdue == 0
    # Received by the county long ago: past the county's working-day deadline.
    Application.objects.filter(pk=county.pk).update(received_by_county_at=timezone.now() - datetime.timedelta(days=60))
    assert _queues(bureau_reviewer)["county_decisions"].overdue == 1


def test_the_count_goes_down_when_the_step_is_done(cases, caseworker_sunwu):
    application = cases.to(ApplicationStatus.INVESTIGATING)
    assert _queues(caseworker_sunwu)["to_investigate"].count == 1
    cases.to(ApplicationStatus.EVALUATING, application)
    queues = _queues(caseworker_sunwu)
    assert queues["to_investigate"].count == 0
    assert queues["to_evaluate"].count == 1


def test_the_last_overdue_start_is_the_last_day_whose_deadline_has_passed():
    calendar = WorkingCalendar()
    today = datetime.date(2026, 12, 1)
    cutoff = calendar.last_overdue_start(days=10, today=today)
    assert calendar.deadline(cutoff, 10) < today
    assert calendar.deadline(cutoff + datetime.timedelta(days=1), 10) >= today


def test_a_user_without_a_role_has_no_queue(stranger):
    assert work_queues(stranger) == []


@pytest.mark.parametrize("persona", ["caseworker_sunwu", "reviewer_sunwu", "bureau_reviewer", "auditor"])
def test_the_dashboard_queries_do_not_grow_with_the_cases(persona, request, cases, client):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    cases.to(ApplicationStatus.COUNTY_REVIEW)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("dashboard"))
            assert response.status_code == 200
            assert b'data-testid="work-queues"' in response.content
        return len(queries)

    first = count()
    cases.to(ApplicationStatus.COUNTY_REVIEW)
    cases.to(ApplicationStatus.INVESTIGATING)
    assert count() == first


def test_complaints_to_answer_are_a_queue_with_the_overdue_ones(
    household_sunwu, caseworker_sunwu, bureau_reviewer, clock
):
    import datetime as dt

    from audits.complaints.services import ComplaintData, complaint_record

    complaint_record(
        actor=caseworker_sunwu,
        data=ComplaintData(
            channel="phone",
            received_on=dt.date(2026, 1, 5),
            content="反映该户有经营收入",
            anonymous=True,
            household=household_sunwu,
        ),
    )
    assert _queues(caseworker_sunwu)["complaints"].count == 1
    county = _queues(bureau_reviewer)["complaints"]
    assert county.count == 1
    assert county.overdue == 1  # received in January: its answer was due long ago
