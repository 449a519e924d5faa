"""Regression tests for what the access matrix (tests/access/test_matrix.py) found: each a small
test of the one entry point that answered wrongly."""

from decimal import Decimal

import pytest
from django.urls import reverse

from benefits.intake.models import IntakeRequest
from benefits.intake.services import IntakeData, intake_register
from benefits.models import Application
from benefits.temporary.models import TemporaryCase
from benefits.temporary.services import TemporaryData, temporary_case_create
from sunwu_relief.models import AuditEvent
from sunwu_relief.refusals import REFUSED

pytestmark = pytest.mark.django_db


@pytest.fixture
def head(household_sunwu):
    return household_sunwu.members.get(relationship="head")


def test_a_temporary_step_of_the_other_township_role_is_403_and_changes_nothing(
    client, head, caseworker_sunwu, reviewer_sunwu
):
    case = temporary_case_create(
        actor=caseworker_sunwu,
        data=TemporaryData(
            kind="emergency", cause="accident", circumstances="房屋失火", amount=Decimal("800"), member=head
        ),
    )
    client.force_login(reviewer_sunwu)  # the caseworker's step
    response = client.post(reverse("benefits:temporary-step", args=[case.pk, "start-investigation"]))
    assert response.status_code == 403
    client.force_login(caseworker_sunwu)  # the reviewer's step
    response = client.post(reverse("benefits:temporary-step", args=[case.pk, "review"]), {"opinion": "同意"})
    assert response.status_code == 403
    assert TemporaryCase.objects.get(pk=case.pk).status == case.status
    assert AuditEvent.objects.filter(action=REFUSED, actor=caseworker_sunwu).exists()


def test_a_temporary_step_of_another_townships_case_stays_404(client, head, caseworker_sunwu, caseworker_chenqing):
    case = temporary_case_create(
        actor=caseworker_sunwu,
        data=TemporaryData(
            kind="emergency", cause="accident", circumstances="房屋失火", amount=Decimal("800"), member=head
        ),
    )
    client.force_login(caseworker_chenqing)
    assert client.post(reverse("benefits:temporary-step", args=[case.pk, "start-investigation"])).status_code == 404


def test_an_intake_step_of_the_caseworker_taken_by_the_reviewer_is_403(client, caseworker_sunwu, reviewer_sunwu):
    intake = intake_register(
        actor=caseworker_sunwu,
        data=IntakeData(
            channel="phone", kind="dibao", requester_name="周大海", request="申请低保", person_name="周大海"
        ),
    )
    client.force_login(reviewer_sunwu)
    response = client.post(reverse("benefits:intake-step", args=[intake.pk, "application"]), {"programme": "dibao"})
    assert response.status_code == 403
    assert not Application.objects.exists()
    assert IntakeRequest.objects.get(pk=intake.pk).status == "open"
