"""临时救助 deadlines as for 低保: the emergency grant's hours from the request (a late grant still
given, flagged with its reason), the remaining steps 补办 due and overdue on the list and the
dashboard, a 支出型 case's working-day deadlines; the case page's timeline; the pages' steps by
role and township; the list's query count."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from benefits.models import Standard
from benefits.temporary.models import TemporaryCase
from benefits.temporary.selectors import Work, decided_late, emergencies_waiting, to_investigate, township_to_decide
from benefits.temporary.services import (
    TemporaryData,
    temporary_case_create,
    temporary_county_approve,
    temporary_reject,
    temporary_send_to_county,
    temporary_township_approve,
)
from sunwu_relief import clock as system_clock
from sunwu_relief.errors import InvalidInput, WorkflowError
from sunwu_relief.models import AuditEvent

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def head(household_sunwu):
    return household_sunwu.members.get(relationship="head")


def emergency(member, *, hours_ago: float = 0, amount: str = "800") -> TemporaryData:
    return TemporaryData(
        kind="emergency",
        cause="accident",
        circumstances="房屋失火",
        amount=D(amount),
        emergency_grant=True,
        member=member,
        requested_at=timezone.now() - datetime.timedelta(hours=hours_ago),
    )


def test_an_emergency_grant_within_the_limit_is_on_time(head, caseworker_sunwu, reviewer_sunwu):
    case = temporary_case_create(actor=caseworker_sunwu, data=emergency(head, hours_ago=47))
    assert case.emergency_deadline == case.reported_at + datetime.timedelta(hours=48)
    [waiting] = emergencies_waiting(reviewer_sunwu)
    assert not waiting.late
    granted = temporary_township_approve(actor=reviewer_sunwu, case=case, opinion="先行救助")
    assert not granted.decided_late
    assert emergencies_waiting(reviewer_sunwu) == []


def test_past_the_limit_the_grant_is_still_given_but_flagged_late_with_its_reason(
    client, head, caseworker_sunwu, reviewer_sunwu, bureau_reviewer
):
    case = temporary_case_create(actor=caseworker_sunwu, data=emergency(head, hours_ago=49))
    [waiting] = emergencies_waiting(bureau_reviewer)
    assert waiting.late
    assert township_to_decide(reviewer_sunwu, today=system_clock.today()).overdue == 1
    with pytest.raises(WorkflowError) as exc:
        temporary_township_approve(actor=reviewer_sunwu, case=case, opinion="先行救助")
    assert "temporary.late_reason_missing" in exc.value.codes
    granted = temporary_township_approve(
        actor=reviewer_sunwu, case=case, opinion="先行救助", late_reason="周末无法联系审核人"
    )
    assert granted.status == "granted"
    assert granted.decided_late
    assert granted.late_reason == "周末无法联系审核人"
    assert list(decided_late(bureau_reviewer)) == [granted]
    event = AuditEvent.objects.get(action="temporary.township_approve")
    assert event.detail["late"] is True
    client.force_login(reviewer_sunwu)
    page = client.get(f"/temporary/{case.pk}/").content.decode()
    assert 'data-testid="decided-late"' in page
    assert 'data-late="1"' in client.get("/temporary/").content.decode()


def test_a_late_refusal_and_a_late_county_grant_are_flagged_too(
    head, caseworker_sunwu, reviewer_sunwu, bureau_reviewer
):
    refused = temporary_case_create(actor=caseworker_sunwu, data=emergency(head, hours_ago=50))
    assert temporary_reject(actor=reviewer_sunwu, case=refused, reason="不符合").decided_late
    big = temporary_case_create(actor=caseworker_sunwu, data=emergency(head, hours_ago=50, amount="3000"))
    temporary_send_to_county(actor=reviewer_sunwu, case=big, opinion="报县")
    with pytest.raises(WorkflowError) as exc:
        temporary_county_approve(actor=bureau_reviewer, case=big, opinion="同意")
    assert "temporary.late_reason_missing" in exc.value.codes
    assert temporary_county_approve(
        actor=bureau_reviewer, case=big, opinion="同意", late_reason="材料补充"
    ).decided_late


def test_the_limit_is_data_and_the_request_cannot_be_in_the_future(head, caseworker_sunwu, reviewer_sunwu):
    Standard.objects.filter(programme="temporary").update(temporary_emergency_hours=72)
    case = temporary_case_create(actor=caseworker_sunwu, data=emergency(head, hours_ago=49))
    assert case.emergency_deadline == case.reported_at + datetime.timedelta(hours=72)
    assert not temporary_township_approve(actor=reviewer_sunwu, case=case, opinion="同意").decided_late
    with pytest.raises(InvalidInput) as exc:
        temporary_case_create(actor=caseworker_sunwu, data=emergency(head, hours_ago=-2))
    assert "requested_at" in exc.value.field_errors


def test_the_dashboard_shows_the_townships_remaining_steps_due_and_overdue(
    client, head, caseworker_sunwu, caseworker_chenqing, reviewer_sunwu, clock
):
    late = temporary_case_create(actor=caseworker_sunwu, data=emergency(head, hours_ago=49))
    client.force_login(reviewer_sunwu)
    page = client.get("/").content.decode()
    assert 'data-testid="queue-count-temporary_township">1<' in page
    assert 'data-testid="queue-overdue-temporary_township"' in page  # past its 48 hours
    temporary_township_approve(actor=reviewer_sunwu, case=late, opinion="先行救助", late_reason="夜间无法联系")
    case = temporary_case_create(actor=caseworker_sunwu, data=emergency(head))
    case = temporary_township_approve(actor=reviewer_sunwu, case=case, opinion="先行救助")
    client.force_login(caseworker_sunwu)
    page = client.get("/").content.decode()
    assert 'data-testid="queue-count-supplements">2<' in page
    assert 'data-testid="queue-overdue-supplements"' not in page
    clock.move_to(case.supplement_due + datetime.timedelta(days=1))
    page = client.get("/").content.decode()
    assert 'data-testid="queue-overdue-supplements"' in page
    client.force_login(caseworker_chenqing)  # another township: nothing of it
    assert 'data-testid="queue-count-supplements">0<' in client.get("/").content.decode()


def _spending_case(client, head):
    client.post(
        "/temporary/new/",
        {
            "member": head.id_number,
            "kind": "expenditure",
            "cause": "spending",
            "circumstances": "医疗刚性支出",
            "amount": "800",
            "form": "cash",
        },
    )
    return TemporaryCase.objects.get(kind="expenditure")


def test_the_case_page_walks_a_spending_case_with_its_deadlines_and_timeline(
    client, head, caseworker_sunwu, caseworker_chenqing, reviewer_sunwu, clock
):
    client.force_login(caseworker_sunwu)
    case = _spending_case(client, head)
    page = client.get(f"/temporary/{case.pk}/").content.decode()
    assert 'data-deadline="investigation"' in page
    assert "step-start-investigation" in page
    assert "step-approve" not in page
    client.force_login(reviewer_sunwu)  # the wrong role: nothing moves
    client.post(f"/temporary/{case.pk}/start-investigation/", {})
    case.refresh_from_db()
    assert case.status == "submitted"
    client.force_login(caseworker_chenqing)  # another township: not found
    assert client.post(f"/temporary/{case.pk}/start-investigation/", {}).status_code == 404
    assert client.get(f"/temporary/{case.pk}/").status_code == 404
    client.force_login(caseworker_sunwu)
    client.post(f"/temporary/{case.pk}/start-investigation/", {})
    today = system_clock.today().isoformat()
    assessment = {
        "visited_on": today,
        "investigators": "王建国、李秀梅",
        "spending": "9000",
        "covered": "4000",
        "own_means": "1500",
        "findings": "入户核实",
    }
    client.post(f"/temporary/{case.pk}/assessment/", assessment)
    client.force_login(reviewer_sunwu)
    client.post(f"/temporary/{case.pk}/review/", {"opinion": "情况属实", "amount": ""})
    case.refresh_from_db()
    assert case.status == "public_notice"
    clock.move_to(case.notice_ends_on + datetime.timedelta(days=1))
    page = client.get(f"/temporary/{case.pk}/").content.decode()
    assert 'data-testid="beyond-means">3500.00<' in page
    client.post(f"/temporary/{case.pk}/approve/", {"opinion": "公示无异议", "late_reason": ""})
    case.refresh_from_db()
    assert case.status == "granted"
    page = client.get(f"/temporary/{case.pk}/").content.decode()
    for action in ("create", "start_investigation", "finish_investigation", "township_review", "township_approve"):
        assert f'data-action="{action}"' in page
    assert 'data-testid="written-notice"' in page


def test_a_spending_case_to_investigate_is_on_the_caseworkers_queue_and_overdue_later(
    client, head, caseworker_sunwu, clock
):
    client.force_login(caseworker_sunwu)
    case = _spending_case(client, head)
    assert to_investigate(caseworker_sunwu, today=system_clock.today()) == Work(count=1, overdue=0)
    clock.move_to(system_clock.today() + datetime.timedelta(days=10))
    assert to_investigate(caseworker_sunwu, today=system_clock.today()) == Work(count=1, overdue=1)
    assert 'data-testid="queue-overdue-temporary_investigate"' in client.get("/").content.decode()
    page = client.get(f"/temporary/{case.pk}/").content.decode()
    assert 'data-deadline="investigation" data-overdue="1"' in page


def test_the_list_loads_in_the_same_number_of_queries_for_one_case_or_many(client, head, caseworker_sunwu):
    client.force_login(caseworker_sunwu)
    temporary_case_create(actor=caseworker_sunwu, data=emergency(head))
    with CaptureQueriesContext(connection) as one:
        assert client.get("/temporary/").status_code == 200
    for _ in range(4):
        temporary_case_create(actor=caseworker_sunwu, data=emergency(head))
    with CaptureQueriesContext(connection) as many:
        assert client.get("/temporary/").status_code == 200
    assert len(many) == len(one)
