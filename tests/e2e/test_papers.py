"""Every printed paper renders in real Chromium to an A4 PDF of one page: 申请书, 授权核对书,
审核审批表, 核查表, 公示, 书面通知 and its 送达回证, with the office, the date and the seal line."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from benefits import services
from benefits.models import ApplicationStatus, WrittenNotice
from tests.builders import CaseBuilder
from tests.conftest import PASSWORD, member_data, new_id_number

pytestmark = pytest.mark.e2e

PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def pdf_pages(pdf: bytes) -> int:
    """Page objects in a PDF (Chromium writes them uncompressed): no PDF library needed."""
    return len(PAGE_OBJECT.findall(pdf))


def _render(page, url: str, name: str, directory: Path) -> bytes:
    page.goto(url)
    expect(page.get_by_test_id("paper")).to_be_visible()
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True)
    (directory / f"{name}.pdf").write_bytes(pdf)
    # The screenshot at the printable width of A4 (180 mm between the margins), as printed.
    page.set_viewport_size({"width": 680, "height": 1009})
    page.screenshot(path=str(directory / f"{name}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.emulate_media(media="screen")
    return pdf


def test_each_paper_prints_on_one_a4_page(
    browser_page,
    live_server,
    login,
    caseworker_sunwu,
    caseworker2_sunwu,
    reviewer_sunwu,
    bureau_reviewer,
    make_household,
    tmp_path,
):
    page = browser_page
    cases = CaseBuilder(
        caseworker=caseworker_sunwu,
        caseworker2=caseworker2_sunwu,
        reviewer=reviewer_sunwu,
        bureau=bureau_reviewer,
        make_household=make_household,
    )
    household = make_household(
        caseworker_sunwu,
        members=[
            member_data(name="王小明", relationship="son", id_number=new_id_number(born="20150301")),
            member_data(name="李秀英", relationship="spouse", id_number=new_id_number(born="19820304", male=False)),
            member_data(name="王老汉", relationship="father", id_number=new_id_number(born="19480101")),
        ],
    )
    approved = cases.to(ApplicationStatus.APPROVED)
    refused = cases.to(ApplicationStatus.COUNTY_REVIEW)
    cases.ready_for_approval(refused)
    services.application_county_reject(
        actor=bureau_reviewer, application=refused, reason_code="income_above_standard", comment="家庭收入高于保障标准"
    )
    on_notice = cases.to(ApplicationStatus.PUBLIC_NOTICE, cases.draft(household=cases.household()))
    notice = WrittenNotice.objects.get(application=refused)
    visit = approved.assessment.visits.get()
    del household

    directory = Path(os.environ.get("E2E_SCREENSHOT_DIR") or tmp_path)
    directory.mkdir(parents=True, exist_ok=True)
    login(page, live_server, caseworker_sunwu.username, PASSWORD)
    base = live_server.url
    papers = {
        "application-form": f"{base}/applications/{approved.pk}/papers/application/",
        "authorisation": f"{base}/applications/{approved.pk}/papers/authorisation/",
        "approval-form": f"{base}/applications/{approved.pk}/papers/approval/",
        "verification-form": f"{base}/assessments/visits/{visit.pk}/print/",
        "public-notice": f"{base}/notices/?village={on_notice.household.village_id}",
        "written-notice": f"{base}/written-notices/{notice.pk}/",
        "proof-of-service": f"{base}/written-notices/{notice.pk}/receipt/",
    }
    for name, url in papers.items():
        pdf = _render(page, url, name, directory)
        assert pdf.startswith(b"%PDF"), name
        assert pdf_pages(pdf) == 1, f"{name} prints on {pdf_pages(pdf)} pages"
        if name != "application-form" and name != "authorisation":
            expect(page.locator(".paper .seal").first).to_be_visible()

    # The 审核审批表 carries both opinions, by real name, and the per-capita income.
    page.goto(papers["approval-form"])
    expect(page.get_by_test_id("paper-township-opinion")).to_contain_text("同意")
    expect(page.get_by_test_id("paper-county-opinion")).to_contain_text(str(approved.benefit.monthly_amount))
    expect(page.get_by_test_id("paper-income")).not_to_have_text("—")
    # The 书面通知 has its document number; the 核查表 income against the standard.
    page.goto(papers["written-notice"])
    expect(page.get_by_test_id("doc-number")).to_contain_text("号")
    page.goto(papers["verification-form"])
    expect(page.get_by_test_id("paper-income")).to_contain_text("480")
