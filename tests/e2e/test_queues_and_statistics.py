"""A township caseworker's day starts from the work queue: the oldest task opened, done, and the
count goes down; a bureau user downloads the monthly statistics report."""

import io

import openpyxl
import pytest
from playwright.sync_api import expect

from benefits.models import ApplicationStatus
from benefits.statistics.xlsx import HEADERS
from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e


def test_a_caseworker_works_the_oldest_task_from_the_queue(browser_page, live_server, login, cases, caseworker_sunwu):
    application = cases.to(ApplicationStatus.ACCEPTED)
    page = browser_page
    login(page, live_server, caseworker_sunwu.username, PASSWORD)
    page.goto(f"{live_server.url}/")
    expect(page.get_by_test_id("queue-count-to_start")).to_have_text("1")
    expect(page.get_by_test_id("queue-count-to_investigate")).to_have_text("0")
    with page.expect_navigation():
        page.get_by_test_id("queue-to_start").get_by_role("link").click()
    with page.expect_navigation():
        page.get_by_role("link", name=str(application.pk), exact=True).click()
    form = page.locator("form[data-step='start_investigation']")
    with page.expect_navigation():
        form.locator("button[type='submit']").click()
    page.goto(f"{live_server.url}/")
    expect(page.get_by_test_id("queue-count-to_start")).to_have_text("0")
    expect(page.get_by_test_id("queue-count-to_investigate")).to_have_text("1")


def test_a_bureau_user_downloads_the_monthly_report(browser_page, live_server, login, bureau_reviewer):
    page = browser_page
    login(page, live_server, bureau_reviewer.username, PASSWORD)
    page.goto(f"{live_server.url}/statistics/")
    expect(page.get_by_test_id("statistics-table")).to_be_visible()
    expect(page.get_by_test_id("statistics-total")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_test_id("statistics-download").click()
    download = download_info.value
    content = open(download.path(), "rb").read()
    rows = [[cell.value for cell in row] for row in openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows()]
    assert HEADERS in rows
    assert rows[-1][0] == "全县合计"
