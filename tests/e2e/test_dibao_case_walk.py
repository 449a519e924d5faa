"""One 低保 application from draft to approved through the real UI and the admin, with the users
of each role, in real headless Chromium. The economic-status evidence (declarations, the signed
two-person visit) is gathered through the assessment services: its own pages have their own test."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from audits.services import spot_check_draw
from benefits import services
from benefits.models import Application, ApplicationStatus, Benefit
from sunwu_relief.authz import system
from tests.builders import CaseBuilder
from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e


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


def test_dibao_application_walks_from_draft_to_approved(
    browser_page,
    live_server,
    login,
    caseworker_sunwu,
    caseworker2_sunwu,
    reviewer_sunwu,
    bureau_reviewer,
    make_household,
):
    page = browser_page
    cases = CaseBuilder(
        caseworker=caseworker_sunwu,
        caseworker2=caseworker2_sunwu,
        reviewer=reviewer_sunwu,
        bureau=bureau_reviewer,
        make_household=make_household,
    )
    household = cases.household(wages=Decimal("300"))  # declarations and the signed authorisation

    # The caseworker opens the household and creates the application.
    login(page, live_server, caseworker_sunwu.username, PASSWORD)
    page.goto(f"{live_server.url}/households/{household.pk}/")
    with page.expect_navigation():
        page.locator(f"a[href='/households/{household.pk}/apply/']").click()
    page.locator("select[name='programme']").select_option("dibao")
    page.locator("textarea[name='reason']").fill("因病致贫，家庭收入低")
    with page.expect_navigation():
        page.locator("main form button[type='submit']").click()
    application = Application.objects.get(household=household)
    expect(page.locator("[data-testid='status']")).to_have_text("草稿")

    _step(page, "submit")
    expect(page.locator("[data-testid='status']")).to_have_text("已受理")
    _step(page, "start_investigation")
    application.refresh_from_db()
    cases.investigate(application)  # two investigators visit, sign, and the result is frozen
    _step(page, "finish_investigation")
    today = timezone.localdate().isoformat()
    _step(
        page,
        "record_evaluation",
        {
            "held_on": today,
            "place": "村委会",
            "participants": "村两委成员、村民代表",
            "participant_count": "9",
            "votes_for": "8",
            "votes_against": "1",
            "outcome": "agreed",
        },
    )
    _step(page, "finish_evaluation")
    expect(page.locator("[data-testid='status']")).to_have_text("乡镇审核")
    page.locator("form[action='/accounts/logout/'] button").click()

    # The township reviewer approves and the notice is published.
    login(page, live_server, reviewer_sunwu.username, PASSWORD)
    page.goto(f"{live_server.url}/applications/{application.pk}/")
    _step(page, "township_approve", {"opinion": "经调查评议，情况属实，同意"})
    expect(page.locator("[data-testid='status']")).to_have_text("公示")
    expect(page.locator("[data-testid='proposed-amount']")).to_contain_text("660")

    # The notice period passes without objection: the beat task sends the case to the county,
    # and the nightly spot-check draw takes it (one case in the township: ⌈50% × 1⌉ = 1).
    assert (
        services.notices_complete_due(
            actor=system("task:complete_public_notices"), on=timezone.localdate() + datetime.timedelta(days=8)
        )
        == 1
    )
    assert spot_check_draw(actor=system("test"), seed=2016) is not None
    page.locator("form[action='/accounts/logout/'] button").click()

    # The bureau reviewer decides in the admin.
    login(page, live_server, bureau_reviewer.username, PASSWORD)
    page.goto(f"{live_server.url}/admin/benefits/application/{application.pk}/decide/")
    # The case is in the sample: the county's home visit is recorded first.
    page.locator("input[name='visit-visited_on']").fill(timezone.localdate().isoformat())
    page.locator("select[name='visit-result']").select_option("confirmed")
    page.locator("textarea[name='visit-findings']").fill("入户抽查，情况与乡镇调查一致")
    with page.expect_navigation():
        page.locator("input[name='visit']").click()
    page.locator("select[name='decision-decision']").select_option("approve")
    with page.expect_navigation():
        page.locator("#decision-form input[type='submit']").click()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    benefit = Benefit.objects.get(application=application)
    assert benefit.monthly_amount == Decimal("660")  # (480 × 2 − 300), S of the 2026 standard

    page.goto(f"{live_server.url}/applications/{application.pk}/")
    expect(page.locator("[data-testid='status']")).to_have_text("批准")
    expect(page.locator("[data-testid='benefit']")).to_contain_text("660")
    expect(page.locator("[data-testid='benefit']")).to_contain_text("480")
    expect(page.locator("[data-testid='timeline'] li")).to_have_count(8)
    assert application.county_visits.count() == 1
