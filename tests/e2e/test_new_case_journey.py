"""A new caseworker's whole 低保 case in the browser, on fresh data: a new household and its
members, the economic-status investigation (declarations, the signed authorisation, the
two-person visit each investigator confirms under their own log-in), the application through
受理, 调查, 民主评议 and 乡镇审核, the public notice (the clock moved past its end), and the
county's decision in the admin with the spot-check draw and the home visit. Real names show on
the timeline and the papers."""

import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import Assessment, HouseholdVisit
from benefits import services
from benefits.models import Application, ApplicationStatus, Benefit
from households.models import Household
from sunwu_relief import clock
from sunwu_relief.authz import system
from sunwu_relief.services import staff_create_or_update
from tests.conftest import PASSWORD, new_id_number

pytestmark = pytest.mark.e2e

SCAN = {"name": "授权核对书.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 signed authorisation"}


def _step(page, name: str, fill: dict[str, str] | None = None) -> None:
    form = page.locator(f"form[data-step='{name}']")
    for field, value in (fill or {}).items():
        locator = form.locator(f"[name='{name}-{field}']")
        if locator.evaluate("el => el.tagName") == "SELECT":
            locator.select_option(value)
        else:
            locator.fill(value)
    with page.expect_navigation():
        form.locator("button[type='submit']").click()


def _status(page, text: str) -> None:
    expect(page.get_by_test_id("status")).to_have_text(text)


def _logout(page) -> None:
    with page.expect_navigation():
        page.locator("form[action='/accounts/logout/'] button").click()


def test_a_new_dibao_case_goes_from_a_new_household_to_the_county_decision(
    browser_page,
    live_server,
    login,
    caseworker_sunwu,
    caseworker2_sunwu,
    reviewer_sunwu,
    bureau_reviewer,
    township_sunwu,
    monkeypatch,
    tmp_path,
):
    page = browser_page
    shots = Path(os.environ.get("E2E_SCREENSHOT_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    names = {
        caseworker_sunwu: "李建国",
        caseworker2_sunwu: "张秀兰",
        reviewer_sunwu: "王志强",
        bureau_reviewer: "赵淑珍",
    }
    for user, name in names.items():
        profile = user.staff_profile
        staff_create_or_update(
            actor=system("test"), username=user.username, role=profile.role, township=profile.township, name=name
        )
    today = timezone.localdate()
    village = township_sunwu.villages.order_by("id").first()
    head_id, son_id = new_id_number(born="19700305"), new_id_number(born="20120801")

    # 1. The caseworker registers the household and its second member.
    login(page, live_server, caseworker_sunwu.username, PASSWORD)
    page.goto(f"{live_server.url}/households/new/")
    page.locator("select[name='village']").select_option(str(village.pk))
    page.locator("input[name='address']").fill("建华社区三组12号")
    page.locator("input[name='hukou_number']").fill("230001234")
    page.locator("input[name='head-name']").fill("孙德福")
    page.locator("input[name='head-id_number']").fill(head_id)
    with page.expect_navigation():
        page.locator("main form button[type='submit']").click()
    household = Household.objects.get(members__id_number=head_id)
    page.locator(f"a[href='/households/{household.pk}/members/new/']").click()
    page.locator("input[name='name']").fill("孙小宝")
    page.locator("input[name='id_number']").fill(son_id)
    page.locator("select[name='relationship']").select_option("son")
    with page.expect_navigation():
        page.locator("main form button[type='submit']").click()
    expect(page.locator("main")).to_contain_text("孙小宝")

    # 2. The economic-status investigation: a declaration and the signed authorisation.
    page.goto(f"{live_server.url}/assessments/households/{household.pk}/")
    with page.expect_navigation():
        page.locator(f"form[action='/assessments/households/{household.pk}/start/'] button").click()
    assessment = Assessment.objects.get(household=household)
    head = household.members.get(relationship="head")
    page.locator(f"a[href='/assessments/{assessment.pk}/incomes/new/']").click()
    page.locator("select[name='member']").select_option(str(head.pk))
    page.locator("select[name='kind']").select_option("farming")
    page.locator("input[name='monthly_amount']").fill("400")
    with page.expect_navigation():
        page.locator("button[name='save']").click()
    page.locator(f"a[href='/assessments/{assessment.pk}/authorisation/']").click()
    page.locator("input[name='signed_on']").fill(today.isoformat())
    page.locator("input[name='signatory']").fill("孙德福")
    page.locator("input[name='scan']").set_input_files(SCAN)
    with page.expect_navigation():
        page.locator("button[name='save']").click()

    # 3. The application, accepted (受理) and under investigation.
    page.goto(f"{live_server.url}/households/{household.pk}/")
    with page.expect_navigation():
        page.locator(f"a[href='/households/{household.pk}/apply/']").click()
    page.locator("select[name='programme']").select_option("dibao")
    page.locator("textarea[name='reason']").fill("户主患病，家庭收入低")
    with page.expect_navigation():
        page.locator("main form button[type='submit']").click()
    application = Application.objects.get(household=household)
    _status(page, "草稿")
    _step(page, "submit")
    _status(page, "已受理")
    _step(page, "start_investigation")
    _status(page, "调查中")

    # 4. The two-person visit: recorded once, confirmed by each investigator under their log-in.
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/visits/new/")
    page.locator("input[name='visit_date']").fill(today.isoformat())
    page.locator(f"input[name='investigators'][value='{caseworker2_sunwu.pk}']").check()
    page.locator("textarea[name='housing']").fill("砖瓦房两间，屋顶漏雨")
    page.locator("input[name='household_confirmed']").check()
    page.locator("input[name='household_signatory']").fill("孙德福")
    with page.expect_navigation():
        page.locator("button[name='save']").click()
    visit = HouseholdVisit.objects.get(assessment=assessment)
    with page.expect_navigation():
        page.locator("#sign-visit").click()
    expect(page.get_by_test_id("you-confirmed")).to_be_visible()
    login(page, live_server, caseworker2_sunwu.username, PASSWORD)
    page.goto(f"{live_server.url}/assessments/visits/{visit.pk}/")
    with page.expect_navigation():
        page.locator("#sign-visit").click()
    expect(page.locator("#signed-note")).to_be_visible()
    login(page, live_server, caseworker_sunwu.username, PASSWORD)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/")
    with page.expect_navigation():
        page.locator(f"form[action='/assessments/{assessment.pk}/finish/'] button").click()
    assessment.refresh_from_db()
    assert assessment.status == "finished"

    # 5. Back on the case: investigation finished, the democratic evaluation recorded.
    page.goto(f"{live_server.url}/applications/{application.pk}/")
    _step(page, "finish_investigation")
    _status(page, "民主评议")
    _step(
        page,
        "record_evaluation",
        {
            "held_on": today.isoformat(),
            "place": "村委会",
            "participants": "村两委成员、村民代表",
            "participant_count": "11",
            "votes_for": "10",
            "votes_against": "1",
            "outcome": "agreed",
        },
    )
    _step(page, "finish_evaluation")
    _status(page, "乡镇审核")
    _logout(page)

    # 6. The township reviewer sees the proposal before approving; the notice is published.
    login(page, live_server, reviewer_sunwu.username, PASSWORD)
    page.goto(f"{live_server.url}/applications/{application.pk}/")
    expect(page.get_by_test_id("proposal-preview")).to_contain_text("560")  # 480 × 2 − 400
    expect(page.locator("[name='township_approve-care_level']")).to_have_count(0)  # 低保: not asked
    _step(page, "township_approve", {"opinion": "经入户调查和民主评议，情况属实，同意纳入低保"})
    _status(page, "公示")
    page.goto(f"{live_server.url}/notices/?village={village.pk}")
    expect(page.get_by_test_id("notice-table")).to_contain_text(application.applicant_name)

    # 7. The notice period runs out: the clock is moved past its end (the benefits app reads
    # "today" from sunwu_relief.clock), and the notice is closed and sent to the county.
    notice = application.notices.get(superseded=False)
    after = notice.ends_on + datetime.timedelta(days=1)
    monkeypatch.setattr(clock, "today", lambda: after)
    page.goto(f"{live_server.url}/applications/{application.pk}/")
    _step(page, "notice_complete")  # the township's own step: 公示期满，报送县级审批
    _status(page, "县级审批")
    _logout(page)

    # 8. The county decides from one screen: the evidence, the spot-check draw, the home visit.
    login(page, live_server, bureau_reviewer.username, PASSWORD)
    page.goto(f"{live_server.url}/admin/benefits/application/{application.pk}/decide/")
    evidence = page.get_by_test_id("evidence")
    expect(evidence.get_by_test_id("evidence-members")).to_contain_text("孙小宝")
    expect(evidence.get_by_test_id("evidence-visit")).to_contain_text("张秀兰")
    expect(evidence.get_by_test_id("evidence-evaluation")).to_contain_text("11")
    with page.expect_navigation():
        page.locator("form[action='/admin/audits/spotcheckbatch/draw/'] input[type='submit']").click()
    application.refresh_from_db()
    if services.county_visit_required(application):
        page.locator("input[name='visit-visited_on']").fill(today.isoformat())
        page.locator("select[name='visit-result']").select_option("confirmed")
        page.locator("textarea[name='visit-findings']").fill("入户抽查，情况与乡镇调查一致")
        with page.expect_navigation():
            page.locator("input[name='visit']").click()
    page.screenshot(path=str(shots / "journey-county-decision.png"), full_page=True)
    page.locator("select[name='decision-decision']").select_option("approve")
    with page.expect_navigation():
        page.locator("#decision-form input[type='submit']").click()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    benefit = Benefit.objects.get(application=application)
    assert benefit.monthly_amount == 560

    # 9. The case page and its papers name the people who did each step.
    page.goto(f"{live_server.url}/applications/{application.pk}/")
    _status(page, "批准")
    timeline = page.get_by_test_id("timeline")
    for name in ("李建国", "王志强", "赵淑珍"):
        expect(timeline).to_contain_text(name)
    expect(timeline).not_to_contain_text(caseworker_sunwu.username)
    page.screenshot(path=str(shots / "journey-case-approved.png"), full_page=True)
    page.goto(f"{live_server.url}/applications/{application.pk}/papers/approval/")
    expect(page.get_by_test_id("paper-township-opinion")).to_contain_text("王志强")
    expect(page.get_by_test_id("paper-county-opinion")).to_contain_text("赵淑珍")
