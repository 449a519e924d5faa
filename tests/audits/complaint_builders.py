"""Builders for complaint tests: through the services."""

import pytest
from django.utils import timezone

from audits.complaints import services


@pytest.fixture
def complain(caseworker_sunwu):
    """complain(household=…, anonymous=…, actor=…): a complaint recorded through the service."""

    def build(*, actor=None, household=None, application=None, anonymous=False, contact="", **kwargs):
        data = services.ComplaintData(
            channel=kwargs.pop("channel", "phone"),
            received_on=kwargs.pop("received_on", timezone.localdate()),
            content=kwargs.pop("content", "反映该户有小轿车，收入不实"),
            anonymous=anonymous,
            reporter_name="" if anonymous else kwargs.pop("reporter_name", "举报人甲"),
            reporter_contact=contact,
            household=household,
            application=application,
            **kwargs,
        )
        return services.complaint_record(actor=actor or caseworker_sunwu, data=data)

    return build
