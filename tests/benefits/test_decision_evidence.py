"""The county decision page shows the evidence, so that a reviewer decides from one screen."""

import pytest
from django.urls import reverse

from benefits import services
from benefits.models import ApplicationStatus
from sunwu_relief.models import AccessLog

pytestmark = pytest.mark.django_db


def test_decision_page_shows_members_declarations_visit_evaluation_notice_and_spot_check(client, cases):
    application = cases.to(ApplicationStatus.COUNTY_REVIEW)
    cases.ready_for_approval(application)
    client.force_login(cases.bureau)
    response = client.get(reverse("admin:benefits_application_decide", args=[application.pk]))
    assert response.status_code == 200
    evidence = response.context["evidence"]
    assert {row["member"].name for row in evidence["members"]} == {"王大山", "王小明"}
    assert [i.monthly_amount for i in evidence["incomes"]]
    assert evidence["visit"] is not None
    assert len(evidence["visit_confirmations"]) == 2
    assert len(evidence["evaluations"]) == 1
    assert len(evidence["notices"]) == 1
    assert evidence["spot_check"] is not None
    page = response.content.decode()
    for section in ("evidence-members", "evidence-income", "evidence-visit", "evidence-evaluation", "evidence-notice"):
        assert f'data-testid="{section}"' in page
    head = application.household.members.get(relationship="head")
    assert head.id_number not in page  # the decision needs no ID number
    assert AccessLog.objects.filter(user=cases.bureau, health_data=True, channel="admin").exists()


def test_decision_page_shows_objections(client, cases):
    application = cases.to(ApplicationStatus.PUBLIC_NOTICE)
    notice = application.notices.get()
    objection = services.objection_record(
        actor=cases.caseworker, notice=notice, raised_by="村民甲", content="收入不实", raised_on=notice.starts_on
    )
    services.objection_resolve(actor=cases.reviewer, objection=objection, upheld=False, resolution="经核实不成立")
    client.force_login(cases.bureau)
    response = client.get(reverse("admin:benefits_application_decide", args=[application.pk]))
    assert "收入不实" in response.content.decode()


def test_decision_page_is_not_for_township_staff(client, cases):
    application = cases.to(ApplicationStatus.COUNTY_REVIEW)
    client.force_login(cases.caseworker)
    response = client.get(reverse("admin:benefits_application_decide", args=[application.pk]))
    assert response.status_code in (302, 403)
