"""The bureau pays a month in a real browser: one reviewer prepares the batch in the admin, the
preparer's own approval is refused, a second reviewer approves, and the bank file is downloaded."""

import io
from decimal import Decimal

import openpyxl
import pytest
from playwright.sync_api import expect

from benefits.models import ApplicationStatus, BatchStatus, PaymentBatch
from benefits.payments.bankfile import HEADERS
from tests.benefits.payment_builders import give_payee
from tests.builders import CaseBuilder
from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e


def test_prepare_approve_by_a_second_user_and_download_the_bank_file(
    browser_page,
    live_server,
    login,
    caseworker_sunwu,
    caseworker2_sunwu,
    reviewer_sunwu,
    bureau_reviewer,
    bureau_reviewer2,
    make_household,
):
    cases = CaseBuilder(
        caseworker=caseworker_sunwu,
        caseworker2=caseworker2_sunwu,
        reviewer=reviewer_sunwu,
        bureau=bureau_reviewer,
        make_household=make_household,
    )
    benefit = cases.to(ApplicationStatus.APPROVED).benefit
    give_payee(benefit, actor=caseworker_sunwu)
    month = f"{benefit.start_month:%Y-%m}"
    page = browser_page

    login(page, live_server, bureau_reviewer.username, PASSWORD)
    page.goto(f"{live_server.url}/admin/benefits/paymentbatch/")
    page.get_by_test_id("prepare-batch").click()
    page.locator("select[name='programme']").select_option("dibao")
    page.locator("input[name='month']").fill(month)
    with page.expect_navigation():
        page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("batch-check")).to_be_visible()
    assert Decimal(page.get_by_test_id("batch-total").inner_text()) == benefit.monthly_amount
    with page.expect_navigation():
        page.get_by_test_id("approve-batch").click()
    expect(page.locator(".messagelist .error")).to_be_visible()  # the preparer cannot approve
    batch = PaymentBatch.objects.get()
    assert batch.status == BatchStatus.DRAFT

    login(page, live_server, bureau_reviewer2.username, PASSWORD)
    page.goto(f"{live_server.url}/admin/benefits/paymentbatch/{batch.pk}/review/")
    with page.expect_navigation():
        page.get_by_test_id("approve-batch").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_test_id("download-bank-file").click()
    download = download_info.value
    assert download.suggested_filename == f"{batch.number}.xlsx"
    rows = list(
        openpyxl.load_workbook(io.BytesIO(open(download.path(), "rb").read())).active.iter_rows(values_only=True)
    )
    assert list(rows[0]) == HEADERS
    assert rows[1][7] == benefit.payee.account_number
    batch.refresh_from_db()
    assert batch.status == BatchStatus.EXPORTED
