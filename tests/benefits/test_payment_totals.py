"""Totals of the payments per township of a batch and per township and programme of a month."""

from decimal import Decimal

import pytest
from django.urls import reverse

from benefits.models import ApplicationStatus, PaymentBatch
from benefits.payments import services as payments
from benefits.payments.selectors import batches_for
from benefits.payments.totals import batch_totals, month_totals
from sunwu_relief.roles import Role
from tests.benefits.payment_builders import give_payee
from tests.builders import CaseBuilder
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_townships(cases, caseworker_sunwu, caseworker_chenqing, township_chenqing, bureau_reviewer, make_household):
    chenqing = CaseBuilder(
        caseworker=caseworker_chenqing,
        caseworker2=make_user("cw2_chenqing", Role.CASEWORKER, township_chenqing),
        reviewer=make_user("tr_chenqing", Role.TOWNSHIP_REVIEWER, township_chenqing),
        bureau=bureau_reviewer,
        make_household=make_household,
    )
    sunwu = [
        cases.to(ApplicationStatus.APPROVED).benefit,
        cases.to(ApplicationStatus.APPROVED, wages=Decimal("450")).benefit,
    ]
    other = chenqing.to(ApplicationStatus.APPROVED).benefit
    for benefit in sunwu:
        give_payee(benefit, actor=caseworker_sunwu)
    give_payee(other, actor=caseworker_chenqing)
    return sunwu, other


def test_a_batch_totals_per_township_and_the_month_per_township_and_programme(
    two_townships, bureau_reviewer, django_assert_num_queries
):
    sunwu, other = two_townships
    month = other.start_month
    batch, _ = payments.payment_batch_prepare(actor=bureau_reviewer, programme="dibao", month=month)
    with django_assert_num_queries(1):  # the items grouped by township
        totals = batch_totals(batch)
    by_name = {t.township: t for t in totals}
    sunwu_name, other_name = sunwu[0].household.township.name, other.household.township.name
    assert set(by_name) == {sunwu_name, other_name}
    assert (by_name[sunwu_name].households, by_name[sunwu_name].total) == (
        2,
        sum((b.monthly_amount for b in sunwu), Decimal("0")),
    )
    assert (by_name[other_name].households, by_name[other_name].persons, by_name[other_name].total) == (
        1,
        other.covered_count,
        other.monthly_amount,
    )
    assert sum(t.total for t in totals) == batch.total
    with django_assert_num_queries(2):  # the month's programmes; the items grouped by township and programme
        month_view = month_totals(batches_for(bureau_reviewer), month=month)
    assert [code for code, _label in month_view.programmes] == ["dibao"]
    assert [name for name, _cells in month_view.cells()] == [sunwu_name, other_name]  # by township
    assert month_view.by_programme["dibao"].total == batch.total == month_view.total


def test_the_review_page_shows_the_month_across_programmes(client, two_townships, bureau_reviewer):
    batch, _ = payments.payment_batch_prepare(
        actor=bureau_reviewer, programme="dibao", month=two_townships[1].start_month
    )
    client.force_login(bureau_reviewer)
    page = client.get(reverse("admin:benefits_paymentbatch_review", args=[batch.pk])).content.decode()
    assert 'data-testid="month-totals"' in page
    total = PaymentBatch.objects.get().total
    assert f'data-testid="month-total">{total}<' in page.replace(",", "")
