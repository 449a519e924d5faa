"""The re-verification and campaign pages: a review worked through its steps over HTTP, scope,
roles, the list's download, and query counts that do not grow with the data."""

import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benefits.models import ApplicationStatus, Review
from benefits.reviews import services as reviews
from benefits.reviews.models import ReviewReason, ReviewStatus
from sunwu_relief import clock as system_clock
from sunwu_relief.authz import system
from sunwu_relief.exports import ExportEvent
from sunwu_relief.models import AuditEvent

SYSTEM = system("task:run_reverification")


@pytest.fixture
def review(cases, clock):
    benefit = cases.to(ApplicationStatus.APPROVED).benefit
    clock.move_to(system_clock.today() + datetime.timedelta(days=62))
    return reviews.review_open(actor=SYSTEM, benefit=benefit, reason=ReviewReason.SCHEDULED)[0]


def test_list_and_page_in_scope_only(client, review, cases, caseworker_chenqing, bureau_reviewer):
    client.force_login(cases.caseworker)
    page = client.get(reverse("benefits:review-list"))
    assert page.status_code == 200
    assert review.household.number in page.content.decode()
    assert client.get(reverse("benefits:review", args=[review.pk])).status_code == 200
    client.force_login(caseworker_chenqing)
    assert review.household.number not in client.get(reverse("benefits:review-list")).content.decode()
    assert client.get(reverse("benefits:review", args=[review.pk])).status_code == 404
    response = client.post(reverse("benefits:review-step", args=[review.pk, "start"]))
    assert response.status_code == 404
    client.force_login(bureau_reviewer)
    assert "overdue-by-township" in client.get(reverse("benefits:review-list")).content.decode()


def test_a_step_by_the_wrong_role_is_refused_and_changes_nothing(client, review, cases):
    client.force_login(cases.reviewer)
    assert client.post(reverse("benefits:review-step", args=[review.pk, "start"])).status_code == 403
    review.refresh_from_db()
    assert review.assessment_id is None


def test_caseworker_starts_it_and_lands_on_the_investigation(client, review, cases):
    client.force_login(cases.caseworker)
    response = client.post(reverse("benefits:review-step", args=[review.pk, "start"]))
    review.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:detail", args=[review.assessment_id])
    # Proposing before the investigation is finished is refused with a message, nothing changes.
    client.post(reverse("benefits:review-step", args=[review.pk, "propose"]), {"note": ""})
    review.refresh_from_db()
    assert review.status == ReviewStatus.OPEN


def test_download_is_scoped_and_logged(client, review, cases, caseworker_chenqing):
    client.force_login(cases.caseworker)
    response = client.get(reverse("benefits:review-list"), {"format": "xlsx"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert review.household.number in values
    assert AuditEvent.objects.filter(actor=cases.caseworker, action=ExportEvent.DOWNLOAD).exists()
    client.force_login(caseworker_chenqing)
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("benefits:review-list"), {"format": "xlsx"}).content)
    ).active
    assert review.household.number not in [cell.value for row in sheet.iter_rows() for cell in row]


def test_list_queries_do_not_grow_with_reviews(client, cases, clock):
    first, second = (cases.to(ApplicationStatus.APPROVED).benefit for _ in range(2))
    clock.move_to(system_clock.today() + datetime.timedelta(days=62))
    reviews.review_open(actor=SYSTEM, benefit=first, reason=ReviewReason.SCHEDULED)
    client.force_login(cases.caseworker)
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("benefits:review-list")).status_code == 200
    reviews.review_open(actor=SYSTEM, benefit=second, reason=ReviewReason.SCHEDULED)
    assert Review.objects.count() == 2
    with CaptureQueriesContext(connection) as two:
        client.get(reverse("benefits:review-list"))
    assert len(two.captured_queries) == len(one.captured_queries)


def test_reviewer_agrees_a_batch_of_proposals_in_their_township_only(client, cases, clock, township_chenqing):
    from tests.conftest import make_user

    benefits = [cases.to(ApplicationStatus.APPROVED).benefit for _ in range(2)]
    clock.move_to(system_clock.today() + datetime.timedelta(days=62))
    opened = [reviews.review_open(actor=SYSTEM, benefit=b, reason=ReviewReason.SCHEDULED)[0] for b in benefits]
    for review in opened:
        reviews.review_propose(actor=cases.caseworker, review=review, suspend=True, note="入户无人")
    other = make_user("rv_chenqing_batch", "township_reviewer", township_chenqing)
    client.force_login(other)
    client.post(reverse("benefits:review-batch-approve"), {"review": [r.pk for r in opened]})
    assert set(Review.objects.values_list("status", flat=True)) == {ReviewStatus.TOWNSHIP_REVIEW}
    client.force_login(cases.caseworker)
    assert client.post(reverse("benefits:review-batch-approve"), {"review": [opened[0].pk]}).status_code == 403
    client.force_login(cases.reviewer)
    response = client.post(reverse("benefits:review-batch-approve"), {"review": [r.pk for r in opened]})
    assert response.status_code == 302
    assert set(Review.objects.values_list("status", flat=True)) == {ReviewStatus.COUNTY_REVIEW}
