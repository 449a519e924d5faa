"""Refused attempts (403 and 404 from scope or role, refused workflow steps) leave one audit
event each: time, user, what was tried, outcome `refused` with the error's codes."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from knox.models import AuthToken

from benefits.models import ApplicationStatus
from sunwu_relief.errors import NotAllowed, WorkflowError
from sunwu_relief.models import AuditEvent
from sunwu_relief.refusals import refusal_codes
from tests.conftest import new_id_number

pytestmark = pytest.mark.django_db


def refusals() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="refused").order_by("id"))


def only_refusal() -> AuditEvent:
    events = refusals()
    assert len(events) == 1, [e.detail for e in events]
    return events[0]


def test_a_403_raised_from_a_domain_error_carries_its_codes():
    denied = PermissionDenied()
    denied.__cause__ = NotAllowed(code="finding.resolve_role")
    assert refusal_codes(denied) == ("finding.resolve_role", ["finding.resolve_role"])
    assert refusal_codes(WorkflowError(problems=[])) == ("workflow", ["workflow"])


# --- UI -----------------------------------------------------------------------------------------


def test_another_townships_household_is_a_404_with_a_trace(client, caseworker_sunwu, household_chenqing):
    client.force_login(caseworker_sunwu)
    url = reverse("households:detail", args=[household_chenqing.pk])
    assert client.get(url).status_code == 404
    event = only_refusal()
    assert event.actor == caseworker_sunwu
    assert event.success is False
    assert event.created is not None
    assert event.detail["status"] == 404
    assert event.detail["code"] == "not_found"
    assert (event.detail["channel"], event.detail["method"], event.detail["path"]) == ("ui", "GET", url)
    assert event.detail["view"] == "households:detail"


def test_a_page_of_another_role_is_a_403_with_a_trace(client, auditor):
    client.force_login(auditor)
    assert client.get(reverse("households:create")).status_code == 403
    event = only_refusal()
    assert (event.actor, event.detail["status"], event.detail["code"]) == (auditor, 403, "permission_denied")


def test_a_step_on_another_townships_case_is_traced(client, cases, caseworker_chenqing):
    application = cases.draft()
    client.force_login(caseworker_chenqing)
    assert client.post(reverse("benefits:application-step", args=[application.pk, "submit"])).status_code == 404
    assert only_refusal().detail["status"] == 404


def test_a_refused_workflow_step_is_traced_with_its_codes(client, cases):
    application = cases.to(ApplicationStatus.EVALUATING)
    client.force_login(cases.caseworker)
    url = reverse("benefits:application-step", args=[application.pk, "finish_evaluation"])
    response = client.post(url)
    assert response.status_code == 400
    event = only_refusal()
    assert event.actor == cases.caseworker
    assert event.detail["status"] == 409
    assert event.detail["code"] == "workflow"
    assert event.detail["codes"]
    assert event.detail["path"] == url


def test_bad_input_is_not_a_refusal(client, caseworker_sunwu, household_sunwu):
    client.force_login(caseworker_sunwu)
    response = client.post(
        reverse("households:member-add", args=[household_sunwu.pk]),
        {"name": "张三", "id_number": "231124198001010000", "relationship": "son"},
    )
    assert response.status_code == 200
    assert refusals() == []


def test_anonymous_callers_and_unknown_paths_leave_no_refusal(client, caseworker_sunwu):
    assert client.get(reverse("households:create")).status_code == 302  # to the log-in page
    client.force_login(caseworker_sunwu)
    assert client.get("/no-such-page/").status_code == 404
    assert refusals() == []


# --- admin --------------------------------------------------------------------------------------


def test_a_refused_admin_write_is_traced(client, bureau_reviewer, household_sunwu):
    client.force_login(bureau_reviewer)
    url = reverse("admin:households_household_change", args=[household_sunwu.pk])
    assert client.post(url, {"address": "改"}).status_code == 403
    event = only_refusal()
    assert (event.detail["channel"], event.detail["status"], event.detail["method"]) == ("admin", 403, "POST")


# --- API ----------------------------------------------------------------------------------------


def api_get(client, user, url):
    _instance, token = AuthToken.objects.create(user=user)
    return client.get(url, HTTP_AUTHORIZATION=f"Token {token}")


def test_api_out_of_scope_is_a_404_with_a_trace(client, caseworker_sunwu, household_chenqing):
    url = reverse("api:household-detail", args=[household_chenqing.pk])
    assert api_get(client, caseworker_sunwu, url).status_code == 404
    event = only_refusal()
    assert (event.actor, event.detail["channel"], event.detail["status"]) == (caseworker_sunwu, "api", 404)
    assert event.detail["code"] == "not_found"


def test_api_role_refusal_is_a_403_with_a_trace(client, stranger):
    assert api_get(client, stranger, reverse("api:household-list")).status_code == 403
    event = only_refusal()
    assert (event.actor, event.detail["status"], event.detail["code"]) == (stranger, 403, "permission_denied")


def test_api_trace_masks_an_id_number_in_the_path(client, poverty_office):
    number = new_id_number(born="19731129")
    assert api_get(client, poverty_office, f"/api/v1/assistance-status/{number}/").status_code == 404
    event = only_refusal()
    assert number not in event.detail["path"]
    assert f"{number[:6]}********{number[-4:]}" in event.detail["path"]


def test_api_without_credentials_leaves_no_refusal(client):
    assert client.get(reverse("api:household-list")).status_code == 401
    assert refusals() == []
