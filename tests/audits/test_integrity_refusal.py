"""The member of staff who is (or is related to) a member of the household is refused on its case."""

import pytest

from benefits import services
from benefits.models import ApplicationStatus
from sunwu_relief.errors import NotAllowed
from tests.audits.test_integrity_register import son_id

pytestmark = pytest.mark.django_db


def test_the_relative_worker_is_refused_and_a_colleague_works_the_case(cases, registry):
    household = cases.household()
    registry.relative(registry.person(user=cases.caseworker), son_id(household))
    application = cases.draft(household=household)
    with pytest.raises(NotAllowed) as refused:
        services.application_submit(actor=cases.caseworker, application=application)
    assert refused.value.code == "integrity.relative_worker"
    assert "integrity.relative_worker" in refused.value.codes
    services.application_submit(actor=cases.caseworker2, application=application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED
    assert application.filed


def test_the_reviewer_who_is_a_relative_may_not_approve_at_the_township(cases, registry):
    application = cases.to(ApplicationStatus.TOWNSHIP_REVIEW)
    registry.relative(registry.person(user=cases.reviewer), son_id(application.household))
    with pytest.raises(NotAllowed) as refused:
        services.application_township_approve(actor=cases.reviewer, application=application, opinion="同意")
    assert refused.value.code == "integrity.relative_worker"
