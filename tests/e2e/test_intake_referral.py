"""The one door in a real browser: a request registered at the township service centre, its
receipt printed, referred to the education bureau, and the department's answer recorded."""

import pytest
from playwright.sync_api import expect

from benefits.intake.models import Department, IntakeRequest
from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e


def test_a_request_at_the_service_centre_referred_and_answered(
    browser_page, live_server, login, caseworker_sunwu, reviewer_sunwu
):
    page = browser_page
    education = Department.objects.get(code="education")
    login(page, live_server, caseworker_sunwu.username, PASSWORD)
    page.goto(f"{live_server.url}/intake/")
    page.get_by_test_id("intake-new").click()
    page.locator("select[name=channel]").select_option("in_person")
    page.locator("select[name=kind]").select_option("education")
    page.fill("input[name=requester_name]", "周大海")
    page.fill("input[name=requester_relation]", "父亲")
    page.fill("input[name=person_name]", "周小雨")
    page.fill("textarea[name=request]", "孩子考上县高中，学费和住宿费困难")
    page.get_by_test_id("intake-register").click()
    expect(page.get_by_test_id("intake-status")).to_have_attribute("data-status", "open")
    intake = IntakeRequest.objects.get()
    expect(page.get_by_test_id("receipt-number")).to_have_text(intake.receipt_number)

    page.get_by_test_id("receipt-link").click()
    expect(page.get_by_test_id("paper-receipt-number")).to_have_text(intake.receipt_number)
    expect(page.get_by_test_id("paper")).to_contain_text("孙吴镇")
    page.go_back()

    refer = page.locator("form:has([data-testid=step-refer])")
    refer.locator("select[name=department]").select_option(str(education.pk))
    refer.locator("textarea[name=handed_over]").fill("户口本、录取通知书复印件")
    page.get_by_test_id("step-refer").click()
    expect(page.get_by_test_id("intake-status")).to_have_attribute("data-status", "referred")
    expect(page.get_by_test_id("referral")).to_contain_text(education.name)
    page.goto(f"{live_server.url}/intake/")
    expect(page.get_by_test_id("open-referrals")).to_contain_text(intake.receipt_number)

    login(page, live_server, reviewer_sunwu.username, PASSWORD)
    page.goto(f"{live_server.url}/intake/{intake.pk}/")
    answer = page.locator("form:has([data-testid=step-answer])")
    answer.locator("select[name=outcome]").select_option("handled")
    answer.locator("textarea[name=answer]").fill("已纳入普通高中国家助学金")
    page.get_by_test_id("step-answer").click()
    expect(page.get_by_test_id("intake-status")).to_have_attribute("data-status", "answered")
    expect(page.get_by_test_id("referral-answer")).to_contain_text("国家助学金")
    intake.refresh_from_db()
    assert intake.status == "answered"
    assert intake.referral.answered_on is not None
    page.goto(f"{live_server.url}/intake/")
    expect(page.get_by_test_id("open-referrals")).not_to_contain_text(intake.receipt_number)
