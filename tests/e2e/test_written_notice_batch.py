"""The written notices of a village not yet delivered print at once in real Chromium: one A4
sheet per notice (the page break between them), each with the office, the date and the seal."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.benefits.notice_builders import stop_notice
from tests.conftest import PASSWORD
from tests.e2e.test_papers import pdf_pages

pytestmark = pytest.mark.e2e


def test_a_villages_notices_print_one_to_a_sheet(
    browser_page, live_server, login, make_household, caseworker_sunwu, bureau_reviewer, tmp_path
):
    page = browser_page
    village = caseworker_sunwu.staff_profile.township.villages.order_by("id").first()
    notices = [
        stop_notice(make_household, caseworker_sunwu, bureau_reviewer, village=village, head=name)
        for name in ("王大山", "赵二", "钱三")
    ]
    login(page, live_server, caseworker_sunwu.username, PASSWORD)
    page.goto(f"{live_server.url}/written-notices/?village={village.pk}")
    page.get_by_test_id("village-print").click()
    expect(page.get_by_test_id("paper")).to_have_count(len(notices))
    expect(page.locator(".paper .seal").first).to_be_visible()
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True)
    directory = Path(os.environ.get("E2E_SCREENSHOT_DIR") or tmp_path)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "written-notices-batch.pdf").write_bytes(pdf)
    assert pdf_pages(pdf) == len(notices)
