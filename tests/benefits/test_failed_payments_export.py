"""The failed payments work list downloads as xlsx: every failed item of the user's township with
the page's columns, the account masked as this user sees it on the page, never a formula,
audited; the page's and the download's queries do not grow with the items."""

import pytest
from django.urls import reverse

from benefits.payments import services as payments
from benefits.payments.rules import mask_account
from sunwu_relief import clock as real_clock
from tests.benefits.payment_builders import export, give_payee, result_file
from tests.benefits.programme_builders import benefit_from_roll
from tests.conftest import make_user, member_data
from tests.xlsx_checks import assert_downloads_audited, assert_safe, column, pinned, query_count, sheet_rows

pytestmark = pytest.mark.django_db

URL = reverse("benefits:failed-payments")


@pytest.fixture
def checker(db):
    return make_user("bureau_checker", "bureau_reviewer")


def _benefits(make_household, caseworker, bureau, count, *, programme="dibao", head="王大山"):
    month = f"{real_clock.current_month():%Y-%m}"
    benefits = []
    for _ in range(count):
        household = make_household(caseworker, head=member_data(name=head, relationship="head"))
        benefit = benefit_from_roll(household, actor=bureau, programme=programme, month=month)
        give_payee(benefit, actor=caseworker)
        benefits.append(benefit)
    return benefits


def _fail_all(bureau, checker, programme="dibao"):
    batch, _ = payments.payment_batch_prepare(actor=bureau, programme=programme, month=real_clock.current_month())
    payments.payment_batch_approve(actor=checker, batch=batch)
    failures = {seq: ("失败", "账户冻结") for seq in range(1, batch.items.count() + 1)}
    payments.bank_results_import(actor=None, source=result_file(export(batch), failures))
    return batch


def test_a_caseworker_downloads_the_failed_payments_of_their_township(
    client, make_household, caseworker_sunwu, caseworker_chenqing, reviewer_sunwu, bureau_reviewer, checker
):
    [ours] = _benefits(make_household, caseworker_sunwu, bureau_reviewer, 1, head="+王大山")
    _benefits(make_household, caseworker_chenqing, bureau_reviewer, 1, head="李春花")
    _fail_all(bureau_reviewer, checker)
    client.force_login(caseworker_sunwu)
    rows = sheet_rows(client.get(URL, {"format": "xlsx"}))
    assert column(rows, "户主") == ["+王大山"]
    assert column(rows, "银行反馈原因") == ["账户冻结"]
    assert column(rows, "账号") == [ours.payee.account_number]  # in full, as the caseworker's page shows it
    assert_safe(rows)
    assert_downloads_audited(caseworker_sunwu, "failed_payments", 1)
    client.force_login(reviewer_sunwu)
    rows = sheet_rows(client.get(URL, {"format": "xlsx"}))
    assert column(rows, "账号") == [mask_account(ours.payee.account_number)]  # masked, as on the reviewer's page
    client.force_login(caseworker_chenqing)
    assert column(sheet_rows(client.get(URL, {"format": "xlsx"})), "户主") == ["李春花"]


def test_the_download_needs_a_staff_role(client, poverty_office):
    client.force_login(poverty_office)
    assert client.get(URL, {"format": "xlsx"}).status_code == 403


def test_the_list_links_to_the_download(client, caseworker_sunwu):
    client.force_login(caseworker_sunwu)
    assert 'href="?format=xlsx"' in client.get(URL).content.decode()


@pytest.mark.parametrize("params", [{}, {"format": "xlsx"}], ids=["page", "download"])
def test_the_queries_do_not_grow_with_the_failed_items(
    client, make_household, caseworker_sunwu, bureau_reviewer, checker, params
):
    _benefits(make_household, caseworker_sunwu, bureau_reviewer, 2)
    _fail_all(bureau_reviewer, checker)
    client.force_login(caseworker_sunwu)
    few = query_count(client, URL, params)
    _benefits(make_household, caseworker_sunwu, bureau_reviewer, 4, programme="tekun")
    _fail_all(bureau_reviewer, checker, programme="tekun")
    assert len(sheet_rows(client.get(URL, {"format": "xlsx"}))) - 2 == 6
    assert query_count(client, URL, params) == few == pinned(params, page=9, download=9)
