"""An emergency at the township service centre in a real browser: the caseworker records it, the
township reviewer grants it the same day (先行救助), and the paperwork 补办 is completed afterwards."""

import pytest
from playwright.sync_api import expect

from benefits.temporary.models import TemporaryCase, TemporaryPayment
from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e


def test_an_emergency_granted_the_same_day_and_its_paperwork_completed(
    browser_page, live_server, login, household_sunwu, caseworker_sunwu, reviewer_sunwu
):
    page = browser_page
    head = household_sunwu.members.get(relationship="head")
    login(page, live_server, caseworker_sunwu.username, PASSWORD)
    page.goto(f"{live_server.url}/temporary/new/")
    page.fill("input[name=member]", head.id_number)
    page.locator("select[name=kind]").select_option("emergency")
    page.locator("select[name=cause]").select_option("accident")
    page.fill("textarea[name=circumstances]", "夜间房屋失火，衣物被褥烧毁")
    page.fill("input[name=amount]", "800")
    page.check("input[name=emergency_grant]")
    page.locator("form.card button[type=submit]").click()
    expect(page.get_by_test_id("temporary-status")).to_be_visible()
    case = TemporaryCase.objects.get()

    login(page, live_server, reviewer_sunwu.username, PASSWORD)
    page.goto(f"{live_server.url}/temporary/{case.pk}/")
    page.locator("form:has([data-testid=step-approve]) [name=opinion]").fill("情况紧急，先行救助")
    page.get_by_test_id("step-approve").click()
    expect(page.get_by_test_id("supplement")).to_be_visible()
    case.refresh_from_db()
    assert case.status == "granted"
    assert TemporaryPayment.objects.get(case=case).amount == 800

    login(page, live_server, caseworker_sunwu.username, PASSWORD)
    page.goto(f"{live_server.url}/temporary/")
    expect(page.get_by_test_id("supplements-due")).to_contain_text(head.name)
    page.goto(f"{live_server.url}/temporary/{case.pk}/")
    page.locator("form:has([data-testid=step-supplement]) [name=note]").fill("已补齐申请书、入户调查记录并公示")
    page.get_by_test_id("step-supplement").click()
    expect(page.get_by_test_id("supplement")).to_contain_text("已补齐申请书")
    case.refresh_from_db()
    assert case.supplement_completed_on is not None
    page.goto(f"{live_server.url}/temporary/")
    expect(page.get_by_test_id("supplements-due")).not_to_contain_text(head.name)
