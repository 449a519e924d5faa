import pytest
from django.urls import reverse

from benefits.models import ApplicationStatus

pytestmark = pytest.mark.django_db


def test_household_api_lists_benefits_and_filters_by_programme(client, cases, poverty_office, household_chenqing):
    application = cases.to(ApplicationStatus.APPROVED)
    benefit = application.benefit
    client.force_login(poverty_office)
    detail = client.get(reverse("api:household-detail", args=[application.household_id])).json()
    assert detail["benefits"] == [
        {
            "programme": "dibao",
            "status": "active",
            "monthly_amount": f"{benefit.monthly_amount:.2f}",
            "start_month": f"{benefit.start_month:%Y-%m}",
        }
    ]
    listed = client.get(reverse("api:household-list"), {"programme": "dibao"}).json()
    assert [item["id"] for item in listed["results"]] == [application.household_id]
    assert client.get(reverse("api:household-list"), {"programme": "tekun"}).json()["count"] == 0
    assert client.get(reverse("api:household-list"), {"programme": "nonsense"}).status_code == 400
