"""A caseworker investigates a household in a real browser: declarations, cross-check, a
two-person visit, signing, and the printable verification form 核查表."""

import datetime
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from assessments.models import Assessment, HouseholdVisit, Source
from assessments.services import department_import
from sunwu_relief.roles import Role
from tests.assessments.conftest import VEHICLE_HEADERS, xlsx_bytes
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.e2e


def test_caseworker_declares_cross_checks_visits_and_prints_the_form(
    browser_page, live_server, login, household_sunwu, caseworker_sunwu, bureau_reviewer, township_sunwu, tmp_path
):
    page = browser_page
    colleague = make_user("cw2_sunwu", Role.CASEWORKER, township_sunwu)
    head, son = household_sunwu.members.order_by("id")
    department_import(
        actor=bureau_reviewer,
        source=Source.VEHICLE,
        data_date=datetime.date(2026, 10, 1),
        file=xlsx_bytes(VEHICLE_HEADERS, [[son.id_number, son.name, "黑N12345", "小型轿车", "2024-05-01", "正常"]]),
        filename="vehicles.xlsx",
    )

    login(page, live_server, caseworker_sunwu.username, PASSWORD)
    page.goto(f"{live_server.url}/households/{household_sunwu.pk}/")
    page.locator(f"a[href='/assessments/households/{household_sunwu.pk}/']").click()
    with page.expect_navigation():
        page.locator(f"form[action='/assessments/households/{household_sunwu.pk}/start/'] button").click()
    assessment = Assessment.objects.get(household=household_sunwu)
    assert page.url.endswith(f"/assessments/{assessment.pk}/")

    # Declarations: the head's farming income and land; nothing about the son's car.
    page.locator(f"a[href='/assessments/{assessment.pk}/incomes/new/']").click()
    page.locator("select[name='member']").select_option(str(head.pk))
    page.locator("select[name='kind']").select_option("farming")
    page.locator("input[name='monthly_amount']").fill("-1")
    page.locator("button[name='save']").click()
    expect(page.locator(".has-error input[name='monthly_amount']")).to_be_visible()
    page.locator("input[name='monthly_amount']").fill("450")
    with page.expect_navigation():
        page.locator("button[name='save']").click()
    page.locator(f"a[href='/assessments/{assessment.pk}/assets/new/']").click()
    page.locator("select[name='member']").select_option(str(head.pk))
    page.locator("select[name='kind']").select_option("land")
    page.locator("input[name='quantity']").fill("15")
    with page.expect_navigation():
        page.locator("button[name='save']").click()
    expect(page.locator("main")).to_contain_text("450")

    # The cross-check finds the vehicle the household did not declare, highlighted.
    with page.expect_navigation():
        page.locator("#run-cross-check").click()
    discrepancies = page.locator("#discrepancies li")
    expect(discrepancies).to_have_count(1)
    expect(discrepancies.first).to_contain_text("黑N12345")
    expect(page.locator("tr.flag")).to_contain_text("黑N12345")

    # A two-person household visit, confirmed by the household, then signed.
    page.locator(f"a[href='/assessments/{assessment.pk}/visits/new/']").click()
    page.locator("input[name='visit_date']").fill("2026-11-20")
    expect(page.locator(f"input[name='investigators'][value='{caseworker_sunwu.pk}']")).to_be_checked()
    page.locator(f"input[name='investigators'][value='{colleague.pk}']").check()
    page.locator("textarea[name='housing']").fill("砖瓦房两间，屋顶漏雨")
    page.locator("textarea[name='livestock']").fill("鸡十余只")
    page.locator("input[name='household_confirmed']").check()
    page.locator("input[name='household_signatory']").fill(head.name)
    with page.expect_navigation():
        page.locator("button[name='save']").click()
    visit = HouseholdVisit.objects.get(assessment=assessment)
    assert set(visit.investigators.all()) == {caseworker_sunwu, colleague}
    # Each investigator confirms under their own log-in; the second confirmation signs it.
    with page.expect_navigation():
        page.locator("#sign-visit").click()
    expect(page.get_by_test_id("you-confirmed")).to_be_visible()
    visit.refresh_from_db()
    assert visit.signed_at is None
    login(page, live_server, colleague.username, PASSWORD)
    page.goto(f"{live_server.url}/assessments/visits/{visit.pk}/")
    with page.expect_navigation():
        page.locator("#sign-visit").click()
    expect(page.locator("#signed-note")).to_be_visible()
    expect(page.locator("textarea[name='housing']")).to_have_count(0)  # read-only once signed
    visit.refresh_from_db()
    assert visit.signed_by == colleague
    assert set(visit.confirmations.values_list("investigator", flat=True)) == {caseworker_sunwu.pk, colleague.pk}

    # The printable verification form: signature lines for both investigators and the household.
    page.locator("#print-form").click()
    expect(page.locator(".signatures > div")).to_have_count(4)
    expect(page.locator(".form-sheet")).to_contain_text("黑N12345")
    expect(page.locator(".form-sheet")).to_contain_text("砖瓦房两间")
    page.emulate_media(media="print")
    expect(page.locator(".topbar")).to_be_hidden()
    expect(page.locator("#print-button")).to_be_hidden()
    directory = Path(os.environ.get("E2E_SCREENSHOT_DIR") or tmp_path)
    directory.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(directory / "verification-form.png"), full_page=True)
    pdf = page.pdf(path=str(directory / "verification-form.pdf"), format="A4")
    assert pdf.startswith(b"%PDF")
